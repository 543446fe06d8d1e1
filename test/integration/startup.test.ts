import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { alive } from '../helpers/processes.js';
import { copyTenants, editTenantJson, ROOT } from '../helpers/tenant-fixtures.js';
import { testTempDir } from '../helpers/tmp.js';

/**
 * The real entry point (`npm start` runs the same file), in a child process with its own env. Node
 * with tsx's loader rather than the tsx CLI: the CLI relays signals to a second process and gives up
 * after a few milliseconds when the machine is busy, which is not what is tested here.
 */
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    // Only what a fresh shell would have: no DATABASE_URL inherited from the test run.
    // LOAD_SHEDDING off: the rest of the suite keeps this machine busy, which is not what is tested here.
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'development', LOG_LEVEL: 'warn', LOAD_SHEDDING: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}; output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function get(port: number, host: string, url = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: url, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}


const dataDir = () => path.join(testTempDir('start'), 'data');

describe('process start-up (npm start)', () => {
  it('refuses to start on an invalid tenant.json, naming the file and the field, before starting PostgreSQL', async () => {
    const tenants = copyTenants(['montagne', 'dijon']);
    const file = editTenantJson(tenants, 'montagne', (c) => (c.membership.tiers[1].yearlyPriceCents = '1 200 €'));
    const data = dataDir();
    const app = start({ TENANTS_DIR: tenants, DATA_DIR: data, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()) });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain(file);
    expect(app.output()).toContain('membership.tiers[1].yearlyPriceCents : doit être un nombre entier');
    expect(app.output()).not.toMatch(/\n\s+at /); // an operator message, not a stack trace
    expect(existsSync(path.join(data, 'pg'))).toBe(false);
  });

  it('starts embedded PostgreSQL, migrates, seeds, serves both boards, stops cleanly and reuses its data', async () => {
    const data = dataDir();
    const port = await freePort();
    const env = { DATA_DIR: data, PORT: String(port), EMBEDDED_PG_PORT: String(await freePort()) };
    let app: ReturnType<typeof start> & { child: ChildProcess } = start(env);
    try {
      await waitFor(() => app.output().includes('montagne.localhost'), 90_000, 'first start', app.output);
      expect(app.output()).toContain('migration appliquée : 0001_foundation');
      expect(app.output()).toMatch(/démo montagne : \d+ entreprises, \d+ offres/);
      const montagne = await get(port, `montagne.localhost:${port}`);
      expect(montagne.status).toBe(200);
      expect(montagne.body).toContain('Emploi Montagne');
      expect((await get(port, `dijon.localhost:${port}`)).body).toContain('Jeunes &amp; Emploi Dijon');
      expect((await get(port, 'inconnu.example')).status).toBe(404);

      const postgresPid = Number(readFileSync(path.join(data, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      expect(alive(postgresPid)).toBe(true);
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      await waitFor(() => !alive(postgresPid), 10_000, 'PostgreSQL to stop', app.output);
      expect(existsSync(path.join(data, 'pg', 'postmaster.pid'))).toBe(false);

      app = start(env);
      await waitFor(() => app.output().includes('montagne.localhost'), 60_000, 'second start', app.output);
      expect(app.output()).not.toContain('migration appliquée');
      expect(app.output()).not.toContain('démo');
      expect((await get(port, `montagne.localhost:${port}`)).body).toContain('Emploi Montagne');
      app.child.kill('SIGINT');
      expect(await app.exited).toBe(0);
    } finally {
      if (app.child.exitCode === null) {
        app.child.kill('SIGKILL');
        await app.exited;
      }
    }
  }, 180_000);
});

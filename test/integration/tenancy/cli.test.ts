import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlankDatabase, createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { copyTenants, editTenantJson, ROOT, writeTenantFile } from '../../helpers/tenant-fixtures.js';
import { testTempDir } from '../../helpers/tmp.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run tenant -- …` as an operator runs it (without npm's banner), with its own tenants folder and database. */
function tenantCli(args: string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/tenant.ts', ...args], {
      cwd: ROOT,
      // No developer database or data folder leaks in: each test says where its tenants and database are.
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', DATABASE_URL: '', DATA_DIR: testTempDir('data'), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

// Each call starts node + tsx (a few seconds, more on a loaded machine).
describe('npm run tenant -- … (the CLI process)', { timeout: 120_000 }, () => {
  it('check lists every problem of a deliberately broken copy and exits 1', async () => {
    const tenantsDir = copyTenants(['montagne', 'dijon']);
    writeTenantFile(tenantsDir, 'dijon', 'views/pages/home.hbs', '{{#each offers}}<p>{{title}}</p>');
    writeTenantFile(tenantsDir, 'dijon', 'views/partials/footer.hbs', '<footer>{{> bandeau-region}}</footer>');
    editTenantJson(tenantsDir, 'dijon', (c) => {
      c.theme.primaryColor = '#facc15';
      c.hostnames = ['emploi-montagne.cordee.example'];
    });
    const run = await tenantCli(['check', 'dijon'], { TENANTS_DIR: tenantsDir });
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('[cordée] dijon : 4 problème(s) bloquant(s), 0 conseil(s)');
    expect(lines.flatMap((l) => /\[BLOQUANT\] (T\d+[\w-]*)/.exec(l)?.[1] ?? [])).toEqual(['T004-template', 'T010-partial', 'T012-duplicate-host', 'T009-contrast']);
    expect(run.stdout).toContain('views/partials/footer.hbs:1 : partiel « bandeau-region » introuvable');
    expect(run.stderr).toContain('4 problème(s) bloquant(s) : à corriger avant la mise en ligne');
    // The host is claimed twice: the other tenant's check says so too.
    const other = await tenantCli(['check', 'montagne'], { TENANTS_DIR: tenantsDir });
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('[BLOQUANT] T012-duplicate-host hostnames[0] « emploi-montagne.cordee.example » est déjà utilisé par le tenant dijon');
  });

  it('has --help per command, and refuses unknown commands, options and missing arguments with exit 1', async () => {
    const help = await tenantCli(['create', '--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage : npm run tenant -- create <slug> --name');
    const unknown = await tenantCli(['creer'], {});
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('commande inconnue « creer »');
    const missing = await tenantCli(['create', 'beaune', '--name', 'Beaune'], {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--host est obligatoire');
  });

  it('create on a fresh clone (no database yet) makes the folder, says the first start registers it, and refuses a taken host', async () => {
    const tenantsDir = copyTenants(['_skeleton', 'dijon']);
    const run = await tenantCli(['create', 'ml-besancon', '--name', 'Mission Locale de Besançon', '--host', 'emploi.ml-besancon.fr', '--from', 'dijon'], { TENANTS_DIR: tenantsDir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('pas encore de base');
    expect(run.stdout).toContain('Étapes suivantes');
    expect(existsSync(path.join(tenantsDir, 'ml-besancon', 'views', 'partials', 'footer.hbs'))).toBe(true);
    const taken = await tenantCli(['create', 'ml-dole', '--name', 'Dole', '--host', 'emploi.ml-besancon.fr'], { TENANTS_DIR: tenantsDir });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('le nom d’hôte « emploi.ml-besancon.fr » est déjà utilisé par le tenant ml-besancon');
    expect(existsSync(path.join(tenantsDir, 'ml-dole'))).toBe(false);
  });

  describe('with a database', () => {
    let db: TestDatabase;
    let env: Record<string, string>;

    beforeAll(async () => {
      db = await createTestDatabase();
      env = { TENANTS_DIR: copyTenants(['_skeleton', 'montagne', 'dijon', 'ge-occitanie']), DATABASE_URL: db.url };
    });

    afterAll(async () => {
      await db?.drop();
    });

    it('list shows host names and company and offer counts', async () => {
      const run = await tenantCli(['list'], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^montagne +Emploi Montagne +emploi-montagne\.cordee\.example +40 +\d+ \(\d+\)$/m);
      expect(run.stdout).toMatch(/^ge-occitanie +Temps Partagé Aveyron-Lozère +temps-partage-aveyron-lozere\.cordee\.example +15 +\d+ \(\d+\)$/m);
    });

    it('export writes JSON lines on stdout (messages on stderr) and import refuses the slug that exists', async () => {
      const exported = await tenantCli(['export', 'dijon'], env);
      expect(exported.code).toBe(0);
      const lines = exported.stdout.trim().split('\n');
      expect(JSON.parse(lines[0])).toMatchObject({ format: 'cordee-tenant', tenant: { id: 'dijon' } });
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ end: true, counts: { companies: 27 } });
      expect(exported.stderr).toContain('export de dijon : ');
      const imported = await tenantCli(['import'], env, exported.stdout);
      expect(imported.code).toBe(1);
      expect(imported.stderr).toContain('le tenant dijon existe déjà dans la base de ce déploiement');

      // A new deployment whose database is still blank: import creates the schema and reference data.
      const blank = await createBlankDatabase();
      try {
        // The same repository on both sides: the dijon folder there is identical to the export's, and kept.
        const elsewhere = { TENANTS_DIR: copyTenants(['montagne', 'dijon']), DATABASE_URL: blank.url };
        const moved = await tenantCli(['import'], elsewhere, exported.stdout);
        expect(moved.stderr).toBe('');
        expect(moved.code).toBe(0);
        expect(moved.stdout).toMatch(/migration appliquée : 0001_/);
        expect(moved.stdout).toMatch(/tenant dijon importé en [\d.]+ s : users \d+, .*companies 27/);
        expect(moved.stdout).toMatch(/dossier .*dijon déjà en place, conservé/);
        const list = await tenantCli(['list'], elsewhere);
        expect(list.stdout).toMatch(/^dijon +Jeunes & Emploi Dijon +.* +27 +\d+ \(\d+\)$/m);
        // The other folder is not registered by an import: the deployment's first start does that.
        expect(list.stdout).toMatch(/^montagne .*pas encore enregistré dans la base/m);
      } finally {
        await blank.drop();
      }
    });
  });
});

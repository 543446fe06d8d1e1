/**
 * What the benchmarks share (npm run bench, npm run bench:pages): a throw-away PostgreSQL, free ports,
 * the app under test in a child process, autocannon runs with latency percentiles and the server's
 * peak memory, and the Markdown tables they print.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';
import { findRootDir } from '../server/config.js';
import { startEmbeddedPostgres } from '../server/db/embedded.js';

export const ROOT = findRootDir();

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `serverUrl` when given (a server the caller runs), else a throw-away embedded PostgreSQL under `workDir`. */
export async function benchPostgres(workDir: string, serverUrl: string | undefined): Promise<{ url: string; stop(): Promise<void> }> {
  if (serverUrl) return { url: serverUrl, stop: async () => {} };
  const pg = await startEmbeddedPostgres({ dataDir: path.join(workDir, 'pg'), port: await freePort(), ephemeral: true });
  return { url: pg.url, stop: () => pg.stop() };
}

/** Resident memory of a process, in MiB (0 once it is gone). */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Status of one GET (0 when the connection fails). */
export function httpStatus(port: number, host: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', () => resolve(0));
  });
}

/**
 * A server under test: a Node child process running a TypeScript entry point with tsx's loader.
 * `profileDir`: write a CPU profile there when it exits (node --cpu-prof; open it in Chrome DevTools).
 */
export function startServer(entry: string, env: Record<string, string>, options: { args?: string[]; profileDir?: string } = {}): ChildProcess {
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  return spawn(process.execPath, [...profile, '--import', 'tsx', entry, ...(options.args ?? [])], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Waits until `path` answers 200 on `host`; throws if the process exits or a minute passes. */
export async function waitUntilServing(server: ChildProcess, port: number, host: string, path = '/healthz'): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await httpStatus(port, host, path)) !== 200) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error('le serveur ne démarre pas');
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
}

export interface Measure {
  requests: number;
  /** Answers other than `expectedStatus`, socket errors and timeouts. */
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  /** Peak resident memory of the server during the run (MiB). */
  rss: number;
}

export interface LoadOptions {
  port: number;
  pid: number;
  connections: number;
  durationS: number;
  /** Requests sent in turn by every connection. */
  requests: { host: string; path: string }[];
  accept?: string;
  expectedStatus?: (status: number) => boolean;
}

/** autocannon on keep-alive connections for `durationS` seconds: every response's latency, requests/s and peak RSS. */
export async function load(options: LoadOptions): Promise<Measure> {
  const latencies: number[] = [];
  const ok = options.expectedStatus ?? ((status: number) => status === 200);
  let errors = 0;
  let next = 0;
  let peakRss = rssMb(options.pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(options.pid))), 200);
  // Without a callback autocannon returns both a promise of the result and an event emitter.
  const instance = autocannon({
    url: `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    duration: options.durationS,
    requests: [
      {
        setupRequest: (request) => {
          const q = options.requests[next++ % options.requests.length];
          return { ...request, method: 'GET', path: q.path, headers: { host: q.host, accept: options.accept ?? '*/*' } };
        },
      },
    ],
  }) as unknown as Promise<autocannon.Result> & EventEmitter;
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (!ok(statusCode)) errors++;
    latencies.push(responseTime);
  });
  const result = await instance;
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors: errors + result.errors + result.timeouts,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    rps: latencies.length / options.durationS,
    rss: peakRss,
  };
}

/** A Markdown table (header, alignment row, rows). */
export function table(header: string[], align: ('l' | 'r')[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

/** The machine's load when a figure was taken (the README says under what load figures were measured). */
export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
}

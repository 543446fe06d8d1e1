import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { findRootDir } from '../../server/config.js';
export { alive } from '../helpers/processes.js';

export const ROOT = findRootDir();
/** The montagne board's production host name (production resolves only the hostnames of tenant.json). */
export const MONTAGNE_HOST = 'emploi-montagne.cordee.example';
export const STRIPE_WEBHOOK_SECRET = 'whsec_faultsuite';

export interface AppOptions {
  dataDir: string;
  port: number;
  /** Port of the embedded server the app starts itself; ignored with `databaseUrl`. */
  pgPort: number;
  /** A server the suite runs: the app then uses DATABASE_URL instead of its own embedded server. */
  databaseUrl?: string;
  /** Where the Stripe SDK sends its calls (a local stand-in for api.stripe.com). */
  stripeApiBase: string;
}

/** What the app's request log says about requests it accepted (Fastify's info lines). */
export interface RequestLedger {
  /** reqId → status code once completed; undefined while still in flight. */
  accepted: Map<string, number | undefined>;
  /** Requests refused with 503 because the server was closing (never accepted). */
  refusedWhileClosing: number;
  /** Requests that ended in 'request errored' (the reply could not be sent). */
  errored: number;
}

/**
 * The real app (server/main.ts) in a child process, in production mode, with the embedded PostgreSQL
 * it starts and supervises itself (DATABASE_EMBEDDED=true) or a DATABASE_URL. Its JSON log is read
 * line by line: the request ledger is what the server itself saw.
 */
export class AppProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  readonly ledger: RequestLedger = { accepted: new Map(), refusedWhileClosing: 0, errored: 0 };
  /** The last lines that were not request logs, for diagnostics. */
  readonly tail: string[] = [];
  /** The first requests that failed with a 500 ('request failed' lines), for diagnostics. */
  readonly failures: string[] = [];
  readonly origin: string;

  constructor(readonly options: AppOptions) {
    this.origin = `http://127.0.0.1:${options.port}`;
    const database: Record<string, string> = options.databaseUrl
      ? { DATABASE_URL: options.databaseUrl }
      : { DATABASE_EMBEDDED: 'true', EMBEDDED_PG_PORT: String(options.pgPort) };
    // Node with tsx's loader (not the tsx CLI, which relays signals through a second process).
    this.child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH!,
        HOME: process.env.HOME ?? '/tmp',
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        PORT: String(options.port),
        DATA_DIR: options.dataDir,
        JWT_SECRET: randomBytes(32).toString('base64'),
        COOKIE_SECRET: randomBytes(32).toString('base64'),
        SEED_DEMO: 'always',
        STRIPE_SECRET_KEY: 'sk_test_faultsuite',
        STRIPE_WEBHOOK_SECRET,
        STRIPE_API_BASE: options.stripeApiBase,
        ...database,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
    // FAULTS_APP_LOG=<file> keeps a copy of the app's log, to read what happened behind a failed target.
    const copy = process.env.FAULTS_APP_LOG;
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      if (copy) appendFileSync(copy, `${line}\n`);
      this.read(line);
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.keep(line));
  }

  private keep(line: string) {
    this.tail.push(line);
    if (this.tail.length > 200) this.tail.shift();
  }

  private read(line: string) {
    let entry: { msg?: string; reqId?: string; res?: { statusCode?: number } };
    try {
      entry = JSON.parse(line);
    } catch {
      return this.keep(line);
    }
    const { ledger } = this;
    if (entry.msg === 'incoming request' && entry.reqId) ledger.accepted.set(entry.reqId, undefined);
    else if (entry.msg === 'request completed' && entry.reqId) ledger.accepted.set(entry.reqId, entry.res?.statusCode ?? 0);
    else if (entry.msg === 'request errored' && entry.reqId) {
      ledger.errored += 1;
      ledger.accepted.set(entry.reqId, entry.res?.statusCode ?? 0);
    } else if (entry.msg?.startsWith('request aborted - refusing')) ledger.refusedWhileClosing += 1;
    else this.keep(line);
  }

  resetLedger() {
    this.ledger.accepted.clear();
    this.ledger.refusedWhileClosing = 0;
    this.ledger.errored = 0;
  }

  /** Waits until /readyz answers 200 (database reachable), or throws with the app's last lines. */
  async ready(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline && !exited) {
      if ((await status(`${this.origin}/readyz`, MONTAGNE_HOST)) === 200) return;
      await sleep(200);
    }
    throw new Error(`l’application n’est pas prête (${exited ? 'arrêtée' : 'délai dépassé'}) :\n${this.tail.slice(-30).join('\n')}`);
  }

  /** The postmaster's pid, from its lock file (the embedded server's, or the suite's own). */
  postmasterPid(pgDataDir = path.join(this.options.dataDir, 'pg')): number {
    return Number(readFileSync(path.join(pgDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  /** Resident memory of the app process, in MiB. */
  rssMiB(): number {
    const line = readFileSync(`/proc/${this.child.pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return line ? Number(line[1]) / 1024 : NaN;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** pids of `root` and all its descendants, from /proc (PostgreSQL's backends are the postmaster's children). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat, after the command name in parentheses (which may hold spaces).
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we read.
    }
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Status of one GET, 0 when the connection fails. */
export function status(url: string, host: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { headers: { host }, agent: false, timeout: 5_000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

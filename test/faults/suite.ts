import { chmodSync, mkdtempSync } from 'node:fs';
import http, { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../helpers/net.js';
import { AppProcess, MONTAGNE_HOST } from './app-process.js';
import { send, type Call } from './http-load.js';
import { DEMO_PASSWORD } from '../../server/db/seed/demo-seed.js';

/** One line of the report: the scenario's figures and whether each target was met. */
export interface ScenarioResult {
  name: string;
  figures: Record<string, string | number>;
  checks: { target: string; ok: boolean }[];
  /** Examples of what went wrong, printed under a failed scenario. */
  examples?: string[];
}

export type Scenario = (suite: Suite) => Promise<ScenarioResult>;

/** The real app under test and what scenarios share: its database, a token, live offers. */
export class Suite {
  app!: AppProcess;
  readonly workDir: string;
  private stripeStandIn?: Server;
  stripeApiBase = '';

  constructor() {
    this.workDir = mkdtempSync(path.join(tmpdir(), 'cordee-faults-'));
    // As root, the embedded server runs as the `postgres` user, which must reach its folder.
    chmodSync(this.workDir, 0o755);
  }

  /** Starts the Stripe stand-in and the app (production mode, its own supervised embedded PostgreSQL). */
  async start(): Promise<void> {
    this.stripeStandIn = await stripeStandIn();
    this.stripeApiBase = `http://127.0.0.1:${(this.stripeStandIn.address() as AddressInfo).port}`;
    this.app = await this.startApp({ dataDir: path.join(this.workDir, 'app') });
  }

  async startApp(options: { dataDir: string; databaseUrl?: string }): Promise<AppProcess> {
    const app = new AppProcess({ ...options, port: await freePort(), pgPort: await freePort(), stripeApiBase: this.stripeApiBase });
    await app.ready();
    return app;
  }

  /** Superuser URL of the embedded server the app runs (RLS does not apply: for checking, not for the app). */
  adminUrl(app = this.app): string {
    return app.options.databaseUrl ?? `postgres://postgres:cordee-embedded@127.0.0.1:${app.options.pgPort}/cordee`;
  }

  async query<T>(text: string, values: unknown[] = [], app = this.app): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.adminUrl(app), connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** A Bearer token of a demo account (default: the montagne employer), through the API like any client. */
  async token(app = this.app, host = MONTAGNE_HOST, email = 'employeur@montagne.demo'): Promise<string> {
    const outcome = await this.call(app, host, {
      method: 'POST',
      path: '/api/v1/auth/token',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: DEMO_PASSWORD }),
    });
    if (outcome.status !== 200) throw new Error(`jeton refusé pour ${email} : ${outcome.status} ${outcome.body}`);
    return JSON.parse(outcome.body).access_token;
  }

  /** The cookie header of a browser session of a demo account, signed in through the log-in form. */
  async sessionCookie(host: string, email: string): Promise<string> {
    const cookies = new Map<string, string>();
    const keep = (setCookie: string[] | undefined) => {
      for (const line of setCookie ?? []) {
        const [pair] = line.split(';');
        const name = pair.slice(0, pair.indexOf('='));
        cookies.set(name, pair.slice(name.length + 1));
      }
    };
    const header = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const form = await this.call(this.app, host, { path: '/compte/connexion' });
    keep(form.headers['set-cookie']);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
    const body = new URLSearchParams({ _csrf: csrf ?? '', email, password: DEMO_PASSWORD }).toString();
    const done = await this.call(this.app, host, { method: 'POST', path: '/compte/connexion', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header() }, body });
    if (done.status !== 303) throw new Error(`connexion refusée pour ${email} : ${done.status}`);
    keep(done.headers['set-cookie']);
    return header();
  }

  private async call(app: AppProcess, host: string, call: Call) {
    const agent = new http.Agent();
    try {
      return await send(new URL(app.origin), host, agent, call, 10_000);
    } finally {
      agent.destroy();
    }
  }

  /** Ids of live offers of a board (default montagne), from the public API. */
  async liveOfferIds(count: number, host = MONTAGNE_HOST): Promise<string[]> {
    const outcome = await this.call(this.app, host, { path: `/api/v1/offers?per_page=${Math.min(count, 100)}` });
    return (JSON.parse(outcome.body).hits as { id: string }[]).map((hit) => hit.id);
  }

  async stop(): Promise<void> {
    await this.app?.stop();
    await new Promise((resolve) => (this.stripeStandIn ? this.stripeStandIn.close(resolve) : resolve(undefined)));
  }
}

/**
 * Stands in for api.stripe.com (no network here): the app's catch-up job lists events, which is an
 * empty list; anything else is a Stripe-shaped 404. Webhooks themselves come signed from the scenario.
 */
function stripeStandIn(): Promise<Server> {
  const server = createServer((request, response) => {
    request.resume();
    response.setHeader('content-type', 'application/json');
    if (request.url?.startsWith('/v1/events')) return response.end(JSON.stringify({ object: 'list', data: [], has_more: false, url: '/v1/events' }));
    response.statusCode = 404;
    response.end(JSON.stringify({ error: { message: 'inconnu', type: 'invalid_request_error' } }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

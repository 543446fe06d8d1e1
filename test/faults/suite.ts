import { chmodSync, mkdtempSync } from 'node:fs';
import http, { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../helpers/net.js';
import { AppProcess, MONTAGNE_HOST } from './app-process.js';
import { send } from './http-load.js';

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

  /** A Bearer token of the montagne demo employer, through the API like any client. */
  async employerToken(app = this.app): Promise<string> {
    const agent = new http.Agent();
    const outcome = await send(new URL(app.origin), MONTAGNE_HOST, agent, {
      method: 'POST',
      path: '/api/v1/auth/token',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'employeur@montagne.demo', password: 'cordee-demo' }),
    }, 10_000);
    agent.destroy();
    if (outcome.status !== 200) throw new Error(`jeton refusé : ${outcome.status} ${outcome.body}`);
    return JSON.parse(outcome.body).access_token;
  }

  /** Ids of live montagne offers, from the public API. */
  async liveOfferIds(count: number): Promise<string[]> {
    const agent = new http.Agent();
    const outcome = await send(new URL(this.app.origin), MONTAGNE_HOST, agent, { path: `/api/v1/offers?per_page=${Math.min(count, 100)}` }, 10_000);
    agent.destroy();
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

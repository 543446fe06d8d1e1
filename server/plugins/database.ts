import fastifyPostgres from '@fastify/postgres';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { createKysely } from '../db/kysely.js';
import { APP_ROLE, listenForConnectionLoss, poolConfig } from '../db/pool.js';

/** Longest wait for in-flight requests at shutdown (close-with-grace forces the exit at 10 s). */
const SHUTDOWN_WAIT_MS = 8_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** Kysely over the app-role pool: every query is subject to row-level security. */
    db: Kysely<Database>;
  }
}

/** The pool (owned by @fastify/postgres, closed on app close) and Kysely on top of it. */
export default fp(
  async (app) => {
    const { url, appUrl, poolMax } = app.config.database;
    if (!url) throw new Error('buildApp: config.database.url est requis (main.ts démarre PostgreSQL embarqué sinon)');
    await app.register(
      fastifyPostgres,
      poolConfig({
        connectionString: appUrl ?? url,
        // Without a dedicated login role, the privileged connection switches to the app role.
        role: appUrl ? undefined : APP_ROLE,
        app: true,
        max: poolMax,
        applicationName: 'cordee',
      }),
    );
    // A connection dropped by the server. 57P01 (admin shutdown) is PostgreSQL stopping, e.g. with the
    // embedded server on Ctrl+C: expected, a warning. Only code and message: the error carries the client.
    listenForConnectionLoss(app.pg.pool, (error: Error & { code?: string }) =>
      app.log[error.code === '57P01' ? 'warn' : 'error']({ code: error.code, message: error.message }, 'PostgreSQL connection lost'),
    );
    app.decorate('db', createKysely(app.pg.pool));

    // Graceful shutdown: the server stops waiting for a request as soon as its client has gone, but the
    // handler may still be querying. Every request is tracked from onRequest to onSend (which every
    // reply passes, even to a closed socket; onResponse as a second way out) and the pool ends once
    // none is left, or after SHUTDOWN_WAIT_MS. This onClose hook is added after the pool's own, so it
    // runs before it (onClose hooks run in reverse order).
    const handling = new Set<FastifyRequest>();
    let allDone: (() => void) | undefined;
    const done = (request: FastifyRequest) => {
      if (handling.delete(request) && handling.size === 0) allDone?.();
    };
    app.addHook('onRequest', async (request) => void handling.add(request));
    app.addHook('onSend', async (request, _reply, payload) => {
      done(request);
      return payload;
    });
    app.addHook('onResponse', async (request) => done(request));
    app.addHook('onClose', async () => {
      if (handling.size === 0) return;
      app.log.info({ requests: handling.size }, 'waiting for in-flight requests before closing the pool');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (allDone = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS))),
      ]);
      clearTimeout(timer);
    });
  },
  { name: 'database' },
);

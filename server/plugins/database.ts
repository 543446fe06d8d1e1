import fastifyPostgres from '@fastify/postgres';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { createKysely } from '../db/kysely.js';
import { APP_ROLE, poolConfig } from '../db/pool.js';

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
    // An idle connection dropped by the server. 57P01 (admin shutdown) is PostgreSQL stopping, e.g. with
    // the embedded server on Ctrl+C: expected, a warning. Only code and message: the error carries the client.
    app.pg.pool.on('error', (error: Error & { code?: string }) =>
      app.log[error.code === '57P01' ? 'warn' : 'error']({ code: error.code, message: error.message }, 'idle PostgreSQL connection lost'),
    );
    app.decorate('db', createKysely(app.pg.pool));
  },
  { name: 'database' },
);

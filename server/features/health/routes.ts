import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { IGNORE_PRESSURE } from '../../plugins/under-pressure.js';

const READINESS_TIMEOUT_MS = 2_000;

async function databaseReachable(app: FastifyInstance): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), READINESS_TIMEOUT_MS)));
  const probe = sql`select 1`.execute(app.db).then(
    () => true,
    (error: unknown) => {
      app.log.warn({ err: error }, 'readiness: database unreachable');
      return false;
    },
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness and readiness for load balancers: answered on any host, no tenant data. */
export default async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', { config: { tenantless: true, ...IGNORE_PRESSURE } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { tenantless: true, ...IGNORE_PRESSURE } }, async (_request, reply) => {
    const [database, search] = await Promise.all([databaseReachable(app), app.offerSearch.externalHealth()]);
    reply.code(database ? 200 : 503);
    if (!database) reply.header('retry-after', '5');
    const checks: Record<string, string> = { database: database ? 'ok' : 'down' };
    // An external search engine that is down degrades search (PostgreSQL answers) but not readiness.
    if (search) checks.search = search.up ? 'ok' : 'down';
    const status = !database ? 'unavailable' : search && !search.up ? 'degraded' : 'ready';
    return { status, checks };
  });
}

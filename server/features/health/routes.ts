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
    const database = await databaseReachable(app);
    reply.code(database ? 200 : 503);
    if (!database) reply.header('retry-after', '5');
    return { status: database ? 'ready' : 'unavailable', checks: { database: database ? 'ok' : 'down' } };
  });
}

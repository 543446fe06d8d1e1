import fp from 'fastify-plugin';
import { withTenant } from '../../db/tenant-db.js';
import { isUuid } from '../../ids.js';
import { tenantDate } from '../billing/standing.js';
import { addViews } from './repository.js';
import { isAutomatedView, OfferViewCounter } from './view-counter.js';

/** How often counted views are written (a crash loses at most this much). */
const FLUSH_EVERY_MS = 5_000;
const OFFER_PAGE = '/offres/:id';

declare module 'fastify' {
  interface FastifyInstance {
    offerViews: {
      counter: OfferViewCounter;
      /** Writes the views counted so far (the timer does it every few seconds; tests and shutdown call it). */
      flush(): Promise<number>;
    };
  }
}

/**
 * Offer views, counted apart from rendering: an onResponse hook on the public offer page looks only at
 * the route, the status (200: a public offer; a closed one answers 410), the headers and the signed-in
 * role, so a page served from a cache or rendered by another engine counts the same. Robots,
 * prefetches, and the board's staff and employers are not counted. Counts are written per tenant in
 * one statement, under its row-level security, every few seconds and at shutdown.
 */
export default fp(
  async (app) => {
    const counter = new OfferViewCounter();

    async function flush(): Promise<number> {
      const batch = counter.drain();
      counter.prune(app.clock());
      if (batch.length === 0) return 0;
      const byTenant = new Map<string, typeof batch>();
      for (const views of batch) byTenant.set(views.tenantId, [...(byTenant.get(views.tenantId) ?? []), views]);
      let written = 0;
      for (const [tenantId, views] of byTenant) {
        try {
          await withTenant(app.db, tenantId, (t) => addViews(t, views));
          written += views.reduce((sum, v) => sum + v.views, 0);
        } catch (error) {
          // The database is away: keep the counts for the next flush.
          counter.restore(views);
          app.log.warn({ err: error, tenant: tenantId }, 'offer views not written yet');
        }
      }
      return written;
    }

    app.decorate('offerViews', { counter, flush });

    app.addHook('onResponse', async (request, reply) => {
      if (request.method !== 'GET' || reply.statusCode !== 200 || request.routeOptions.url !== OFFER_PAGE || !request.tenant) return;
      const offerId = (request.params as { id?: string }).id;
      if (!offerId || !isUuid(offerId)) return;
      if (request.user && request.user.role !== 'candidate' && request.user.role !== 'counsellor') return;
      if (isAutomatedView(request.headers)) return;
      const at = app.clock();
      counter.record({
        tenantId: request.tenant.id,
        offerId: offerId.toLowerCase(),
        day: tenantDate(request.tenant, at),
        visitor: `${request.ip}\n${request.headers['user-agent']}\n${request.headers['accept-language'] ?? ''}`,
        at,
      });
    });

    const timer = setInterval(() => void flush().catch((error: unknown) => app.log.error({ err: error }, 'offer views flush failed')), FLUSH_EVERY_MS);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await flush().catch((error: unknown) => app.log.error({ err: error }, 'offer views lost at shutdown'));
    });
  },
  { name: 'offer-views', dependencies: ['tenancy'] },
);

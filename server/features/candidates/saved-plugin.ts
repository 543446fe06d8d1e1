import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { withTenant } from '../../db/tenant-db.js';
import { savedAmong } from './repository.js';

/**
 * How a page draws the hearts of its offers:
 * - `account` (a signed-in candidate): real forms, POST with a CSRF token, state read from saved_offers;
 * - `visitor` (nobody signed in): links to the save page (log-in first without JavaScript), turned by
 *   /assets/js/saved-offers.js into toggles that keep the offers in the browser (localStorage);
 * - none for staff and employers, who do not look for a job here.
 */
export interface SaveControls {
  mode: 'account' | 'visitor';
  csrfToken?: string;
  /** Where a form posted without JavaScript comes back to. */
  returnTo: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The hearts of a page: other features ask through this decorator (no import of candidates). */
    savedOffers: {
      controls(request: FastifyRequest, reply: FastifyReply, offerIds: string[]): Promise<{ saving: SaveControls | null; saved: Set<string> }>;
    };
  }
}

export default fp(
  async (app) => {
    app.decorate('savedOffers', {
      async controls(request: FastifyRequest, reply: FastifyReply, offerIds: string[]) {
        const user = request.user;
        const returnTo = request.url;
        if (!user) return { saving: { mode: 'visitor' as const, returnTo }, saved: new Set<string>() };
        if (user.role !== 'candidate') return { saving: null, saved: new Set<string>() };
        const saved = await withTenant(app.db, request.tenant.id, (t) => savedAmong(t, user.id, offerIds));
        return { saving: { mode: 'account' as const, csrfToken: reply.csrfToken(), returnTo }, saved };
      },
    });
  },
  { name: 'saved-offers', dependencies: ['csrf'] },
);

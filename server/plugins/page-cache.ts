import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { GenerationCache } from '../features/search/generation-cache.js';
import { searchGeneration } from '../features/search/repository.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The page is the same for every anonymous visitor: it may be served from the page cache. */
    anonymousPageCache?: boolean;
  }
  interface FastifyRequest {
    /** The search generation read before rendering, when this answer may be kept in the page cache. */
    pageCacheGeneration?: number;
  }
}

/**
 * Whole HTML pages for anonymous visitors, kept under the tenant's search generation (migration 0009:
 * it moves with every committed change of the tenant's offers and companies; an offer's places are
 * written with the offer), exactly as the search results are: a page rendered at generation N is
 * served while the generation still reads N, so a write is never hidden, and for at most the search
 * cache's time limit, which bounds what the generation cannot see (an offer expiring by the clock,
 * « il y a 3 jours »).
 *
 * Only a GET without cookies or Authorization (nobody signed in, nothing personal: public pages carry
 * no CSRF token for visitors) on a route whose config sets `anonymousPageCache`, answered 200 without Set-Cookie,
 * is kept. The key holds the tenant and theme objects' identities (a settings change or a theme reload
 * builds new ones), the origin and the whole URL. View counting (offer-stats) is an onResponse hook:
 * a page from the cache counts the same.
 */
export default fp(
  async (app) => {
    const { maxBytes, ttlMs } = app.config.pageCache;
    if (maxBytes === 0) return;
    // The app's clock, so that a test (or anything else) moving it leaves the time limit honest.
    // Kept encoded: a hit sends the bytes as they are (no UTF-8 encoding of ~50 KB per request, and
    // the weight is the memory really held).
    const pages = new GenerationCache<Buffer>(maxBytes, ttlMs, (html) => html.length, () => app.clock().getTime());
    const identities = new WeakMap<object, number>();
    let nextIdentity = 0;
    const identity = (object: object) => {
      let id = identities.get(object);
      if (id === undefined) identities.set(object, (id = ++nextIdentity));
      return id;
    };
    const keyOf = (request: FastifyRequest) =>
      `${identity(request.tenant)}:${identity(app.theme(request.tenant))}\n${request.protocol}://${request.host}${request.url}`;

    app.addHook('preHandler', async (request, reply) => {
      if (request.method !== 'GET' || !request.routeOptions.config.anonymousPageCache || !request.tenant) return;
      if (request.user || request.headers.cookie || request.headers.authorization) return;
      const generation = Number(await searchGeneration(app.db, request.tenant.id));
      const html = pages.get(keyOf(request), generation);
      if (html === undefined) {
        request.pageCacheGeneration = generation;
        return;
      }
      return reply.type('text/html; charset=utf-8').header('x-page-cache', 'hit').send(html);
    });

    app.addHook('onSend', async (request, reply, payload) => {
      if (request.pageCacheGeneration === undefined || reply.statusCode !== 200 || typeof payload !== 'string' || reply.hasHeader('set-cookie')) return payload;
      pages.set(keyOf(request), request.pageCacheGeneration, Buffer.from(payload));
      return payload;
    });
  },
  { name: 'page-cache', dependencies: ['view'] },
);

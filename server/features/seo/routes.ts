import type { FastifyInstance } from 'fastify';
import { origin } from '../../plugins/view.js';
import { offersFeed, robotsTxt, sitemap } from './service.js';

/** What search engines and feed readers fetch: robots.txt, sitemap.xml and the RSS feed of new offers. */
export default async function seoRoutes(app: FastifyInstance) {
  app.get('/robots.txt', async (request, reply) => reply.type('text/plain; charset=utf-8').send(robotsTxt(origin(request))));

  app.get('/sitemap.xml', async (request, reply) => {
    const xml = await sitemap(app.db, request.tenant, origin(request));
    return reply.type('application/xml; charset=utf-8').header('cache-control', 'public, max-age=600').send(xml);
  });

  app.get('/offres/flux.xml', async (request, reply) => {
    const xml = await offersFeed(app.db, request.tenant, app.theme(request.tenant), origin(request));
    return reply.type('application/rss+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(xml);
  });
}

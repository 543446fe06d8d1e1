import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { origin } from '../../plugins/view.js';
import { homePage, publishedOffer } from './service.js';

export default async function offersRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/', async (request, reply) => {
    const home = await homePage(app.db, request.tenant);
    const { name, tagline } = request.tenant.config;
    return reply.page('pages/home', { meta: { title: name, description: tagline }, ...home });
  });

  // The offer list (/offres) is the search page: server/features/search/routes.ts.

  app.get<{ Params: { id: string } }>('/offres/:id', async (request, reply) => {
    const { offer, jsonLd } = await publishedOffer(app.db, request.tenant, request.params.id, origin(request));
    return reply.page('pages/offer', {
      meta: { title: `${offer.title} – ${offer.company_name}`, description: `${offer.title}, ${offer.place_name ?? ''}`, ogType: 'article' },
      offer,
      jsonLd,
    });
  });
}

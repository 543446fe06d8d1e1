import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { CONTRACTS } from '../../db/database.js';
import { origin } from '../../plugins/view.js';
import { OfferListQuery } from './schemas.js';
import { homePage, offerListPage, publishedOffer } from './service.js';

/** Pagination links that keep the current filters (shareable URLs). */
function pageLinks(query: OfferListQuery, page: number, pageCount: number) {
  const link = (n: number) => {
    const params = new URLSearchParams();
    if (query.q) params.set('q', query.q);
    if (query.secteur) params.set('secteur', query.secteur);
    if (query.contrat) params.set('contrat', query.contrat);
    if (n > 1) params.set('page', String(n));
    const qs = params.toString();
    return `/offres${qs ? `?${qs}` : ''}`;
  };
  return {
    current: page,
    count: pageCount,
    previous: page > 1 ? link(page - 1) : null,
    next: page < pageCount ? link(page + 1) : null,
  };
}

export default async function offersRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/', async (request, reply) => {
    const home = await homePage(app.db, request.tenant);
    const { name, tagline } = request.tenant.config;
    return reply.page('pages/home', { meta: { title: name, description: tagline }, ...home });
  });

  app.get('/offres', { schema: { querystring: OfferListQuery } }, async (request, reply) => {
    const query = request.query;
    const page = query.page ?? 1;
    const filter = { q: query.q?.trim() || undefined, sector: query.secteur, contract: query.contrat };
    const result = await offerListPage(app.db, request.tenant, filter, page);
    const t = app.theme(request.tenant);
    return reply.page('pages/offers', {
      meta: {
        title: t.t('offers.title'),
        description: t.t('offers.description', { name: request.tenant.config.name }),
        // Filtered and paged variants are not canonical pages of their own.
        canonicalPath: '/offres',
        noindex: Boolean(filter.q),
      },
      ...result,
      query,
      pagination: pageLinks(query, page, result.pageCount),
      contracts: CONTRACTS.map((code) => ({
        code,
        selected: code === query.contrat,
      })),
      sectors: request.tenant.config.sectors.map((s) => ({ ...s, selected: s.code === query.secteur })),
    });
  });

  app.get<{ Params: { id: string } }>('/offres/:id', async (request, reply) => {
    const { offer, jsonLd } = await publishedOffer(app.db, request.tenant, request.params.id, origin(request));
    return reply.page('pages/offer', {
      meta: { title: `${offer.title} – ${offer.company_name}`, description: `${offer.title}, ${offer.place_name ?? ''}`, ogType: 'article' },
      offer,
      jsonLd,
    });
  });
}

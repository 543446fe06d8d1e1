import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { origin } from '../../plugins/view.js';
import { OffersApiQuery, OffersApiResponse, PlacesApiQuery, PlacesApiResponse, SearchPageQuery } from './schemas.js';
import { offersApi, placesApi, searchMap, searchPage } from './service.js';

/** A GET form sends its empty fields (`secteur=`): they mean "no filter", not an invalid value. */
async function dropEmptyParameters(request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown>;
  for (const name of Object.keys(query)) if (query[name] === '') delete query[name];
}

/** The query API (/api/v1/offers, /api/v1/places) and the search page (/offres). */
export default async function searchRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/v1/offers', { preValidation: dropEmptyParameters, schema: { querystring: OffersApiQuery, response: { 200: OffersApiResponse } } }, async (request, reply) => {
    const { body, engine } = await offersApi(app.offerSearch, request.tenant, app.theme(request.tenant), request.query, origin(request));
    reply.header('x-search-engine', engine);
    return body;
  });

  app.get('/api/v1/places', { schema: { querystring: PlacesApiQuery, response: { 200: PlacesApiResponse } } }, async (request, reply) => {
    // Reference data: the same for every tenant and visitor.
    reply.header('cache-control', 'public, max-age=3600');
    return placesApi(app.offerSearch, request.query);
  });

  app.get('/offres', { preValidation: dropEmptyParameters, schema: { querystring: SearchPageQuery } }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const result = await searchPage(app.offerSearch, request.tenant, theme, request.query);
    const { saving, saved } = await app.savedOffers.controls(request, reply, result.offers.map((o) => o.id));
    const map = app.config.map;
    return reply.page('pages/offers', {
      meta: {
        title: theme.t('offers.title'),
        description: theme.t('offers.description', { name: request.tenant.config.name }),
        // Filtered and paged variants are not canonical pages of their own.
        canonicalPath: '/offres',
        noindex: result.filtered,
      },
      ...result,
      offers: result.offers.map((o) => ({ ...o, saved: saved.has(o.id) })),
      saving,
      // Without MAP_TILES_URL there is no map at all (nor its script): the list is the page.
      map: map ? { tiles: map.tilesUrl, attribution: map.attribution, dataUrl: result.mapDataUrl } : null,
    });
  });

  // The map's markers for the search page's filters (views/assets/js/map.js); public, like the list.
  app.get('/offres/carte.json', { preValidation: dropEmptyParameters, schema: { querystring: SearchPageQuery } }, async (request) => {
    return searchMap(app.offerSearch, request.tenant, request.query);
  });
}

import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { origin } from '../../plugins/view.js';
import { homePage, offerPage, type ChosenPlace } from './service.js';

/**
 * `?depuis=<INSEE>`: the place chosen on the search page, so the offer page says how far the offer is.
 * Only a convenience of the link: an unknown or malformed code loses the distance, never the page.
 */
const OfferQuery = Type.Object({ depuis: Type.Optional(Type.String({ maxLength: 20 })) });
const INSEE = /^[0-9][0-9AB][0-9]{3}$/;

export default async function offersRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/', { config: { anonymousPageCache: true } }, async (request, reply) => {
    const home = await homePage(app.db, request.tenant, app.theme(request.tenant));
    const { saving, saved } = await app.savedOffers.controls(request, reply, home.latest.map((o) => o.id));
    const { name, tagline } = request.tenant.config;
    return reply.page('pages/home', { meta: { title: name, description: tagline }, ...home, latest: home.latest.map((o) => ({ ...o, saved: saved.has(o.id) })), saving });
  });

  // The offer list (/offres) is the search page: server/features/search/routes.ts.

  app.get('/offres/:id', { config: { anonymousPageCache: true }, schema: { params: Type.Object({ id: Type.String({ maxLength: 64 }) }), querystring: OfferQuery } }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const { depuis } = request.query;
    const commune = depuis && INSEE.test(depuis) ? await app.offerSearch.commune(depuis) : undefined;
    const from: ChosenPlace | undefined = commune && { insee: commune.insee, lat: commune.lat, lon: commune.lon, label: commune.name };
    const page = await offerPage(app.db, request.tenant, request.params.id, origin(request), theme, from);
    const cards = [...page.samePost, ...page.companyOffers, ...page.similar];
    const { saving, saved } = await app.savedOffers.controls(request, reply, [page.offer.id, ...cards.map((c) => c.id)]);
    const mark = <T extends { id: string }>(list: T[]) => list.map((c) => ({ ...c, saved: saved.has(c.id) }));
    const { offer } = page;
    return reply.code(page.closed ? 410 : 200).page('pages/offer', {
      meta: {
        title: `${offer.title} – ${offer.company_name}`,
        description: `${offer.title}, ${offer.place_name ?? ''}`,
        ogType: 'article',
        noindex: Boolean(page.closed),
      },
      ...page,
      offer: { ...offer, saved: saved.has(offer.id) },
      samePost: mark(page.samePost),
      companyOffers: mark(page.companyOffers),
      similar: mark(page.similar),
      saving,
      share: {
        url: `${origin(request)}/offres/${offer.id}`,
        mailto: `mailto:?subject=${encodeURIComponent(`${offer.title} – ${offer.company_name}`)}&body=${encodeURIComponent(
          theme.t('offer.share.mailBody', { title: offer.title, company: offer.company_name, url: `${origin(request)}/offres/${offer.id}` }),
        )}`,
      },
    });
  });
}

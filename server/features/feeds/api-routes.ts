import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { origin } from '../../plugins/view.js';
import type { LimitRule } from '../../plugins/rate-limit.js';
import { offerResource } from '../offers/presenter.js';
import { ErrorResponse, OfferId, OfferResource } from '../offers/schemas.js';
import { hashKey, partnerOffer, partnerOffers } from './partner-api.js';

/** Requests per minute a partner key may make (per tenant; an absent or bad key counts per address). */
export const PARTNER_RATE = { max: 120, windowMs: 60_000 };

const keyOf = (request: FastifyRequest) => {
  const header = request.headers['x-api-key'];
  return typeof header === 'string' ? header : undefined;
};

const partnerRule: LimitRule = {
  name: 'partner-api',
  ...PARTNER_RATE,
  key: (request) => {
    const key = keyOf(request);
    return `${request.tenant.id}|${key ? `key|${hashKey(key).slice(0, 24)}` : `ip|${request.ip}`}`;
  },
};

const PartnerQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1 })),
    per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    updated_since: Type.Optional(Type.String({ format: 'date-time', description: 'Seulement les offres modifiées après cet instant (ISO 8601)' })),
  },
  { additionalProperties: false },
);

const PartnerOfferList = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  per_page: Type.Integer(),
  offers: Type.Array(OfferResource),
});

const security = [{ partnerKey: [] }];
const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, ErrorResponse]));

/**
 * The read-only API for partner sites: the offers of this board that are public and whose employer
 * agreed to their diffusion. A key from the tenant admin (`X-Api-Key`), rate-limited per key.
 */
export default async function partnerApiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const limit = app.limit([partnerRule]);

  app.get(
    '/api/v1/partner/offers',
    {
      // No session: partners authenticate with their key only (the Authorization header is not read).
      config: { auth: false },
      preHandler: limit,
      schema: {
        tags: ['partenaires'],
        summary: 'Offres diffusables (partenaires)',
        description:
          'Les offres en ligne de ce site dont l’employeur accepte la diffusion, les plus récemment modifiées d’abord. ' +
          `Clé fournie par l’administrateur du site dans l’en-tête X-Api-Key ; ${PARTNER_RATE.max} requêtes par minute et par clé (429 au-delà).`,
        security,
        querystring: PartnerQuery,
        response: { 200: PartnerOfferList, ...errors(400, 401, 429) },
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const perPage = request.query.per_page ?? 50;
      const updatedSince = request.query.updated_since ? new Date(request.query.updated_since) : undefined;
      const { rows, total } = await partnerOffers(app.db, request.tenant, keyOf(request), { page, perPage, updatedSince });
      return { total, page, per_page: perPage, offers: rows.map((row) => offerResource(row, origin(request))) };
    },
  );

  app.get(
    '/api/v1/partner/offers/:id',
    {
      config: { auth: false },
      preHandler: limit,
      schema: {
        tags: ['partenaires'],
        summary: 'Une offre diffusable (partenaires)',
        description: 'Une offre en ligne dont l’employeur accepte la diffusion ; 404 sinon.',
        security,
        params: OfferId,
        response: { 200: OfferResource, ...errors(401, 404, 429) },
      },
    },
    async (request) => offerResource(await partnerOffer(app.db, request.tenant, keyOf(request), request.params.id), origin(request)),
  );
}

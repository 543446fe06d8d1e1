import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireUser } from '../../plugins/auth.js';
import { origin } from '../../plugins/view.js';
import { companyOffers } from '../offers/manage-service.js';
import { CompanyId, CompanyOffersResponse, CompanyResource, ErrorResponse } from '../offers/schemas.js';
import { companyProfile } from './service.js';

/** GET /api/v1/companies/:id (public profile) and /offers (every offer, for its members and the admin). */
export default async function companiesApiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/v1/companies/:id',
    {
      schema: {
        tags: ['entreprises'],
        summary: 'Profil public d’une entreprise',
        params: CompanyId,
        response: { 200: CompanyResource, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => companyProfile(app.db, request.tenant, request.params.id, origin(request)),
  );

  app.get(
    '/api/v1/companies/:id/offers',
    {
      onRequest: requireUser,
      schema: {
        tags: ['entreprises'],
        summary: 'Toutes les offres d’une entreprise (tous états)',
        description: 'Réservé aux membres de l’entreprise et à l’administrateur du site.',
        security: [{ bearerAuth: [] }],
        params: CompanyId,
        response: { 200: CompanyOffersResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const ctx = { db: app.db, tenant: request.tenant, mail: app.mail, origin: origin(request), log: request.log };
      const { company, offers } = await companyOffers(ctx, request.user!, request.params.id);
      return {
        company: { id: company.id, name: company.name },
        offers: offers.map((o) => ({
          ...o,
          published_at: o.published_at?.toISOString() ?? null,
          expires_at: o.expires_at?.toISOString() ?? null,
          updated_at: o.updated_at.toISOString(),
        })),
      };
    },
  );
}

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireRole } from '../../plugins/auth.js';
import { ErrorResponse, HireDeclareBody, HireFactsBody, HireId, HireList, HireListQuery, HireResource, hireResource } from './schemas.js';
import type { DeclaredHireInput, HireInput } from './rules.js';
import { declareHire, hireForEditor, listHiresFor, updateHire, type HireContext } from './service.js';

const bearer = [{ bearerAuth: [] }];
const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, ErrorResponse]));

/**
 * The hires API (v1), for a company's members (their companies' hires) and the staff (every hire).
 * A hire from an application is recorded by POST /api/v1/applications/:id/hire (applications feature).
 */
export default async function hiresApiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context = (request: FastifyRequest): HireContext => ({ db: app.db, tenant: request.tenant, now: app.clock() });
  const companyOrStaff = requireRole('employer', 'admin');
  const read = async (request: FastifyRequest, id: string) => {
    const { hire, followUps } = await hireForEditor(context(request), request.user!, id);
    return hireResource(hire, followUps);
  };

  app.get(
    '/api/v1/hires',
    {
      onRequest: companyOrStaff,
      schema: {
        tags: ['embauches'],
        summary: 'Lister les embauches',
        description: 'Celles des entreprises de l’appelant (toutes pour l’équipe du site), les plus récentes d’abord, 50 par page ; from/to filtrent la date de début (from inclus, to exclu).',
        security: bearer,
        querystring: HireListQuery,
        response: { 200: HireList, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const { rows, more } = await listHiresFor(context(request), request.user!, { companyId: request.query.company_id, page, from: request.query.from, to: request.query.to });
      return { page, more, hires: rows.map((row) => hireResource(row, row.follow_ups)) };
    },
  );

  app.post(
    '/api/v1/hires',
    {
      onRequest: companyOrStaff,
      schema: {
        tags: ['embauches'],
        summary: 'Déclarer une embauche faite sans candidature du site',
        description:
          'Rencontré(e) sur le site et embauché(e) sans y candidater (platform_contact), ou simple déclaration (declared_only), sur une offre de l’entreprise ou non. ' +
          'La nature déclarée (creation / replacement) est datée et signée par l’appelant. 422 VALIDATION_FAILED avec les champs en cause.',
        security: bearer,
        body: HireDeclareBody,
        response: { 201: HireResource, ...errors(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const { id } = await declareHire(context(request), request.user!, request.body as DeclaredHireInput);
      return reply.code(201).header('location', `/api/v1/hires/${id}`).send(await read(request, id));
    },
  );

  app.get(
    '/api/v1/hires/:id',
    {
      onRequest: companyOrStaff,
      schema: { tags: ['embauches'], summary: 'Lire une embauche', security: bearer, params: HireId, response: { 200: HireResource, ...errors(401, 403, 404) } },
    },
    async (request) => read(request, request.params.id),
  );

  app.patch(
    '/api/v1/hires/:id',
    {
      onRequest: companyOrStaff,
      schema: {
        tags: ['embauches'],
        summary: 'Compléter ou corriger une embauche',
        description: 'Seuls les champs envoyés changent (dates, contrat, heures, fin et motif). Une nature déclarée ou changée est datée et signée par l’appelant ; elle ne s’efface pas.',
        security: bearer,
        params: HireId,
        body: HireFactsBody,
        response: { 200: HireResource, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      await updateHire(context(request), request.user!, request.params.id, request.body as HireInput);
      return read(request, request.params.id);
    },
  );
}

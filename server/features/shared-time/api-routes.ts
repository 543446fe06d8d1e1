import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { NeedSeason, NeedStatus } from '../../db/database.js';
import { notFound } from '../../errors.js';
import { requireUser } from '../../plugins/auth.js';
import { origin } from '../../plugins/view.js';
import type { NeedAction, ProposalAction } from './lifecycle.js';
import type { NeedInput } from './needs.js';
import { needResource, proposalResource } from './presenter.js';
import { DraftOfferApiBody, ErrorResponse, IdParams, NeedCreateBody, NeedListQuery, NeedListResponse, NeedPatchBody, NeedResource, ProposalListResponse, ProposalResource } from './schemas.js';
import * as service from './service.js';

const bearer = [{ bearerAuth: [] }];
const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, ErrorResponse]));
const TAGS = ['temps partagé'];

const NEED_ACTIONS: { path: string; action: NeedAction; summary: string }[] = [
  { path: 'validate', action: 'validate', summary: 'Valider un besoin (personnel du groupement) : brouillon → validé, le moteur le prend en compte' },
  { path: 'unvalidate', action: 'unvalidate', summary: 'Repasser un besoin validé en brouillon (personnel du groupement)' },
  { path: 'withdraw', action: 'withdraw', summary: 'Retirer un besoin (brouillon ou validé)' },
  { path: 'reopen', action: 'reopen', summary: 'Rouvrir un besoin retiré (→ brouillon)' },
];
const PROPOSAL_ACTIONS: { path: string; action: ProposalAction; summary: string }[] = [
  { path: 'pin', action: 'pin', summary: 'Épingler une combinaison : elle est gardée telle quelle aux recalculs' },
  { path: 'unpin', action: 'unpin', summary: 'Désépingler une combinaison' },
  { path: 'reject', action: 'reject', summary: 'Rejeter une combinaison : elle ne sera plus proposée' },
  { path: 'restore', action: 'restore', summary: 'Annuler le rejet d’une combinaison (le moteur pourra la proposer de nouveau)' },
];

/** An API body → the service's NeedInput (absent fields stay absent: PATCH). */
function apiInput(body: Partial<NeedInput> & { company_id?: string }): Partial<NeedInput> {
  const { company_id: _company, ...input } = body;
  return input;
}

/**
 * The shared-time API (v1): needs for member companies and GE staff (same checks and French messages
 * as the pages), combinations for GE staff. Bearer tokens; off on a tenant without shared time (404).
 */
export default async function sharedTimeApiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context = (request: FastifyRequest): service.SharedTimeContext => {
    const theme = app.theme(request.tenant);
    return { db: app.db, tenant: request.tenant, mail: app.mail, origin: origin(request), log: request.log, t: (key, params) => theme.t(key, params) };
  };
  const enabled = async (request: FastifyRequest) => {
    if (!service.sharedTimeEnabled(request.tenant)) throw notFound();
  };
  const guard = [enabled, requireUser];

  app.get(
    '/api/v1/shared-time/needs',
    {
      onRequest: guard,
      schema: {
        tags: TAGS,
        summary: 'Lister les besoins',
        description: 'Personnel du groupement : tous les besoins du site ; entreprise adhérente : les siens. Filtres : statut, métier (ROME, domaine ou grand domaine), saison, commune (INSEE) et rayon.',
        security: bearer,
        querystring: NeedListQuery,
        response: { 200: NeedListResponse, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const q = request.query;
      const filter: service.NeedListFilter = { status: q.status as NeedStatus | undefined, rome: q.rome, season: q.season as NeedSeason | undefined, commune: q.near, radiusKm: q.radius_km, companyId: q.company_id };
      const list = await service.listNeeds(context(request), request.user!, filter);
      return { total: list.rows.length, needs: list.rows.map(needResource) };
    },
  );

  app.post(
    '/api/v1/shared-time/needs',
    {
      onRequest: guard,
      schema: {
        tags: TAGS,
        summary: 'Déclarer un besoin (brouillon)',
        description: 'Entreprise adhérente (pour elle-même) ou personnel du groupement (pour une entreprise : `company_id`). Erreurs champ par champ, en français (422).',
        security: bearer,
        body: NeedCreateBody,
        response: { 201: NeedResource, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const given = apiInput(body) as NeedInput;
      const input: NeedInput = { ...given, short_contracts_replaced: given.short_contracts_replaced ?? 0, notes: given.notes ?? null };
      const need = await service.createNeed(context(request), request.user!, input, body.company_id);
      return reply.code(201).header('location', `/api/v1/shared-time/needs/${need.id}`).send(needResource(need));
    },
  );

  app.get(
    '/api/v1/shared-time/needs/:id',
    { onRequest: guard, schema: { tags: TAGS, summary: 'Lire un besoin', security: bearer, params: IdParams, response: { 200: NeedResource, ...errors(401, 403, 404) } } },
    async (request) => needResource((await service.getNeed(context(request), request.user!, request.params.id)).need),
  );

  app.patch(
    '/api/v1/shared-time/needs/:id',
    {
      onRequest: guard,
      schema: {
        tags: TAGS,
        summary: 'Modifier un besoin',
        description: 'Seuls les champs envoyés changent (brouillon ou validé ; 409 ensuite). Modifié par l’entreprise, un besoin validé repasse en brouillon.',
        security: bearer,
        params: IdParams,
        body: NeedPatchBody,
        response: { 200: NeedResource, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => needResource(await service.updateNeed(context(request), request.user!, request.params.id, apiInput(request.body as Partial<NeedInput>))),
  );

  for (const { path, action, summary } of NEED_ACTIONS) {
    app.post(
      `/api/v1/shared-time/needs/:id/${path}`,
      { onRequest: guard, schema: { tags: TAGS, summary, security: bearer, params: IdParams, response: { 200: NeedResource, ...errors(401, 403, 404, 409) } } },
      async (request) => needResource(await service.changeNeedStatus(context(request), request.user!, request.params.id, action)),
    );
  }

  app.get(
    '/api/v1/shared-time/proposals',
    {
      onRequest: guard,
      schema: {
        tags: TAGS,
        summary: 'Combinaisons proposées (personnel du groupement)',
        description: 'Épinglées, en offre, proposées puis rejetées ; chacune avec son profil sur 52 semaines, son score terme à terme et les contraintes vérifiées.',
        security: bearer,
        response: { 200: ProposalListResponse, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = context(request);
      const view = await service.overview(ctx, request.user!);
      const settings = service.sharedTimeSettings(request.tenant);
      return {
        computing: Boolean(view.state && view.state.computed_version < view.state.needs_version),
        proposals: [...view.proposals, ...view.rejected].map((p) => proposalResource(p, settings, ctx.t)),
      };
    },
  );

  app.get(
    '/api/v1/shared-time/proposals/:id',
    { onRequest: guard, schema: { tags: TAGS, summary: 'Lire une combinaison', security: bearer, params: IdParams, response: { 200: ProposalResource, ...errors(401, 403, 404) } } },
    async (request) => {
      const ctx = context(request);
      const view = await service.getProposal(ctx, request.user!, request.params.id);
      return proposalResource(view.proposal, service.sharedTimeSettings(request.tenant), ctx.t);
    },
  );

  for (const { path, action, summary } of PROPOSAL_ACTIONS) {
    app.post(
      `/api/v1/shared-time/proposals/:id/${path}`,
      { onRequest: guard, schema: { tags: TAGS, summary, security: bearer, params: IdParams, response: { 204: { type: 'null' }, ...errors(401, 403, 404, 409) } } },
      async (request, reply) => {
        await service.decideProposal(context(request), request.user!, request.params.id, action);
        return reply.code(204).send(null);
      },
    );
  }

  app.post(
    '/api/v1/shared-time/proposals/:id/offer',
    {
      onRequest: guard,
      schema: {
        tags: TAGS,
        summary: 'Préparer l’offre de CDI partagé',
        description: 'Crée le brouillon d’offre (contrat shared_time) de l’entreprise porteuse du groupement, avec chaque employeur, lieu, l’emploi du temps et le profil annuel ; les besoins passent « en combinaison ».',
        security: bearer,
        params: IdParams,
        body: DraftOfferApiBody,
        response: { 201: { type: 'object', properties: { offer_id: { type: 'string', format: 'uuid' } } }, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { offerId } = await service.draftOffer(context(request), request.user!, request.params.id, request.body.company_id);
      return reply.code(201).header('location', `/api/v1/offers/${offerId}`).send({ offer_id: offerId });
    },
  );
}

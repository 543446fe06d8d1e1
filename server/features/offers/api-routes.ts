import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireUser } from '../../plugins/auth.js';
import { origin } from '../../plugins/view.js';
import type { AccountContext } from '../accounts/service.js';
import { changeOfferStatus, createOffer, deleteOffer, duplicateOffer, OFFER_INPUT_DEFAULTS, readOffer, updateOffer, type OfferInput } from './manage-service.js';
import { offerResource } from './presenter.js';
import { apiInput, ErrorResponse, OfferCreateBody, OfferId, OfferPatchBody, OfferResource, RejectBody } from './schemas.js';

const bearer = [{ bearerAuth: [] }];
const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, ErrorResponse]));

/** Lifecycle endpoints: path → service action and the French summary of the OpenAPI document. */
const ACTIONS = [
  { path: 'submit', action: 'submit', summary: 'Soumettre un brouillon', description: 'Brouillon → en attente de relecture (site modéré) ou publiée (site sans modération, ou administrateur).' },
  {
    path: 'publish',
    action: 'publish',
    summary: 'Publier',
    description:
      'Administrateur : approuve une offre en attente de relecture (ou publie un brouillon). Membre de l’entreprise : publie un brouillon si le site ne modère pas les offres (sinon 403 OFFER_REVIEW_REQUIRED : utiliser submit). ' +
      'Exige le droit de publier de l’entreprise (adhésion à jour là où le site l’exige ; sinon 402 MEMBERSHIP_REQUIRED).',
  },
  { path: 'close', action: 'fill', summary: 'Clore (poste pourvu)', description: 'Publiée ou expirée → pourvue.' },
  { path: 'withdraw', action: 'withdraw', summary: 'Retirer (repasser en brouillon)', description: 'En attente ou publiée → brouillon.' },
  { path: 'renew', action: 'renew', summary: 'Prolonger', description: 'Publiée ou expirée → publiée ; expires_at prolongée de la durée de vie du site à partir de la plus tardive de expires_at et maintenant.' },
] as const;

/**
 * The offer API (v1) for employers and the tenant admin: create, read, change, delete and move offers
 * through their lifecycle. Bearer tokens only (see accounts); the list/search is GET /api/v1/offers
 * (search feature). Errors: `{error:{code,message,fields}}`.
 */
export default async function offersApiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context = (request: FastifyRequest): AccountContext => ({ db: app.db, tenant: request.tenant, mail: app.mail, origin: origin(request), log: request.log });

  app.post(
    '/api/v1/offers',
    {
      onRequest: requireUser,
      schema: {
        tags: ['offres'],
        summary: 'Créer une offre (brouillon)',
        description: 'Crée un brouillon pour l’entreprise de l’employeur (ou `company_id`). La description est assainie ; la commune complète code postal, nom et coordonnées.',
        security: bearer,
        body: OfferCreateBody,
        response: { 201: OfferResource, ...errors(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const input = { ...OFFER_INPUT_DEFAULTS, ...apiInput(request.body) } as OfferInput;
      const offer = await createOffer(context(request), request.user!, input, request.body.company_id);
      return reply.code(201).header('location', `/api/v1/offers/${offer.id}`).send(offerResource(offer, origin(request)));
    },
  );

  app.get(
    '/api/v1/offers/:id',
    {
      schema: {
        tags: ['offres'],
        summary: 'Lire une offre',
        description: 'Publique tant que l’offre est en ligne ; les membres de l’entreprise et l’administrateur du site la voient dans tous ses états (avec un jeton).',
        security: [{}, ...bearer],
        params: OfferId,
        response: { 200: OfferResource, ...errors(401, 404) },
      },
    },
    async (request) => offerResource(await readOffer(context(request), request.user, request.params.id), origin(request)),
  );

  app.patch(
    '/api/v1/offers/:id',
    {
      onRequest: requireUser,
      schema: {
        tags: ['offres'],
        summary: 'Modifier une offre',
        description: 'Seuls les champs envoyés changent. Possible en brouillon, en attente et publiée (409 OFFER_NOT_EDITABLE ensuite).',
        security: bearer,
        params: OfferId,
        body: OfferPatchBody,
        response: { 200: OfferResource, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => offerResource(await updateOffer(context(request), request.user!, request.params.id, apiInput(request.body)), origin(request)),
  );

  app.delete(
    '/api/v1/offers/:id',
    {
      onRequest: requireUser,
      schema: {
        tags: ['offres'],
        summary: 'Supprimer ou archiver une offre',
        description: 'Un brouillon jamais publié est supprimé définitivement ; toute autre offre est archivée (elle reste lisible par l’entreprise et comptée dans les rapports). 409 si elle est déjà archivée.',
        security: bearer,
        params: OfferId,
        response: { 204: Type.Null(), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const outcome = await deleteOffer(context(request), request.user!, request.params.id);
      return reply.code(204).header('x-offer-outcome', outcome).send(null);
    },
  );

  for (const { path, action, summary, description } of ACTIONS) {
    app.post(
      `/api/v1/offers/:id/${path}`,
      {
        onRequest: requireUser,
        schema: { tags: ['offres'], summary, description, security: bearer, params: OfferId, response: { 200: OfferResource, ...errors(401, 402, 403, 404, 409) } },
      },
      async (request) => offerResource(await changeOfferStatus(context(request), request.user!, request.params.id, action), origin(request)),
    );
  }

  app.post(
    '/api/v1/offers/:id/reject',
    {
      onRequest: requireUser,
      schema: {
        tags: ['offres'],
        summary: 'Refuser une offre en attente (administrateur)',
        description: 'En attente → brouillon ; le motif est envoyé par e-mail aux membres de l’entreprise et consigné au journal.',
        security: bearer,
        params: OfferId,
        body: RejectBody,
        response: { 200: OfferResource, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => offerResource(await changeOfferStatus(context(request), request.user!, request.params.id, 'reject', { reason: request.body.reason }), origin(request)),
  );

  app.post(
    '/api/v1/offers/:id/duplicate',
    {
      onRequest: requireUser,
      schema: {
        tags: ['offres'],
        summary: 'Dupliquer une offre',
        description: 'Nouveau brouillon avec le même contenu (quel que soit l’état de l’original).',
        security: bearer,
        params: OfferId,
        response: { 201: OfferResource, ...errors(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const copy = await duplicateOffer(context(request), request.user!, request.params.id);
      return reply.code(201).header('location', `/api/v1/offers/${copy.id}`).send(offerResource(copy, origin(request)));
    },
  );
}

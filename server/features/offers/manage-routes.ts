import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OfferStatus } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import { AppError } from '../../errors.js';
import { requireRole, requireUser } from '../../plugins/auth.js';
import { origin } from '../../plugins/view.js';
import type { AccountContext } from '../accounts/service.js';
import { CsrfOnlyBody } from '../accounts/schemas.js';
import * as companies from '../companies/repository.js';
import { canPublish, membershipRequired } from '../memberships/can-publish.js';
import { editOfferForm, formInput, formValues, newOfferForm, NEW_OFFER_DEFAULTS, OfferFormBody } from './forms.js';
import { EDITABLE_STATUSES, TRANSITIONS } from './lifecycle.js';
import { changeOfferStatus, companyOffers, createOffer, deleteOffer, duplicateOffer, offerForEdit, updateOffer, type StatusAction } from './manage-service.js';
import { offerPath } from './presenter.js';

/** French paths of the action buttons → service actions. */
const PAGE_ACTIONS: Record<string, StatusAction | 'duplicate' | 'delete'> = {
  soumettre: 'submit',
  retirer: 'withdraw',
  prolonger: 'renew',
  pourvue: 'fill',
  archiver: 'archive',
  dupliquer: 'duplicate',
  supprimer: 'delete',
};
const ACTION_PATHS = Object.fromEntries(Object.entries(PAGE_ACTIONS).map(([path, action]) => [action, path]));

const INFO: Record<string, string> = {
  creee: 'offersManage.info.created',
  modifiee: 'offersManage.info.updated',
  ...Object.fromEntries(Object.keys(PAGE_ACTIONS).map((path) => [path, `offersManage.info.${path}`])),
};

/** The buttons an owner sees for an offer in this state: read from the transition table. */
function ownerActions(status: OfferStatus, publishedOnce: boolean) {
  const actions: string[] = [];
  for (const action of ['submit', 'withdraw', 'renew', 'fill', 'archive'] as const) {
    if (TRANSITIONS[action].from.includes(status) && TRANSITIONS[action].by.includes('owner')) actions.push(action);
  }
  actions.push('duplicate');
  if (status === 'draft' && !publishedOnce) actions.splice(actions.indexOf('archive'), 1, 'delete');
  return actions;
}

/**
 * The employer's offer pages under /compte/offres: the company's offers in every status with the
 * lifecycle buttons, and the create/edit form. Every rule lives in manage-service.ts.
 */
export default async function offersManageRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context = (request: FastifyRequest): AccountContext => ({ db: app.db, tenant: request.tenant, mail: app.mail, origin: origin(request), log: request.log });
  const employer = requireRole('employer');

  app.get('/compte/offres', { onRequest: employer }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const user = request.user!;
    const summary = await withTenant(app.db, request.tenant.id, async (t) => {
      const [first] = await companies.companiesOfUser(t, user.id);
      if (!first) return undefined;
      return { company: first, allowed: await canPublish(t, request.tenant, first.id) };
    });
    if (!summary) return reply.redirect('/compte/entreprise/nouvelle', 303);
    const { offers } = await companyOffers(context(request), user, summary.company.id);
    const moderation = request.tenant.config.offers.moderation;
    const info = INFO[(request.query as { info?: string }).info ?? ''];
    return reply.page('pages/offers-manage/list', {
      meta: { title: theme.t('offersManage.list.title'), noindex: true },
      company: summary.company,
      notice: info ? theme.t(info) : undefined,
      membershipWarning: membershipRequired(request.tenant) && !summary.allowed,
      csrfToken: reply.csrfToken(),
      offers: offers.map((offer) => ({
        ...offer,
        statusLabel: theme.t(`offerStatus.${offer.status}`),
        editable: EDITABLE_STATUSES.includes(offer.status),
        publicUrl: offer.status === 'published' && offer.expires_at && offer.expires_at > new Date() ? offerPath(offer.id) : undefined,
        actions: ownerActions(offer.status, offer.published_at !== null).map((action) => ({
          path: ACTION_PATHS[action],
          label: theme.t(action === 'submit' && !moderation ? 'offersManage.action.publish' : `offersManage.action.${action}`),
          secondary: action !== 'submit',
        })),
      })),
    });
  });

  app.get('/compte/offres/nouvelle', { onRequest: employer, config: { form: newOfferForm } }, async (_request, reply) => reply.form({ values: NEW_OFFER_DEFAULTS }));

  app.post(
    '/compte/offres/nouvelle',
    { onRequest: employer, config: { form: newOfferForm }, schema: { body: OfferFormBody } },
    async (request, reply) => {
      await createOffer(context(request), request.user!, formInput(request.body));
      return reply.redirect('/compte/offres?info=creee', 303);
    },
  );

  const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

  app.get('/compte/offres/:id/modifier', { onRequest: requireUser, config: { form: editOfferForm }, schema: { params: IdParams } }, async (request, reply) => {
    const offer = await offerForEdit(context(request), request.user!, request.params.id);
    const theme = app.theme(request.tenant);
    return reply.form({ values: formValues(offer), data: { offer: { id: offer.id, status: theme.t(`offerStatus.${offer.status}`) } } });
  });

  app.post(
    '/compte/offres/:id/modifier',
    { onRequest: requireUser, config: { form: editOfferForm }, schema: { params: IdParams, body: OfferFormBody } },
    async (request, reply) => {
      await updateOffer(context(request), request.user!, request.params.id, formInput(request.body));
      return reply.redirect('/compte/offres?info=modifiee', 303);
    },
  );

  app.post(
    '/compte/offres/:id/:action',
    { onRequest: requireUser, schema: { params: Type.Object({ id: Type.String({ maxLength: 64 }), action: Type.String({ maxLength: 20 }) }), body: CsrfOnlyBody } },
    async (request, reply) => {
      const action = PAGE_ACTIONS[request.params.action];
      if (!action) throw new AppError('NOT_FOUND', 404);
      const ctx = context(request);
      const user = request.user!;
      if (action === 'duplicate') await duplicateOffer(ctx, user, request.params.id);
      else if (action === 'delete') await deleteOffer(ctx, user, request.params.id);
      else await changeOfferStatus(ctx, user, request.params.id, action);
      const back = user.role === 'admin' ? '/admin/moderation' : '/compte/offres';
      return reply.redirect(`${back}?info=${request.params.action}`, 303);
    },
  );
}

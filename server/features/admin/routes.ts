import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireRole } from '../../plugins/auth.js';
import { origin } from '../../plugins/view.js';
import { CsrfOnlyBody } from '../accounts/schemas.js';
import type { AccountContext } from '../accounts/service.js';
import { rejectForm, RejectFormBody } from '../offers/forms.js';
import { changeOfferStatus, moderationQueue, offerForEdit } from '../offers/manage-service.js';
import { presentDetail } from '../offers/presenter.js';
import { auditList, companiesList, usersList } from './service.js';

const INFO: Record<string, string> = { approuvee: 'admin.info.approved', refusee: 'admin.info.rejected' };

const ListQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })), page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) });
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** An audit detail in words; a `{before, after}` change reads « avant → après » (null: the file's value, for settings). */
function detailText(value: unknown, nullText: string): string {
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const side = (v: unknown) => (v === null ? nullText : text(v));
  if (value && typeof value === 'object' && 'before' in value && 'after' in value) return `${side(value.before)} → ${side(value.after)}`;
  return text(value);
}

/**
 * The tenant admin space (/admin, role admin): moderation queue (approve, reject with a reason that
 * is e-mailed), companies and users with search and pagination, and the audit log of admin actions.
 */
export default async function adminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context = (request: FastifyRequest): AccountContext => ({ db: app.db, tenant: request.tenant, mail: app.mail, origin: origin(request), log: request.log });
  const admin = requireRole('admin');

  app.get('/admin', { onRequest: admin }, async (_request, reply) => reply.redirect('/admin/moderation', 303));

  app.get('/admin/moderation', { onRequest: admin }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const queue = await moderationQueue(app.db, request.tenant);
    const info = INFO[(request.query as { info?: string }).info ?? ''];
    return reply.page('pages/admin/moderation', {
      meta: { title: theme.t('admin.moderation.title'), noindex: true },
      section: 'moderation',
      notice: info ? theme.t(info) : undefined,
      offers: queue,
    });
  });

  app.get('/admin/moderation/:id', { onRequest: admin, schema: { params: IdParams } }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const offer = await offerForEdit(context(request), request.user!, request.params.id);
    return reply.page('pages/admin/review', {
      meta: { title: theme.t('admin.review.title', { title: offer.title }), noindex: true },
      section: 'moderation',
      offer: { ...presentDetail(request.tenant.config, offer, theme), statusLabel: theme.t(`offerStatus.${offer.status}`) },
      pending: offer.status === 'pending_review',
      csrfToken: reply.csrfToken(),
    });
  });

  app.post('/admin/moderation/:id/approuver', { onRequest: admin, schema: { params: IdParams, body: CsrfOnlyBody } }, async (request, reply) => {
    await changeOfferStatus(context(request), request.user!, request.params.id, 'publish');
    return reply.redirect('/admin/moderation?info=approuvee', 303);
  });

  app.get('/admin/moderation/:id/refuser', { onRequest: admin, config: { form: rejectForm }, schema: { params: IdParams } }, async (request, reply) => {
    const offer = await offerForEdit(context(request), request.user!, request.params.id);
    return reply.form({ data: { offer: { id: offer.id, title: offer.title } } });
  });

  app.post(
    '/admin/moderation/:id/refuser',
    { onRequest: admin, config: { form: rejectForm }, schema: { params: IdParams, body: RejectFormBody } },
    async (request, reply) => {
      await changeOfferStatus(context(request), request.user!, request.params.id, 'reject', { reason: request.body.reason });
      return reply.redirect('/admin/moderation?info=refusee', 303);
    },
  );

  app.get('/admin/entreprises', { onRequest: admin, schema: { querystring: ListQuery } }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const list = await companiesList(app.db, request.tenant, request.query.q?.trim() || undefined, request.query.page);
    return reply.page('pages/admin/companies', {
      meta: { title: theme.t('admin.companies.title'), noindex: true },
      section: 'companies',
      q: request.query.q ?? '',
      ...list,
      rows: list.rows.map((row) => ({ ...row, membershipLabel: row.membership_status ? theme.t(`membershipStatus.${row.membership_status}`) : '—' })),
    });
  });

  app.get('/admin/utilisateurs', { onRequest: admin, schema: { querystring: ListQuery } }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const list = await usersList(app.db, request.tenant, request.query.q?.trim() || undefined, request.query.page);
    return reply.page('pages/admin/users', {
      meta: { title: theme.t('admin.users.title'), noindex: true },
      section: 'users',
      q: request.query.q ?? '',
      ...list,
      rows: list.rows.map((row) => ({ ...row, roleLabel: theme.t(`role.${row.role}`) })),
    });
  });

  app.get('/admin/journal', { onRequest: admin, schema: { querystring: ListQuery } }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const list = await auditList(app.db, request.tenant, request.query.page);
    return reply.page('pages/admin/audit', {
      meta: { title: theme.t('admin.audit.title'), noindex: true },
      section: 'audit',
      ...list,
      rows: list.rows.map((row) => ({
        ...row,
        actionLabel: theme.strings[`audit.${row.action}`] ?? row.action,
        details: Object.entries(row.details ?? {})
          .map(([key, value]) => `${key} : ${detailText(value, theme.t('settings.audit.file'))}`)
          .join(' · '),
      })),
    });
  });
}

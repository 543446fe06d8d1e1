import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { REPORT_REASONS } from '../../db/database.js';
import { requireRole, requireUser } from '../../plugins/auth.js';
import type { FormPage } from '../../plugins/forms.js';
import { perIp, type LimitRule } from '../../plugins/rate-limit.js';
import { requestContext } from '../../request-context.js';
import { onlyWithFeature } from '../../tenancy/feature-gate.js';
import { ErrorResponse } from '../accounts/schemas.js';
import { visibleMessage } from '../messaging/service.js';
import {
  decideOnMessage,
  decideOnOffer,
  MODERATION_ACTIONS,
  moderationQueue,
  reportableOffer,
  reportedMessageCase,
  reportedOfferCase,
  reportMessage,
  reportOffer,
  type ModerationAction,
} from './service.js';

const Csrf = Type.Optional(Type.String({ maxLength: 200 }));
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Reason = Type.Union(REPORT_REASONS.map((r) => Type.Literal(r)));
const ReportBody = Type.Object({ _csrf: Csrf, reason: Reason, details: Type.Optional(Type.String({ maxLength: 1000 })) });
const ApiReportBody = Type.Object(
  {
    reason: Type.Union(REPORT_REASONS.map((r) => Type.Literal(r)), {
      description: 'harassment (harcèlement), discrimination, money_request (demande d’argent), fraudulent_offer (offre frauduleuse), sexual_content (contenu sexuel), sensitive_data (données sensibles)',
    }),
    details: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
const DecisionParams = Type.Object({ id: Type.String({ format: 'uuid' }), action: Type.Union(MODERATION_ACTIONS.map((a) => Type.Literal(a))) });
const CsrfOnly = Type.Object({ _csrf: Csrf });

const reasonOptions = REPORT_REASONS.map((value) => ({ value, label: `reportReason.${value}` }));
const reportFields: FormPage['fields'] = [
  { name: 'reason', type: 'radio', label: 'fields.report_reason.label', required: true, options: reasonOptions },
  { name: 'details', type: 'textarea', label: 'fields.report_details.label', hint: 'moderation.report.detailsHint', maxlength: 1000 },
];
const reportMessageForm: FormPage = { id: 'reportMessage', template: 'pages/moderation/report', title: 'moderation.report.messageTitle', fields: reportFields };
const reportOfferForm: FormPage = { id: 'reportOffer', template: 'pages/moderation/report', title: 'moderation.report.offerTitle', fields: reportFields };

// Reporting is cheap for a bot: per IP, like applying.
const reportsPerIp: LimitRule = { name: 'report/ip', max: 20, windowMs: 60 * 60_000, key: perIp };

const DECISION_INFO: Record<ModerationAction, string> = {
  hide: 'moderation.info.hidden',
  restore: 'moderation.info.restored',
  warn: 'moderation.info.warned',
  suspend: 'moderation.info.suspended',
};

/**
 * « Signaler » (messages: /messages/signaler/:id, offers: /offres/:id/signaler, and the API) and the
 * tenant admin's moderation queue of reported messages and offers (/admin/signalements). Behind
 * features.messaging.
 */
export default async function moderationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  onlyWithFeature(fastify, 'messaging');
  const ctx = (request: FastifyRequest) => requestContext(app, request);
  const t = (request: FastifyRequest) => app.theme(request.tenant);
  const id = (request: FastifyRequest) => (request.params as { id: string }).id;

  // Reporting a message (its thread's participants only)

  const messageData = async (request: FastifyRequest) => {
    const { message } = await visibleMessage(ctx(request), request.user!, id(request));
    return { target: { kind: 'message', excerpt: message.body?.slice(0, 300) ?? message.attachment_name ?? '', author: message.author_name, back: `/messages/${message.thread_id}` } };
  };

  app.get('/messages/signaler/:id', { onRequest: requireUser, config: { form: reportMessageForm, formData: messageData }, schema: { params: IdParams } }, async (request, reply) =>
    reply.form({ data: await messageData(request) }),
  );

  app.post(
    '/messages/signaler/:id',
    { onRequest: requireUser, config: { form: reportMessageForm, formData: messageData }, schema: { params: IdParams, body: ReportBody }, preHandler: app.limit([reportsPerIp]) },
    async (request, reply) => {
      const result = await reportMessage(ctx(request), request.user!, request.params.id, { reason: request.body.reason, details: request.body.details?.trim() || null });
      const theme = t(request);
      return reply.page('pages/moderation/reported', {
        meta: { title: theme.t('moderation.reported.title'), noindex: true },
        lead: theme.t(result.hidden ? 'moderation.reported.hidden' : 'moderation.reported.lead'),
        back: `/messages/${result.threadId}`,
      });
    },
  );

  // Reporting an offer: the public form the offer page links to

  const offerData = async (request: FastifyRequest) => {
    const offer = await reportableOffer(ctx(request), id(request));
    return { target: { kind: 'offer', excerpt: offer.title, author: offer.company_name, back: `/offres/${offer.id}` } };
  };

  app.get('/offres/:id/signaler', { config: { form: reportOfferForm, formData: offerData }, schema: { params: IdParams } }, async (request, reply) =>
    reply.form({ data: await offerData(request) }),
  );

  app.post(
    '/offres/:id/signaler',
    { config: { form: reportOfferForm, formData: offerData }, schema: { params: IdParams, body: ReportBody }, preHandler: app.limit([reportsPerIp]) },
    async (request, reply) => {
      await reportOffer(ctx(request), request.user, request.params.id, { reason: request.body.reason, details: request.body.details?.trim() || null });
      const theme = t(request);
      return reply.page('pages/moderation/reported', {
        meta: { title: theme.t('moderation.reported.title'), noindex: true },
        lead: theme.t('moderation.reported.offer'),
        back: `/offres/${request.params.id}`,
      });
    },
  );

  // The same through the API

  const apiErrors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse };

  app.post(
    '/api/v1/messages/:id/reports',
    {
      onRequest: requireUser,
      preHandler: app.limit([reportsPerIp]),
      schema: {
        tags: ['messagerie'],
        summary: 'Signaler un message',
        description: 'Un message signalé par un mineur, ou par deux personnes, est masqué jusqu’à la décision de l’administration du site. `hidden` dit s’il l’est maintenant.',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        body: ApiReportBody,
        response: { 201: Type.Object({ hidden: Type.Boolean() }), ...apiErrors },
      },
    },
    async (request, reply) => {
      const result = await reportMessage(ctx(request), request.user!, request.params.id, { reason: request.body.reason, details: request.body.details?.trim() || null });
      return reply.code(201).send({ hidden: result.hidden });
    },
  );

  app.post(
    '/api/v1/offers/:id/reports',
    {
      preHandler: app.limit([reportsPerIp]),
      schema: {
        tags: ['offres'],
        summary: 'Signaler une offre',
        description: 'Offre publiée seulement ; jeton facultatif. Le signalement rejoint la file de modération du site.',
        params: IdParams,
        body: ApiReportBody,
        response: { 201: Type.Object({ received: Type.Boolean() }), ...apiErrors },
      },
    },
    async (request, reply) => {
      await reportOffer(ctx(request), request.user, request.params.id, { reason: request.body.reason, details: request.body.details?.trim() || null });
      return reply.code(201).send({ received: true });
    },
  );

  // The admin queue

  const admin = requireRole('admin');
  const reasonLabels = (request: FastifyRequest, reasons: string[]) => reasons.map((r) => t(request).t(`reportReason.${r}`)).join(', ');

  app.get('/admin/signalements', { onRequest: admin }, async (request, reply) => {
    const theme = t(request);
    const info = (request.query as { info?: string }).info;
    return reply.page('pages/moderation/queue', {
      meta: { title: theme.t('moderation.queue.title'), noindex: true },
      section: 'reports',
      rows: (await moderationQueue(ctx(request))).map((row) => ({
        ...row,
        reasonsText: reasonLabels(request, row.reasons),
        href: `/admin/signalements/${row.target === 'message' ? 'messages' : 'offres'}/${row.target_id}`,
        targetLabel: theme.t(`moderation.target.${row.target}`),
      })),
      notice: info && info in DECISION_INFO ? theme.t(DECISION_INFO[info as ModerationAction]) : undefined,
    });
  });

  app.get('/admin/signalements/messages/:id', { onRequest: admin, schema: { params: IdParams } }, async (request, reply) => {
    const theme = t(request);
    const found = await reportedMessageCase(ctx(request), request.params.id);
    return reply.page('pages/moderation/case', {
      meta: { title: theme.t('moderation.case.messageTitle'), noindex: true },
      section: 'reports',
      message: found.message,
      reports: found.reports.map((r) => ({ ...r, reasonLabel: theme.t(`reportReason.${r.reason}`), decisionLabel: r.decision ? theme.t(`moderation.decision.${r.decision}`) : undefined })),
      actionBase: `/admin/signalements/messages/${request.params.id}`,
      canSuspend: Boolean(found.message.author_user_id) && !found.message.author_disabled_at && found.message.author_role !== 'admin',
      csrfToken: reply.csrfToken(),
    });
  });

  app.get('/admin/signalements/offres/:id', { onRequest: admin, schema: { params: IdParams } }, async (request, reply) => {
    const theme = t(request);
    const found = await reportedOfferCase(ctx(request), request.params.id);
    return reply.page('pages/moderation/case', {
      meta: { title: theme.t('moderation.case.offerTitle'), noindex: true },
      section: 'reports',
      offer: { ...found.offer, statusLabel: theme.t(`offerStatus.${found.offer.status}`) },
      reports: found.reports.map((r) => ({ ...r, reasonLabel: theme.t(`reportReason.${r.reason}`), decisionLabel: r.decision ? theme.t(`moderation.decision.${r.decision}`) : undefined })),
      actionBase: `/admin/signalements/offres/${request.params.id}`,
      canSuspend: true,
      csrfToken: reply.csrfToken(),
    });
  });

  app.post('/admin/signalements/messages/:id/:action', { onRequest: admin, schema: { params: DecisionParams, body: CsrfOnly } }, async (request, reply) => {
    await decideOnMessage(ctx(request), request.user!, request.params.id, request.params.action);
    return reply.redirect(`/admin/signalements?info=${request.params.action}`, 303);
  });

  app.post('/admin/signalements/offres/:id/:action', { onRequest: admin, schema: { params: DecisionParams, body: CsrfOnly } }, async (request, reply) => {
    await decideOnOffer(ctx(request), request.user!, request.params.id, request.params.action);
    return reply.redirect(`/admin/signalements?info=${request.params.action}`, 303);
  });
}

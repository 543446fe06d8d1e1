import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { REFUSAL_REASONS } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { requireRole } from '../../plugins/auth.js';
import { validationMessages } from '../../plugins/forms.js';
import { perEmail, perIp, type LimitRule } from '../../plugins/rate-limit.js';
import { origin } from '../../plugins/view.js';
import { sendDownload } from './cv-file.js';
import { applyForm } from './forms.js';
import { acceptMultipart, MULTIPART_HARD_CAP } from './multipart.js';
import { APPLICATION_TRANSITIONS } from './pipeline.js';
import { ApplicationIdParams, ApplyBody, NoteBody, OfferIdParams, StatusBody } from './schemas.js';
import {
  addNote,
  applicationForEmployer,
  apply,
  changeStatus,
  cvDownload,
  offerPipeline,
  openOffer,
  type ApplicationContext,
  type ApplyInput,
} from './service.js';

// Applying is cheap for a bot and costly for an employer's inbox: per IP and per address.
const applyPerIp: LimitRule = { name: 'apply/ip', max: 20, windowMs: 60 * 60_000, key: perIp };
const applyPerEmail: LimitRule = { name: 'apply/email', max: 10, windowMs: 60 * 60_000, key: perEmail };

/**
 * Applications: the apply page of an offer (multipart form with the CV), the employer's pipeline
 * (per offer, one page per application with status and private notes), CV downloads, and the
 * candidate's list of applications.
 */
export default async function applicationsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  acceptMultipart(fastify);
  const context = (request: FastifyRequest): ApplicationContext => ({
    db: app.db,
    tenant: request.tenant,
    mail: app.mail,
    files: app.files,
    origin: origin(request),
    log: request.log,
  });
  const t = (request: FastifyRequest) => app.theme(request.tenant);

  const applyPage = async (request: FastifyRequest, id: string) => {
    const offer = await openOffer(context(request), id);
    return { offer, action: `/offres/${offer.id}/candidater`, privacyUrl: '/confidentialite' };
  };

  app.get('/offres/:id/candidater', { config: { form: applyForm }, schema: { params: OfferIdParams } }, async (request, reply) => {
    const data = await applyPage(request, request.params.id);
    // External URL or e-mail: the offer page already sends the candidate there.
    if (data.offer.apply_method !== 'platform') return reply.redirect(`/offres/${data.offer.id}`, 303);
    const user = request.user;
    return reply.form({ values: user ? { full_name: user.displayName, email: user.email } : {}, data });
  });

  app.post(
    '/offres/:id/candidater',
    {
      config: { form: applyForm },
      bodyLimit: MULTIPART_HARD_CAP,
      schema: { params: OfferIdParams, body: ApplyBody },
      preHandler: app.limit([applyPerIp, applyPerEmail]),
      // A refused post shows the form again with the offer, what was typed (never the file) and the errors.
      errorHandler: async (error, request, reply) => {
        const status = error.statusCode ?? 500;
        const data = status < 500 ? await applyPage(request, (request.params as { id: string }).id).catch(() => undefined) : undefined;
        if (!data || request.url.startsWith('/api/')) throw error;
        const theme = t(request);
        const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
        const values = { ...body, cv: undefined, _csrf: undefined };
        if (error.validation) return reply.form({ values, errors: validationMessages(theme, applyForm, error, body), status: 400, data });
        if (status === 413) return reply.form({ values, errors: { cv: 'apply.cv.tooLarge' }, status, data });
        if (!(error instanceof AppError)) throw error;
        const hasFields = Object.keys(error.fields).length > 0;
        const message = hasFields ? undefined : (theme.strings[`errors.${error.code}`] ?? theme.t('errors.BAD_REQUEST'));
        return reply.form({ values, errors: error.fields, message, status, data });
      },
    },
    async (request, reply) => {
      const result = await apply(context(request), request.user, request.params.id, request.body as ApplyInput);
      return reply.redirect(`/offres/${request.params.id}/candidater/envoyee?ref=${result.id.slice(0, 8)}`, 303);
    },
  );

  // The same through the API (multipart; Bearer token optional): 201 with the application's id.
  app.post(
    '/api/v1/offers/:id/applications',
    {
      bodyLimit: MULTIPART_HARD_CAP,
      schema: {
        tags: ['applications'],
        summary: 'Postuler à une offre',
        description:
          'multipart/form-data : full_name, email, phone, message, consent=oui et le fichier cv (PDF, DOCX ou ODT, 5 Mo au plus, type vérifié sur le contenu). ' +
          '409 ALREADY_APPLIED si cette adresse a déjà postulé à l’offre. Limité par adresse IP et par e-mail.',
        params: OfferIdParams,
        body: ApplyBody,
        response: { 201: Type.Object({ id: Type.String({ format: 'uuid' }) }) },
      },
      preHandler: app.limit([applyPerIp, applyPerEmail]),
    },
    async (request, reply) => {
      const result = await apply(context(request), request.user, request.params.id, request.body as ApplyInput);
      return reply.code(201).send(result);
    },
  );

  app.get('/offres/:id/candidater/envoyee', { schema: { params: OfferIdParams } }, async (request, reply) => {
    const { offer } = await applyPage(request, request.params.id);
    return reply.page('pages/applications/sent', { meta: { title: t(request).t('apply.sent.title'), noindex: true }, offer });
  });

  // CV download: the candidate, the owning company's members, the tenant admin; 404 for anyone else.
  app.get('/compte/candidatures/:id/cv', { schema: { params: ApplicationIdParams } }, async (request, reply) => {
    return sendDownload(reply, await cvDownload(context(request), request.user, request.params.id));
  });

  // Employer pipeline

  const employer = requireRole('employer', 'admin');

  app.get('/compte/offres/:id/candidatures', { onRequest: employer, schema: { params: OfferIdParams } }, async (request, reply) => {
    const { offer, applications } = await offerPipeline(context(request), request.user!, request.params.id);
    const theme = t(request);
    return reply.page('pages/applications/pipeline', {
      meta: { title: theme.t('pipeline.title', { title: offer.title }), noindex: true },
      offer,
      applications: applications.map((a) => ({ ...a, statusLabel: theme.t(`applicationStatus.${a.status}`), recommended: a.recommended_by !== null })),
    });
  });

  app.get('/compte/candidatures/:id', { onRequest: employer, schema: { params: ApplicationIdParams } }, async (request, reply) => {
    const { application, notes, contactMasked } = await applicationForEmployer(context(request), request.user!, request.params.id);
    const theme = t(request);
    const messaging = request.tenant.config.features.messaging;
    return reply.page('pages/applications/application', {
      meta: { title: theme.t('pipeline.application.title', { name: application.full_name }), noindex: true },
      application: {
        ...application,
        statusLabel: theme.t(`applicationStatus.${application.status}`),
        refusalLabel: application.refusal_reason ? theme.t(`refusalReason.${application.refusal_reason}`) : undefined,
      },
      contactMasked,
      // Recommended by the mission locale: the badge, the counsellor's contact and note.
      recommendation: application.recommended_by
        ? { by: request.tenant.config.name, counsellor: application.recommender_name, email: application.recommender_email, note: application.recommendation_note }
        : undefined,
      threadLink: messaging && application.user_id ? `/messages/candidature/${application.id}` : undefined,
      moves: APPLICATION_TRANSITIONS[application.status].map((s) => ({ value: s, label: theme.t(`applicationStatus.${s}`) })),
      canReject: APPLICATION_TRANSITIONS[application.status].includes('rejected'),
      refusalReasons: REFUSAL_REASONS.map((r) => ({ value: r, label: theme.t(`refusalReason.${r}`) })),
      reasonRequired: Boolean(application.recommended_by),
      notes,
      csrfToken: reply.csrfToken(),
    });
  });

  app.post('/compte/candidatures/:id/statut', { onRequest: employer, schema: { params: ApplicationIdParams, body: StatusBody } }, async (request, reply) => {
    const { status, refusal_reason: reason, refusal_shared: shared } = request.body;
    await changeStatus(context(request), request.user!, request.params.id, status, { reason: reason || undefined, shared: shared === 'oui' });
    return reply.redirect(`/compte/candidatures/${request.params.id}`, 303);
  });

  app.post('/compte/candidatures/:id/notes', { onRequest: employer, schema: { params: ApplicationIdParams, body: NoteBody } }, async (request, reply) => {
    await addNote(context(request), request.user!, request.params.id, request.body.body.trim());
    return reply.redirect(`/compte/candidatures/${request.params.id}`, 303);
  });
}

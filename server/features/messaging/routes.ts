import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { acceptMultipart, type UploadedFile } from '../../files/upload.js';
import { requireRole, requireUser } from '../../plugins/auth.js';
import type { LimitRule } from '../../plugins/rate-limit.js';
import { requestContext } from '../../request-context.js';
import { onlyWithFeature } from '../../tenancy/feature-gate.js';
import { offerIdFrom } from '../accompaniment/forms.js';
import { sendDownload } from '../applications/cv-file.js';
import { ATTACHMENT_HARD_CAP, ATTACHMENT_MAX_BYTES } from './attachments.js';
import type { SubjectRef } from './participants.js';
import { messageView } from './presenter.js';
import { ComposerBody, CvContactQuery, MessageIdParams, PollQuery, SettingsBody, ThreadIdParams, ThreadUserParams, UserIdParams } from './schemas.js';
import {
  attachment,
  blockUser,
  companyOfEmployer,
  listThreads,
  messagingSettings,
  openSubject,
  postMessage,
  readThread,
  saveNotificationSettings,
  startThread,
  unblockUser,
  type MessagingContext,
  type PostInput,
} from './service.js';
import { threadTitle } from './titles.js';

interface Composer {
  body?: string;
  offre?: string;
  /** Field → message (strings keys resolved by the caller). */
  errors?: Record<string, string>;
  /** The text looks like it carries a NIR or an IBAN: the author confirms or edits. */
  sensitive?: string;
}

const INFO: Record<string, string> = { reglages: 'messaging.info.settings', bloque: 'messaging.info.blocked', debloque: 'messaging.info.unblocked' };

/** Messages written per account, pages and API alike: a conversation never needs more; a spammer does. */
export const postsPerUser: LimitRule = {
  name: 'messages/user',
  max: 60,
  windowMs: 10 * 60_000,
  key: (request) => (request.user ? `${request.tenant.id}|user|${request.user.id}` : undefined),
};

/**
 * The messaging pages (/messages…): the list of the user's threads, a thread (messages, composer
 * with an attachment and a shared offer, « Signaler », « Bloquer »), starting a thread about an
 * object (accompaniment, application, offer, CV bank), settings. Work without JavaScript; with it,
 * views/assets/js/thread.js fetches new messages every few seconds. Behind features.messaging.
 */
export default async function messagingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  onlyWithFeature(fastify, 'messaging');
  acceptMultipart(fastify, { maxFileBytes: ATTACHMENT_MAX_BYTES, hardCap: ATTACHMENT_HARD_CAP, refusedCode: 'ATTACHMENT_REFUSED', tooLargeFields: { piece: 'messaging.attachment.tooLarge' } });
  const ctx = (request: FastifyRequest): MessagingContext => requestContext(app, request);
  const t = (request: FastifyRequest) => app.theme(request.tenant);
  const member = requireUser;

  const composerInput = (body: ComposerBody): PostInput => {
    const offerRef = body.offre?.trim();
    const offerId = offerRef ? offerIdFrom(offerRef) : null;
    if (offerRef && !offerId) throw new AppError('VALIDATION_FAILED', 422, { offre: 'fields.offer.unknown' });
    return { body: body.body, offerId, attachment: body.piece as UploadedFile | undefined, confirmSensitive: body.confirmer === 'oui', askBeforeSensitive: true };
  };

  /** A refused post comes back with what was typed (never the file) and the reasons by the fields. */
  function composerOf(request: FastifyRequest, error: FastifyError | AppError): Composer | undefined {
    if (!(error instanceof AppError) && !(error as FastifyError).validation && error.statusCode !== 413) return undefined;
    const theme = t(request);
    const body = (request.body ?? {}) as ComposerBody;
    const fields = error instanceof AppError ? error.fields : error.statusCode === 413 ? { piece: 'messaging.attachment.tooLarge' } : { body: 'messaging.body.invalid' };
    const sensitive = error instanceof AppError && error.code === 'SENSITIVE_DATA' ? theme.t(fields.body) : undefined;
    const errors = sensitive ? {} : Object.fromEntries(Object.entries(fields).map(([field, key]) => [field, theme.t(key)]));
    if (!sensitive && Object.keys(errors).length === 0) errors.body = theme.strings[`errors.${(error as AppError).code}`] ?? theme.t('errors.BAD_REQUEST');
    return { body: typeof body.body === 'string' ? body.body : '', offre: typeof body.offre === 'string' ? body.offre : '', errors, sensitive };
  }

  async function threadPage(request: FastifyRequest, reply: FastifyReply, threadId: string, composer: Composer = {}, status = 200) {
    const theme = t(request);
    const data = await readThread(ctx(request), request.user!, threadId, { markRead: status === 200 });
    const title = threadTitle(theme.t.bind(theme), data.subject);
    const view = { threadId, subject: data.subject, tenantName: request.tenant.config.name, viewerId: request.user!.id };
    const info = INFO[String((request.query as { info?: unknown }).info)];
    return reply.code(status).page('pages/messaging/thread', {
      meta: { title, noindex: true },
      notice: info ? theme.t(info) : undefined,
      thread: data.thread,
      title,
      kindLabel: theme.t(`messaging.kind.${data.subject.kind}`),
      subject: data.subject,
      side: data.side,
      messages: data.messages.map((m) => messageView(theme.t.bind(theme), m, view)),
      last: data.messages.at(-1)?.createdAt.toISOString() ?? data.thread.created_at.toISOString(),
      canPost: data.canPost,
      closed: data.subject.closed,
      blockedByOthers: data.blockedByOthers,
      composer: { ...composer, action: `/messages/${threadId}`, hasErrors: Boolean(composer.errors && Object.keys(composer.errors).length > 0) },
      csrfToken: reply.csrfToken(),
    });
  }

  app.get('/messages', { onRequest: member }, async (request, reply) => {
    const theme = t(request);
    const { threads, companyOffers } = await listThreads(ctx(request), request.user!);
    const info = INFO[String((request.query as { info?: unknown }).info)];
    return reply.page('pages/messaging/list', {
      meta: { title: theme.t('messaging.title'), noindex: true },
      threads: threads.map((v) => ({
        id: v.thread.id,
        title: threadTitle(theme.t.bind(theme), v.subject),
        kindLabel: theme.t(`messaging.kind.${v.subject.kind}`),
        lastMessageAt: v.thread.last_message_at,
        unread: v.unread,
        closed: v.subject.closed,
      })),
      companyOffers: companyOffers.map((o) => ({ ...o, statusLabel: theme.t(`offerStatus.${o.status}`) })),
      isYoung: request.user!.role === 'candidate',
      notice: info ? theme.t(info) : undefined,
    });
  });

  app.get('/messages/reglages', { onRequest: member }, async (request, reply) => {
    const theme = t(request);
    const info = INFO[String((request.query as { info?: unknown }).info)];
    return reply.page('pages/messaging/settings', {
      meta: { title: theme.t('messaging.settings.title'), noindex: true },
      settings: await messagingSettings(ctx(request), request.user!),
      notice: info ? theme.t(info) : undefined,
      csrfToken: reply.csrfToken(),
    });
  });

  app.post('/messages/reglages', { onRequest: member, schema: { body: SettingsBody } }, async (request, reply) => {
    await saveNotificationSettings(ctx(request), request.user!, { eachThread: request.body.chaque_conversation === 'oui', dailyDigest: request.body.resume_quotidien === 'oui' });
    return reply.redirect('/messages/reglages?info=reglages', 303);
  });

  app.post('/messages/bloques/:userId/debloquer', { onRequest: member, schema: { params: UserIdParams, body: SettingsBody } }, async (request, reply) => {
    await unblockUser(ctx(request), request.user!, request.params.userId);
    return reply.redirect('/messages/reglages?info=debloque', 303);
  });

  // Threads by object: an existing one opens, otherwise its first message is written here (who may
  // start: participants.ts). GET shows, POST starts; a refused start comes back with the text.

  async function startPage(request: FastifyRequest, reply: FastifyReply, ref: SubjectRef, action: string, composer: Composer = {}, status = 200) {
    const theme = t(request);
    const opened = await openSubject(ctx(request), request.user!, ref);
    if (opened.thread && status === 200) return reply.redirect(`/messages/${opened.thread.id}`, 303);
    const title = threadTitle(theme.t.bind(theme), opened.subject);
    return reply.code(status).page('pages/messaging/start', {
      meta: { title, noindex: true },
      title,
      kindLabel: theme.t(`messaging.kind.${opened.subject.kind}`),
      minorNotice: opened.subject.protection?.minor && opened.side === 'company' ? theme.t('messaging.minorWithCompany', { name: request.tenant.config.name }) : undefined,
      composer: { ...composer, action, hasErrors: Boolean(composer.errors && Object.keys(composer.errors).length > 0) },
      csrfToken: reply.csrfToken(),
    });
  }

  const contactingCompany = (request: FastifyRequest) => companyOfEmployer(ctx(request), request.user!, (request.query as { entreprise?: string }).entreprise);

  const objectRoutes: { path: string; guard: ReturnType<typeof requireRole>; ref: (request: FastifyRequest) => Promise<SubjectRef> }[] = [
    { path: '/messages/accompagnement', guard: requireRole('candidate'), ref: async (request) => ({ kind: 'accompaniment', youngUserId: request.user!.id }) },
    {
      path: '/conseiller/jeunes/:id/messages',
      guard: requireRole('counsellor'),
      ref: async (request) => ({ kind: 'accompaniment', youngUserId: (request.params as { id: string }).id }),
    },
    {
      path: '/messages/candidature/:id',
      guard: requireRole('candidate', 'employer', 'counsellor'),
      ref: async (request) => ({ kind: 'application', applicationId: (request.params as { id: string }).id }),
    },
    { path: '/messages/offre/:id', guard: requireRole('employer', 'counsellor'), ref: async (request) => ({ kind: 'offer_partnership', offerId: (request.params as { id: string }).id }) },
    {
      path: '/messages/cvtheque/:id',
      guard: requireRole('employer'),
      ref: async (request) => ({ kind: 'cv_contact', companyId: await contactingCompany(request), youngUserId: (request.params as { id: string }).id }),
    },
  ];

  for (const route of objectRoutes) {
    const params = route.path.includes(':id') ? { params: ThreadIdParams } : {};
    const actionOf = (request: FastifyRequest) => request.url.split('#')[0];
    app.get(route.path, { onRequest: route.guard, schema: { ...params, querystring: CvContactQuery } }, async (request, reply) =>
      startPage(request, reply, await route.ref(request), actionOf(request)),
    );
    app.post(
      route.path,
      {
        onRequest: route.guard,
        bodyLimit: ATTACHMENT_HARD_CAP,
        preHandler: app.limit([postsPerUser]),
        schema: { ...params, querystring: CvContactQuery, body: ComposerBody },
        errorHandler: async (error, request, reply) => {
          const composer = composerOf(request, error);
          if (!composer || !request.user) throw error;
          return startPage(request, reply, await route.ref(request), actionOf(request), composer, error.statusCode ?? 400);
        },
      },
      async (request, reply) => {
        const { thread } = await startThread(ctx(request), request.user!, await route.ref(request), composerInput(request.body));
        app.messageNotifications.kick(request.tenant.id, thread.id);
        return reply.redirect(`/messages/${thread.id}#dernier`, 303);
      },
    );
  }

  app.get('/messages/:id', { onRequest: member, schema: { params: ThreadIdParams } }, async (request, reply) => threadPage(request, reply, request.params.id));

  app.post(
    '/messages/:id',
    {
      onRequest: member,
      bodyLimit: ATTACHMENT_HARD_CAP,
      preHandler: app.limit([postsPerUser]),
      schema: { params: ThreadIdParams, body: ComposerBody },
      errorHandler: async (error, request, reply) => {
        const composer = composerOf(request, error);
        if (!composer || !request.user) throw error;
        return threadPage(request, reply, (request.params as { id: string }).id, composer, error.statusCode ?? 400);
      },
    },
    async (request, reply) => {
      await postMessage(ctx(request), request.user!, request.params.id, composerInput(request.body));
      app.messageNotifications.kick(request.tenant.id, request.params.id);
      return reply.redirect(`/messages/${request.params.id}#dernier`, 303);
    },
  );

  // New messages for thread.js (same session cookie, same rules as the page): an HTML fragment.
  app.get('/messages/:id/nouveaux', { onRequest: member, schema: { params: ThreadIdParams, querystring: PollQuery } }, async (request, reply) => {
    const theme = t(request);
    const after = request.query.apres ? new Date(request.query.apres) : undefined;
    const data = await readThread(ctx(request), request.user!, request.params.id, { markRead: true, after });
    const view = { threadId: request.params.id, subject: data.subject, tenantName: request.tenant.config.name, viewerId: request.user!.id };
    const csrfToken = reply.csrfToken();
    const html = data.messages.map((m) => theme.renderFragment('partials/message', { ...messageView(theme.t.bind(theme), m, view), csrfToken })).join('');
    return reply.header('cache-control', 'private, no-store').send({ html, last: data.messages.at(-1)?.createdAt.toISOString() ?? request.query.apres ?? null });
  });

  app.get('/messages/pieces/:id', { onRequest: member, schema: { params: MessageIdParams } }, async (request, reply) =>
    sendDownload(reply, await attachment(ctx(request), request.user!, request.params.id)),
  );

  app.post('/messages/:id/bloquer/:userId', { onRequest: member, schema: { params: ThreadUserParams, body: SettingsBody } }, async (request, reply) => {
    await blockUser(ctx(request), request.user!, request.params.userId, request.params.id);
    return reply.redirect(`/messages/${request.params.id}?info=bloque`, 303);
  });
}

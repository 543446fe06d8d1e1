import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { acceptMultipart, type UploadedFile } from '../../files/upload.js';
import { requireUser } from '../../plugins/auth.js';
import { requestContext } from '../../request-context.js';
import { onlyWithFeature } from '../../tenancy/feature-gate.js';
import { ErrorResponse } from '../accounts/schemas.js';
import { sendDownload } from '../applications/cv-file.js';
import { postsPerUser } from './routes.js';
import { ATTACHMENT_HARD_CAP, ATTACHMENT_MAX_BYTES } from './attachments.js';
import type { SubjectRef } from './participants.js';
import { messageResource, threadResource } from './presenter.js';
import {
  AfterQuery,
  BlockBody,
  MessageIdParams,
  NotificationSettingsSchema,
  PostedResponse,
  PostMessageBody,
  StartThreadBody,
  ThreadIdParams,
  ThreadListResponse,
  ThreadResponse,
  UserIdParams,
} from './schemas.js';
import {
  attachment,
  blockUser,
  companyOfEmployer,
  listThreads,
  markThreadRead,
  messagingSettings,
  postMessage,
  readThread,
  saveNotificationSettings,
  startThread,
  unblockUser,
  type MessagingContext,
} from './service.js';

const bearer = [{ bearerAuth: [] }];
const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, ErrorResponse]));
const tags = ['messagerie'];

/**
 * The messaging API (v1), for a mobile app: threads, messages (JSON or multipart with an
 * attachment), read state, blocks and notification settings. The same rules as the pages: a thread
 * that is not the caller's answers 404, whatever the tenant or company it belongs to.
 */
export default async function messagingApiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  onlyWithFeature(fastify, 'messaging');
  acceptMultipart(fastify, { maxFileBytes: ATTACHMENT_MAX_BYTES, hardCap: ATTACHMENT_HARD_CAP, refusedCode: 'ATTACHMENT_REFUSED', tooLargeFields: { piece: 'messaging.attachment.tooLarge' } });
  const ctx = (request: FastifyRequest): MessagingContext => requestContext(app, request);
  const t = (request: FastifyRequest) => {
    const theme = app.theme(request.tenant);
    return theme.t.bind(theme);
  };

  /** The thread and the posted message as the author sees them. */
  async function posted(request: FastifyRequest, threadId: string, messageId: string, warnings: ('nir' | 'iban')[]) {
    const data = await readThread(ctx(request), request.user!, threadId, { markRead: false });
    const message = data.messages.find((m) => m.id === messageId)!;
    return { thread: threadResource(t(request), data.thread, data.subject, data.side, 0), message: messageResource(message), warnings };
  }

  app.get(
    '/api/v1/threads',
    {
      onRequest: requireUser,
      schema: { tags, summary: 'Mes conversations', description: 'Les conversations du compte, la plus récemment active d’abord, avec le nombre de messages non lus.', security: bearer, response: { 200: ThreadListResponse, ...errors(401, 404) } },
    },
    async (request) => {
      const { threads } = await listThreads(ctx(request), request.user!);
      return { threads: threads.map((v) => threadResource(t(request), v.thread, v.subject, v.side, v.unread)) };
    },
  );

  app.post(
    '/api/v1/threads',
    {
      onRequest: requireUser,
      preHandler: app.limit([postsPerUser]),
      schema: {
        tags,
        summary: 'Écrire à propos d’un objet (nouvelle conversation)',
        description:
          'Qui peut écrire en premier : le jeune à son conseiller, et à une entreprise seulement dans sa candidature ; une entreprise seulement à quelqu’un qui a postulé, ' +
          'a été recommandé ou est dans la CVthèque ; les conseillers aux jeunes qu’ils suivent. Moins de 15 ans sans consentement parental : 403 PARENTAL_CONSENT_REQUIRED pour les conversations avec une entreprise.',
        security: bearer,
        body: StartThreadBody,
        response: { 201: PostedResponse, 200: PostedResponse, ...errors(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const ref = await subjectRef(request, body);
      const result = await startThread(ctx(request), request.user!, ref, { body: body.body, offerId: body.shared_offer_id ?? null, askBeforeSensitive: false });
      app.messageNotifications.kick(request.tenant.id, result.thread.id);
      return reply.code(result.created ? 201 : 200).send(await posted(request, result.thread.id, result.message.id, result.warnings));
    },
  );

  async function subjectRef(request: FastifyRequest, body: typeof StartThreadBody.static): Promise<SubjectRef> {
    const missing = (field: string) => new AppError('VALIDATION_FAILED', 400, { [field]: 'fields.required' });
    switch (body.kind) {
      case 'accompaniment': {
        const youngUserId = request.user!.role === 'candidate' ? request.user!.id : body.young_user_id;
        if (!youngUserId) throw missing('young_user_id');
        return { kind: 'accompaniment', youngUserId };
      }
      case 'application':
        if (!body.application_id) throw missing('application_id');
        return { kind: 'application', applicationId: body.application_id };
      case 'offer_partnership':
        if (!body.offer_id) throw missing('offer_id');
        return { kind: 'offer_partnership', offerId: body.offer_id };
      case 'cv_contact':
        if (!body.young_user_id) throw missing('young_user_id');
        if (request.user!.role !== 'employer') throw new AppError('NOT_FOUND', 404);
        return { kind: 'cv_contact', companyId: await companyOfEmployer(ctx(request), request.user!, body.company_id), youngUserId: body.young_user_id };
    }
  }

  app.get(
    '/api/v1/threads/:id',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'Une conversation et ses messages',
        description: '`after` : seulement les messages postérieurs (rafraîchissement). Ne marque pas la conversation comme lue (voir /read).',
        security: bearer,
        params: ThreadIdParams,
        querystring: AfterQuery,
        response: { 200: ThreadResponse, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const data = await readThread(ctx(request), request.user!, request.params.id, { markRead: false, after: request.query.after ? new Date(request.query.after) : undefined });
      return { thread: threadResource(t(request), data.thread, data.subject, data.side, 0), can_post: data.canPost, messages: data.messages.map(messageResource) };
    },
  );

  app.post(
    '/api/v1/threads/:id/messages',
    {
      onRequest: requireUser,
      bodyLimit: ATTACHMENT_HARD_CAP,
      preHandler: app.limit([postsPerUser]),
      schema: {
        tags,
        summary: 'Envoyer un message',
        description:
          'JSON (`body`, `shared_offer_id`) ou multipart/form-data avec en plus le fichier `piece` (PDF, PNG, JPEG ou WebP, 5 Mo au plus, type vérifié sur le contenu). ' +
          '409 THREAD_CLOSED si la conversation est close ; 403 BLOCKED si un participant vous a bloqué. `warnings` signale un NIR ou un IBAN apparent.',
        security: bearer,
        params: ThreadIdParams,
        body: PostMessageBody,
        response: { 201: PostedResponse, ...errors(400, 401, 403, 404, 409, 413, 422, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { message, warnings } = await postMessage(ctx(request), request.user!, request.params.id, {
        body: body.body,
        offerId: body.shared_offer_id ?? null,
        attachment: body.piece as UploadedFile | undefined,
        askBeforeSensitive: false,
      });
      app.messageNotifications.kick(request.tenant.id, request.params.id);
      return reply.code(201).send(await posted(request, request.params.id, message.id, warnings));
    },
  );

  app.post(
    '/api/v1/threads/:id/read',
    { onRequest: requireUser, schema: { tags, summary: 'Marquer la conversation comme lue', security: bearer, params: ThreadIdParams, response: { 204: Type.Null(), ...errors(401, 403, 404) } } },
    async (request, reply) => {
      await markThreadRead(ctx(request), request.user!, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/messages/:id/attachment',
    { onRequest: requireUser, schema: { tags, summary: 'Télécharger une pièce jointe', security: bearer, params: MessageIdParams, response: errors(401, 403, 404) } },
    async (request, reply) => sendDownload(reply, await attachment(ctx(request), request.user!, request.params.id)),
  );

  app.put(
    '/api/v1/blocks/:userId',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'Bloquer un participant',
        description: 'Il ne peut plus écrire dans vos conversations et ses messages vous sont masqués. Les conseillers ne peuvent pas être bloqués (409) : signalez plutôt.',
        security: bearer,
        params: UserIdParams,
        body: BlockBody,
        response: { 204: Type.Null(), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await blockUser(ctx(request), request.user!, request.params.userId, request.body.thread_id);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/blocks/:userId',
    { onRequest: requireUser, schema: { tags, summary: 'Débloquer', security: bearer, params: UserIdParams, response: { 204: Type.Null(), ...errors(401, 404) } } },
    async (request, reply) => {
      await unblockUser(ctx(request), request.user!, request.params.userId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/me/notification-settings',
    { onRequest: requireUser, schema: { tags, summary: 'Mes réglages de notification', security: bearer, response: { 200: NotificationSettingsSchema, ...errors(401, 404) } } },
    async (request) => {
      const settings = await messagingSettings(ctx(request), request.user!);
      return { each_thread: settings.eachThread, daily_digest: settings.dailyDigest };
    },
  );

  app.put(
    '/api/v1/me/notification-settings',
    {
      onRequest: requireUser,
      schema: { tags, summary: 'Changer mes réglages de notification', security: bearer, body: NotificationSettingsSchema, response: { 200: NotificationSettingsSchema, ...errors(400, 401, 404) } },
    },
    async (request) => {
      await saveNotificationSettings(ctx(request), request.user!, { eachThread: request.body.each_thread, dailyDigest: request.body.daily_digest });
      return request.body;
    },
  );
}

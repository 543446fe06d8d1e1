import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { requireRole, requireUser } from '../../plugins/auth.js';
import { origin } from '../../plugins/view.js';
import { retentionMonths } from '../../tenancy/tenant-config.js';
import { deleteAccount, exportData } from './service.js';

const DeleteBody = Type.Object({ _csrf: Type.Optional(Type.String()), confirmation: Type.Optional(Type.String({ maxLength: 10 })) });

/** GDPR: the privacy notice, the data export (JSON) and the deletion of a candidate account. */
export default async function privacyRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = (request: FastifyRequest) => ({ db: app.db, tenant: request.tenant, files: app.files, origin: origin(request) });

  // The tenant's notice: a tenant overrides pages/privacy.hbs or the privacy.* strings.
  app.get('/confidentialite', async (request, reply) =>
    reply.page('pages/privacy', { meta: { title: app.theme(request.tenant).t('privacy.title') }, retentionMonths: retentionMonths(request.tenant.config) }),
  );

  app.get('/compte/mes-donnees.json', { onRequest: requireUser }, async (request, reply) => {
    const data = await exportData(ctx(request), request.user!);
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="mes-donnees-${request.tenant.id}.json"`)
      .header('cache-control', 'private, no-store')
      .send(JSON.stringify(data, null, 2));
  });

  app.get('/compte/supprimer', { onRequest: requireRole('candidate') }, async (request, reply) => {
    const t = app.theme(request.tenant);
    return reply.page('pages/privacy/delete-account', { meta: { title: t.t('privacy.delete.title'), noindex: true }, csrfToken: reply.csrfToken() });
  });

  app.post('/compte/supprimer', { onRequest: requireRole('candidate'), schema: { body: DeleteBody } }, async (request, reply) => {
    if (request.body.confirmation !== 'oui') throw new AppError('DELETE_NOT_CONFIRMED', 400);
    await deleteAccount(ctx(request), request.user!);
    request.log.info({ event: 'account_deleted', userId: request.user!.id }, 'candidate account deleted');
    app.auth.clearSessionCookie(reply);
    const t = app.theme(request.tenant);
    return reply.page('pages/alerts/message', { meta: { title: t.t('privacy.deleted.title'), noindex: true }, heading: t.t('privacy.deleted.title'), lead: t.t('privacy.deleted.lead') });
  });
}

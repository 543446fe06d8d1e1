import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { requireRole, safeReturnPath } from '../../plugins/auth.js';
import { sendDownload } from '../applications/cv-file.js';
import { acceptMultipart, MULTIPART_HARD_CAP } from '../applications/multipart.js';
import { OfferIdParams } from '../applications/schemas.js';
import type { UploadedFile } from '../applications/service.js';
import { profileForm } from './forms.js';
import { candidateSpace, importSavedOffers, offerToSave, saveCv, savedCvFile, saveOffer, unsaveOffer, updateProfile } from './service.js';

const Csrf = Type.Optional(Type.String());
const ProfileBody = Type.Object({
  _csrf: Csrf,
  phone: Type.Optional(Type.String({ maxLength: 30, pattern: '^[0-9+ ().-]*$' })),
  headline: Type.Optional(Type.String({ maxLength: 200 })),
});
const CvBody = Type.Object({ _csrf: Csrf, cv: Type.Optional(Type.Unsafe<unknown>({})) });
/** A heart's form: back to the page it was on (without JavaScript). */
const SaveBody = Type.Object({ _csrf: Csrf, retour: Type.Optional(Type.String({ maxLength: 500 })) });
/** Offers kept in the browser before log-in (saved-offers.js), added to the account. */
const ImportBody = Type.Object({ _csrf: Csrf, ids: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 200 }) });

/** Scripts (saved-offers.js) ask for JSON; forms without JavaScript get a redirect. */
const wantsJson = (request: FastifyRequest) => (request.headers.accept ?? '').includes('application/json');

const INFO: Record<string, string> = { profil: 'candidate.info.profile', cv: 'candidate.info.cv', sauvegardee: 'candidate.info.saved', retiree: 'candidate.info.unsaved' };

/** The candidate space under /compte/candidat: profile, saved CV, applications, saved offers. */
export default async function candidatesRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  acceptMultipart(fastify);
  const candidate = requireRole('candidate');
  const ctx = (request: FastifyRequest) => ({ db: app.db, tenant: request.tenant, files: app.files });

  async function spacePage(request: FastifyRequest, reply: FastifyReply, extra: { notice?: string; cvError?: string; status?: number } = {}) {
    const theme = app.theme(request.tenant);
    const space = await candidateSpace(ctx(request), request.user!);
    return reply.code(extra.status ?? 200).page('pages/candidates/space', {
      meta: { title: theme.t('candidate.space.title'), noindex: true },
      ...space,
      applications: space.applications.map((a) => ({
        ...a,
        statusLabel: theme.t(`candidateStatus.${a.status}`),
        // A refusal's reason reaches the candidate only when the employer chose to share it.
        refusalLabel: a.status === 'rejected' && a.refusal_reason && a.refusal_reason_shared ? theme.t(`refusalReason.${a.refusal_reason}`) : undefined,
      })),
      // Each alert's own unsubscribe link (the same signed token as in its e-mails).
      alerts: space.alerts.map((a) => ({
        ...a,
        frequencyLabel: theme.t(`alerts.frequency.${a.frequency}`),
        unsubscribe: `/alertes/desabonnement?jeton=${app.alertTokens.sign(request.tenant.id, a.id, 'unsubscribe')}`,
      })),
      notice: extra.notice,
      cvError: extra.cvError,
      csrfToken: reply.csrfToken(),
    });
  }

  app.get('/compte/candidat', { onRequest: candidate }, async (request, reply) => {
    const key = INFO[String((request.query as { info?: unknown }).info)];
    return spacePage(request, reply, { notice: key ? app.theme(request.tenant).t(key) : undefined });
  });

  app.get('/compte/mes-candidatures', { onRequest: candidate }, async (_request, reply) => reply.redirect('/compte/candidat#candidatures', 301));

  app.get('/compte/candidat/profil', { onRequest: candidate, config: { form: profileForm } }, async (request, reply) => {
    const { profile } = await candidateSpace(ctx(request), request.user!);
    return reply.form({ values: { phone: profile?.phone ?? '', headline: profile?.headline ?? '' } });
  });

  app.post('/compte/candidat/profil', { onRequest: candidate, config: { form: profileForm }, schema: { body: ProfileBody } }, async (request, reply) => {
    await updateProfile(ctx(request), request.user!, request.body);
    return reply.redirect('/compte/candidat?info=profil', 303);
  });

  app.post(
    '/compte/candidat/cv',
    {
      onRequest: candidate,
      bodyLimit: MULTIPART_HARD_CAP,
      schema: { body: CvBody },
      // A refused CV shows the space again with the reason next to the upload field.
      errorHandler: async (error, request, reply) => {
        const fields = error instanceof AppError ? error.fields : {};
        if (!request.user || !fields.cv) throw error;
        return spacePage(request, reply, { cvError: app.theme(request.tenant).t(fields.cv), status: error.statusCode });
      },
    },
    async (request, reply) => {
      await saveCv(ctx(request), request.user!, (request.body as { cv?: UploadedFile }).cv);
      return reply.redirect('/compte/candidat?info=cv', 303);
    },
  );

  app.get('/compte/candidat/cv', { onRequest: candidate }, async (request, reply) => {
    return sendDownload(reply, await savedCvFile(ctx(request), request.user!));
  });

  // Saved offers: the offer page links here; the page confirms with a CSRF-protected form.
  app.get('/offres/:id/sauvegarder', { onRequest: candidate, schema: { params: OfferIdParams } }, async (request, reply) => {
    const offer = await offerToSave(ctx(request), request.params.id);
    const theme = app.theme(request.tenant);
    return reply.page('pages/candidates/save-offer', { meta: { title: theme.t('candidate.save.title'), noindex: true }, offer, csrfToken: reply.csrfToken() });
  });

  app.post('/offres/:id/sauvegarder', { onRequest: candidate, schema: { params: OfferIdParams, body: SaveBody } }, async (request, reply) => {
    await saveOffer(ctx(request), request.user!, request.params.id);
    if (wantsJson(request)) return { saved: true };
    return reply.redirect(safeReturnPath(request.body.retour) ?? '/compte/candidat?info=sauvegardee#offres-sauvegardees', 303);
  });

  app.post('/compte/candidat/offres/:id/retirer', { onRequest: candidate, schema: { params: OfferIdParams, body: SaveBody } }, async (request, reply) => {
    await unsaveOffer(ctx(request), request.user!, request.params.id);
    if (wantsJson(request)) return { saved: false };
    return reply.redirect(safeReturnPath(request.body.retour) ?? '/compte/candidat?info=retiree#offres-sauvegardees', 303);
  });

  app.post('/compte/candidat/offres/importer', { onRequest: candidate, schema: { body: ImportBody } }, async (request) => {
    return { imported: await importSavedOffers(ctx(request), request.user!, request.body.ids) };
  });

  // A visitor's saved offers live in the browser: the page lists them with JavaScript; a candidate's are in the space.
  app.get('/offres/sauvegardees', async (request, reply) => {
    if (request.user?.role === 'candidate') return reply.redirect('/compte/candidat#offres-sauvegardees', 303);
    const theme = app.theme(request.tenant);
    return reply.page('pages/candidates/saved-offers', { meta: { title: theme.t('saved.title'), noindex: true } });
  });
}

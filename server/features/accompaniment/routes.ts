import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireRole } from '../../plugins/auth.js';
import { requestContext } from '../../request-context.js';
import { onlyWithFeature } from '../../tenancy/feature-gate.js';
import { sendDownload } from '../applications/cv-file.js';
import { parentalConsentForm, ParentalConsentBody } from './forms.js';
import { answerRecommendation } from './recommendations.js';
import {
  acceptInvitation,
  askToBeFollowed,
  confirmParentalConsent,
  cvBank,
  cvBankFile,
  invitationByToken,
  myAccompaniment,
  parentalConsentByToken,
  requestParentalConsent,
  setCvBankConsent,
} from './service.js';

const Csrf = Type.Optional(Type.String({ maxLength: 200 }));
const TokenQuery = Type.Object({ jeton: Type.String({ maxLength: 100 }) });
const TokenBody = Type.Object({ _csrf: Csrf, jeton: Type.String({ maxLength: 100 }) });
const CsrfOnly = Type.Object({ _csrf: Csrf });
const CvBankBody = Type.Object({ _csrf: Csrf, choix: Type.Union([Type.Literal('rejoindre'), Type.Literal('retirer')]) });
const AnswerBody = Type.Object({ _csrf: Csrf, reponse: Type.Union([Type.Literal('accepter'), Type.Literal('refuser')]) });
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const INFO: Record<string, string> = {
  demande: 'youth.info.requested',
  accepte: 'youth.info.accepted',
  parent: 'youth.info.parentAsked',
  cvtheque: 'youth.info.cvBankJoined',
  'cvtheque-retiree': 'youth.info.cvBankLeft',
  recommandation: 'youth.info.recommendationSent',
  'recommandation-refusee': 'youth.info.recommendationDeclined',
};

/**
 * The young person's side of the collaborative board (/compte/accompagnement): their counsellor,
 * invitations, offers recommended to them, recommendations to agree to, the CV bank, the parent's
 * consent for under-15s (/consentement-parental, reached by the parent from an e-mail), and the CV
 * bank as employers browse it (/compte/cvtheque). Behind features.messaging.
 */
export default async function accompanimentRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  onlyWithFeature(fastify, 'messaging');
  const ctx = (request: FastifyRequest) => requestContext(app, request);
  const young = requireRole('candidate');
  const t = (request: FastifyRequest) => app.theme(request.tenant);

  app.get('/compte/accompagnement', { onRequest: young }, async (request, reply) => {
    const theme = t(request);
    const data = await myAccompaniment(ctx(request), request.user!);
    const info = INFO[String((request.query as { info?: unknown }).info)];
    return reply.page('pages/accompaniment/mine', {
      meta: { title: theme.t('youth.title'), noindex: true },
      ...data,
      recommendations: data.recommendations.map((r) => ({
        ...r,
        awaiting: r.status === 'awaiting_consent',
        statusLabel: theme.t(`recommendationStatus.${r.status}`),
        applicationLabel: r.application_status ? theme.t(`candidateStatus.${r.application_status}`) : undefined,
      })),
      notice: info ? theme.t(info) : undefined,
      csrfToken: reply.csrfToken(),
    });
  });

  app.post('/compte/accompagnement/demande', { onRequest: young, schema: { body: CsrfOnly } }, async (request, reply) => {
    await askToBeFollowed(ctx(request), request.user!);
    return reply.redirect('/compte/accompagnement?info=demande', 303);
  });

  // The counsellor's e-mailed invitation: shown to the signed-in young person, accepted with a button.
  app.get('/compte/accompagnement/invitation', { onRequest: young, schema: { querystring: TokenQuery } }, async (request, reply) => {
    const theme = t(request);
    const invitation = await invitationByToken(ctx(request), request.query.jeton);
    if (!invitation) {
      return reply.code(400).page('pages/account/link-invalid', { meta: { title: theme.t('account.linkInvalid.title'), noindex: true } });
    }
    return reply.page('pages/accompaniment/invitation', {
      meta: { title: theme.t('youth.invitation.title'), noindex: true },
      invitation,
      otherAddress: invitation.email !== request.user!.email.toLowerCase(),
      jeton: request.query.jeton,
      csrfToken: reply.csrfToken(),
    });
  });

  app.post('/compte/accompagnement/invitation', { onRequest: young, schema: { body: TokenBody } }, async (request, reply) => {
    await acceptInvitation(ctx(request), request.user!, request.body.jeton);
    return reply.redirect('/compte/accompagnement?info=accepte', 303);
  });

  app.post('/compte/accompagnement/recommandations/:id', { onRequest: young, schema: { params: IdParams, body: AnswerBody } }, async (request, reply) => {
    const accept = request.body.reponse === 'accepter';
    await answerRecommendation(ctx(request), request.user!, request.params.id, accept);
    return reply.redirect(`/compte/accompagnement?info=${accept ? 'recommandation' : 'recommandation-refusee'}#recommandations`, 303);
  });

  app.post('/compte/accompagnement/cvtheque', { onRequest: young, schema: { body: CvBankBody } }, async (request, reply) => {
    const join = request.body.choix === 'rejoindre';
    await setCvBankConsent(ctx(request), request.user!, join);
    return reply.redirect(`/compte/accompagnement?info=${join ? 'cvtheque' : 'cvtheque-retiree'}#cvtheque`, 303);
  });

  // Parental consent (under 15): the young person gives the address; the parent confirms from the link.
  app.get('/compte/accompagnement/consentement-parental', { onRequest: young, config: { form: parentalConsentForm } }, async (_request, reply) => reply.form());

  app.post(
    '/compte/accompagnement/consentement-parental',
    { onRequest: young, config: { form: parentalConsentForm }, schema: { body: ParentalConsentBody } },
    async (request, reply) => {
      await requestParentalConsent(ctx(request), request.user!, request.body.parent_email);
      return reply.redirect('/compte/accompagnement?info=parent', 303);
    },
  );

  app.get('/consentement-parental', { schema: { querystring: TokenQuery } }, async (request, reply) => {
    const theme = t(request);
    const pending = await parentalConsentByToken(ctx(request), request.query.jeton);
    if (!pending) return reply.code(400).page('pages/account/link-invalid', { meta: { title: theme.t('account.linkInvalid.title'), noindex: true } });
    return reply.page('pages/accompaniment/parental-consent', {
      meta: { title: theme.t('youth.parentPage.title'), noindex: true },
      young: pending.display_name,
      jeton: request.query.jeton,
      csrfToken: reply.csrfToken(),
    });
  });

  app.post('/consentement-parental', { schema: { body: TokenBody } }, async (request, reply) => {
    const theme = t(request);
    await confirmParentalConsent(ctx(request), request.body.jeton);
    return reply.page('pages/alerts/message', {
      meta: { title: theme.t('youth.parentPage.done'), noindex: true },
      heading: theme.t('youth.parentPage.done'),
      lead: theme.t('youth.parentPage.doneLead'),
    });
  });

  // The CV bank, as the board's employers (and its staff) browse it; an employer's contact opens a thread (messaging).
  const cvBankReaders = requireRole('employer', 'counsellor', 'admin');

  app.get('/compte/cvtheque', { onRequest: cvBankReaders }, async (request, reply) => {
    const theme = t(request);
    return reply.page('pages/accompaniment/cv-bank', {
      meta: { title: theme.t('cvBank.title'), noindex: true },
      candidates: await cvBank(ctx(request)),
      canContact: request.user!.role === 'employer',
    });
  });

  app.get('/compte/cvtheque/:id/cv', { onRequest: cvBankReaders, schema: { params: IdParams } }, async (request, reply) =>
    sendDownload(reply, await cvBankFile(ctx(request), request.params.id)),
  );
}

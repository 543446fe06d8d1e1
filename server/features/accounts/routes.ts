import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireUser, safeReturnPath } from '../../plugins/auth.js';
import { perEmail, perIp, type LimitRule } from '../../plugins/rate-limit.js';
import { origin } from '../../plugins/view.js';
import { changePasswordForm, forgotPasswordForm, logInForm, logOutForm, newPasswordForm, resendVerificationForm, signUpForm } from './forms.js';
import { LIMITS } from './policy.js';
import {
  ChangePasswordBody,
  CsrfOnlyBody,
  EmailBody,
  ErrorResponse,
  LinkQuery,
  LogInBody,
  LogInQuery,
  MeResponse,
  NewPasswordBody,
  SignUpBody,
  TokenRequest,
  TokenResponse,
} from './schemas.js';
import {
  changePassword,
  logIn,
  logOut,
  requestPasswordReset,
  resendVerification,
  resetLinkIsLive,
  resetPassword,
  signUp,
  verifyEmail,
  type AccountContext,
} from './service.js';

// Counters shared by the routes that use the same rule object: a password guessed through the page
// or through the API spends the same budget.
const logInPerIp: LimitRule = { name: 'log-in/ip', ...LIMITS.logInPerIp, key: perIp };
const logInPerEmail: LimitRule = { name: 'log-in/email', ...LIMITS.logInPerEmail, key: perEmail };
const signUpPerIp: LimitRule = { name: 'sign-up/ip', ...LIMITS.signUpPerIp, key: perIp };
const signUpPerEmail: LimitRule = { name: 'sign-up/email', ...LIMITS.signUpPerEmail, key: perEmail };
const mailPerIp: LimitRule = { name: 'account-mail/ip', ...LIMITS.mailPerIp, key: perIp };
const mailPerEmail: LimitRule = { name: 'account-mail/email', ...LIMITS.mailPerEmail, key: perEmail };
/** Guesses of the current password by someone holding a session. */
const passwordChangePerUser: LimitRule = {
  name: 'password-change/user',
  ...LIMITS.logInPerEmail,
  key: (request) => (request.user ? `${request.tenant.id}|user|${request.user.id}` : undefined),
};

/** `?info=` values of the pages reached by a redirect, and the message each shows. */
const INFO_MESSAGES: Record<string, string> = {
  deconnexion: 'account.info.loggedOut',
  'mot-de-passe-modifie': 'account.info.passwordChanged',
  'adresse-confirmee': 'account.info.emailVerified',
};

const API_ERRORS = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 429: ErrorResponse };

/**
 * Accounts: pages under /compte (sign-up, verification, log-in, log-out, password reset and change,
 * account page) and the API's token endpoint. Handlers validate, call one service function and
 * render or redirect; refused forms come back through the error handler (plugins/forms.ts).
 */
export default async function accountsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context = (request: FastifyRequest): AccountContext => ({ db: app.db, tenant: request.tenant, mail: app.mail, origin: origin(request), log: request.log });
  const info = (value: unknown) => (typeof value === 'string' ? INFO_MESSAGES[value] : undefined);

  // Sign-up and verification

  app.get('/compte/inscription', { config: { form: signUpForm } }, async (request, reply) => {
    if (request.user) return reply.redirect('/compte', 303);
    return reply.form({ values: { role: 'candidate' } });
  });

  app.post(
    '/compte/inscription',
    { config: { form: signUpForm }, schema: { body: SignUpBody }, preHandler: app.limit([signUpPerIp, signUpPerEmail]) },
    async (request, reply) => {
      const { display_name, email, password, role, birth_date } = request.body;
      await signUp(context(request), { displayName: display_name, email, password, role, birthDate: birth_date });
      return reply.redirect('/compte/inscription/envoye', 303);
    },
  );

  app.get('/compte/inscription/envoye', async (request, reply) => {
    const t = app.theme(request.tenant);
    return reply.page('pages/account/check-mail', { meta: { title: t.t('account.checkMail.title'), noindex: true }, lead: t.t('account.checkMail.signUp') });
  });

  app.get('/compte/verification', { schema: { querystring: LinkQuery } }, async (request, reply) => {
    const t = app.theme(request.tenant);
    if (await verifyEmail(context(request), request.query.jeton)) return reply.redirect('/compte/connexion?info=adresse-confirmee', 303);
    return reply.code(400).page('pages/account/link-invalid', {
      meta: { title: t.t('account.linkInvalid.title'), noindex: true },
      again: { href: '/compte/verification/renvoyer', label: t.t('account.linkInvalid.resend') },
    });
  });

  app.get('/compte/verification/renvoyer', { config: { form: resendVerificationForm } }, async (_request, reply) => reply.form());

  app.post(
    '/compte/verification/renvoyer',
    { config: { form: resendVerificationForm }, schema: { body: EmailBody }, preHandler: app.limit([mailPerIp, mailPerEmail]) },
    async (request, reply) => {
      await resendVerification(context(request), request.body.email);
      return reply.redirect('/compte/inscription/envoye', 303);
    },
  );

  // Log-in and log-out

  app.get('/compte/connexion', { config: { form: logInForm }, schema: { querystring: LogInQuery } }, async (request, reply) => {
    const back = safeReturnPath(request.query.retour);
    if (request.user) return reply.redirect(back ?? '/compte', 303);
    const notice = info(request.query.info);
    return reply.form({ values: { retour: back }, data: { notice: notice ? app.theme(request.tenant).t(notice) : undefined } });
  });

  app.post(
    '/compte/connexion',
    { config: { form: logInForm }, schema: { body: LogInBody }, preHandler: app.limit([logInPerIp, logInPerEmail]) },
    async (request, reply) => {
      const session = await logIn(context(request), request.body, { kind: 'browser', userAgent: request.headers['user-agent'] });
      app.auth.startBrowserSession(request, reply, session);
      return reply.redirect(safeReturnPath(request.body.retour) ?? '/compte', 303);
    },
  );

  app.get('/compte/deconnexion', { config: { form: logOutForm }, onRequest: requireUser }, async (_request, reply) => reply.form());

  app.post('/compte/deconnexion', { config: { form: logOutForm }, schema: { body: CsrfOnlyBody } }, async (request, reply) => {
    if (request.user) await logOut(context(request), request.user);
    app.auth.clearSessionCookie(reply);
    return reply.redirect('/compte/connexion?info=deconnexion', 303);
  });

  // Password reset by e-mail

  app.get('/compte/mot-de-passe-oublie', { config: { form: forgotPasswordForm } }, async (_request, reply) => reply.form());

  app.post(
    '/compte/mot-de-passe-oublie',
    { config: { form: forgotPasswordForm }, schema: { body: EmailBody }, preHandler: app.limit([mailPerIp, mailPerEmail]) },
    async (request, reply) => {
      await requestPasswordReset(context(request), request.body.email);
      return reply.redirect('/compte/mot-de-passe-oublie/envoye', 303);
    },
  );

  app.get('/compte/mot-de-passe-oublie/envoye', async (request, reply) => {
    const t = app.theme(request.tenant);
    return reply.page('pages/account/check-mail', { meta: { title: t.t('account.checkMail.title'), noindex: true }, lead: t.t('account.checkMail.reset') });
  });

  app.get('/compte/mot-de-passe/nouveau', { config: { form: newPasswordForm }, schema: { querystring: LinkQuery } }, async (request, reply) => {
    if (await resetLinkIsLive(context(request), request.query.jeton)) return reply.form({ values: { jeton: request.query.jeton } });
    const t = app.theme(request.tenant);
    return reply.code(400).page('pages/account/link-invalid', {
      meta: { title: t.t('account.linkInvalid.title'), noindex: true },
      again: { href: '/compte/mot-de-passe-oublie', label: t.t('account.linkInvalid.reset') },
    });
  });

  app.post('/compte/mot-de-passe/nouveau', { config: { form: newPasswordForm }, schema: { body: NewPasswordBody } }, async (request, reply) => {
    await resetPassword(context(request), { token: request.body.jeton, password: request.body.password });
    // Every session of the account has ended, this browser's included.
    app.auth.clearSessionCookie(reply);
    return reply.redirect('/compte/connexion?info=mot-de-passe-modifie', 303);
  });

  // Signed-in user

  app.get('/compte', { onRequest: requireUser }, async (request, reply) => {
    const t = app.theme(request.tenant);
    const user = request.user!;
    const notice = info((request.query as { info?: unknown }).info);
    return reply.page('pages/account/account', {
      meta: { title: t.t('account.home.title'), noindex: true },
      account: { displayName: user.displayName, email: user.email, role: t.t(`role.${user.role}`) },
      notice: notice ? t.t(notice) : undefined,
      csrfToken: reply.csrfToken(),
    });
  });

  app.get('/compte/mot-de-passe', { config: { form: changePasswordForm }, onRequest: requireUser }, async (_request, reply) => reply.form());

  app.post(
    '/compte/mot-de-passe',
    { config: { form: changePasswordForm }, onRequest: requireUser, schema: { body: ChangePasswordBody }, preHandler: app.limit([passwordChangePerUser]) },
    async (request, reply) => {
      const session = await changePassword(
        context(request),
        request.user!,
        { currentPassword: request.body.current_password, newPassword: request.body.new_password },
        request.headers['user-agent'],
      );
      app.auth.startBrowserSession(request, reply, session);
      return reply.redirect('/compte?info=mot-de-passe-modifie', 303);
    },
  );

  // API v1: bearer tokens (cookies are never read under /api/, so no CSRF token is needed there)

  app.post(
    '/api/v1/auth/token',
    {
      schema: {
        tags: ['auth'],
        summary: 'Obtenir un jeton d’accès',
        description:
          'Échange l’e-mail et le mot de passe d’un compte vérifié de ce site contre un jeton Bearer de courte durée, ' +
          'valable sur ce site uniquement. Limité par adresse IP et par e-mail (429 avec Retry-After).',
        body: TokenRequest,
        response: { 200: TokenResponse, ...API_ERRORS },
      },
      preHandler: app.limit([logInPerIp, logInPerEmail]),
    },
    async (request, reply) => {
      const session = await logIn(context(request), request.body, { kind: 'api', userAgent: request.headers['user-agent'] });
      const { token, expiresIn } = app.auth.accessToken(request.tenant, session);
      return reply.header('cache-control', 'no-store').send({ access_token: token, token_type: 'Bearer' as const, expires_in: expiresIn });
    },
  );

  app.post(
    '/api/v1/auth/revoke',
    {
      schema: { tags: ['auth'], summary: 'Révoquer le jeton utilisé', response: { 204: Type.Null(), 401: ErrorResponse } },
      onRequest: requireUser,
    },
    async (request, reply) => {
      await logOut(context(request), request.user!);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    { schema: { tags: ['auth'], summary: 'Le compte du jeton', response: { 200: MeResponse, 401: ErrorResponse } }, onRequest: requireUser },
    async (request) => {
      const user = request.user!;
      return { id: user.id, email: user.email, display_name: user.displayName, role: user.role, tenant: user.tenantId };
    },
  );
}

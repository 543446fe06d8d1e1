import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database, SessionKind, UserRole } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import { AppError } from '../../errors.js';
import type { MailService } from '../../mail/mail-service.js';
import type { Tenant } from '../../tenancy/registry.js';
import { birthDateProblem } from '../../youth/age.js';
import { hashLinkToken, newLinkToken } from './link-tokens.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { API_TOKEN_TTL_S, BROWSER_SESSION_TTL_S, RESET_PASSWORD_TTL_S, VERIFY_EMAIL_TTL_S } from './policy.js';
import * as repo from './repository.js';

/** The signed-in user of a request (`request.user`), as every feature sees it. */
export interface AuthUser {
  id: string;
  tenantId: string;
  role: UserRole;
  email: string;
  displayName: string;
  /** The session this request runs in (log-out ends it; CSRF tokens are bound to it). */
  sessionId: string;
}

/** What the account rules need from the outside world for one request. */
export interface AccountContext {
  db: Kysely<Database>;
  tenant: Tenant;
  mail: MailService;
  /** Absolute origin of the tenant's site, for the links in e-mails. */
  origin: string;
  log: FastifyBaseLogger;
}

export interface StartedSession {
  sessionId: string;
  userId: string;
  kind: SessionKind;
  expiresAt: Date;
}

const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** Personal data stays out of the logs: `c…@exemple.fr`. */
const maskEmail = (email: string) => email.replace(/^(.).*(@.*)$/, '$1…$2');

function link(ctx: AccountContext, path: string, token?: string) {
  return `${ctx.origin}${path}${token ? `?jeton=${token}` : ''}`;
}

/** A refused field: its message is the strings key `fields.<field>.<problem>`. */
function refuse(field: string, problem: string): never {
  throw new AppError('VALIDATION_FAILED', 400, { [field]: `fields.${field}.${problem}` });
}

/**
 * Sign-up. The answer never says whether the address already had an account: a new account gets a
 * verification link, an existing one a reminder (log in, or reset the password), both by e-mail; an
 * existing account still unverified (first e-mail lost) gets a fresh verification link instead.
 */
export async function signUp(
  ctx: AccountContext,
  input: { displayName: string; email: string; password: string; role: 'candidate' | 'employer'; birthDate?: string },
  now = new Date(),
) {
  const email = normaliseEmail(input.email);
  // Youth boards ask young people their date of birth: minors are protected (age rules in server/youth).
  const askBirthDate = ctx.tenant.config.kind === 'youth' && input.role === 'candidate';
  const birthDate = askBirthDate ? input.birthDate || undefined : undefined;
  if (askBirthDate && !birthDate) refuse('birth_date', 'required');
  const birthProblem = birthDate ? birthDateProblem(birthDate, now, ctx.tenant.config.timezone) : undefined;
  if (birthProblem) refuse('birth_date', birthProblem);
  const problem = await passwordProblem(input.password, { email, displayName: input.displayName });
  if (problem) refuse('password', problem);
  // Hashed whatever happens next, so that both outcomes take the same time.
  const passwordHash = await hashPassword(input.password);
  const verification = newLinkToken();
  const outcome = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const created = await repo.insertUser(t, { email, displayName: input.displayName, role: input.role, passwordHash, birthDate });
    if (created) {
      await repo.insertLinkToken(t, { userId: created.id, purpose: 'verify_email', hash: verification.hash, ttlSeconds: VERIFY_EMAIL_TTL_S });
      return { created: true as const, user: created };
    }
    const existing = (await repo.findUserByEmail(t, email))!;
    const unverified = !existing.email_verified_at && !existing.disabled_at;
    if (unverified) await repo.insertLinkToken(t, { userId: existing.id, purpose: 'verify_email', hash: verification.hash, ttlSeconds: VERIFY_EMAIL_TTL_S });
    return { created: false as const, unverified, user: existing };
  });
  // Sent once the transaction has committed: no link to a token that was rolled back.
  if (outcome.created || outcome.unverified) {
    ctx.log.info({ event: outcome.created ? 'sign_up' : 'sign_up_unverified', userId: outcome.user.id, role: input.role }, 'verification link sent');
    ctx.mail.send({
      tenant: ctx.tenant,
      origin: ctx.origin,
      to: email,
      template: 'verify-email',
      data: { displayName: outcome.user.display_name, link: link(ctx, '/compte/verification', verification.token), hours: VERIFY_EMAIL_TTL_S / 3600 },
    });
  } else {
    ctx.log.info({ event: 'sign_up_existing', userId: outcome.user.id }, 'sign-up with an existing address');
    ctx.mail.send({
      tenant: ctx.tenant,
      origin: ctx.origin,
      to: email,
      template: 'account-exists',
      data: { displayName: outcome.user.display_name, logInLink: link(ctx, '/compte/connexion'), resetLink: link(ctx, '/compte/mot-de-passe-oublie') },
    });
  }
}

/** Follows a verification link; false for an unknown, used or expired one. */
export async function verifyEmail(ctx: AccountContext, token: string): Promise<boolean> {
  const userId = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const row = await repo.consumeLinkToken(t, 'verify_email', hashLinkToken(token));
    if (row) await repo.markEmailVerified(t, row.user_id);
    return row?.user_id;
  });
  if (!userId) return false;
  ctx.log.info({ event: 'email_verified', userId }, 'e-mail address verified');
  return true;
}

/** Sends a new verification link when the address has an unverified account; silent otherwise. */
export async function resendVerification(ctx: AccountContext, rawEmail: string): Promise<void> {
  const email = normaliseEmail(rawEmail);
  const verification = newLinkToken();
  const user = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const found = await repo.findUserByEmail(t, email);
    if (!found || found.email_verified_at || found.disabled_at) return undefined;
    await repo.insertLinkToken(t, { userId: found.id, purpose: 'verify_email', hash: verification.hash, ttlSeconds: VERIFY_EMAIL_TTL_S });
    return found;
  });
  if (!user) return;
  ctx.mail.send({
    tenant: ctx.tenant,
    origin: ctx.origin,
    to: email,
    template: 'verify-email',
    data: { displayName: user.display_name, link: link(ctx, '/compte/verification', verification.token), hours: VERIFY_EMAIL_TTL_S / 3600 },
  });
}

/**
 * Checks e-mail and password and opens a session (browser cookie or API token). An unknown address
 * and a wrong password give the same answer after the same work (a decoy hash is verified).
 */
export async function logIn(
  ctx: AccountContext,
  input: { email: string; password: string },
  session: { kind: SessionKind; userAgent?: string },
): Promise<StartedSession> {
  const email = normaliseEmail(input.email);
  const user = await withTenant(ctx.db, ctx.tenant.id, (t) => repo.findUserByEmail(t, email));
  // Outside any transaction: no pooled connection is held during the ~40 ms of argon2.
  const passwordOk = await verifyPassword(user?.password_hash, input.password);
  if (!user || !passwordOk) {
    ctx.log.warn({ event: 'log_in_failed', email: maskEmail(email), known: Boolean(user) }, 'log-in refused');
    throw new AppError('INVALID_CREDENTIALS', 401);
  }
  // The password was right: saying why the account cannot be used reveals nothing to a stranger.
  if (user.disabled_at) {
    ctx.log.warn({ event: 'log_in_disabled', userId: user.id }, 'log-in to a disabled account');
    throw new AppError('ACCOUNT_DISABLED', 403);
  }
  if (!user.email_verified_at) {
    ctx.log.info({ event: 'log_in_unverified', userId: user.id }, 'log-in before e-mail verification');
    throw new AppError('EMAIL_NOT_VERIFIED', 403);
  }
  const ttlSeconds = session.kind === 'api' ? API_TOKEN_TTL_S : BROWSER_SESSION_TTL_S;
  const row = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    await repo.deleteEndedSessions(t, user.id);
    return repo.insertSession(t, { userId: user.id, kind: session.kind, userAgent: session.userAgent ?? null, ttlSeconds });
  });
  ctx.log.info({ event: 'log_in', userId: user.id, sessionId: row.id, kind: session.kind }, 'logged in');
  return { sessionId: row.id, userId: user.id, kind: session.kind, expiresAt: row.expires_at };
}

/** Ends one session: its tokens (cookie or bearer) are refused from the next request on. */
export async function logOut(ctx: AccountContext, user: AuthUser): Promise<void> {
  await withTenant(ctx.db, ctx.tenant.id, (t) => repo.revokeSession(t, user.sessionId));
  ctx.log.info({ event: 'log_out', userId: user.id, sessionId: user.sessionId }, 'logged out');
}

/** Sends a reset link when the address has an enabled account; the same silence otherwise. */
export async function requestPasswordReset(ctx: AccountContext, rawEmail: string): Promise<void> {
  const email = normaliseEmail(rawEmail);
  const reset = newLinkToken();
  const user = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const found = await repo.findUserByEmail(t, email);
    if (!found || found.disabled_at) return undefined;
    await repo.insertLinkToken(t, { userId: found.id, purpose: 'reset_password', hash: reset.hash, ttlSeconds: RESET_PASSWORD_TTL_S });
    return found;
  });
  ctx.log.info({ event: 'password_reset_requested', userId: user?.id, email: user ? undefined : maskEmail(email) }, 'password reset requested');
  if (!user) return;
  ctx.mail.send({
    tenant: ctx.tenant,
    origin: ctx.origin,
    to: email,
    template: 'reset-password',
    data: { displayName: user.display_name, link: link(ctx, '/compte/mot-de-passe/nouveau', reset.token), minutes: RESET_PASSWORD_TTL_S / 60 },
  });
}

/** Whether a reset link can still be used (the form is only shown for a live link). */
export async function resetLinkIsLive(ctx: AccountContext, token: string): Promise<boolean> {
  const row = await withTenant(ctx.db, ctx.tenant.id, (t) => repo.findLiveLinkToken(t, 'reset_password', hashLinkToken(token)));
  return row !== undefined;
}

/**
 * Sets a new password from a reset link: the link is used up, every session of the account ends,
 * and the address counts as verified (the link reached it). A refused password keeps the link usable.
 */
export async function resetPassword(ctx: AccountContext, input: { token: string; password: string }): Promise<void> {
  const hash = hashLinkToken(input.token);
  const user = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const row = await repo.findLiveLinkToken(t, 'reset_password', hash);
    return row ? repo.findUserById(t, row.user_id) : undefined;
  });
  if (!user || user.disabled_at) throw new AppError('LINK_INVALID', 400);
  const problem = await passwordProblem(input.password, { email: user.email, displayName: user.display_name });
  if (problem) refuse('password', problem);
  const passwordHash = await hashPassword(input.password);
  const revoked = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    // Consumed here, atomically: of two concurrent submissions only one gets through.
    const row = await repo.consumeLinkToken(t, 'reset_password', hash);
    if (!row || row.user_id !== user.id) throw new AppError('LINK_INVALID', 400);
    await repo.setPasswordHash(t, user.id, passwordHash, { verifyEmail: true });
    return repo.revokeUserSessions(t, user.id);
  });
  ctx.log.info({ event: 'password_reset', userId: user.id, sessionsRevoked: revoked }, 'password reset');
  passwordChangedMail(ctx, user.email, user.display_name);
}

/**
 * Changes the password of a signed-in user who knows the current one. Every session of the account
 * ends (other browsers, API tokens, this one); the caller gets a fresh session for this browser.
 */
export async function changePassword(
  ctx: AccountContext,
  current: AuthUser,
  input: { currentPassword: string; newPassword: string },
  userAgent?: string,
): Promise<StartedSession> {
  const user = await withTenant(ctx.db, ctx.tenant.id, (t) => repo.findUserById(t, current.id));
  if (!user) throw new AppError('UNAUTHENTICATED', 401);
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    ctx.log.warn({ event: 'password_change_failed', userId: user.id }, 'wrong current password');
    refuse('current_password', 'wrong');
  }
  const problem = await passwordProblem(input.newPassword, { email: user.email, displayName: user.display_name });
  if (problem) refuse('new_password', problem);
  const passwordHash = await hashPassword(input.newPassword);
  const row = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    await repo.setPasswordHash(t, user.id, passwordHash, { verifyEmail: false });
    await repo.revokeUserSessions(t, user.id);
    await repo.deleteEndedSessions(t, user.id);
    return repo.insertSession(t, { userId: user.id, kind: 'browser', userAgent: userAgent ?? null, ttlSeconds: BROWSER_SESSION_TTL_S });
  });
  ctx.log.info({ event: 'password_changed', userId: user.id }, 'password changed, sessions revoked');
  passwordChangedMail(ctx, user.email, user.display_name);
  return { sessionId: row.id, userId: user.id, kind: 'browser', expiresAt: row.expires_at };
}

function passwordChangedMail(ctx: AccountContext, to: string, displayName: string) {
  ctx.mail.send({
    tenant: ctx.tenant,
    origin: ctx.origin,
    to,
    template: 'password-changed',
    data: { displayName, resetLink: link(ctx, '/compte/mot-de-passe-oublie') },
  });
}

/** The user of a verified token's session, or null when the session has ended (auth plugin, each request). */
export async function sessionUser(
  db: Kysely<Database>,
  tenantId: string,
  claims: { sessionId: string; userId: string; kind: SessionKind },
): Promise<{ user: AuthUser; expiresAt: Date } | null> {
  const row = await withTenant(db, tenantId, (t) => repo.findLiveSession(t, claims));
  if (!row) return null;
  return {
    user: { id: row.id, tenantId, role: row.role, email: row.email, displayName: row.display_name, sessionId: row.session_id },
    expiresAt: row.expires_at,
  };
}

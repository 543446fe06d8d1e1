import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { RequestContext } from '../../request-context.js';
import type { Tenant } from '../../tenancy/registry.js';
import type { AuthUser } from '../accounts/service.js';
import { hashLinkToken, newLinkToken } from '../accounts/link-tokens.js';
import { protectionFrom, protectionOf } from './protection.js';
import * as repo from './repository.js';

/** What the accompaniment rules need for one request; `now` is the clock every date rule reads. */
export type YouthContext = RequestContext;

export const INVITATION_TTL_MS = 14 * 86_400_000;
export const PARENTAL_CONSENT_TTL_MS = 14 * 86_400_000;

/** Only young people (candidate accounts) have an accompaniment. */
function requireYoung(user: AuthUser) {
  if (user.role !== 'candidate') throw new AppError('FORBIDDEN', 403);
}

/**
 * The young person's page: their counsellor, offers recommended to them, recommendations waiting for
 * their agreement, their CV in the CV bank, and (under 15) their parent's consent. Opening it marks
 * the recommended offers as seen.
 */
export async function myAccompaniment(ctx: YouthContext, user: AuthUser) {
  requireYoung(user);
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const accompaniment = await repo.accompanimentOf(t, user.id);
    const delegates = accompaniment?.status === 'active' ? await repo.delegatesOf(t, accompaniment.id) : [];
    const suggestions = await repo.suggestionsFor(t, user.id);
    await repo.markSuggestionsSeen(t, user.id, ctx.now);
    const recommendations = await repo.recommendationsOf(t, user.id);
    const person = (await repo.youngPerson(t, user.id))!;
    const parental = await repo.parentalConsentOf(t, user.id);
    const protection = protectionFrom(person.birth_date, parental?.confirmed_at ?? null, ctx.tenant, ctx.now);
    const entry = await repo.cvBankEntry(t, user.id);
    const cvValidated = entry !== undefined && entry.validated_file_id === person.cv_file_id;
    return {
      accompaniment: accompaniment ?? null,
      delegates,
      suggestions,
      // The note private to the mission locale never leaves the counsellor's space.
      recommendations: recommendations.map(({ private_note: _private, ...rest }) => rest),
      protection,
      parentalConsent: parental ? { parentEmail: parental.parent_email, confirmedAt: parental.confirmed_at, requestedAt: parental.requested_at } : null,
      cvBank: { validated: cvValidated, inBank: cvValidated && entry?.consent_at !== null, canJoin: cvValidated && !protection.awaitingParentalConsent },
    };
  });
}

/** The young person asks to be followed; a counsellor takes the request from their space. */
export async function askToBeFollowed(ctx: YouthContext, user: AuthUser): Promise<void> {
  requireYoung(user);
  const asked = await withTenant(ctx.db, ctx.tenant.id, (t) => repo.requestAccompaniment(t, user.id, ctx.now));
  if (!asked) throw new AppError('ACCOMPANIMENT_EXISTS', 409);
  ctx.log.info({ event: 'accompaniment_requested', userId: user.id }, 'young person asked to be followed');
}

/** The invitation behind an e-mailed link (for its page); undefined when unknown, used or expired. */
export async function invitationByToken(ctx: YouthContext, token: string) {
  return withTenant(ctx.db, ctx.tenant.id, (t) => repo.liveInvitation(t, hashLinkToken(token), ctx.now));
}

/**
 * Accepting an invitation starts the accompaniment with its counsellor as referent; the consent is
 * recorded as given in the app, now. Only the invited address's young person account may accept.
 */
export async function acceptInvitation(ctx: YouthContext, user: AuthUser, token: string): Promise<void> {
  requireYoung(user);
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const invitation = await repo.liveInvitation(t, hashLinkToken(token), ctx.now);
    if (!invitation) throw new AppError('LINK_INVALID', 400);
    if (invitation.email !== user.email.toLowerCase()) throw new AppError('INVITATION_OTHER_ADDRESS', 403);
    if (!(await repo.useInvitation(t, invitation.id, ctx.now))) throw new AppError('LINK_INVALID', 400);
    await repo.activateAccompaniment(t, { youngUserId: user.id, counsellorId: invitation.counsellor_user_id!, consentAt: ctx.now, channel: 'app', now: ctx.now });
  });
  ctx.log.info({ event: 'accompaniment_accepted', userId: user.id }, 'accompaniment accepted in the app');
}

/**
 * An under-15 gives a parent's address; the parent receives a link and confirms (double opt-in of
 * that address). Until then the CV bank and threads with companies wait.
 */
export async function requestParentalConsent(ctx: YouthContext, user: AuthUser, rawParentEmail: string): Promise<void> {
  requireYoung(user);
  const parentEmail = rawParentEmail.trim().toLowerCase();
  if (parentEmail === user.email.toLowerCase()) throw new AppError('VALIDATION_FAILED', 400, { parent_email: 'fields.parent_email.own' });
  const link = newLinkToken();
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const protection = await protectionOf(t, ctx.tenant, user.id, ctx.now);
    if (!protection.under15) throw new AppError('PARENTAL_CONSENT_NOT_NEEDED', 409);
    const stored = await repo.requestParentalConsent(t, {
      userId: user.id,
      parentEmail,
      tokenHash: link.hash,
      now: ctx.now,
      expiresAt: new Date(ctx.now.getTime() + PARENTAL_CONSENT_TTL_MS),
    });
    if (!stored) throw new AppError('PARENTAL_CONSENT_GIVEN', 409);
  });
  ctx.mail.send(
    ctx.mail.notice({
      tenant: ctx.tenant,
      origin: ctx.origin,
      to: parentEmail,
      kind: 'parental-consent',
      displayName: '',
      params: { young: user.displayName },
      link: `${ctx.origin}/consentement-parental?jeton=${link.token}`,
    }),
  );
  ctx.log.info({ event: 'parental_consent_requested', userId: user.id }, 'parental consent requested');
}

export async function parentalConsentByToken(ctx: YouthContext, token: string) {
  return withTenant(ctx.db, ctx.tenant.id, (t) => repo.pendingParentalConsent(t, hashLinkToken(token), ctx.now));
}

/** The parent confirms from the e-mailed link (no account needed: the link proves the address). */
export async function confirmParentalConsent(ctx: YouthContext, token: string): Promise<void> {
  const userId = await withTenant(ctx.db, ctx.tenant.id, (t) => repo.confirmParentalConsent(t, hashLinkToken(token), ctx.now));
  if (!userId) throw new AppError('LINK_INVALID', 400);
  ctx.log.info({ event: 'parental_consent_confirmed', userId }, 'parental consent confirmed');
}

/**
 * The young person puts their validated CV in the CV bank or withdraws it (at any time). Joining
 * needs a CV validated by a counsellor and, under 15, a parent's consent.
 */
export async function setCvBankConsent(ctx: YouthContext, user: AuthUser, join: boolean): Promise<void> {
  requireYoung(user);
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const entry = await repo.cvBankEntry(t, user.id);
    const person = (await repo.youngPerson(t, user.id))!;
    if (!entry || entry.validated_file_id !== person.cv_file_id) throw new AppError('CV_NOT_VALIDATED', 409);
    if (join && (await protectionOf(t, ctx.tenant, user.id, ctx.now)).awaitingParentalConsent) throw new AppError('PARENTAL_CONSENT_REQUIRED', 403);
    await repo.setCvBankConsent(t, user.id, join ? ctx.now : null);
  });
  ctx.log.info({ event: join ? 'cv_bank_joined' : 'cv_bank_withdrawn', userId: user.id }, 'CV bank consent changed');
}

/** The CV bank as employers see it (or one young person of it): consenting young people, parental consent respected. */
export async function cvBankVisible(t: TenantDb, tenant: Tenant, now: Date, onlyUserId?: string) {
  const rows = await repo.cvBankCandidates(t, onlyUserId);
  return rows.filter((row) => !protectionFrom(row.birth_date, row.parental_consent_at, tenant, now).awaitingParentalConsent);
}

export async function cvBank(ctx: YouthContext) {
  return withTenant(ctx.db, ctx.tenant.id, (t) => cvBankVisible(t, ctx.tenant, ctx.now));
}

/** A CV of the bank, for an employer's download (404 when it left the bank). */
export async function cvBankFile(ctx: YouthContext, youngUserId: string) {
  const [visible] = await withTenant(ctx.db, ctx.tenant.id, (t) => cvBankVisible(t, ctx.tenant, ctx.now, youngUserId));
  if (!visible) throw notFound();
  const file = await withTenant(ctx.db, ctx.tenant.id, (t) => ctx.files.get(t, visible.validated_file_id));
  if (!file) throw notFound();
  return { content: file.content, mediaType: file.mediaType, name: visible.cv_file_name ?? 'cv.pdf' };
}

import type { ConsentChannel, FollowUpKind } from '../../db/database.js';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { AuthUser } from '../accounts/service.js';
import { newLinkToken } from '../accounts/link-tokens.js';
import * as accounts from '../accounts/repository.js';
import { recordAdminAction } from '../admin/audit.js';
import { protectionFrom } from './protection.js';
import * as repo from './repository.js';
import { INVITATION_TTL_MS, type YouthContext } from './service.js';

/**
 * The counsellor space: the caseload (young people followed as referent or delegate, and requests
 * to take), one page per young person (profile, CV, applications, recommendations, follow-up,
 * private notes, next appointment, colleagues), and the tenant admin's creation of counsellor
 * accounts. A counsellor who does not follow a young person gets 404 for anything about them.
 */

function requireCounsellor(user: AuthUser) {
  if (user.role !== 'counsellor') throw new AppError('FORBIDDEN', 403);
}

/** The accompaniment of a young person this counsellor follows (referent or delegate), else 404. */
async function followed(t: TenantDb, counsellor: AuthUser, youngUserId: string) {
  requireCounsellor(counsellor);
  const accompaniment = await repo.accompanimentOf(t, youngUserId);
  if (!accompaniment || !(await repo.followersOf(t, youngUserId)).includes(counsellor.id)) throw notFound();
  return accompaniment;
}

export async function caseloadPage(ctx: YouthContext, counsellor: AuthUser) {
  requireCounsellor(counsellor);
  return withTenant(ctx.db, ctx.tenant.id, async (t) => ({
    caseload: (await repo.caseload(t, counsellor.id)).map((row) => ({
      ...row,
      referent: row.referent_user_id === counsellor.id,
      minor: protectionFrom(row.birth_date, null, ctx.tenant, ctx.now).minor,
    })),
    requests: await repo.openRequests(t),
  }));
}

/** A counsellor takes a young person's request: they become the referent; the request was the consent (in the app). */
export async function takeRequest(ctx: YouthContext, counsellor: AuthUser, youngUserId: string): Promise<void> {
  requireCounsellor(counsellor);
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const accompaniment = await repo.accompanimentOf(t, youngUserId);
    if (!accompaniment || accompaniment.status !== 'requested') throw notFound();
    await repo.activateAccompaniment(t, { youngUserId, counsellorId: counsellor.id, consentAt: accompaniment.requested_at ?? ctx.now, channel: 'app', now: ctx.now });
  });
}

/**
 * Invites a young person: by e-mail (they accept in the app; the address may not have an account
 * yet), or, when they agreed in an interview, the accompaniment starts at once for their account.
 */
export async function inviteYoungPerson(ctx: YouthContext, counsellor: AuthUser, input: { email: string; channel: ConsentChannel }): Promise<'invited' | 'started'> {
  requireCounsellor(counsellor);
  const email = input.email.trim().toLowerCase();
  if (input.channel === 'interview') {
    await withTenant(ctx.db, ctx.tenant.id, async (t) => {
      const young = await accounts.findUserByEmail(t, email);
      if (young?.role !== 'candidate') throw new AppError('VALIDATION_FAILED', 422, { email: 'counsellor.invite.noAccount' });
      await repo.activateAccompaniment(t, { youngUserId: young.id, counsellorId: counsellor.id, consentAt: ctx.now, channel: 'interview', now: ctx.now });
    });
    return 'started';
  }
  const link = newLinkToken();
  await withTenant(ctx.db, ctx.tenant.id, (t) =>
    repo.insertInvitation(t, { counsellorId: counsellor.id, email, tokenHash: link.hash, expiresAt: new Date(ctx.now.getTime() + INVITATION_TTL_MS) }),
  );
  ctx.mail.send(
    ctx.mail.notice({
      tenant: ctx.tenant,
      origin: ctx.origin,
      to: email,
      kind: 'accompaniment-invitation',
      displayName: '',
      params: { counsellor: counsellor.displayName },
      link: `${ctx.origin}/compte/accompagnement/invitation?jeton=${link.token}`,
    }),
  );
  return 'invited';
}

/** Everything the counsellor's page of one young person shows. */
export async function youngPersonFile(ctx: YouthContext, counsellor: AuthUser, youngUserId: string) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const accompaniment = await followed(t, counsellor, youngUserId);
    const person = (await repo.youngPerson(t, youngUserId))!;
    const parental = await repo.parentalConsentOf(t, youngUserId);
    const entry = await repo.cvBankEntry(t, youngUserId);
    const delegates = await repo.delegatesOf(t, accompaniment.id);
    const colleagues = (await repo.counsellors(t)).filter((c) => c.id !== accompaniment.referent_user_id && !delegates.some((d) => d.id === c.id));
    return {
      person,
      protection: protectionFrom(person.birth_date, parental?.confirmed_at ?? null, ctx.tenant, ctx.now),
      parentalConsent: parental ?? null,
      accompaniment,
      isReferent: accompaniment.referent_user_id === counsellor.id,
      delegates,
      colleagues,
      cvBank: entry && entry.validated_file_id === person.cv_file_id ? { validatedAt: entry.validated_at, inBank: entry.consent_at !== null } : null,
      applications: await repo.applicationsOfYoung(t, youngUserId),
      suggestions: await repo.suggestionsFor(t, youngUserId),
      recommendations: await repo.recommendationsOf(t, youngUserId),
      followUps: await repo.followUps(t, accompaniment.id),
      notes: await repo.notes(t, accompaniment.id),
    };
  });
}

export async function addFollowUp(ctx: YouthContext, counsellor: AuthUser, youngUserId: string, input: { kind: FollowUpKind; happenedOn: string; note: string | null }) {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const accompaniment = await followed(t, counsellor, youngUserId);
    await repo.insertFollowUp(t, { accompanimentId: accompaniment.id, authorId: counsellor.id, ...input });
  });
}

export async function addPrivateNote(ctx: YouthContext, counsellor: AuthUser, youngUserId: string, body: string) {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const accompaniment = await followed(t, counsellor, youngUserId);
    await repo.insertNote(t, accompaniment.id, counsellor.id, body);
  });
}

export async function setNextAppointment(ctx: YouthContext, counsellor: AuthUser, youngUserId: string, at: Date | null, place: string | null) {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const accompaniment = await followed(t, counsellor, youngUserId);
    await repo.setNextAppointment(t, accompaniment.id, at, place);
  });
}

/** Delegates a colleague (any follower may); the referent or the colleague themselves may end it. */
export async function delegate(ctx: YouthContext, counsellor: AuthUser, youngUserId: string, colleagueId: string, add: boolean) {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const accompaniment = await followed(t, counsellor, youngUserId);
    if (add) {
      if (!(await repo.counsellor(t, colleagueId))) throw new AppError('VALIDATION_FAILED', 422, { colleague: 'fields.colleague.unknown' });
      await repo.addDelegate(t, accompaniment.id, colleagueId);
    } else {
      if (accompaniment.referent_user_id !== counsellor.id && colleagueId !== counsellor.id) throw new AppError('FORBIDDEN', 403);
      await repo.removeDelegate(t, accompaniment.id, colleagueId);
    }
  });
}

/** Only the referent ends an accompaniment (the retention of its thread starts then). */
export async function endAccompaniment(ctx: YouthContext, counsellor: AuthUser, youngUserId: string) {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const accompaniment = await followed(t, counsellor, youngUserId);
    if (accompaniment.referent_user_id !== counsellor.id) throw new AppError('FORBIDDEN', 403);
    await repo.endAccompaniment(t, accompaniment.id, ctx.now);
  });
}

/** The counsellor marks the young person's current CV « validé »: they may then put it in the CV bank. */
export async function validateCv(ctx: YouthContext, counsellor: AuthUser, youngUserId: string) {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    await followed(t, counsellor, youngUserId);
    const person = (await repo.youngPerson(t, youngUserId))!;
    if (!person.cv_file_id) throw new AppError('CV_MISSING', 409);
    await repo.validateCv(t, youngUserId, person.cv_file_id, counsellor.id, ctx.now);
  });
}

/** The young person's CV, for a counsellor who follows them. */
export async function youngPersonCv(ctx: YouthContext, counsellor: AuthUser, youngUserId: string) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    await followed(t, counsellor, youngUserId);
    const person = (await repo.youngPerson(t, youngUserId))!;
    const file = person.cv_file_id ? await ctx.files.get(t, person.cv_file_id) : undefined;
    if (!file) throw notFound();
    return { content: file.content, mediaType: file.mediaType, name: person.cv_file_name ?? 'cv.pdf' };
  });
}

/** An offer recommended to a young person: it appears in their space and reaches them by e-mail with the note. */
export async function suggestOffer(ctx: YouthContext, counsellor: AuthUser, youngUserId: string, input: { offerId: string; note: string | null }) {
  const sent = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    await followed(t, counsellor, youngUserId);
    const offer = await repo.liveOffer(t, input.offerId, ctx.now);
    if (!offer) throw new AppError('VALIDATION_FAILED', 422, { offer: 'fields.offer.unknown' });
    if (!(await repo.insertSuggestion(t, { offerId: offer.id, youngUserId, counsellorId: counsellor.id, note: input.note }))) {
      throw new AppError('SUGGESTION_EXISTS', 409);
    }
    return { offer, young: (await repo.youngPerson(t, youngUserId))! };
  });
  ctx.mail.send(
    ctx.mail.notice({
      tenant: ctx.tenant,
      origin: ctx.origin,
      to: sent.young.email,
      kind: 'offer-suggested',
      displayName: sent.young.display_name,
      params: { counsellor: counsellor.displayName, offer: sent.offer.title, company: sent.offer.company_name },
      note: input.note,
      link: `${ctx.origin}/offres/${sent.offer.id}`,
    }),
  );
}

/**
 * The tenant admin creates a counsellor account: no password yet; an e-mailed link (valid 7 days)
 * lets the counsellor choose one (the address is verified by following it). Logged in the audit log.
 */
export const COUNSELLOR_LINK_TTL_S = 7 * 86_400;

export async function createCounsellor(ctx: YouthContext, admin: AuthUser, input: { displayName: string; email: string }) {
  const email = input.email.trim().toLowerCase();
  const link = newLinkToken();
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const created = await t.trx
      .insertInto('users')
      .values({ tenant_id: t.tenantId, email, display_name: input.displayName.trim(), role: 'counsellor' })
      .onConflict((oc) => oc.columns(['tenant_id', 'email']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!created) throw new AppError('VALIDATION_FAILED', 409, { email: 'counsellor.admin.taken' });
    await accounts.insertLinkToken(t, { userId: created.id, purpose: 'reset_password', hash: link.hash, ttlSeconds: COUNSELLOR_LINK_TTL_S });
    await recordAdminAction(t, admin, 'user.create_counsellor', { type: 'user', id: created.id }, { email });
  });
  ctx.mail.send(
    ctx.mail.notice({
      tenant: ctx.tenant,
      origin: ctx.origin,
      to: email,
      kind: 'counsellor-account',
      displayName: input.displayName.trim(),
      params: { days: COUNSELLOR_LINK_TTL_S / 86_400 },
      link: `${ctx.origin}/compte/mot-de-passe/nouveau?jeton=${link.token}`,
    }),
  );
}

export async function counsellorsList(ctx: YouthContext) {
  return withTenant(ctx.db, ctx.tenant.id, (t) => repo.counsellors(t));
}

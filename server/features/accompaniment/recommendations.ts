import type { Kysely } from 'kysely';
import type { ConsentChannel, Database } from '../../db/database.js';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { FileStore } from '../../files/port.js';
import type { MailService } from '../../mail/mail-service.js';
import type { Tenant } from '../../tenancy/registry.js';
import { recommendationAutoCloseDays } from '../../tenancy/tenant-config.js';
import type { AuthUser } from '../accounts/service.js';
import * as applications from '../applications/repository.js';
import { memberEmails } from '../companies/repository.js';
import * as repo from './repository.js';
import type { YouthContext } from './service.js';

/**
 * "Candidature recommandée" (as les emplois de l'inclusion's "candidature prescrite"): a counsellor
 * recommends a young person they follow for an offer. With the young person's agreement — given in
 * the app, or in an interview as the counsellor records — it becomes an application marked as
 * recommended, with a note the employer reads and a note private to the mission locale. The
 * employer is reminded after 7 days without an answer; after the tenant's delay (45 days by
 * default) the application closes as « sans réponse ».
 */

export const REMINDER_DAYS = 7;
const DAY_MS = 86_400_000;

export interface RecommendInput {
  offerId: string;
  noteForEmployer: string | null;
  privateNote: string | null;
  /** `interview`: the young person agreed in an interview (sent at once); `app`: they are asked in the app. */
  channel: ConsentChannel;
}

/** A counsellor recommends a young person they follow for a live offer. */
export async function recommendYoungPerson(ctx: YouthContext, counsellor: AuthUser, youngUserId: string, input: RecommendInput): Promise<{ status: 'sent' | 'awaiting_consent' }> {
  const outcome = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    if (!(await repo.followersOf(t, youngUserId)).includes(counsellor.id)) throw notFound();
    const offer = await repo.liveOffer(t, input.offerId, ctx.now);
    if (!offer) throw new AppError('VALIDATION_FAILED', 422, { offer: 'fields.offer.unknown' });
    const young = (await repo.youngPerson(t, youngUserId))!;
    if (await applications.hasLiveApplication(t, offer.id, young.email)) throw new AppError('ALREADY_APPLIED', 409);
    const created = await repo.insertRecommendation(t, {
      offerId: offer.id,
      youngUserId,
      counsellorId: counsellor.id,
      noteForEmployer: input.noteForEmployer,
      privateNote: input.privateNote,
      origin: ctx.origin,
    });
    if (!created) throw new AppError('RECOMMENDATION_EXISTS', 409);
    if (input.channel === 'app') return { status: 'awaiting_consent' as const, young, offer };
    const sent = await sendRecommendation(t, ctx.files, created.id, { consentAt: ctx.now, channel: 'interview', now: ctx.now });
    return { status: 'sent' as const, young, offer, sent };
  });
  if (outcome.status === 'awaiting_consent') {
    ctx.mail.send(
      ctx.mail.notice({
        tenant: ctx.tenant,
        origin: ctx.origin,
        to: outcome.young.email,
        kind: 'recommendation-consent',
        displayName: outcome.young.display_name,
        params: { offer: outcome.offer.title, company: outcome.offer.company_name, counsellor: counsellor.displayName },
        link: `${ctx.origin}/compte/accompagnement#recommandations`,
      }),
    );
  } else {
    notifyCompany(ctx.mail, ctx.tenant, ctx.origin, outcome.sent!);
  }
  ctx.log.info({ event: 'recommendation', youngUserId, offerId: input.offerId, status: outcome.status, by: counsellor.id }, 'young person recommended');
  return { status: outcome.status };
}

/** The young person agrees (the application is sent) or declines a pending recommendation. */
export async function answerRecommendation(ctx: YouthContext, young: AuthUser, recommendationId: string, accept: boolean): Promise<void> {
  const sent = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const recommendation = await repo.lockRecommendation(t, recommendationId);
    if (!recommendation || recommendation.young_user_id !== young.id) throw notFound();
    if (recommendation.status !== 'awaiting_consent') throw new AppError('RECOMMENDATION_ANSWERED', 409);
    if (!accept) {
      await repo.declineRecommendation(t, recommendationId, ctx.now);
      return undefined;
    }
    if (!(await repo.liveOffer(t, recommendation.offer_id, ctx.now))) throw new AppError('OFFER_GONE', 410);
    return sendRecommendation(t, ctx.files, recommendationId, { consentAt: ctx.now, channel: 'app', now: ctx.now });
  });
  if (sent) notifyCompany(ctx.mail, ctx.tenant, ctx.origin, sent);
}

interface SentRecommendation {
  applicationId: string;
  offerTitle: string;
  candidate: string;
  note: string | null;
  recipients: { email: string; display_name: string }[];
}

/**
 * Turns a recommendation into an application, in the caller's transaction: the young person's name,
 * address, phone and a copy of their profile CV (the profile may change later, the application
 * keeps what was sent), marked as recommended by the counsellor with the note for the employer.
 */
async function sendRecommendation(
  t: TenantDb,
  files: FileStore,
  recommendationId: string,
  consent: { consentAt: Date; channel: ConsentChannel; now: Date },
): Promise<SentRecommendation> {
  const recommendation = (await repo.lockRecommendation(t, recommendationId))!;
  const young = await repo.youngPerson(t, recommendation.young_user_id);
  const offer = await repo.liveOffer(t, recommendation.offer_id, consent.now);
  if (!young || !offer) throw notFound();
  const profileCv = young.cv_file_id ? await files.get(t, young.cv_file_id) : undefined;
  const cv = profileCv ? await files.put(t, { mediaType: profileCv.mediaType, content: profileCv.content }) : undefined;
  const application = await applications.insertApplication(t, {
    offerId: offer.id,
    companyId: offer.company_id,
    userId: young.id,
    fullName: young.display_name,
    email: young.email,
    phone: young.phone,
    message: null,
    cvFileId: cv?.id ?? null,
    cvFileName: cv ? young.cv_file_name : null,
    recommendedBy: recommendation.counsellor_user_id ?? undefined,
    recommendationNote: recommendation.note_for_employer,
    consentAt: consent.consentAt,
  });
  if (!application) throw new AppError('ALREADY_APPLIED', 409);
  await repo.markRecommendationSent(t, recommendationId, { applicationId: application.id, ...consent });
  return {
    applicationId: application.id,
    offerTitle: offer.title,
    candidate: young.display_name,
    note: recommendation.note_for_employer,
    recipients: await memberEmails(t, offer.company_id),
  };
}

function notifyCompany(mail: MailService, tenant: Tenant, origin: string, sent: SentRecommendation) {
  for (const member of sent.recipients) {
    mail.send(
      mail.notice({
        tenant,
        origin,
        to: member.email,
        kind: 'application-recommended',
        displayName: member.display_name,
        params: { candidate: sent.candidate, offer: sent.offerTitle },
        note: sent.note,
        link: `${origin}/compte/candidatures/${sent.applicationId}`,
      }),
    );
  }
}

export interface CalendarReport {
  reminded: number;
  closed: number;
}

/**
 * Recommended applications still waiting for the employer, on `now`: the company's members are
 * reminded once after 7 days; after the tenant's delay the application closes as « sans réponse »
 * and the young person and the counsellor are told. State-based (reminder_sent_at, the status), so
 * a missed or repeated run neither loses nor doubles anything.
 */
export async function runRecommendationCalendar(db: Kysely<Database>, tenant: Tenant, mail: MailService, now: Date): Promise<CalendarReport> {
  const closeBefore = new Date(now.getTime() - recommendationAutoCloseDays(tenant.config) * DAY_MS);
  const remindBefore = new Date(now.getTime() - REMINDER_DAYS * DAY_MS);
  const { toRemind, toClose } = await withTenant(db, tenant.id, async (t) => {
    const waiting = await repo.recommendedAwaitingAnswer(t, remindBefore);
    const closing = waiting.filter((w) => w.created_at <= closeBefore);
    const closed = new Set(await applications.closeUnanswered(t, closing.map((w) => w.id), now));
    const reminding = waiting.filter((w) => w.created_at > closeBefore && w.reminder_sent_at === null);
    const reminded = new Set(await applications.markReminderSent(t, reminding.map((w) => w.id), now));
    const withMembers = await Promise.all(
      waiting.filter((w) => reminded.has(w.id)).map(async (w) => ({ ...w, recipients: await memberEmails(t, w.company_id) })),
    );
    return { toRemind: withMembers, toClose: closing.filter((w) => closed.has(w.id)) };
  });
  for (const w of toRemind) {
    for (const member of w.recipients) {
      mail.send(
        mail.notice({
          tenant,
          origin: w.origin,
          to: member.email,
          kind: 'recommendation-reminder',
          displayName: member.display_name,
          params: { candidate: w.full_name, offer: w.offer_title, days: REMINDER_DAYS },
          link: `${w.origin}/compte/candidatures/${w.id}`,
        }),
      );
    }
  }
  for (const w of toClose) {
    const params = { candidate: w.full_name, offer: w.offer_title, company: w.company_name, days: recommendationAutoCloseDays(tenant.config) };
    mail.send(mail.notice({ tenant, origin: w.origin, to: w.email, kind: 'application-unanswered', displayName: w.full_name, params, link: `${w.origin}/compte/accompagnement` }));
    if (w.counsellor_email) {
      mail.send(
        mail.notice({
          tenant,
          origin: w.origin,
          to: w.counsellor_email,
          kind: 'recommendation-unanswered',
          displayName: w.counsellor_name ?? '',
          params,
          link: `${w.origin}/conseiller/jeunes/${w.user_id}`,
        }),
      );
    }
  }
  return { reminded: toRemind.length, closed: toClose.length };
}

import { sql } from 'kysely';
import type { ApplicationStatus, RefusalReason } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';

/** The offer an application goes to: live (published, not expired) offers of this tenant only. */
export async function findOpenOffer(t: TenantDb, offerId: string) {
  return t.trx
    .selectFrom('offers')
    .innerJoin('companies', (j) => j.onRef('companies.id', '=', 'offers.company_id').onRef('companies.tenant_id', '=', 'offers.tenant_id'))
    .where('offers.tenant_id', '=', t.tenantId)
    .where('offers.id', '=', offerId)
    .where('offers.status', '=', 'published')
    .where((eb) => eb.or([eb('offers.expires_at', 'is', null), eb('offers.expires_at', '>', sql<Date>`now()`)]))
    .select([
      'offers.id',
      'offers.title',
      'offers.company_id',
      'offers.apply_method',
      'offers.apply_url',
      'offers.apply_email',
      'offers.place_name',
      'companies.name as company_name',
    ])
    .executeTakeFirst();
}
export type OpenOfferRow = NonNullable<Awaited<ReturnType<typeof findOpenOffer>>>;

export async function hasLiveApplication(t: TenantDb, offerId: string, email: string): Promise<boolean> {
  const row = await t.trx
    .selectFrom('applications')
    .select('id')
    .where('tenant_id', '=', t.tenantId)
    .where('offer_id', '=', offerId)
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .where('anonymised_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

export interface NewApplication {
  offerId: string;
  companyId: string;
  userId: string | null;
  fullName: string;
  email: string;
  phone: string | null;
  message: string | null;
  cvFileId: string | null;
  cvFileName: string | null;
  /** A counsellor's recommendation (features/accompaniment): who, and the note the employer reads. */
  recommendedBy?: string;
  recommendationNote?: string | null;
  /** When the candidate agreed (default: now, the moment they apply). */
  consentAt?: Date;
}

/** Inserts the application; undefined when the (offer, e-mail) pair already has one (unique index). */
export async function insertApplication(t: TenantDb, a: NewApplication) {
  return t.trx
    .insertInto('applications')
    .values({
      tenant_id: t.tenantId,
      offer_id: a.offerId,
      company_id: a.companyId,
      user_id: a.userId,
      full_name: a.fullName,
      email: a.email,
      phone: a.phone,
      message: a.message,
      cv_file_id: a.cvFileId,
      cv_file_name: a.cvFileName,
      consent_at: a.consentAt ?? new Date(),
      recommended_by: a.recommendedBy ?? null,
      recommendation_note: a.recommendationNote ?? null,
    })
    .onConflict((oc) => oc.expression(sql`tenant_id, offer_id, lower(email)`).where('anonymised_at', 'is', null).doNothing())
    .returning(['id', 'created_at'])
    .executeTakeFirst();
}

const applicationColumns = [
  'applications.id',
  'applications.offer_id',
  'applications.company_id',
  'applications.user_id',
  'applications.full_name',
  'applications.email',
  'applications.phone',
  'applications.message',
  'applications.cv_file_id',
  'applications.cv_file_name',
  'applications.status',
  'applications.status_changed_at',
  'applications.hired_at',
  'applications.anonymised_at',
  'applications.created_at',
  'applications.recommended_by',
  'applications.recommendation_note',
  'applications.refusal_reason',
  'applications.refusal_reason_shared',
  'applications.employer_answered_at',
  'applications.interview_at',
  'offers.title as offer_title',
  'companies.name as company_name',
  'candidate.birth_date as candidate_birth_date',
  'recommender.display_name as recommender_name',
  'recommender.email as recommender_email',
] as const;

function withOffer(t: TenantDb) {
  return t.trx
    .selectFrom('applications')
    .innerJoin('offers', (j) => j.onRef('offers.id', '=', 'applications.offer_id').onRef('offers.tenant_id', '=', 'applications.tenant_id'))
    .innerJoin('companies', (j) => j.onRef('companies.id', '=', 'applications.company_id').onRef('companies.tenant_id', '=', 'applications.tenant_id'))
    .leftJoin('users as candidate', (j) => j.onRef('candidate.id', '=', 'applications.user_id').onRef('candidate.tenant_id', '=', 'applications.tenant_id'))
    .leftJoin('users as recommender', (j) =>
      j.onRef('recommender.id', '=', 'applications.recommended_by').onRef('recommender.tenant_id', '=', 'applications.tenant_id'),
    )
    .where('applications.tenant_id', '=', t.tenantId);
}

export async function findApplication(t: TenantDb, id: string) {
  return withOffer(t).where('applications.id', '=', id).select(applicationColumns).executeTakeFirst();
}
export type ApplicationRow = NonNullable<Awaited<ReturnType<typeof findApplication>>>;

export async function lockApplication(t: TenantDb, id: string) {
  return t.trx
    .selectFrom('applications')
    .select(['id', 'status', 'company_id'])
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function applicationsOfOffer(t: TenantDb, offerId: string) {
  return withOffer(t).where('applications.offer_id', '=', offerId).select(applicationColumns).orderBy('applications.created_at', 'desc').execute();
}

export async function applicationsOfUser(t: TenantDb, userId: string) {
  return withOffer(t).where('applications.user_id', '=', userId).select(applicationColumns).orderBy('applications.created_at', 'desc').execute();
}

export interface StatusChange {
  /** A rejection's reason (fixed list) and whether the candidate may read it. */
  refusal?: { reason: RefusalReason; shared: boolean };
  /** The move is the employer's answer (first answer time kept). */
  answered?: boolean;
}

export async function setStatus(t: TenantDb, id: string, status: ApplicationStatus, change: StatusChange = {}) {
  await t.trx
    .updateTable('applications')
    .set((eb) => ({
      status,
      status_changed_at: sql`now()`,
      ...(status === 'hired' ? { hired_at: sql`now()` } : {}),
      ...(status === 'interview' ? { interview_at: eb.fn.coalesce('interview_at', sql<Date>`now()`) } : {}),
      ...(change.answered ? { employer_answered_at: eb.fn.coalesce('employer_answered_at', sql<Date>`now()`) } : {}),
      refusal_reason: change.refusal?.reason ?? null,
      refusal_reason_shared: change.refusal?.shared ?? false,
    }))
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .execute();
}

/** A company member wrote in the application's thread: that is an answer too (first time kept). */
export async function markEmployerAnswered(t: TenantDb, id: string, now: Date) {
  await t.trx
    .updateTable('applications')
    .set((eb) => ({ employer_answered_at: eb.fn.coalesce('employer_answered_at', sql<Date>`${now}::timestamptz`) }))
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .execute();
}

export async function insertNote(t: TenantDb, applicationId: string, authorId: string, body: string) {
  await t.trx.insertInto('application_notes').values({ tenant_id: t.tenantId, application_id: applicationId, author_user_id: authorId, body }).execute();
}

export async function notesOf(t: TenantDb, applicationId: string) {
  return t.trx
    .selectFrom('application_notes')
    .leftJoin('users', (j) => j.onRef('users.id', '=', 'application_notes.author_user_id').onRef('users.tenant_id', '=', 'application_notes.tenant_id'))
    .where('application_notes.tenant_id', '=', t.tenantId)
    .where('application_notes.application_id', '=', applicationId)
    .select(['application_notes.id', 'application_notes.body', 'application_notes.created_at', 'users.display_name as author'])
    .orderBy('application_notes.created_at')
    .execute();
}

/** The offer (any status) and its company, for the pipeline page. */
export async function offerOfCompany(t: TenantDb, offerId: string) {
  return t.trx
    .selectFrom('offers')
    .select(['id', 'title', 'company_id', 'status'])
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', offerId)
    .executeTakeFirst();
}

/** Counts per status of a company's offers (the employer's offer list). */
export async function countsByOffer(t: TenantDb, companyId: string) {
  return t.trx
    .selectFrom('applications')
    .where('tenant_id', '=', t.tenantId)
    .where('company_id', '=', companyId)
    .select(['offer_id', (eb) => eb.fn.countAll<number>().as('total'), (eb) => eb.fn.countAll<number>().filterWhere('status', '=', 'new').as('unread')])
    .groupBy('offer_id')
    .execute();
}

/** Recommended applications left unanswered are closed by the app ("sans réponse"); returns those closed. */
export async function closeUnanswered(t: TenantDb, ids: string[], now: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await t.trx
    .updateTable('applications')
    .set({ status: 'unanswered', status_changed_at: now })
    .where('tenant_id', '=', t.tenantId)
    .where('id', 'in', ids)
    .where('status', 'in', ['new', 'viewed'])
    .where('employer_answered_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Records the 7-day reminder of recommended applications (once each); returns those to remind now. */
export async function markReminderSent(t: TenantDb, ids: string[], now: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await t.trx
    .updateTable('applications')
    .set({ reminder_sent_at: now })
    .where('tenant_id', '=', t.tenantId)
    .where('id', 'in', ids)
    .where('reminder_sent_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

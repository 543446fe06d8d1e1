import { sql, type Insertable, type Updateable } from 'kysely';
import type { Database } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';

type NewHire = Omit<Insertable<Database['hires']>, 'tenant_id'>;

/** Inserts a hire; for an application that already has one, returns that one (a second click, a retry). */
export async function insertHire(t: TenantDb, values: NewHire): Promise<string> {
  const row = await t.trx
    .insertInto('hires')
    .values({ ...values, tenant_id: t.tenantId })
    .onConflict((oc) => oc.column('application_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row) return row.id;
  const existing = await t.trx.selectFrom('hires').select('id').where('tenant_id', '=', t.tenantId).where('application_id', '=', values.application_id!).executeTakeFirstOrThrow();
  return existing.id;
}

export async function updateHire(t: TenantDb, id: string, values: Updateable<Database['hires']>): Promise<void> {
  await t.trx.updateTable('hires').set({ ...values, updated_at: sql`now()` }).where('tenant_id', '=', t.tenantId).where('id', '=', id).execute();
}

/** The offer a hire comes from (or is declared on), any status, with what a hire takes from it. */
export async function offerForHire(t: TenantDb, offerId: string) {
  return t.trx
    .selectFrom('offers')
    .select(['id', 'company_id', 'title', 'contract', 'hours_per_week', 'start_date', 'end_date', 'job_nature'])
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', offerId)
    .executeTakeFirst();
}

const hireColumns = [
  'hires.id',
  'hires.company_id',
  'hires.offer_id',
  'hires.application_id',
  'hires.candidate_user_id',
  'hires.person_label',
  'hires.person_email',
  'hires.title',
  'hires.contract',
  'hires.weekly_hours',
  'hires.hired_on',
  'hires.planned_start',
  'hires.planned_end',
  'hires.actual_start',
  'hires.actual_end',
  'hires.end_reason',
  'hires.start_on',
  'hires.job_nature',
  'hires.nature_declared_at',
  'hires.attribution',
  'hires.recorded_by',
  'hires.created_at',
  'companies.name as company_name',
  'applications.full_name as applicant_name',
  'applications.anonymised_at as applicant_anonymised_at',
  'declarer.display_name as nature_declared_by_name',
] as const;

function hiresWithPeople(t: TenantDb) {
  return t.trx
    .selectFrom('hires')
    .innerJoin('companies', (j) => j.onRef('companies.id', '=', 'hires.company_id').onRef('companies.tenant_id', '=', 'hires.tenant_id'))
    .leftJoin('applications', (j) => j.onRef('applications.id', '=', 'hires.application_id').onRef('applications.tenant_id', '=', 'hires.tenant_id'))
    .leftJoin('users as declarer', (j) => j.onRef('declarer.id', '=', 'hires.nature_declared_by').onRef('declarer.tenant_id', '=', 'hires.tenant_id'))
    .where('hires.tenant_id', '=', t.tenantId);
}

export async function findHire(t: TenantDb, id: string) {
  return hiresWithPeople(t).where('hires.id', '=', id).select(hireColumns).executeTakeFirst();
}
export type HireRow = NonNullable<Awaited<ReturnType<typeof findHire>>>;

export async function lockHire(t: TenantDb, id: string) {
  return t.trx.selectFrom('hires').selectAll().where('tenant_id', '=', t.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export interface HireListFilter {
  companyIds?: string[];
  /** Start dates within [from, to). */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

/** Hires newest start first, with the answers of their follow-ups (employer's, then the person's). */
export async function listHires(t: TenantDb, filter: HireListFilter) {
  let query = hiresWithPeople(t);
  if (filter.companyIds) query = filter.companyIds.length > 0 ? query.where('hires.company_id', 'in', filter.companyIds) : query.where(sql<boolean>`false`);
  if (filter.from) query = query.where('hires.start_on', '>=', filter.from as never);
  if (filter.to) query = query.where('hires.start_on', '<', filter.to as never);
  const rows = await query
    .select(hireColumns)
    .select((eb) => [
      eb
        .selectFrom('hire_follow_ups')
        .whereRef('hire_follow_ups.hire_id', '=', 'hires.id')
        .select(sql<{ milestone: number; respondent: string; answer: string | null; status: string }[]>`coalesce(json_agg(json_build_object(
          'milestone', milestone, 'respondent', respondent, 'answer', answer, 'status', status) order by milestone, respondent), '[]')`.as('f'))
        .as('follow_ups'),
    ])
    .orderBy('hires.start_on', 'desc')
    .orderBy('hires.id')
    .limit(filter.limit + 1)
    .offset(filter.offset)
    .execute();
  return { rows: rows.slice(0, filter.limit).map((row) => ({ ...row, follow_ups: row.follow_ups ?? [] })), more: rows.length > filter.limit };
}

export async function followUpsOf(t: TenantDb, hireId: string) {
  return t.trx
    .selectFrom('hire_follow_ups')
    .select(['milestone', 'respondent', 'due_on', 'status', 'sent_at', 'answer', 'answered_at'])
    .where('tenant_id', '=', t.tenantId)
    .where('hire_id', '=', hireId)
    .orderBy('milestone')
    .orderBy('respondent')
    .execute();
}

/** The company's offers a hire may be declared on (newest first). */
export async function offersOfCompany(t: TenantDb, companyId: string) {
  return t.trx
    .selectFrom('offers')
    .select(['id', 'title', 'status', 'published_at'])
    .where('tenant_id', '=', t.tenantId)
    .where('company_id', '=', companyId)
    .where('published_at', 'is not', null)
    .orderBy('published_at', 'desc')
    .limit(200)
    .execute();
}

// The 6- and 12-month follow-up questions.

/**
 * Opens the follow-up questions that fell due: one per hire, milestone and respondent, for hires
 * still running as far as anyone declared (no actual end), the milestone's date reached but at most
 * `catchUpDays` ago (an older one is not asked: it stays « inconnu »). The person is asked only where
 * the tenant wants it and an address is known. ON CONFLICT: a row is opened once, ever.
 */
export async function openDueFollowUps(t: TenantDb, today: string, catchUpDays: number, askPerson: boolean): Promise<number> {
  const result = await sql`
    insert into hire_follow_ups (tenant_id, hire_id, milestone, respondent, due_on)
    select h.tenant_id, h.id, m.milestone, r.respondent, (h.start_on + make_interval(months => m.milestone))::date
    from hires h
    cross join (values (6), (12)) as m (milestone)
    cross join (values ('employer'), ('person')) as r (respondent)
    left join applications a on a.id = h.application_id and a.tenant_id = h.tenant_id
    where h.tenant_id = ${t.tenantId}
      and h.actual_end is null
      and h.start_on <= ${today}::date - interval '6 months'
      and h.start_on > ${today}::date - interval '12 months' - make_interval(days => ${catchUpDays}::int)
      and (h.start_on + make_interval(months => m.milestone))::date <= ${today}::date
      and (h.start_on + make_interval(months => m.milestone))::date > ${today}::date - ${catchUpDays}::int
      and (r.respondent = 'employer'
           or (${askPerson} and (h.person_email is not null or (a.id is not null and a.anonymised_at is null) or h.candidate_user_id is not null)))
    on conflict (hire_id, milestone, respondent) do nothing`.execute(t.trx);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Claims pending questions for sending (a lease, so two nodes never send the same one at once and a
 * crashed run's claim expires). Questions whose hire has meanwhile got a declared end are dropped:
 * the end date answers them.
 */
export async function claimFollowUps(t: TenantDb, now: Date, limit: number, leaseSeconds: number) {
  await sql`
    delete from hire_follow_ups f using hires h
    where f.tenant_id = ${t.tenantId} and f.status = 'pending' and h.id = f.hire_id and h.tenant_id = f.tenant_id and h.actual_end is not null`.execute(t.trx);
  const { rows } = await sql<{ id: string }>`
    update hire_follow_ups set claimed_until = ${now}::timestamptz + make_interval(secs => ${leaseSeconds}), attempts = attempts + 1
    where id in (
      select id from hire_follow_ups
      where tenant_id = ${t.tenantId} and status = 'pending' and (claimed_until is null or claimed_until < ${now})
      order by created_at, id limit ${limit} for update skip locked)
    returning id`.execute(t.trx);
  return rows.map((r) => r.id);
}

/** A question with what its e-mail and its page say, and where the e-mail goes. */
export async function findFollowUp(t: TenantDb, id: string) {
  return t.trx
    .selectFrom('hire_follow_ups as f')
    .innerJoin('hires as h', (j) => j.onRef('h.id', '=', 'f.hire_id').onRef('h.tenant_id', '=', 'f.tenant_id'))
    .innerJoin('companies as c', (j) => j.onRef('c.id', '=', 'h.company_id').onRef('c.tenant_id', '=', 'h.tenant_id'))
    .leftJoin('applications as a', (j) => j.onRef('a.id', '=', 'h.application_id').onRef('a.tenant_id', '=', 'h.tenant_id'))
    .leftJoin('users as person', (j) => j.onRef('person.id', '=', 'h.candidate_user_id').onRef('person.tenant_id', '=', 'h.tenant_id'))
    .where('f.tenant_id', '=', t.tenantId)
    .where('f.id', '=', id)
    .select([
      'f.id',
      'f.hire_id',
      'f.milestone',
      'f.respondent',
      'f.due_on',
      'f.status',
      'f.answer',
      'f.answered_at',
      'h.company_id',
      'h.title',
      'h.start_on',
      'h.recorded_by',
      'h.person_label',
      'h.person_email',
      'c.name as company_name',
      'a.full_name as applicant_name',
      'a.email as applicant_email',
      'a.anonymised_at as applicant_anonymised_at',
      'person.email as person_account_email',
      'person.display_name as person_account_name',
    ])
    .executeTakeFirst();
}
export type FollowUpRow = NonNullable<Awaited<ReturnType<typeof findFollowUp>>>;

export async function markFollowUpSent(t: TenantDb, id: string, now: Date): Promise<void> {
  await t.trx.updateTable('hire_follow_ups').set({ status: 'sent', sent_at: now, claimed_until: null }).where('tenant_id', '=', t.tenantId).where('id', '=', id).execute();
}

export async function releaseFollowUp(t: TenantDb, id: string): Promise<void> {
  await t.trx.updateTable('hire_follow_ups').set({ claimed_until: null }).where('tenant_id', '=', t.tenantId).where('id', '=', id).execute();
}

/** Records (or changes) an answer, dated. */
export async function answerFollowUp(t: TenantDb, id: string, answer: 'yes' | 'no', now: Date): Promise<void> {
  await t.trx.updateTable('hire_follow_ups').set({ answer, answered_at: now }).where('tenant_id', '=', t.tenantId).where('id', '=', id).execute();
}

/** Every company of the tenant, by name: the staff declare a hire for any of them. */
export async function allCompanies(t: TenantDb) {
  return t.trx.selectFrom('companies').select(['id', 'name']).where('tenant_id', '=', t.tenantId).orderBy('name').limit(2000).execute();
}

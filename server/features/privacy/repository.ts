import { sql } from 'kysely';
import type { TenantDb } from '../../db/tenant-db.js';

export async function accountOf(t: TenantDb, userId: string) {
  return t.trx
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'role', 'email_verified_at', 'created_at'])
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** Applications made by this account or with its address (before it existed, or signed out). */
export async function applicationsOf(t: TenantDb, userId: string, email: string) {
  return t.trx
    .selectFrom('applications')
    .innerJoin('offers', (j) => j.onRef('offers.id', '=', 'applications.offer_id').onRef('offers.tenant_id', '=', 'applications.tenant_id'))
    .innerJoin('companies', (j) => j.onRef('companies.id', '=', 'applications.company_id').onRef('companies.tenant_id', '=', 'applications.tenant_id'))
    .where('applications.tenant_id', '=', t.tenantId)
    .where('applications.anonymised_at', 'is', null)
    .where((eb) => eb.or([eb('applications.user_id', '=', userId), eb(sql`lower(applications.email)`, '=', email.toLowerCase())]))
    .select([
      'applications.id',
      'applications.cv_file_id',
      'applications.full_name',
      'applications.email',
      'applications.phone',
      'applications.message',
      'applications.cv_file_name',
      'applications.status',
      'applications.status_changed_at',
      'applications.consent_at',
      'applications.created_at',
      'offers.id as offer_id',
      'offers.title as offer_title',
      'companies.name as company_name',
    ])
    .orderBy('applications.created_at')
    .execute();
}

export async function alertsOf(t: TenantDb, userId: string, email: string) {
  return t.trx
    .selectFrom('alerts')
    .select(['id', 'email', 'label', 'frequency', 'confirmed_at', 'unsubscribed_at', 'created_at'])
    .where('tenant_id', '=', t.tenantId)
    .where((eb) => eb.or([eb('user_id', '=', userId), eb(sql`lower(email)`, '=', email.toLowerCase())]))
    .execute();
}

export async function savedOffersOf(t: TenantDb, userId: string) {
  return t.trx
    .selectFrom('saved_offers')
    .innerJoin('offers', (j) => j.onRef('offers.id', '=', 'saved_offers.offer_id').onRef('offers.tenant_id', '=', 'saved_offers.tenant_id'))
    .where('saved_offers.tenant_id', '=', t.tenantId)
    .where('saved_offers.user_id', '=', userId)
    .select(['offers.id as offer_id', 'offers.title', 'saved_offers.created_at'])
    .execute();
}

/**
 * Anonymises applications (personal fields cleared, notes deleted): the rows stay so that counts by
 * offer, status and hire remain for the funders' reports. Returns the CV files to delete.
 */
export async function anonymiseApplications(t: TenantDb, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  await t.trx.deleteFrom('application_notes').where('tenant_id', '=', t.tenantId).where('application_id', 'in', ids).execute();
  const rows = await sql<{ cv_file_id: string | null }>`
    update applications a set
      full_name = '—', email = 'anonyme-' || a.id || '@invalid', phone = null, message = null,
      cv_file_id = null, cv_file_name = null, user_id = null, anonymised_at = now()
    from (select id, cv_file_id from applications where tenant_id = ${t.tenantId} and id in (${sql.join(ids)}) for update) old
    where a.id = old.id
    returning old.cv_file_id`.execute(t.trx);
  return rows.rows.map((r) => r.cv_file_id).filter((id): id is string => id !== null);
}

export async function deleteAlerts(t: TenantDb, ids: string[]): Promise<void> {
  if (ids.length > 0) await t.trx.deleteFrom('alerts').where('tenant_id', '=', t.tenantId).where('id', 'in', ids).execute();
}

export async function profileCv(t: TenantDb, userId: string): Promise<string | null> {
  const row = await t.trx.selectFrom('candidate_profiles').select('cv_file_id').where('tenant_id', '=', t.tenantId).where('user_id', '=', userId).executeTakeFirst();
  return row?.cv_file_id ?? null;
}

/** The user row; sessions, tokens, profile and saved offers go with it (foreign keys, on delete cascade). */
export async function deleteUser(t: TenantDb, userId: string): Promise<void> {
  await t.trx.deleteFrom('users').where('tenant_id', '=', t.tenantId).where('id', '=', userId).execute();
}

/** Candidates with no activity (profile, application, log-in) since `cutoff`. */
export async function inactiveCandidates(t: TenantDb, cutoff: Date, limit: number) {
  const { rows } = await sql<{ id: string; email: string }>`
    select u.id, u.email from users u
    left join candidate_profiles p on p.user_id = u.id
    where u.tenant_id = ${t.tenantId} and u.role = 'candidate'
      and greatest(u.created_at, p.last_activity_at,
                   (select max(s.created_at) from sessions s where s.user_id = u.id),
                   (select max(a.created_at) from applications a where a.user_id = u.id)) < ${cutoff}
    limit ${limit}`.execute(t.trx);
  return rows;
}

/** Applications without an account, older than `cutoff` and not yet anonymised. */
export async function staleAnonymousApplications(t: TenantDb, cutoff: Date, limit: number): Promise<string[]> {
  const rows = await t.trx
    .selectFrom('applications')
    .select('id')
    .where('tenant_id', '=', t.tenantId)
    .where('user_id', 'is', null)
    .where('anonymised_at', 'is', null)
    .where((eb) => eb(eb.fn.coalesce('status_changed_at', 'created_at'), '<', cutoff))
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Rejected applications whose decision is older than `cutoff` (data of unsuccessful candidates, CNIL). */
export async function staleRejectedApplications(t: TenantDb, cutoff: Date, limit: number): Promise<string[]> {
  const rows = await t.trx
    .selectFrom('applications')
    .select('id')
    .where('tenant_id', '=', t.tenantId)
    .where('status', '=', 'rejected')
    .where('anonymised_at', 'is', null)
    .where('status_changed_at', '<', cutoff)
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

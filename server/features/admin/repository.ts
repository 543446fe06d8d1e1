import { sql } from 'kysely';
import type { TenantDb } from '../../db/tenant-db.js';

/** `%term%` for ILIKE, with the user's own % and _ taken literally. */
const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function searchCompanies(t: TenantDb, q: string | undefined, page: { limit: number; offset: number }) {
  let query = t.trx.selectFrom('companies').where('companies.tenant_id', '=', t.tenantId);
  if (q) {
    const pattern = likePattern(q);
    query = query.where((eb) =>
      eb.or([
        eb(sql`immutable_unaccent(companies.name)`, 'ilike', sql`immutable_unaccent(${pattern})`),
        eb('companies.siret', 'like', pattern.replace(/\s/g, '')),
        eb('companies.slug', 'ilike', pattern),
      ]),
    );
  }
  const [rows, total] = await Promise.all([
    query
      .leftJoin('communes', 'communes.insee_code', 'companies.commune_insee')
      .select((eb) => [
        'companies.id',
        'companies.name',
        'companies.slug',
        'companies.siret',
        'companies.headcount',
        'communes.name as commune_name',
        eb.selectFrom('company_members').whereRef('company_members.company_id', '=', 'companies.id').select(eb.fn.countAll<number>().as('n')).as('members'),
        eb.selectFrom('offers').whereRef('offers.company_id', '=', 'companies.id').where('offers.status', '=', 'published').select(eb.fn.countAll<number>().as('n')).as('published_offers'),
        eb
          .selectFrom('memberships')
          .whereRef('memberships.company_id', '=', 'companies.id')
          .select('memberships.status')
          .orderBy('memberships.period_end', sql`desc nulls last`)
          .limit(1)
          .as('membership_status'),
      ])
      .orderBy('companies.name')
      .orderBy('companies.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: total.n };
}

export async function searchUsers(t: TenantDb, q: string | undefined, page: { limit: number; offset: number }) {
  let query = t.trx.selectFrom('users').where('users.tenant_id', '=', t.tenantId);
  if (q) {
    const pattern = likePattern(q);
    query = query.where((eb) =>
      eb.or([eb('users.email', 'ilike', pattern), eb(sql`immutable_unaccent(users.display_name)`, 'ilike', sql`immutable_unaccent(${pattern})`)]),
    );
  }
  const [rows, total] = await Promise.all([
    query
      .select((eb) => [
        'users.id',
        'users.email',
        'users.display_name',
        'users.role',
        'users.email_verified_at',
        'users.disabled_at',
        'users.created_at',
        eb
          .selectFrom('company_members')
          .innerJoin('companies', 'companies.id', 'company_members.company_id')
          .whereRef('company_members.user_id', '=', 'users.id')
          .select('companies.name')
          .orderBy('company_members.created_at')
          .limit(1)
          .as('company_name'),
      ])
      .orderBy('users.email')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: total.n };
}

export async function auditLog(t: TenantDb, page: { limit: number; offset: number }) {
  const [rows, total] = await Promise.all([
    t.trx
      .selectFrom('admin_audit_log')
      .where('tenant_id', '=', t.tenantId)
      .select(['id', 'actor_email', 'action', 'target_type', 'target_id', 'details', 'created_at'])
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    t.trx.selectFrom('admin_audit_log').where('tenant_id', '=', t.tenantId).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: total.n };
}

import { sql } from 'kysely';
import type { NewCompany } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';

export async function findBySlug(t: TenantDb, slug: string) {
  return t.trx
    .selectFrom('companies')
    .leftJoin('communes', 'communes.insee_code', 'companies.commune_insee')
    .where('companies.slug', '=', slug)
    .select([
      'companies.id',
      'companies.name',
      'companies.slug',
      'companies.description',
      'companies.website',
      'companies.headcount',
      'companies.logo_file_id',
      'communes.name as commune_name',
    ])
    .executeTakeFirst();
}

/** Every column of one company with its commune's name; undefined for an unknown id (or another tenant's). */
export async function findById(t: TenantDb, id: string) {
  return t.trx
    .selectFrom('companies')
    .leftJoin('communes', 'communes.insee_code', 'companies.commune_insee')
    .leftJoin('naf_codes', 'naf_codes.code', 'companies.naf_code')
    .where('companies.tenant_id', '=', t.tenantId)
    .where('companies.id', '=', id)
    .selectAll('companies')
    .select(['communes.name as commune_name', 'naf_codes.label as naf_label'])
    .executeTakeFirst();
}

export type CompanyRow = NonNullable<Awaited<ReturnType<typeof findById>>>;

/** The companies a user belongs to, oldest membership first (the company space shows the first). */
export async function companiesOfUser(t: TenantDb, userId: string) {
  return t.trx
    .selectFrom('company_members')
    .innerJoin('companies', 'companies.id', 'company_members.company_id')
    .where('company_members.tenant_id', '=', t.tenantId)
    .where('company_members.user_id', '=', userId)
    .select(['companies.id', 'companies.name', 'companies.slug', 'company_members.member_role'])
    .orderBy('company_members.created_at')
    .orderBy('companies.id')
    .execute();
}

export async function memberRole(t: TenantDb, companyId: string, userId: string) {
  const row = await t.trx
    .selectFrom('company_members')
    .select('member_role')
    .where('tenant_id', '=', t.tenantId)
    .where('company_id', '=', companyId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.member_role;
}

export async function listMembers(t: TenantDb, companyId: string) {
  return t.trx
    .selectFrom('company_members')
    .innerJoin('users', 'users.id', 'company_members.user_id')
    .where('company_members.tenant_id', '=', t.tenantId)
    .where('company_members.company_id', '=', companyId)
    .select(['users.id', 'users.email', 'users.display_name', 'company_members.member_role', 'company_members.created_at'])
    .orderBy('company_members.created_at')
    .orderBy('users.email')
    .execute();
}

/** Locks the company's member rows, so that two owners leaving at once cannot both be "not the last". */
export async function lockMembers(t: TenantDb, companyId: string) {
  return t.trx
    .selectFrom('company_members')
    .select(['user_id', 'member_role'])
    .where('tenant_id', '=', t.tenantId)
    .where('company_id', '=', companyId)
    .forUpdate()
    .execute();
}

export async function addMember(t: TenantDb, companyId: string, userId: string, role: 'owner' | 'member') {
  await t.trx
    .insertInto('company_members')
    .values({ tenant_id: t.tenantId, company_id: companyId, user_id: userId, member_role: role })
    .onConflict((oc) => oc.columns(['company_id', 'user_id']).doNothing())
    .execute();
}

export async function removeMember(t: TenantDb, companyId: string, userId: string) {
  const result = await t.trx
    .deleteFrom('company_members')
    .where('tenant_id', '=', t.tenantId)
    .where('company_id', '=', companyId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function memberEmails(t: TenantDb, companyId: string): Promise<{ email: string; display_name: string }[]> {
  return t.trx
    .selectFrom('company_members')
    .innerJoin('users', 'users.id', 'company_members.user_id')
    .where('company_members.tenant_id', '=', t.tenantId)
    .where('company_members.company_id', '=', companyId)
    .where('users.disabled_at', 'is', null)
    .select(['users.email', 'users.display_name'])
    .execute();
}

export async function slugTaken(t: TenantDb, slug: string): Promise<boolean> {
  const row = await t.trx.selectFrom('companies').select('id').where('tenant_id', '=', t.tenantId).where('slug', '=', slug).executeTakeFirst();
  return row !== undefined;
}

export async function insertCompany(t: TenantDb, values: Omit<NewCompany, 'tenant_id'>) {
  return t.trx
    .insertInto('companies')
    .values({ ...values, tenant_id: t.tenantId })
    .returning(['id', 'slug'])
    .executeTakeFirstOrThrow();
}

/** Locks one company's row (slug and logo) for a logo change: two uploads at once leave no orphan file. */
export async function lockCompany(t: TenantDb, id: string) {
  return t.trx
    .selectFrom('companies')
    .select(['id', 'slug', 'logo_file_id'])
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateCompany(t: TenantDb, id: string, values: Partial<Omit<NewCompany, 'tenant_id' | 'id' | 'slug'>>) {
  await t.trx
    .updateTable('companies')
    .set({ ...values, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .execute();
}

export async function nafExists(t: TenantDb, code: string): Promise<boolean> {
  return (await t.trx.selectFrom('naf_codes').select('code').where('code', '=', code).executeTakeFirst()) !== undefined;
}

export async function findCommune(t: TenantDb, insee: string) {
  return t.trx
    .selectFrom('communes')
    .select(['insee_code', 'name', 'postal_codes', 'latitude', 'longitude'])
    .where('insee_code', '=', insee)
    .executeTakeFirst();
}

// Invitations

export async function insertInvitation(t: TenantDb, invitation: { companyId: string; email: string; role: 'owner' | 'member'; invitedBy: string; hash: string; ttlSeconds: number }) {
  // A new invitation to the same address replaces the pending one.
  await t.trx
    .deleteFrom('company_invitations')
    .where('tenant_id', '=', t.tenantId)
    .where('company_id', '=', invitation.companyId)
    .where('email', '=', invitation.email)
    .where('accepted_at', 'is', null)
    .execute();
  await t.trx
    .insertInto('company_invitations')
    .values({
      tenant_id: t.tenantId,
      company_id: invitation.companyId,
      email: invitation.email,
      member_role: invitation.role,
      invited_by: invitation.invitedBy,
      token_hash: invitation.hash,
      expires_at: sql<Date>`now() + make_interval(secs => ${invitation.ttlSeconds})`,
    })
    .execute();
}

export async function pendingInvitations(t: TenantDb, companyId: string) {
  return t.trx
    .selectFrom('company_invitations')
    .select(['id', 'email', 'member_role', 'created_at', 'expires_at'])
    .where('tenant_id', '=', t.tenantId)
    .where('company_id', '=', companyId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('created_at', 'desc')
    .execute();
}

/** A live invitation (unused, unexpired) by the hash of its token, with its company's name. */
export async function findLiveInvitation(t: TenantDb, hash: string) {
  return t.trx
    .selectFrom('company_invitations')
    .innerJoin('companies', 'companies.id', 'company_invitations.company_id')
    .select([
      'company_invitations.id',
      'company_invitations.company_id',
      'company_invitations.email',
      'company_invitations.member_role',
      'companies.name as company_name',
    ])
    .where('company_invitations.tenant_id', '=', t.tenantId)
    .where('company_invitations.token_hash', '=', hash)
    .where('company_invitations.accepted_at', 'is', null)
    .where('company_invitations.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Marks the invitation used; false when another request used it first. */
export async function consumeInvitation(t: TenantDb, id: string): Promise<boolean> {
  const row = await t.trx
    .updateTable('company_invitations')
    .set({ accepted_at: sql<Date>`now()` })
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

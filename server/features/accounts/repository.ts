import { sql } from 'kysely';
import type { AccountTokenPurpose, SessionKind, UserRole } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';

// Every function receives a tenant-bound transaction: RLS restricts it to that tenant's rows, and the
// explicit tenant_id filters say the same thing for readers (and for a superuser, whom RLS skips).

export async function findUserByEmail({ trx, tenantId }: TenantDb, email: string) {
  return trx
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'role', 'password_hash', 'email_verified_at', 'disabled_at'])
    .where('tenant_id', '=', tenantId)
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function findUserById({ trx, tenantId }: TenantDb, id: string) {
  return trx
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'role', 'password_hash', 'email_verified_at', 'disabled_at'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Inserts the account, or nothing when the e-mail is taken (returns undefined then). */
export async function insertUser(t: TenantDb, user: { email: string; displayName: string; role: UserRole; passwordHash: string; birthDate?: string | null }) {
  return t.trx
    .insertInto('users')
    .values({ tenant_id: t.tenantId, email: user.email, display_name: user.displayName, role: user.role, password_hash: user.passwordHash, birth_date: user.birthDate ?? null })
    .onConflict((oc) => oc.columns(['tenant_id', 'email']).doNothing())
    .returning(['id', 'email', 'display_name'])
    .executeTakeFirst();
}

export async function setPasswordHash({ trx, tenantId }: TenantDb, userId: string, passwordHash: string, options: { verifyEmail: boolean }) {
  await trx
    .updateTable('users')
    .set((eb) => ({
      password_hash: passwordHash,
      // Receiving a reset link proves the address too.
      ...(options.verifyEmail ? { email_verified_at: eb.fn.coalesce('email_verified_at', sql<Date>`now()`) } : {}),
    }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .execute();
}

export async function markEmailVerified({ trx, tenantId }: TenantDb, userId: string) {
  await trx
    .updateTable('users')
    .set((eb) => ({ email_verified_at: eb.fn.coalesce('email_verified_at', sql<Date>`now()`) }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .execute();
}

// Sessions

export async function insertSession(t: TenantDb, session: { userId: string; kind: SessionKind; userAgent: string | null; ttlSeconds: number }) {
  return t.trx
    .insertInto('sessions')
    .values({
      tenant_id: t.tenantId,
      user_id: session.userId,
      kind: session.kind,
      user_agent: session.userAgent?.slice(0, 300) ?? null,
      expires_at: sql<Date>`now() + make_interval(secs => ${session.ttlSeconds})`,
    })
    .returning(['id', 'expires_at'])
    .executeTakeFirstOrThrow();
}

/**
 * The user behind a live session: not revoked, not expired, of the expected kind, and an enabled,
 * verified account. One indexed query per authenticated request.
 */
export async function findLiveSession({ trx, tenantId }: TenantDb, ids: { sessionId: string; userId: string; kind: SessionKind }) {
  return trx
    .selectFrom('sessions')
    .innerJoin('users', (join) => join.onRef('users.id', '=', 'sessions.user_id').onRef('users.tenant_id', '=', 'sessions.tenant_id'))
    .select(['users.id', 'users.email', 'users.display_name', 'users.role', 'sessions.id as session_id', 'sessions.expires_at'])
    .where('sessions.tenant_id', '=', tenantId)
    .where('sessions.id', '=', ids.sessionId)
    .where('sessions.user_id', '=', ids.userId)
    .where('sessions.kind', '=', ids.kind)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', sql<Date>`now()`)
    .where('users.disabled_at', 'is', null)
    .where('users.email_verified_at', 'is not', null)
    .executeTakeFirst();
}

export async function revokeSession({ trx, tenantId }: TenantDb, sessionId: string) {
  await trx
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Ends every live session of a user (password changed or reset). Returns how many were live. */
export async function revokeUserSessions({ trx, tenantId }: TenantDb, userId: string): Promise<number> {
  const result = await trx
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()` })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Housekeeping at each log-in: the user's ended sessions are of no use any more. */
export async function deleteEndedSessions({ trx, tenantId }: TenantDb, userId: string) {
  await trx
    .deleteFrom('sessions')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('revoked_at', 'is not', null), eb('expires_at', '<=', sql<Date>`now()`)]))
    .execute();
}

// E-mailed link tokens

/** Stores a new link token; earlier unused tokens of the same purpose stop working. */
export async function insertLinkToken(t: TenantDb, token: { userId: string; purpose: AccountTokenPurpose; hash: string; ttlSeconds: number }) {
  await t.trx
    .deleteFrom('account_tokens')
    .where('tenant_id', '=', t.tenantId)
    .where('user_id', '=', token.userId)
    .where('purpose', '=', token.purpose)
    .execute();
  await t.trx
    .insertInto('account_tokens')
    .values({
      tenant_id: t.tenantId,
      user_id: token.userId,
      purpose: token.purpose,
      token_hash: token.hash,
      expires_at: sql<Date>`now() + make_interval(secs => ${token.ttlSeconds})`,
    })
    .execute();
}

/** Atomically marks a live token used and returns its user; undefined when unknown, used or expired. */
export async function consumeLinkToken({ trx, tenantId }: TenantDb, purpose: AccountTokenPurpose, hash: string) {
  return trx
    .updateTable('account_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('tenant_id', '=', tenantId)
    .where('purpose', '=', purpose)
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['user_id'])
    .executeTakeFirst();
}

/** The user of a token that would be accepted now, without using it (checks before a reset). */
export async function findLiveLinkToken({ trx, tenantId }: TenantDb, purpose: AccountTokenPurpose, hash: string) {
  return trx
    .selectFrom('account_tokens')
    .select('user_id')
    .where('tenant_id', '=', tenantId)
    .where('purpose', '=', purpose)
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

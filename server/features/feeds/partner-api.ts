import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { AuthUser } from '../accounts/service.js';
import { recordAdminAction } from '../admin/audit.js';
import type { Tenant } from '../../tenancy/registry.js';
import { isUuid } from '../../ids.js';
import * as repo from './repository.js';

/**
 * Read-only access to a tenant's diffused offers for partner sites. Keys are made and revoked by the
 * tenant admin, shown once, stored as SHA-256 only, and looked up inside the tenant's transaction, so a
 * key of another board is simply unknown here (row-level security).
 */

const KEY_PREFIX = 'cdk_';

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function listKeys(db: Kysely<Database>, tenant: Tenant) {
  return withTenant(db, tenant.id, (t) =>
    t.trx
      .selectFrom('partner_api_keys')
      .select(['id', 'name', 'key_prefix', 'created_at', 'revoked_at', 'last_used_at'])
      .where('tenant_id', '=', t.tenantId)
      .orderBy('created_at', 'desc')
      .execute(),
  );
}

/** A new key for a partner: the whole key is returned this once, only its hash is kept. */
export async function createKey(db: Kysely<Database>, tenant: Tenant, admin: AuthUser, name: string): Promise<{ id: string; key: string }> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = await withTenant(db, tenant.id, async (t) => {
    const row = await t.trx
      .insertInto('partner_api_keys')
      .values({ tenant_id: t.tenantId, name: name.trim(), key_prefix: key.slice(0, 12), key_hash: hashKey(key), created_by: admin.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAdminAction(t, admin, 'feed.api_key_create', { type: 'settings', id: null }, { key: row.id, name: name.trim() });
    return row.id;
  });
  return { id, key };
}

export async function revokeKey(db: Kysely<Database>, tenant: Tenant, admin: AuthUser, id: string): Promise<void> {
  if (!isUuid(id)) throw notFound();
  await withTenant(db, tenant.id, async (t) => {
    const row = await t.trx
      .updateTable('partner_api_keys')
      .set({ revoked_at: sql<Date>`now()` })
      .where('tenant_id', '=', t.tenantId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning(['id', 'name'])
      .executeTakeFirst();
    if (!row) throw notFound();
    await recordAdminAction(t, admin, 'feed.api_key_revoke', { type: 'settings', id: null }, { key: row.id, name: row.name });
  });
}

/** The live key of this tenant matching `key`; 401 INVALID_API_KEY otherwise (missing, unknown, revoked, another board's). */
async function authenticate(t: TenantDb, key: string | undefined): Promise<void> {
  if (!key || !key.startsWith(KEY_PREFIX) || key.length > 200) throw new AppError('INVALID_API_KEY', 401);
  const row = await t.trx
    .selectFrom('partner_api_keys')
    .select(['id', 'last_used_at'])
    .where('tenant_id', '=', t.tenantId)
    .where('key_hash', '=', hashKey(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new AppError('INVALID_API_KEY', 401);
  // Last use to the minute: enough for the admin, without a write per request.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await t.trx.updateTable('partner_api_keys').set({ last_used_at: sql<Date>`now()` }).where('tenant_id', '=', t.tenantId).where('id', '=', row.id).execute();
  }
}

export interface PartnerQuery {
  page: number;
  perPage: number;
  updatedSince?: Date;
}

/** A page of the diffused offers (public and agreed), most recently changed first. */
export async function partnerOffers(db: Kysely<Database>, tenant: Tenant, key: string | undefined, query: PartnerQuery) {
  return withTenant(db, tenant.id, async (t) => {
    await authenticate(t, key);
    let base = repo.exportableOffers(t);
    if (query.updatedSince) base = base.where('offers.updated_at', '>', query.updatedSince);
    const [rows, total] = await Promise.all([
      base
        .orderBy('offers.updated_at', 'desc')
        .orderBy('offers.id')
        .limit(query.perPage)
        .offset((query.page - 1) * query.perPage)
        .execute(),
      base.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(total.n) };
  });
}

/** One diffused offer, or 404 (unknown, not public, not agreed, another board's). */
export async function partnerOffer(db: Kysely<Database>, tenant: Tenant, key: string | undefined, id: string) {
  return withTenant(db, tenant.id, async (t) => {
    await authenticate(t, key);
    if (!isUuid(id)) throw notFound();
    const row = await repo.exportableOffers(t).where('offers.id', '=', id).executeTakeFirst();
    if (!row) throw notFound();
    return row;
  });
}

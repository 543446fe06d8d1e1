import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { TenantRegistry } from './registry.js';

/**
 * Makes the tenants table match the tenant folders (insert new, rename changed). Tenants removed
 * from disk keep their rows: their data is never deleted by a deploy. Needs the privileged role.
 */
export async function syncTenants(db: Kysely<Database>, registry: Pick<TenantRegistry, 'tenants'>): Promise<number> {
  if (registry.tenants.length === 0) return 0;
  const result = await db
    .insertInto('tenants')
    .values(registry.tenants.map((t) => ({ id: t.id, name: t.config.name })))
    .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ name: eb.ref('excluded.name') })))
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

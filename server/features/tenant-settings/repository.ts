import { sql } from 'kysely';
import type { TenantDb } from '../../db/tenant-db.js';
import { SETTINGS, type SettingsOverrides } from './schemas.js';

const COLUMNS = SETTINGS.map((s) => s.field);

/** The tenant's stored overrides; `forUpdate` locks the row while a change is written and audited. */
export async function findSettings(t: TenantDb, options: { forUpdate?: boolean } = {}): Promise<SettingsOverrides | undefined> {
  let query = t.trx.selectFrom('tenant_settings').select(COLUMNS).where('tenant_id', '=', t.tenantId);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Writes every setting column (null = the file's value), creating the tenant's row on first use. */
export async function saveSettings(t: TenantDb, overrides: Required<SettingsOverrides>, userId: string): Promise<void> {
  const values = { ...overrides, updated_by: userId, updated_at: sql<Date>`now()` };
  await t.trx
    .insertInto('tenant_settings')
    .values({ tenant_id: t.tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
    .execute();
}

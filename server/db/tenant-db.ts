import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.js';
import { TRANSACTION_PREAMBLE } from './kysely.js';

/**
 * A transaction bound to one tenant: `app.tenant_id` is set for this transaction only
 * (set_config(…, true)), so row-level security filters every query in it. Repositories receive this
 * and nothing else, so a tenant-scoped query without a tenant cannot be written by accident.
 */
export interface TenantDb {
  readonly tenantId: string;
  readonly trx: Transaction<Database>;
}

/** Tenant ids are slugs (tenants.id has the same check): safe as a literal, and refused otherwise. */
const TENANT_ID = /^[a-z][a-z0-9-]{1,39}$/;

export async function withTenant<T>(
  db: Kysely<Database>,
  tenantId: string,
  work: (tdb: TenantDb) => Promise<T>,
): Promise<T> {
  if (!TENANT_ID.test(tenantId)) throw new Error(`identifiant de tenant invalide : ${JSON.stringify(tenantId)}`);
  return db.transaction().execute(async (trx) => {
    // A literal, not a parameter: this statement then travels with BEGIN in one round trip (kysely.ts).
    await sql.raw(`${TRANSACTION_PREAMBLE} select set_config('app.tenant_id', '${tenantId}', true)`).execute(trx);
    return work({ tenantId, trx });
  });
}

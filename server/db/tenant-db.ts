import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.js';

/**
 * A transaction bound to one tenant: `app.tenant_id` is set for this transaction only
 * (set_config(…, true)), so row-level security filters every query in it. Repositories receive this
 * and nothing else, so a tenant-scoped query without a tenant cannot be written by accident.
 */
export interface TenantDb {
  readonly tenantId: string;
  readonly trx: Transaction<Database>;
}

export async function withTenant<T>(
  db: Kysely<Database>,
  tenantId: string,
  work: (tdb: TenantDb) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
    return work({ tenantId, trx });
  });
}

import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { createKysely } from '../../server/db/kysely.js';
import { APP_ROLE, createPool } from '../../server/db/pool.js';
import { withTenant } from '../../server/db/tenant-db.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/**
 * withTenant's round trips: BEGIN travels with the tenant's set_config (one message), then the
 * queries, then COMMIT; what each message holds is read from the client's own calls.
 */
describe('tenant-bound transactions on the wire', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  const sent: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const pool = createPool({ connectionString: database.url, role: APP_ROLE, max: 1, applicationName: 'tenant-db-test', onError: () => {} });
    pool.on('connect', (client: pg.PoolClient) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        if (typeof args[0] === 'string') sent.push(args[0].replace(/\s+/g, ' ').trim());
        return query(...args);
      };
    });
    db = createKysely(pool);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('sends BEGIN with the tenant setting, then each query, then COMMIT: one round trip fewer', async () => {
    sent.length = 0;
    const companies = await withTenant(db, 'dijon', (t) => t.trx.selectFrom('companies').select('tenant_id').distinct().execute());
    expect(companies).toEqual([{ tenant_id: 'dijon' }]);
    expect(sent).toEqual([
      "begin; /* transaction preamble */ select set_config('app.tenant_id', 'dijon', true)",
      expect.stringMatching(/^select distinct "tenant_id" from "companies"/),
      'commit',
    ]);
    // The setting lived only in that transaction.
    expect((await sql<{ tenant: string }>`select current_setting('app.tenant_id', true) as tenant`.execute(db)).rows[0].tenant).toBe('');
  });

  it('rolls back on failure, and a transaction that ran nothing sends nothing', async () => {
    sent.length = 0;
    await expect(withTenant(db, 'montagne', (t) => sql`select 1 / 0`.execute(t.trx))).rejects.toMatchObject({ code: '22012' });
    expect(sent.at(-1)).toBe('rollback');
    sent.length = 0;
    expect(await db.transaction().execute(async () => 'rien')).toBe('rien');
    expect(sent).toEqual([]);
    // Other transactions get their BEGIN before their first statement, as usual.
    await db.transaction().execute((trx) => sql`select ${1}::int`.execute(trx));
    expect(sent).toEqual(['begin', 'select $1::int', 'commit']);
  });

  it('refuses a tenant id that is not a slug (it is written into the statement)', async () => {
    await expect(withTenant(db, "x'; drop table offers; --", async () => 1)).rejects.toThrow(/identifiant de tenant invalide/);
  });
});

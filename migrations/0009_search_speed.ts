import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

const APP_ROLE = 'cordee_app';

/**
 * Operators the search indexes need. Under row-level security PostgreSQL only lets a condition into an
 * index scan when its function is LEAKPROOF (otherwise it must run after the tenant policy, row by
 * row): without this, `search_vector @@ query` filtered every live offer of the tenant instead of
 * using the GIN index (33 ms → 7 ms for "serveur" on 10 000 offers); the same for the trigram `%` of
 * the typo lexicon. Both are pure functions of their arguments that raise no data-dependent error.
 * Only a superuser may mark them; on a managed PostgreSQL without one, search stays correct but
 * slower (README: "Recherche").
 */
const LEAKPROOF = ['ts_match_vq(tsvector, tsquery)', 'similarity_op(text, text)'];

/**
 * Search speed (issue #4):
 * - LEAKPROOF search operators (above);
 * - coordinates in the covering indexes of live offers, instead of a GiST index (below);
 * - search_changes: one row per statement that changes a tenant's offers (or the company names and
 *   slugs shown in hits). The sum of `weight` over the rows a snapshot sees only grows, commit by
 *   commit, so two reads with the same sum saw the same changes: the PostgreSQL engine caches results
 *   under that number and never serves a result older than the data. Insert-only (no counter row to
 *   lock, so no contention or deadlock between writers); the search worker folds old rows into one.
 * - search_generation(tenant): that number in one round trip.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ rolsuper: boolean }>`select rolsuper from pg_roles where rolname = current_user`.execute(db);
  if (rows[0]?.rolsuper) {
    for (const fn of LEAKPROOF) {
      await sql`do $$ begin if to_regprocedure(${sql.lit(fn)}) is not null then execute 'alter function ' || to_regprocedure(${sql.lit(fn)})::text || ' leakproof'; end if; end $$`.execute(db);
    }
  }

  // Radius searches read the tenant's covering index (coordinates included) and keep the bounding box:
  // an index-only scan of 10 000 entries takes ~3 ms, where the GiST index of 0002 fetched every offer
  // in the box from the heap (rows of ~3 kB: ~15 ms for 4 000 offers within 50 km).
  await sql`
    create index offers_search_live_v2 on offers (tenant_id, published_at desc)
    include (id, expires_at, sector, contract, housing, department_code, rome_code, latitude, longitude)
    where status = 'published'`.execute(db);
  await sql`drop index offers_search_live`.execute(db);
  await sql`alter index offers_search_live_v2 rename to offers_search_live`.execute(db);
  await sql`drop index offers_search_geo`.execute(db);
  // The same entries by latitude: a radius reads only its band of latitudes (10 km around Nice: 801
  // entries instead of the tenant's 9 000, 8 ms → 5 ms; 50 km: 15 ms → 11 ms).
  await sql`
    create index offers_search_latitude on offers (tenant_id, latitude)
    include (longitude, id, published_at, expires_at, sector, contract, housing, department_code, rome_code)
    where status = 'published'`.execute(db);

  await db.schema
    .createTable('search_changes')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('weight', 'bigint', (c) => c.notNull().defaultTo(1).check(sql`weight > 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index search_changes_tenant on search_changes (tenant_id, id) include (weight)`.execute(db);
  await sql`alter table search_changes enable row level security`.execute(db);
  await sql`alter table search_changes force row level security`.execute(db);
  await sql`
    create policy tenant_isolation on search_changes
    using (tenant_id = nullif(current_setting('app.tenant_id', true), ''))
    with check (tenant_id = nullif(current_setting('app.tenant_id', true), ''))`.execute(db);
  await sql`grant select, insert, delete on search_changes to ${sql.raw(APP_ROLE)}`.execute(db);
  await sql`grant usage on sequence search_changes_id_seq to ${sql.raw(APP_ROLE)}`.execute(db);

  await sql`
    create or replace function search_record_change() returns trigger
    language plpgsql
    as $$
    begin
      if tg_op = 'DELETE' then
        insert into search_changes (tenant_id) select distinct tenant_id from old_rows;
      else
        insert into search_changes (tenant_id) select distinct tenant_id from new_rows;
      end if;
      return null;
    end $$`.execute(db);
  for (const table of ['offers', 'companies']) {
    for (const [event, transition] of [['insert', 'new table as new_rows'], ['update', 'new table as new_rows'], ['delete', 'old table as old_rows']] as const) {
      // A new company has no offer yet: nothing to record.
      if (table === 'companies' && event === 'insert') continue;
      await sql`
        create trigger ${sql.raw(`${table}_search_change_${event}`)} after ${sql.raw(event)} on ${sql.table(table)}
        referencing ${sql.raw(transition)} for each statement execute function search_record_change()`.execute(db);
    }
  }

  // Reads under the tenant's policy (setting app.tenant_id as withTenant does, then putting back what
  // was there): the cache check in one round trip, outside any transaction.
  await sql`
    create or replace function search_generation(p_tenant text) returns bigint
    language plpgsql
    as $$
    declare
      previous text := current_setting('app.tenant_id', true);
      generation bigint;
    begin
      perform set_config('app.tenant_id', p_tenant, true);
      select coalesce(sum(weight), 0)::bigint into generation from search_changes;
      perform set_config('app.tenant_id', coalesce(previous, ''), true);
      return generation;
    end $$`.execute(db);
  await sql`grant execute on function search_generation(text) to ${sql.raw(APP_ROLE)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists search_generation(text)`.execute(db);
  for (const table of ['offers', 'companies']) {
    for (const event of ['insert', 'update', 'delete']) {
      await sql`drop trigger if exists ${sql.raw(`${table}_search_change_${event}`)} on ${sql.table(table)}`.execute(db);
    }
  }
  await sql`drop function if exists search_record_change()`.execute(db);
  await db.schema.dropTable('search_changes').ifExists().execute();
  await sql`drop index if exists offers_search_latitude`.execute(db);
  await sql`create index offers_search_geo on offers using gist (tenant_id, point(longitude, latitude)) where status = 'published'`.execute(db);
  await sql`drop index offers_search_live`.execute(db);
  await sql`
    create index offers_search_live on offers (tenant_id, published_at desc)
    include (id, expires_at, sector, contract, housing, department_code, rome_code)
    where status = 'published'`.execute(db);
  const { rows } = await sql<{ rolsuper: boolean }>`select rolsuper from pg_roles where rolname = current_user`.execute(db);
  if (rows[0]?.rolsuper) {
    for (const fn of LEAKPROOF) {
      await sql`do $$ begin if to_regprocedure(${sql.lit(fn)}) is not null then execute 'alter function ' || to_regprocedure(${sql.lit(fn)})::text || ' not leakproof'; end if; end $$`.execute(db);
    }
  }
}

import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

const APP_ROLE = 'cordee_app';

/**
 * Search (issue #4) and the background job queue it is drained by.
 *
 * - offers.search_vector: French full-text document, weighted title (A) > trade/ROME (B) > company and
 *   place (C) > description (D), accents removed; the sector code ("hotellerie-restauration") counts
 *   as trade. Kept by a BEFORE trigger because it reads the ROME label and the company name, which a
 *   generated column cannot.
 * - offers.department_code: from the commune, for the department facet (2A/2B, DOM: not a prefix).
 * - search_lexicon: the words of titles and trades per tenant, trigram-indexed, so that a
 *   misspelt word ("perchmann") is corrected to a known one before the full-text match.
 * - search_outbox: one row per changed offer, written by triggers in the same transaction as the change,
 *   drained into the external engine (Meilisearch) by the worker; a row goes only once indexed.
 * - jobs, job_schedules: the PostgreSQL queue of the in-process worker (server/jobs/) and its recurring jobs.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Trusted contrib extensions (a database owner may create them): tenant_id inside GIN and GiST
  // indexes, so a tenant's text and radius searches never walk other tenants' entries.
  for (const extension of ['btree_gin', 'btree_gist']) {
    await sql`create extension if not exists ${sql.raw(extension)}`.execute(db);
  }
  await sql`alter table offers add column search_vector tsvector, add column department_code text`.execute(db);

  await sql`
    create or replace function search_plain_text(html text) returns text
    language sql immutable parallel safe strict
    as $$ select regexp_replace(regexp_replace(html, '<[^>]*>', ' ', 'g'), '&[a-z#0-9]+;', ' ', 'gi') $$`.execute(db);

  // SECURITY INVOKER: runs as the writer, so row-level security applies to the company lookup as well.
  await sql`
    create or replace function offers_search_document() returns trigger
    language plpgsql
    as $$
    declare
      trade text;
      company text;
    begin
      select r.label into trade from rome_codes r where r.code = new.rome_code;
      select c.name into company from companies c where c.id = new.company_id and c.tenant_id = new.tenant_id;
      select m.department_code into new.department_code from communes m where m.insee_code = new.commune_insee;
      new.search_vector :=
        setweight(to_tsvector('french', immutable_unaccent(coalesce(new.title, ''))), 'A') ||
        setweight(to_tsvector('french', immutable_unaccent(coalesce(trade, '') || ' ' || coalesce(new.rome_code, '') || ' ' || coalesce(new.sector, ''))), 'B') ||
        setweight(to_tsvector('french', immutable_unaccent(coalesce(company, '') || ' ' || coalesce(new.place_name, '') || ' ' || coalesce(new.postal_code, ''))), 'C') ||
        setweight(to_tsvector('french', immutable_unaccent(search_plain_text(coalesce(new.description_html, '')))), 'D');
      return new;
    end $$`.execute(db);
  await sql`
    create trigger offers_search_document before insert or update on offers
    for each row execute function offers_search_document()`.execute(db);

  await db.schema
    .createTable('search_lexicon')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('word', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('search_lexicon_pk', ['tenant_id', 'word'])
    .execute();
  await sql`create index search_lexicon_word_trgm on search_lexicon using gin (word gin_trgm_ops)`.execute(db);

  await db.schema
    .createTable('search_outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('offer_id', 'uuid', (c) => c.notNull().unique())
    // Bumped by every new change of the offer: a drainer that indexed an older revision leaves the row.
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('available_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index search_outbox_due on search_outbox (tenant_id, available_at)`.execute(db);

  // Statement-level triggers with transition tables: one outbox upsert and one lexicon insert per
  // statement, whatever the number of rows (bulk imports, the reindex).
  await sql`
    create or replace function offers_search_outbox() returns trigger
    language plpgsql
    as $$
    begin
      if tg_op = 'DELETE' then
        insert into search_outbox (tenant_id, offer_id)
        select distinct tenant_id, id from old_rows
        on conflict (offer_id) do update
          set revision = search_outbox.revision + 1, attempts = 0, available_at = now(), last_error = null;
      else
        insert into search_outbox (tenant_id, offer_id)
        select distinct tenant_id, id from new_rows
        on conflict (offer_id) do update
          set revision = search_outbox.revision + 1, attempts = 0, available_at = now(), last_error = null;
        insert into search_lexicon (tenant_id, word)
        select distinct n.tenant_id, w.word
        from new_rows n
        left join rome_codes r on r.code = n.rome_code
        cross join lateral regexp_split_to_table(
          lower(immutable_unaccent(n.title || ' ' || coalesce(r.label, ''))), '[^a-z0-9]+') as w(word)
        where length(w.word) between 3 and 40
        on conflict do nothing;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger offers_search_outbox_insert after insert on offers
    referencing new table as new_rows for each statement execute function offers_search_outbox()`.execute(db);
  await sql`
    create trigger offers_search_outbox_update after update on offers
    referencing new table as new_rows for each statement execute function offers_search_outbox()`.execute(db);
  await sql`
    create trigger offers_search_outbox_delete after delete on offers
    referencing old table as old_rows for each statement execute function offers_search_outbox()`.execute(db);

  // A renamed company changes the documents of its offers: touching them re-runs both triggers above.
  await sql`
    create or replace function companies_search_rename() returns trigger
    language plpgsql
    as $$
    begin
      update offers set updated_at = updated_at where company_id = new.id and tenant_id = new.tenant_id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger companies_search_rename after update of name on companies
    for each row when (old.name is distinct from new.name) execute function companies_search_rename()`.execute(db);

  // Search indexes. Every query is for one tenant (RLS adds tenant_id = …), live offers only.
  await sql`create index offers_search_vector on offers using gin (tenant_id, search_vector) where status = 'published'`.execute(db);
  // Covering: a search without keywords or place (filters, facets, dates) is an index-only scan.
  await sql`
    create index offers_search_live on offers (tenant_id, published_at desc)
    include (id, expires_at, sector, contract, housing, department_code, rome_code)
    where status = 'published'`.execute(db);
  // Radius searches: a bounding box on this index, then the exact great-circle distance.
  await sql`create index offers_search_geo on offers using gist (tenant_id, point(longitude, latitude)) where status = 'published'`.execute(db);
  // Commune autocompletion: "saint jean" finds "Saint-Jean-de-Maurienne".
  await sql`
    create index communes_search_name on communes
    using gin (translate(lower(immutable_unaccent(name)), '-''’', '   ') gin_trgm_ops)`.execute(db);

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'failed')`))
    .addColumn('run_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(5))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('locked_by', 'text')
    .addColumn('last_error', 'text')
    // Schedules enqueue one job per period under a key like `search.drain@2026-11-23T10:00:00Z`.
    .addColumn('singleton_key', 'text', (c) => c.unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index jobs_due on jobs (run_at) where status = 'pending'`.execute(db);
  await db.schema
    .createTable('job_schedules')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('every_ms', 'integer', (c) => c.notNull().check(sql`every_ms > 0`))
    .addColumn('next_run_at', 'timestamptz', (c) => c.notNull())
    .execute();

  for (const table of ['search_lexicon', 'search_outbox']) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`alter table ${sql.table(table)} force row level security`.execute(db);
    await sql`
      create policy tenant_isolation on ${sql.table(table)}
      using (tenant_id = nullif(current_setting('app.tenant_id', true), ''))
      with check (tenant_id = nullif(current_setting('app.tenant_id', true), ''))`.execute(db);
    await sql`grant select, insert, update, delete on ${sql.table(table)} to ${sql.raw(APP_ROLE)}`.execute(db);
  }
  await sql`grant usage on sequence search_outbox_id_seq to ${sql.raw(APP_ROLE)}`.execute(db);
  // The queue holds no tenant rows (a job names its tenant in its payload and works through withTenant).
  await sql`grant select, insert, update, delete on jobs, job_schedules to ${sql.raw(APP_ROLE)}`.execute(db);
  await sql`grant usage on sequence jobs_id_seq to ${sql.raw(APP_ROLE)}`.execute(db);

  // Offers that exist already (an upgraded database): compute their documents and lexicon once, tenant
  // by tenant, because FORCE row-level security also filters a migration role that owns the tables.
  await sql`
    do $$ declare t text;
    begin
      for t in select id from tenants loop
        perform set_config('app.tenant_id', t, true);
        update offers set updated_at = updated_at where tenant_id = t;
        delete from search_outbox where tenant_id = t;
      end loop;
      perform set_config('app.tenant_id', '', true);
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists companies_search_rename on companies`.execute(db);
  for (const trigger of ['offers_search_outbox_insert', 'offers_search_outbox_update', 'offers_search_outbox_delete', 'offers_search_document']) {
    await sql`drop trigger if exists ${sql.raw(trigger)} on offers`.execute(db);
  }
  for (const fn of ['companies_search_rename()', 'offers_search_outbox()', 'offers_search_document()', 'search_plain_text(text)']) {
    await sql`drop function if exists ${sql.raw(fn)}`.execute(db);
  }
  await sql`drop index if exists communes_search_name`.execute(db);
  for (const table of ['job_schedules', 'jobs', 'search_outbox', 'search_lexicon']) await db.schema.dropTable(table).ifExists().execute();
  await sql`alter table offers drop column if exists search_vector, drop column if exists department_code`.execute(db);
}

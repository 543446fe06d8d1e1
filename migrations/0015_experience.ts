import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

/** Columns of live offers that searches read from the covering indexes (0009), plus what this migration adds. */
const COVERED = 'id, expires_at, sector, contract, housing, department_code, rome_code, experience, without_diploma, open_to_minors, duplicate_key';

/**
 * The job seeker's experience (issue #18):
 * - offers.without_diploma, offers.open_to_minors: what the youth boards filter on ("sans diplôme",
 *   "accessible aux mineurs"); the employer says so explicitly, so false by default. "Débutant accepté"
 *   is experience = 'none', already in the model.
 * - offers.duplicate_key: near-duplicates (the same company, title, commune, contract, housing and
 *   sector) share it, so a search shows them as one card ("3 postes"). Derived from the row, so it can
 *   never drift; every facet value is a function of it, so a group never spans two facet values and the
 *   number of groups is counted with the facets (features/search/repository.ts).
 * - the covering indexes of live offers carry the new columns, so browse searches stay index-only, and
 *   offers_duplicates finds the other offers of a group in one probe.
 * - a company's slug or logo change re-indexes its offers (the hits carry both), as a rename did.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table offers
      add column without_diploma boolean not null default false,
      add column open_to_minors boolean not null default false,
      add column duplicate_key bigint generated always as (
        hashtextextended(company_id::text || '|' || lower(title) || '|' || coalesce(commune_insee, '') || '|' || contract || '|' || housing || '|' || coalesce(sector, ''), 0)
      ) stored`.execute(db);

  await sql`
    create index offers_search_live_v3 on offers (tenant_id, published_at desc)
    include (${sql.raw(COVERED)}, latitude, longitude)
    where status = 'published'`.execute(db);
  await sql`drop index offers_search_live`.execute(db);
  await sql`alter index offers_search_live_v3 rename to offers_search_live`.execute(db);
  await sql`
    create index offers_search_latitude_v2 on offers (tenant_id, latitude)
    include (longitude, published_at, ${sql.raw(COVERED)})
    where status = 'published'`.execute(db);
  await sql`drop index offers_search_latitude`.execute(db);
  await sql`alter index offers_search_latitude_v2 rename to offers_search_latitude`.execute(db);
  await sql`
    create index offers_duplicates on offers (tenant_id, duplicate_key, published_at desc)
    include (id, expires_at)
    where status = 'published'`.execute(db);

  // The planner needs the new column's statistics to probe offers_duplicates per offer (without them it
  // scanned the tenant's whole index once per card: 11 ms instead of 0.4 ms for a page of 20).
  await sql`analyze offers`.execute(db);

  await sql`drop trigger if exists companies_search_rename on companies`.execute(db);
  await sql`
    create trigger companies_search_rename after update of name, slug, logo_file_id on companies
    for each row when (old.name is distinct from new.name or old.slug is distinct from new.slug or old.logo_file_id is distinct from new.logo_file_id)
    execute function companies_search_rename()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists companies_search_rename on companies`.execute(db);
  await sql`
    create trigger companies_search_rename after update of name on companies
    for each row when (old.name is distinct from new.name) execute function companies_search_rename()`.execute(db);
  await sql`drop index if exists offers_duplicates`.execute(db);
  await sql`
    create index offers_search_latitude_v1 on offers (tenant_id, latitude)
    include (longitude, id, published_at, expires_at, sector, contract, housing, department_code, rome_code)
    where status = 'published'`.execute(db);
  await sql`drop index offers_search_latitude`.execute(db);
  await sql`alter index offers_search_latitude_v1 rename to offers_search_latitude`.execute(db);
  await sql`
    create index offers_search_live_v2 on offers (tenant_id, published_at desc)
    include (id, expires_at, sector, contract, housing, department_code, rome_code, latitude, longitude)
    where status = 'published'`.execute(db);
  await sql`drop index offers_search_live`.execute(db);
  await sql`alter index offers_search_live_v2 rename to offers_search_live`.execute(db);
  await sql`alter table offers drop column duplicate_key, drop column open_to_minors, drop column without_diploma`.execute(db);
}

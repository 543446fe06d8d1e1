import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

const APP_ROLE = 'cordee_app';

/**
 * Speed (issue #16). The PostgreSQL search engine now answers from an in-memory index of each
 * tenant's published offers (server/features/search/board-index.ts), loaded from offers.search_vector
 * and kept current by the search generation (0009):
 * - offers.search_revision: a new value from a sequence on every insert or update (BEFORE trigger), so
 *   a process that sees the generation move finds the offers to read again by comparing revisions;
 *   existing rows start at 0 (adding the column rewrites nothing).
 * - offers_search_revisions: the published offers' ids and revisions, index-only, per tenant (bucket
 *   checksums, see repository.ts: revisionBuckets).
 * - search_page(tenant, ids): a page of hits and the generation in one statement, outside any
 *   transaction (it sets the tenant for its own statement, as search_generation does).
 * - the GIN index of search_vector is no longer read (words are matched in memory) and only slowed
 *   every write and the reindex down: dropped.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create sequence offers_search_revision_seq`.execute(db);
  await sql`grant usage on sequence offers_search_revision_seq to ${sql.raw(APP_ROLE)}`.execute(db);
  await sql`alter table offers add column search_revision bigint not null default 0`.execute(db);
  await sql`
    create or replace function offers_search_revision() returns trigger
    language plpgsql
    as $$
    begin
      new.search_revision := nextval('offers_search_revision_seq');
      return new;
    end $$`.execute(db);
  await sql`
    create trigger offers_search_revision before insert or update on offers
    for each row execute function offers_search_revision()`.execute(db);
  await sql`
    create index offers_search_revisions on offers (tenant_id, id) include (search_revision)
    where status = 'published'`.execute(db);

  await sql`
    create or replace function search_page(p_tenant text, p_ids uuid[]) returns json
    language plpgsql
    as $$
    declare
      previous text := current_setting('app.tenant_id', true);
      page json;
    begin
      perform set_config('app.tenant_id', p_tenant, true);
      select json_build_object(
        'generation', (select coalesce(sum(weight), 0)::bigint from search_changes),
        'hits', coalesce((
          select json_agg(h) from (
            select o.id, o.title, c.name as company_name, c.slug as company_slug, c.logo_file_id as company_logo,
                   o.contract, o.working_time, o.sector, o.housing, o.season, o.place_name, o.postal_code, o.commune_insee,
                   o.latitude, o.longitude, o.salary_min, o.salary_max, o.salary_unit, o.hours_per_week, o.experience,
                   o.published_at, o.duplicate_key::text as duplicate_key
            from offers o join companies c on c.id = o.company_id and c.tenant_id = o.tenant_id
            where o.id = any(p_ids) and o.status = 'published'
          ) h), '[]'::json))
      into page;
      perform set_config('app.tenant_id', coalesce(previous, ''), true);
      return page;
    end $$`.execute(db);
  await sql`grant execute on function search_page(text, uuid[]) to ${sql.raw(APP_ROLE)}`.execute(db);

  await sql`drop index if exists offers_search_vector`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index offers_search_vector on offers using gin (tenant_id, search_vector) where status = 'published'`.execute(db);
  await sql`drop function if exists search_page(text, uuid[])`.execute(db);
  await sql`drop index if exists offers_search_revisions`.execute(db);
  await sql`drop trigger if exists offers_search_revision on offers`.execute(db);
  await sql`drop function if exists offers_search_revision()`.execute(db);
  await sql`alter table offers drop column if exists search_revision`.execute(db);
  await sql`drop sequence if exists offers_search_revision_seq`.execute(db);
}

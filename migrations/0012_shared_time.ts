import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

const APP_ROLE = 'cordee_app';
const TENANT_TABLES = ['offer_places', 'shared_time_members', 'shared_time_needs', 'shared_time_proposals', 'shared_time_state', 'shared_time_gap_calls'];

/**
 * Shared time for groupements d'employeurs (issue #14).
 *
 * - offer_places: the other places of an offer (the first stays in offers' own columns, which search,
 *   radius and JSON-LD already read): a shared-time job has the sites of all its employers.
 * - shared_time_members: per member company, whether it is a public body, whether it is the
 *   groupement itself (the legal employer of shared staff), and the companies it marks as competitors.
 * - shared_time_needs: a part-time or seasonal need of a member. Sites and periods (recurring MM-DD
 *   ranges with their weekly slots) are JSON checked by the service; the columns after them are derived
 *   from them by the service for lists and filters (main site, weekly and annual minutes, month
 *   profile, season). Status draft → validated → combined → staffed, or withdrawn.
 * - shared_time_proposals: one row per set of needs the engine proposed (key = sorted need ids), so a
 *   combination keeps its id across recomputations; GE staff pin, reject or draft an offer from it.
 * - shared_time_state: per tenant, the version of the engine's input (moved by every change) and the
 *   version last computed, with the run's figures and the reasons of the needs that fit nothing.
 * - shared_time_gap_calls: a « besoin complémentaire recherché » published on the board.
 *
 * When the offer drafted from a combination is filled, its needs become `staffed` (trigger below),
 * whichever way the offer was closed (company space, API, admin).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('offer_places')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('offer_id', 'uuid', (c) => c.notNull())
    .addColumn('position', 'smallint', (c) => c.notNull().check(sql`position between 1 and 20`))
    .addColumn('commune_insee', 'text', (c) => c.notNull().references('communes.insee_code'))
    .addColumn('postal_code', 'text')
    .addColumn('place_name', 'text', (c) => c.notNull())
    .addColumn('latitude', 'double precision')
    .addColumn('longitude', 'double precision')
    .addColumn('label', 'text', (c) => c.check(sql`length(label) <= 120`))
    .addPrimaryKeyConstraint('offer_places_pkey', ['tenant_id', 'offer_id', 'position'])
    .addForeignKeyConstraint('offer_places_offer', ['offer_id', 'tenant_id'], 'offers', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('shared_time_members')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('company_id', 'uuid', (c) => c.notNull())
    .addColumn('public_body', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('employer_group', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('competitor_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`).check(sql`cardinality(competitor_ids) <= 200`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('shared_time_members_pkey', ['tenant_id', 'company_id'])
    .addForeignKeyConstraint('shared_time_members_company', ['company_id', 'tenant_id'], 'companies', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('shared_time_needs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('company_id', 'uuid', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) between 3 and 120`))
    .addColumn('rome_code', 'text', (c) => c.notNull().references('rome_codes.code'))
    .addColumn('sites', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(sites) = 'array' and jsonb_array_length(sites) between 1 and 3`))
    .addColumn('periods', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(periods) = 'array' and jsonb_array_length(periods) between 1 and 4`))
    .addColumn('licences', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`).check(sql`cardinality(licences) <= 20`))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('min_commitment_months', 'integer', (c) => c.notNull().check(sql`min_commitment_months between 1 and 120`))
    .addColumn('hourly_wage', sql`numeric(7, 2)`, (c) => c.notNull().check(sql`hourly_wage > 0 and hourly_wage <= 500`))
    .addColumn('short_contracts_replaced', 'integer', (c) => c.notNull().defaultTo(0).check(sql`short_contracts_replaced between 0 and 1000`))
    .addColumn('notes', 'text', (c) => c.check(sql`length(notes) <= 2000`))
    .addColumn('commune_insee', 'text', (c) => c.notNull().references('communes.insee_code'))
    .addColumn('latitude', 'double precision', (c) => c.notNull())
    .addColumn('longitude', 'double precision', (c) => c.notNull())
    .addColumn('weekly_minutes', 'integer', (c) => c.notNull().check(sql`weekly_minutes between 0 and 10080`))
    .addColumn('annual_minutes', 'integer', (c) => c.notNull().check(sql`annual_minutes >= 0`))
    .addColumn('month_minutes', sql`integer[]`, (c) => c.notNull().check(sql`cardinality(month_minutes) = 12`))
    .addColumn('season', 'text', (c) => c.notNull().check(sql`season in ('all_year', 'winter', 'summer', 'other')`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft', 'validated', 'combined', 'staffed', 'withdrawn')`))
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('declared').check(sql`source in ('declared', 'suggested', 'imported')`))
    .addColumn('source_offer_id', 'uuid')
    .addColumn('created_by', 'uuid')
    .addColumn('validated_by', 'uuid')
    .addColumn('validated_at', 'timestamptz')
    .addColumn('staffed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('shared_time_needs_id_tenant', ['id', 'tenant_id'])
    .addForeignKeyConstraint('shared_time_needs_company', ['company_id', 'tenant_id'], 'companies', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .execute();
  await sql`alter table shared_time_needs add constraint shared_time_needs_source_offer foreign key (source_offer_id, tenant_id)
    references offers (id, tenant_id) on delete set null (source_offer_id)`.execute(db);
  await sql`alter table shared_time_needs add constraint shared_time_needs_created_by foreign key (created_by, tenant_id)
    references users (id, tenant_id) on delete set null (created_by)`.execute(db);
  await sql`alter table shared_time_needs add constraint shared_time_needs_validated_by foreign key (validated_by, tenant_id)
    references users (id, tenant_id) on delete set null (validated_by)`.execute(db);
  await sql`create index shared_time_needs_status on shared_time_needs (tenant_id, status, company_id)`.execute(db);
  // One live need per suggested offer (a withdrawn one may be suggested again).
  await sql`create unique index shared_time_needs_offer on shared_time_needs (tenant_id, source_offer_id)
    where source_offer_id is not null and status <> 'withdrawn'`.execute(db);

  await db.schema
    .createTable('shared_time_proposals')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('key', 'text', (c) => c.notNull().check(sql`length(key) <= 200`))
    .addColumn('need_ids', sql`uuid[]`, (c) => c.notNull().check(sql`cardinality(need_ids) between 2 and 10`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('proposed').check(sql`status in ('proposed', 'pinned', 'rejected', 'drafted')`))
    .addColumn('result', 'jsonb')
    .addColumn('broken', 'jsonb')
    .addColumn('annual_minutes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('score', sql`numeric(6, 4)`, (c) => c.notNull().defaultTo(0))
    .addColumn('offer_id', 'uuid')
    .addColumn('decided_by', 'uuid')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('shared_time_proposals_key', ['tenant_id', 'key'])
    .addUniqueConstraint('shared_time_proposals_id_tenant', ['id', 'tenant_id'])
    .execute();
  await sql`alter table shared_time_proposals add constraint shared_time_proposals_offer foreign key (offer_id, tenant_id)
    references offers (id, tenant_id) on delete set null (offer_id)`.execute(db);
  await sql`alter table shared_time_proposals add constraint shared_time_proposals_decided_by foreign key (decided_by, tenant_id)
    references users (id, tenant_id) on delete set null (decided_by)`.execute(db);
  await sql`create index shared_time_proposals_offer on shared_time_proposals (tenant_id, offer_id) where offer_id is not null`.execute(db);

  await db.schema
    .createTable('shared_time_state')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('needs_version', 'bigint', (c) => c.notNull().defaultTo(1))
    .addColumn('computed_version', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('settings_fingerprint', 'text')
    .addColumn('stats', 'jsonb')
    .addColumn('unmatched', 'jsonb')
    .addColumn('computed_at', 'timestamptz')
    .addColumn('duration_ms', 'integer')
    .execute();

  await db.schema
    .createTable('shared_time_gap_calls')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('proposal_id', 'uuid')
    .addColumn('need_ids', sql`uuid[]`, (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) between 3 and 200`))
    .addColumn('summary', 'text', (c) => c.notNull().check(sql`length(summary) between 3 and 2000`))
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('published').check(sql`status in ('published', 'closed')`))
    .addColumn('published_by', 'uuid')
    .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .addColumn('mailed_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('shared_time_gap_calls_id_tenant', ['id', 'tenant_id'])
    .execute();
  await sql`alter table shared_time_gap_calls add constraint shared_time_gap_calls_proposal foreign key (proposal_id, tenant_id)
    references shared_time_proposals (id, tenant_id) on delete set null (proposal_id)`.execute(db);
  await sql`alter table shared_time_gap_calls add constraint shared_time_gap_calls_published_by foreign key (published_by, tenant_id)
    references users (id, tenant_id) on delete set null (published_by)`.execute(db);
  await sql`create index shared_time_gap_calls_live on shared_time_gap_calls (tenant_id, published_at desc) where status = 'published'`.execute(db);

  // Same isolation as every tenant table: RLS enabled and forced, one policy, app-role grants.
  for (const table of TENANT_TABLES) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`alter table ${sql.table(table)} force row level security`.execute(db);
    await sql`
      create policy tenant_isolation on ${sql.table(table)}
      using (tenant_id = nullif(current_setting('app.tenant_id', true), ''))
      with check (tenant_id = nullif(current_setting('app.tenant_id', true), ''))`.execute(db);
    await sql`grant select, insert, update, delete on ${sql.table(table)} to ${sql.raw(APP_ROLE)}`.execute(db);
  }

  // The offer drafted from a combination is filled: its needs are staffed. Runs as the caller, under
  // the same row-level security: it only ever sees the tenant's own proposals and needs.
  await sql`
    create function shared_time_offer_filled() returns trigger language plpgsql as $$
    begin
      update shared_time_needs n set status = 'staffed', staffed_at = now(), updated_at = now()
      from shared_time_proposals p
      where p.tenant_id = new.tenant_id and p.offer_id = new.id
        and n.tenant_id = p.tenant_id and n.id = any (p.need_ids) and n.status = 'combined';
      return null;
    end $$`.execute(db);
  await sql`
    create trigger shared_time_offer_filled after update of status on offers
    for each row when (new.status = 'filled' and old.status is distinct from 'filled')
    execute function shared_time_offer_filled()`.execute(db);

  // GE staff actions on needs and proposals go to the admin journal (with 0011's 'message').
  await sql`alter table admin_audit_log drop constraint admin_audit_log_target_type_check`.execute(db);
  await sql`alter table admin_audit_log add constraint admin_audit_log_target_type_check
    check (target_type in ('offer', 'company', 'user', 'settings', 'message', 'shared_time_need', 'shared_time_proposal'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from admin_audit_log where target_type in ('shared_time_need', 'shared_time_proposal')`.execute(db);
  await sql`alter table admin_audit_log drop constraint admin_audit_log_target_type_check`.execute(db);
  await sql`alter table admin_audit_log add constraint admin_audit_log_target_type_check
    check (target_type in ('offer', 'company', 'user', 'settings', 'message'))`.execute(db);
  await sql`drop trigger if exists shared_time_offer_filled on offers`.execute(db);
  await sql`drop function if exists shared_time_offer_filled()`.execute(db);
  for (const table of [...TENANT_TABLES].reverse()) await db.schema.dropTable(table).ifExists().execute();
}

import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

const APP_ROLE = 'cordee_app';
const TENANT_TABLES = ['feed_sources', 'feed_runs', 'feed_items', 'partner_api_keys', 'offer_exports', 'france_travail_states'];

/**
 * Offers in and out (issue #17).
 *
 * - offers.export_consent: the employer's per-offer choice to let the offer travel to France Travail,
 *   aggregators and partner sites (default yes).
 * - feed_sources: a company's import source, a URL polled 1–4 times a day or uploaded files of one
 *   format. Conditional-request validators, the poll last applied (a retried poll changes nothing
 *   twice), and the failure streak that e-mails the company at 3.
 * - feed_runs: one row per poll or upload: outcome, counts, the rejected records with their reasons.
 * - feed_items: identity of an imported offer, (source, reference) → offer, with the hash of what was
 *   last written (unchanged records are not rewritten), the polls it has been missing from (closed
 *   at 2), and what a person should look at (ROME guessed, duplicate of another offer).
 * - partner_api_keys: read-only keys of the partner API, stored as SHA-256 only.
 * - offer_exports: generated export files (the aggregator feed, each day's France Travail file).
 * - france_travail_states: what France Travail last received for each offer, to write creation,
 *   modification and deletion movements.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('offers').addColumn('export_consent', 'boolean', (c) => c.notNull().defaultTo(true)).execute();

  await db.schema
    .createTable('feed_sources')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('company_id', 'uuid', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 120`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('url', 'upload')`))
    .addColumn('format', 'text', (c) => c.notNull().check(sql`format in ('json_ld', 'aggregator_xml', 'partner_file', 'csv')`))
    .addColumn('url', 'text', (c) => c.check(sql`length(url) <= 2000`))
    .addColumn('polls_per_day', 'integer', (c) => c.check(sql`polls_per_day between 1 and 4`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('next_poll_at', 'timestamptz')
    .addColumn('poll_requested', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('etag', 'text', (c) => c.check(sql`length(etag) <= 500`))
    .addColumn('last_modified', 'text', (c) => c.check(sql`length(last_modified) <= 100`))
    .addColumn('last_applied_poll', 'uuid')
    .addColumn('last_fetch_at', 'timestamptz')
    .addColumn('last_success_at', 'timestamptz')
    .addColumn('last_status', 'text', (c) => c.check(sql`last_status in ('ok', 'not_modified', 'failed')`))
    .addColumn('last_error', 'text', (c) => c.check(sql`length(last_error) <= 2000`))
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0).check(sql`consecutive_failures >= 0`))
    .addColumn('failure_notified_at', 'timestamptz')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('feed_sources_id_tenant', ['id', 'tenant_id'])
    .addForeignKeyConstraint('feed_sources_company', ['company_id', 'tenant_id'], 'companies', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .addCheckConstraint('feed_sources_url_kind', sql`(kind = 'url') = (url is not null and polls_per_day is not null)`)
    .execute();
  await sql`alter table feed_sources add constraint feed_sources_created_by foreign key (created_by, tenant_id)
    references users (id, tenant_id) on delete set null (created_by)`.execute(db);
  // One upload source per company and format: successive files of a format replace each other.
  await sql`create unique index feed_sources_upload on feed_sources (company_id, format) where kind = 'upload'`.execute(db);
  await sql`create index feed_sources_due on feed_sources (tenant_id, next_poll_at) where kind = 'url' and active`.execute(db);
  await db.schema.createIndex('feed_sources_company').on('feed_sources').columns(['company_id']).execute();

  await db.schema
    .createTable('feed_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('source_id', 'uuid', (c) => c.notNull())
    .addColumn('poll_id', 'uuid', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull().check(sql`trigger in ('schedule', 'manual', 'upload')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('ok', 'not_modified', 'failed')`))
    .addColumn('http_status', 'integer')
    .addColumn('error', 'text', (c) => c.check(sql`length(error) <= 2000`))
    .addColumn('records', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('closed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('flagged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejections', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('feed_runs_source', ['source_id', 'tenant_id'], 'feed_sources', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .execute();
  // A poll is recorded once, whatever its retries.
  await sql`create unique index feed_runs_poll on feed_runs (source_id, poll_id)`.execute(db);
  await db.schema.createIndex('feed_runs_source').on('feed_runs').columns(['source_id', 'finished_at']).execute();

  await db.schema
    .createTable('feed_items')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('source_id', 'uuid', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull().check(sql`length(reference) between 1 and 200`))
    .addColumn('offer_id', 'uuid')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.check(sql`length(origin) <= 2000`))
    .addColumn('valid_through', 'timestamptz')
    .addColumn('missed_polls', 'integer', (c) => c.notNull().defaultTo(0).check(sql`missed_polls >= 0`))
    .addColumn('pending_publication', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('notes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('duplicate_of', 'uuid')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('feed_items_pk', ['source_id', 'reference'])
    .addForeignKeyConstraint('feed_items_source', ['source_id', 'tenant_id'], 'feed_sources', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .execute();
  await sql`alter table feed_items add constraint feed_items_offer foreign key (offer_id, tenant_id)
    references offers (id, tenant_id) on delete set null (offer_id)`.execute(db);
  await sql`alter table feed_items add constraint feed_items_duplicate foreign key (duplicate_of, tenant_id)
    references offers (id, tenant_id) on delete set null (duplicate_of)`.execute(db);
  await db.schema.createIndex('feed_items_offer').on('feed_items').columns(['offer_id']).execute();

  await db.schema
    .createTable('partner_api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 120`))
    .addColumn('key_prefix', 'text', (c) => c.notNull().check(sql`length(key_prefix) between 4 and 20`))
    .addColumn('key_hash', 'text', (c) => c.notNull().unique().check(sql`key_hash ~ '^[0-9a-f]{64}$'`))
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .execute();
  await sql`alter table partner_api_keys add constraint partner_api_keys_created_by foreign key (created_by, tenant_id)
    references users (id, tenant_id) on delete set null (created_by)`.execute(db);

  await db.schema
    .createTable('offer_exports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('aggregator_xml', 'france_travail')`))
    .addColumn('generated_on', 'date', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('offer_count', 'integer', (c) => c.notNull().check(sql`offer_count >= 0`))
    .addColumn('summary', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One France Travail file per tenant and day; the aggregator feed keeps one row, replaced.
  await sql`create unique index offer_exports_daily on offer_exports (tenant_id, kind, generated_on) where kind = 'france_travail'`.execute(db);
  await sql`create unique index offer_exports_feed on offer_exports (tenant_id, kind) where kind = 'aggregator_xml'`.execute(db);

  await db.schema
    .createTable('france_travail_states')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('offer_id', 'uuid', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('last_movement', 'text', (c) => c.notNull().check(sql`last_movement in ('C', 'M', 'S')`))
    .addColumn('first_sent_on', 'date', (c) => c.notNull())
    .addColumn('last_sent_on', 'date', (c) => c.notNull())
    .addPrimaryKeyConstraint('france_travail_states_pk', ['tenant_id', 'offer_id'])
    .addForeignKeyConstraint('france_travail_states_offer', ['offer_id', 'tenant_id'], 'offers', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .execute();

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
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [...TENANT_TABLES].reverse()) await db.schema.dropTable(table).ifExists().execute();
  await db.schema.alterTable('offers').dropColumn('export_consent').execute();
}

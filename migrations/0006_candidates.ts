import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

const APP_ROLE = 'cordee_app';
const TENANT_TABLES = ['stored_files', 'applications', 'application_notes', 'candidate_profiles', 'saved_offers', 'alerts', 'alert_sends'];

/**
 * Candidates and applications (issue #6).
 *
 * - stored_files: the PostgreSQL adapter of the FileStore port (CVs). Bytes in a bytea, a generated id,
 *   never a user-supplied path; the sha256 lets tests and exports check integrity.
 * - applications: one per (offer, e-mail) while not anonymised. company_id is copied from the offer
 *   so that access checks and the pipeline need no join; user_id is null for an application without
 *   an account and is cleared when the account is deleted (the row is anonymised, counts are kept).
 * - application_notes: the employer's private notes.
 * - candidate_profiles: phone, headline, the saved CV, and last_activity_at for the retention job.
 * - saved_offers: bookmarks of a signed-in candidate.
 * - alerts: a saved search e-mailed daily or weekly. Anonymous alerts wait for double opt-in
 *   (confirmed_at). last_window_end is where the next digest's window starts.
 * - alert_sends: one row per digest window, written (and last_window_end moved) in one transaction
 *   BEFORE the e-mail goes out, marked sent after: a crash leaves a pending row that the next run
 *   sends, never a second window over the same offers nor a gap.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Composite foreign keys to offers need this (companies and users already have theirs).
  await sql`alter table offers add constraint offers_id_tenant unique (id, tenant_id)`.execute(db);

  await db.schema
    .createTable('stored_files')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('media_type', 'text', (c) => c.notNull().check(sql`length(media_type) <= 120`))
    .addColumn('size_bytes', 'integer', (c) => c.notNull().check(sql`size_bytes > 0`))
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('stored_files_id_tenant', ['id', 'tenant_id'])
    .execute();

  await db.schema
    .createTable('applications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('offer_id', 'uuid', (c) => c.notNull())
    .addColumn('company_id', 'uuid', (c) => c.notNull())
    .addColumn('user_id', 'uuid')
    .addColumn('full_name', 'text', (c) => c.notNull().check(sql`length(full_name) <= 120`))
    .addColumn('email', 'text', (c) => c.notNull().check(sql`length(email) <= 254`))
    .addColumn('phone', 'text', (c) => c.check(sql`length(phone) <= 30`))
    .addColumn('message', 'text', (c) => c.check(sql`length(message) <= 5000`))
    .addColumn('cv_file_id', 'uuid')
    .addColumn('cv_file_name', 'text', (c) => c.check(sql`length(cv_file_name) <= 200`))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('new').check(sql`status in ('new', 'viewed', 'shortlisted', 'interview', 'hired', 'rejected')`),
    )
    .addColumn('status_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('hired_at', 'timestamptz')
    .addColumn('consent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('anonymised_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('applications_id_tenant', ['id', 'tenant_id'])
    .addForeignKeyConstraint('applications_offer', ['offer_id', 'tenant_id'], 'offers', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .addForeignKeyConstraint('applications_company', ['company_id', 'tenant_id'], 'companies', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .execute();
  // Composite keys whose nullable part alone is cleared on delete (PostgreSQL 15+: SET NULL (column)).
  await sql`alter table applications add constraint applications_user foreign key (user_id, tenant_id)
    references users (id, tenant_id) on delete set null (user_id)`.execute(db);
  await sql`alter table applications add constraint applications_cv foreign key (cv_file_id, tenant_id)
    references stored_files (id, tenant_id) on delete set null (cv_file_id)`.execute(db);
  // "Applying twice gets a friendly message": one live application per offer and address.
  await sql`create unique index applications_offer_email on applications (tenant_id, offer_id, lower(email)) where anonymised_at is null`.execute(db);
  await db.schema.createIndex('applications_company').on('applications').columns(['company_id', 'offer_id', 'created_at']).execute();
  await db.schema.createIndex('applications_user').on('applications').columns(['user_id']).execute();

  await db.schema
    .createTable('application_notes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('application_id', 'uuid', (c) => c.notNull())
    .addColumn('author_user_id', 'uuid')
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) between 1 and 2000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('application_notes_application', ['application_id', 'tenant_id'], 'applications', ['id', 'tenant_id'], (f) =>
      f.onDelete('cascade'),
    )
    .execute();
  await sql`alter table application_notes add constraint application_notes_author foreign key (author_user_id, tenant_id)
    references users (id, tenant_id) on delete set null (author_user_id)`.execute(db);
  await db.schema.createIndex('application_notes_application').on('application_notes').columns(['application_id', 'created_at']).execute();

  await db.schema
    .createTable('candidate_profiles')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('phone', 'text', (c) => c.check(sql`length(phone) <= 30`))
    .addColumn('headline', 'text', (c) => c.check(sql`length(headline) <= 200`))
    .addColumn('cv_file_id', 'uuid')
    .addColumn('cv_file_name', 'text', (c) => c.check(sql`length(cv_file_name) <= 200`))
    .addColumn('last_activity_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('candidate_profiles_user', ['user_id', 'tenant_id'], 'users', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .execute();
  await sql`alter table candidate_profiles add constraint candidate_profiles_cv foreign key (cv_file_id, tenant_id)
    references stored_files (id, tenant_id) on delete set null (cv_file_id)`.execute(db);

  await db.schema
    .createTable('saved_offers')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('offer_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('saved_offers_pk', ['user_id', 'offer_id'])
    .addForeignKeyConstraint('saved_offers_user', ['user_id', 'tenant_id'], 'users', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .addForeignKeyConstraint('saved_offers_offer', ['offer_id', 'tenant_id'], 'offers', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'uuid')
    .addColumn('email', 'text', (c) => c.notNull().check(sql`length(email) <= 254`))
    .addColumn('label', 'text', (c) => c.notNull().check(sql`length(label) <= 300`))
    .addColumn('search', 'jsonb', (c) => c.notNull())
    .addColumn('frequency', 'text', (c) => c.notNull().check(sql`frequency in ('daily', 'weekly')`))
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('unsubscribed_at', 'timestamptz')
    .addColumn('last_window_end', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('alerts_id_tenant', ['id', 'tenant_id'])
    .addForeignKeyConstraint('alerts_user', ['user_id', 'tenant_id'], 'users', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .execute();
  await sql`create index alerts_due on alerts (last_window_end) where confirmed_at is not null and unsubscribed_at is null`.execute(db);

  await db.schema
    .createTable('alert_sends')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('alert_id', 'uuid', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('window_end', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sent')`))
    .addColumn('offer_count', 'integer')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('alert_sends_pk', ['alert_id', 'window_end'])
    .addForeignKeyConstraint('alert_sends_alert', ['alert_id', 'tenant_id'], 'alerts', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .addCheckConstraint('alert_sends_window', sql`window_end > window_start`)
    .execute();
  await sql`create index alert_sends_pending on alert_sends (created_at) where status = 'pending'`.execute(db);

  // Same isolation as every tenant table (0001): RLS enabled and forced, one policy, app-role grants.
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
  for (const table of ['alert_sends', 'alerts', 'saved_offers', 'candidate_profiles', 'application_notes', 'applications', 'stored_files']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`alter table offers drop constraint if exists offers_id_tenant`.execute(db);
}

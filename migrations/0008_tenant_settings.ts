import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

const APP_ROLE = 'cordee_app';

/**
 * Runtime settings of a tenant (issue #7, part 4), changed by its admin in the admin space. One row per
 * tenant holding only overrides of tenant.json: a NULL column means "the file's value". The app
 * validates the effective configuration before writing; the checks below are the last lock.
 *
 * The admin audit log gains the target `settings`, which has no row id of its own: target_id becomes
 * optional.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tenant_settings')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('contact_email', 'text', (c) => c.check(sql`length(contact_email) between 3 and 254 and contact_email like '%_@_%'`))
    .addColumn('contact_phone', 'text', (c) => c.check(sql`length(contact_phone) between 6 and 20`))
    .addColumn('contact_address', 'text', (c) => c.check(sql`length(contact_address) between 1 and 200`))
    .addColumn('offer_lifetime_days', 'integer', (c) => c.check(sql`offer_lifetime_days between 1 and 365`))
    .addColumn('offer_moderation', 'boolean')
    .addColumn('feature_billing', 'boolean')
    .addColumn('feature_messaging', 'boolean')
    .addColumn('feature_housing_filter', 'boolean')
    .addColumn('feature_shared_time', 'boolean')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'uuid')
    .execute();
  await sql`
    alter table tenant_settings add constraint tenant_settings_updated_by
    foreign key (updated_by, tenant_id) references users (id, tenant_id) on delete set null (updated_by)`.execute(db);

  // Same isolation as every tenant table (0001, 0003, 0004): RLS enabled and forced, one policy, app-role grants.
  await sql`alter table tenant_settings enable row level security`.execute(db);
  await sql`alter table tenant_settings force row level security`.execute(db);
  await sql`
    create policy tenant_isolation on tenant_settings
    using (tenant_id = nullif(current_setting('app.tenant_id', true), ''))
    with check (tenant_id = nullif(current_setting('app.tenant_id', true), ''))`.execute(db);
  await sql`grant select, insert, update on tenant_settings to ${sql.raw(APP_ROLE)}`.execute(db);

  await sql`alter table admin_audit_log drop constraint admin_audit_log_target_type_check`.execute(db);
  await sql`alter table admin_audit_log add constraint admin_audit_log_target_type_check
    check (target_type in ('offer', 'company', 'user', 'settings'))`.execute(db);
  await sql`alter table admin_audit_log alter column target_id drop not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from admin_audit_log where target_type = 'settings'`.execute(db);
  await sql`alter table admin_audit_log alter column target_id set not null`.execute(db);
  await sql`alter table admin_audit_log drop constraint admin_audit_log_target_type_check`.execute(db);
  await sql`alter table admin_audit_log add constraint admin_audit_log_target_type_check
    check (target_type in ('offer', 'company', 'user'))`.execute(db);
  await db.schema.dropTable('tenant_settings').ifExists().execute();
}

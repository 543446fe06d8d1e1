import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

const APP_ROLE = 'cordee_app';
const TENANT_TABLES = ['company_invitations', 'admin_audit_log'];

/**
 * Company space and tenant admin space (issue #3, part B).
 *
 * - company_invitations: a member invites a colleague by e-mail. Like account_tokens, only the SHA-256
 *   of the e-mailed token is stored; the invitee may not have an account yet, hence an address and not
 *   a user id. Accepting sets accepted_at (single use).
 * - admin_audit_log: what a tenant admin did (approve/reject an offer, act on another company's offer,
 *   remove a member…). Rows are only ever inserted; the actor's address is copied so the line stays
 *   readable if the account goes (actor_user_id is then set to null, the tenant_id kept).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('company_invitations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('company_id', 'uuid', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull().check(sql`email = lower(email) and email like '%_@_%'`))
    .addColumn('member_role', 'text', (c) => c.notNull().defaultTo('member').check(sql`member_role in ('owner', 'member')`))
    .addColumn('invited_by', 'uuid')
    .addColumn('token_hash', 'text', (c) => c.notNull().unique().check(sql`token_hash ~ '^[0-9a-f]{64}$'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .addUniqueConstraint('company_invitations_id_tenant', ['id', 'tenant_id'])
    .addForeignKeyConstraint('company_invitations_company', ['company_id', 'tenant_id'], 'companies', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .addCheckConstraint('company_invitations_expiry', sql`expires_at > created_at`)
    .execute();
  // ON DELETE SET NULL of one column of a composite key (PostgreSQL 15+): tenant_id stays.
  await sql`
    alter table company_invitations add constraint company_invitations_inviter
    foreign key (invited_by, tenant_id) references users (id, tenant_id) on delete set null (invited_by)`.execute(db);
  await db.schema.createIndex('company_invitations_company').on('company_invitations').columns(['company_id', 'email']).execute();

  await db.schema
    .createTable('admin_audit_log')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('actor_user_id', 'uuid')
    .addColumn('actor_email', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action ~ '^[a-z]+(\\.[a-z_]+)+$'`))
    .addColumn('target_type', 'text', (c) => c.notNull().check(sql`target_type in ('offer', 'company', 'user')`))
    .addColumn('target_id', 'uuid', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('admin_audit_log_id_tenant', ['id', 'tenant_id'])
    .execute();
  await sql`
    alter table admin_audit_log add constraint admin_audit_log_actor
    foreign key (actor_user_id, tenant_id) references users (id, tenant_id) on delete set null (actor_user_id)`.execute(db);
  await sql`create index admin_audit_log_recent on admin_audit_log (tenant_id, created_at desc)`.execute(db);

  // Same isolation as every tenant table (0001, 0003): RLS enabled and forced, one policy, app-role grants.
  for (const table of TENANT_TABLES) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`alter table ${sql.table(table)} force row level security`.execute(db);
    await sql`
      create policy tenant_isolation on ${sql.table(table)}
      using (tenant_id = nullif(current_setting('app.tenant_id', true), ''))
      with check (tenant_id = nullif(current_setting('app.tenant_id', true), ''))`.execute(db);
    await sql`grant select, insert, update, delete on ${sql.table(table)} to ${sql.raw(APP_ROLE)}`.execute(db);
  }
  // The audit log is append-only for the app.
  await sql`revoke update, delete on admin_audit_log from ${sql.raw(APP_ROLE)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('admin_audit_log').ifExists().execute();
  await db.schema.dropTable('company_invitations').ifExists().execute();
}

import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

const APP_ROLE = 'cordee_app';
const TENANT_TABLES = ['sessions', 'account_tokens'];

/**
 * Accounts (issue #3, part A).
 *
 * - sessions: one row per log-in (browser cookie or API bearer token). Access tokens are signed JWTs
 *   that name their session (`sid`); every authenticated request checks that the row is neither
 *   revoked nor expired, so log-out, password change and account disabling end sessions at once.
 * - account_tokens: single-use links sent by e-mail (address verification, password reset). Only the
 *   SHA-256 of the random token is stored; a row is consumed by setting used_at.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('browser', 'api')`))
    .addColumn('user_agent', 'text', (c) => c.check(sql`length(user_agent) <= 300`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addUniqueConstraint('sessions_id_tenant', ['id', 'tenant_id'])
    .addForeignKeyConstraint('sessions_user', ['user_id', 'tenant_id'], 'users', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .addCheckConstraint('sessions_expiry', sql`expires_at > created_at`)
    .execute();
  // "Revoke every live session of this user" (password change, disabling) and clean-up at log-in.
  await sql`create index sessions_user_live on sessions (user_id) where revoked_at is null`.execute(db);

  await db.schema
    .createTable('account_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('verify_email', 'reset_password')`))
    // Hex SHA-256 of the token sent by e-mail; the token itself is never stored.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique().check(sql`token_hash ~ '^[0-9a-f]{64}$'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addUniqueConstraint('account_tokens_id_tenant', ['id', 'tenant_id'])
    .addForeignKeyConstraint('account_tokens_user', ['user_id', 'tenant_id'], 'users', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .addCheckConstraint('account_tokens_expiry', sql`expires_at > created_at`)
    .execute();
  await db.schema.createIndex('account_tokens_user').on('account_tokens').columns(['user_id', 'purpose']).execute();

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
  await db.schema.dropTable('account_tokens').ifExists().execute();
  await db.schema.dropTable('sessions').ifExists().execute();
}

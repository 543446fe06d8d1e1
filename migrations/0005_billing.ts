import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

const APP_ROLE = 'cordee_app';
const TENANT_TABLES = ['billing_events', 'membership_payments', 'receipt_counters', 'membership_reminders'];

/**
 * Membership billing (issue #5).
 *
 * - memberships: one row per company (its current membership; renewals move the period forward, the
 *   history is in membership_payments). Stripe ids, the Stripe time of the state last applied (so an
 *   older event never overwrites a newer one) and the reason of a tier override by a tenant admin.
 * - billing_events: Stripe event ids already processed, unique per tenant, inserted in the same
 *   transaction as their effects (a duplicate delivery conflicts and changes nothing).
 * - membership_payments: what was paid (manual: bank transfer or administrative mandate; Stripe: an
 *   invoice or checkout), each with a receipt number sequential per tenant and year.
 * - receipt_counters: last receipt number per tenant and year, taken with UPDATE … RETURNING in the
 *   payment's transaction, so numbers have no gap and no duplicate under concurrency.
 * - membership_reminders: one row per reminder sent (kind + the period it is about), so a restarted
 *   job never sends the same reminder twice.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('memberships')
    .addColumn('stripe_customer_id', 'text')
    .addColumn('stripe_subscription_id', 'text')
    .addColumn('stripe_state_at', 'timestamptz')
    .addColumn('tier_override_reason', 'text', (c) => c.check(sql`length(tier_override_reason) between 3 and 500`))
    .execute();
  await sql`alter table memberships add constraint memberships_id_tenant unique (id, tenant_id)`.execute(db);
  await sql`alter table memberships add constraint memberships_tenant_company unique (tenant_id, company_id)`.execute(db);
  await sql`create unique index memberships_stripe_subscription on memberships (tenant_id, stripe_subscription_id) where stripe_subscription_id is not null`.execute(db);

  await db.schema
    .createTable('billing_events')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('event_id', 'text', (c) => c.notNull().check(sql`length(event_id) between 3 and 255`))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('stripe_created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('billing_events_pkey', ['tenant_id', 'event_id'])
    .execute();

  await db.schema
    .createTable('membership_payments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('membership_id', 'uuid', (c) => c.notNull())
    .addColumn('company_id', 'uuid', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('bank_transfer', 'administrative_mandate', 'stripe')`))
    .addColumn('reference', 'text', (c) => c.notNull().check(sql`length(reference) between 1 and 200`))
    .addColumn('paid_on', 'date', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull().check(sql`amount_cents > 0`))
    .addColumn('currency', 'text', (c) => c.notNull().defaultTo('EUR'))
    .addColumn('tier_code', 'text', (c) => c.notNull())
    .addColumn('period_start', 'date', (c) => c.notNull())
    .addColumn('period_end', 'date', (c) => c.notNull())
    .addColumn('receipt_year', 'integer', (c) => c.notNull())
    .addColumn('receipt_seq', 'integer', (c) => c.notNull().check(sql`receipt_seq > 0`))
    .addColumn('receipt_number', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('membership_payments_id_tenant', ['id', 'tenant_id'])
    .addUniqueConstraint('membership_payments_receipt', ['tenant_id', 'receipt_year', 'receipt_seq'])
    .addUniqueConstraint('membership_payments_reference', ['tenant_id', 'method', 'reference'])
    .addForeignKeyConstraint('membership_payments_membership', ['membership_id', 'tenant_id'], 'memberships', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .addForeignKeyConstraint('membership_payments_company', ['company_id', 'tenant_id'], 'companies', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .addCheckConstraint('membership_payments_period', sql`period_end > period_start`)
    .execute();
  await sql`
    alter table membership_payments add constraint membership_payments_recorder
    foreign key (recorded_by, tenant_id) references users (id, tenant_id) on delete set null (recorded_by)`.execute(db);
  await sql`create index membership_payments_company on membership_payments (tenant_id, company_id, paid_on desc)`.execute(db);

  await db.schema
    .createTable('receipt_counters')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('receipt_counters_pkey', ['tenant_id', 'year'])
    .execute();

  await db.schema
    .createTable('membership_reminders')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('membership_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('before_30', 'before_7', 'payment_failed')`))
    .addColumn('period_end', 'date', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('membership_reminders_once', ['tenant_id', 'membership_id', 'kind', 'period_end'])
    .addForeignKeyConstraint('membership_reminders_membership', ['membership_id', 'tenant_id'], 'memberships', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .execute();

  // Same isolation as every tenant table (0001, 0003, 0004): RLS enabled and forced, one policy, app-role grants.
  for (const table of TENANT_TABLES) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`alter table ${sql.table(table)} force row level security`.execute(db);
    await sql`
      create policy tenant_isolation on ${sql.table(table)}
      using (tenant_id = nullif(current_setting('app.tenant_id', true), ''))
      with check (tenant_id = nullif(current_setting('app.tenant_id', true), ''))`.execute(db);
    await sql`grant select, insert, update, delete on ${sql.table(table)} to ${sql.raw(APP_ROLE)}`.execute(db);
  }
  // Receipts and processed events are records: the app inserts them, never rewrites them.
  await sql`revoke update, delete on membership_payments from ${sql.raw(APP_ROLE)}`.execute(db);
  await sql`revoke update, delete on billing_events from ${sql.raw(APP_ROLE)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['membership_reminders', 'receipt_counters', 'membership_payments', 'billing_events']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop index if exists memberships_stripe_subscription`.execute(db);
  await sql`alter table memberships drop constraint if exists memberships_tenant_company`.execute(db);
  await sql`alter table memberships drop constraint if exists memberships_id_tenant`.execute(db);
  await db.schema
    .alterTable('memberships')
    .dropColumn('stripe_customer_id')
    .dropColumn('stripe_subscription_id')
    .dropColumn('stripe_state_at')
    .dropColumn('tier_override_reason')
    .execute();
}

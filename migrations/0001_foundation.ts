import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

/** The runtime role the app's queries run as: owns nothing, not superuser, no BYPASSRLS. */
const APP_ROLE = 'cordee_app';
const TENANT_TABLES = ['users', 'companies', 'company_members', 'memberships', 'offers'];
const REFERENCE_TABLES = ['regions', 'departments', 'communes', 'rome_codes', 'rome_appellations', 'naf_codes'];

function check(column: string, values: readonly string[]) {
  return sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}

export async function up(db: Kysely<any>): Promise<void> {
  for (const extension of ['unaccent', 'pg_trgm', 'cube', 'earthdistance']) {
    await sql`create extension if not exists ${sql.raw(extension)}`.execute(db);
  }

  // Roles are cluster-wide: create once, tolerate a concurrent creator.
  await sql`
    do $$ begin
      if not exists (select from pg_roles where rolname = ${sql.lit(APP_ROLE)}) then
        create role ${sql.raw(APP_ROLE)} nologin nosuperuser nobypassrls noinherit;
      end if;
    exception when duplicate_object then null;
    end $$`.execute(db);
  // The migrating user must be able to SET ROLE to the app role (superusers can anyway).
  await sql`
    do $$ begin
      if not (select rolsuper from pg_roles where rolname = current_user) then
        execute format('grant %I to %I', ${sql.lit(APP_ROLE)}, current_user);
      end if;
    end $$`.execute(db);

  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey().check(sql`id ~ '^[a-z][a-z0-9-]{1,39}$'`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Reference data (not tenant-scoped, read-only for the app).
  await db.schema
    .createTable('regions')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('departments')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('communes')
    .addColumn('insee_code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(check('kind', ['commune', 'arrondissement_municipal'])))
    .addColumn('parent_insee_code', 'text')
    .addColumn('department_code', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('postal_codes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('population', 'integer')
    .addColumn('latitude', 'double precision')
    .addColumn('longitude', 'double precision')
    .execute();
  // unaccent() is only STABLE (its dictionary could change), so indexes need an IMMUTABLE wrapper
  // that names the dictionary explicitly.
  await sql`
    create or replace function immutable_unaccent(text) returns text
    language sql immutable parallel safe strict
    as $$ select public.unaccent('public.unaccent'::regdictionary, $1) $$`.execute(db);
  await sql`create index communes_name_trgm on communes using gin (lower(immutable_unaccent(name)) gin_trgm_ops)`.execute(db);
  await sql`create index communes_postal_codes on communes using gin (postal_codes)`.execute(db);
  await db.schema
    .createTable('rome_codes')
    .addColumn('code', 'text', (c) => c.primaryKey().check(sql`code ~ '^[A-N][0-9]{4}$'`))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('domain_code', 'text', (c) => c.notNull())
    .addColumn('domain_label', 'text', (c) => c.notNull())
    .addColumn('grand_domain_code', 'text', (c) => c.notNull())
    .addColumn('grand_domain_label', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('rome_appellations')
    .addColumn('ogr_code', 'integer', (c) => c.primaryKey())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('short_label', 'text', (c) => c.notNull())
    .addColumn('rome_code', 'text', (c) => c.notNull().references('rome_codes.code'))
    .addColumn('is_main', 'boolean', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rome_appellations_rome_code').on('rome_appellations').column('rome_code').execute();
  await db.schema
    .createTable('naf_codes')
    .addColumn('code', 'text', (c) => c.primaryKey().check(sql`code ~ '^[0-9]{2}\\.[0-9]{2}[A-Z]$'`))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('division_code', 'text', (c) => c.notNull())
    .addColumn('section_code', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('reference_data_loads')
    .addColumn('dataset', 'text', (c) => c.primaryKey())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Tenant data. Every table carries tenant_id; composite foreign keys (id, tenant_id) make a row
  // pointing at another tenant's row impossible, whatever the app does.
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('email', 'text', (c) => c.notNull().check(sql`email = lower(email) and email like '%_@_%'`))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(check('role', ['candidate', 'employer', 'counsellor', 'admin'])))
    .addColumn('password_hash', 'text')
    .addColumn('email_verified_at', 'timestamptz')
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('users_tenant_email', ['tenant_id', 'email'])
    .addUniqueConstraint('users_id_tenant', ['id', 'tenant_id'])
    .execute();

  await db.schema
    .createTable('companies')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull().check(sql`slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`))
    .addColumn('siret', 'text', (c) => c.check(sql`siret ~ '^[0-9]{14}$'`))
    .addColumn('naf_code', 'text', (c) => c.references('naf_codes.code'))
    .addColumn('headcount', 'integer', (c) => c.check(sql`headcount >= 0`))
    .addColumn('commune_insee', 'text', (c) => c.references('communes.insee_code'))
    .addColumn('website', 'text')
    .addColumn('description', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('companies_tenant_slug', ['tenant_id', 'slug'])
    .addUniqueConstraint('companies_id_tenant', ['id', 'tenant_id'])
    .execute();

  await db.schema
    .createTable('company_members')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('company_id', 'uuid', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('member_role', 'text', (c) => c.notNull().check(check('member_role', ['owner', 'member'])))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('company_members_pk', ['company_id', 'user_id'])
    .addForeignKeyConstraint('company_members_company', ['company_id', 'tenant_id'], 'companies', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .addForeignKeyConstraint('company_members_user', ['user_id', 'tenant_id'], 'users', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('company_members_user').on('company_members').column('user_id').execute();

  await db.schema
    .createTable('memberships')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('company_id', 'uuid', (c) => c.notNull())
    .addColumn('tier_code', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull().check(sql`amount_cents >= 0`))
    .addColumn('currency', 'text', (c) => c.notNull().defaultTo('EUR'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(check('status', ['pending_payment', 'active', 'past_due', 'expired', 'cancelled'])),
    )
    .addColumn('provider', 'text', (c) => c.notNull().check(check('provider', ['manual', 'stripe'])))
    .addColumn('period_start', 'date')
    .addColumn('period_end', 'date')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('memberships_company', ['company_id', 'tenant_id'], 'companies', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .addCheckConstraint('memberships_period', sql`period_end is null or period_start is null or period_end > period_start`)
    .execute();
  await db.schema.createIndex('memberships_company').on('memberships').columns(['company_id', 'period_end']).execute();

  await db.schema
    .createTable('offers')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('company_id', 'uuid', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) between 3 and 160`))
    .addColumn('description_html', 'text', (c) => c.notNull())
    .addColumn('rome_code', 'text', (c) => c.references('rome_codes.code'))
    .addColumn('sector', 'text')
    .addColumn('contract', 'text', (c) =>
      c.notNull().check(check('contract', ['cdi', 'cdd', 'seasonal', 'interim', 'apprenticeship', 'internship', 'shared_time'])),
    )
    .addColumn('working_time', 'text', (c) => c.notNull().check(check('working_time', ['full_time', 'part_time'])))
    .addColumn('hours_per_week', sql`numeric(4,1)`, (c) => c.check(sql`hours_per_week > 0 and hours_per_week <= 48`))
    .addColumn('start_date', 'date')
    .addColumn('end_date', 'date')
    .addColumn('season', 'text', (c) => c.check(check('season', ['winter', 'summer', 'all_year'])))
    .addColumn('commune_insee', 'text', (c) => c.references('communes.insee_code'))
    .addColumn('postal_code', 'text', (c) => c.check(sql`postal_code ~ '^[0-9]{5}$'`))
    .addColumn('place_name', 'text')
    .addColumn('latitude', 'double precision', (c) => c.check(sql`latitude between -90 and 90`))
    .addColumn('longitude', 'double precision', (c) => c.check(sql`longitude between -180 and 180`))
    .addColumn('salary_min', sql`numeric(10,2)`, (c) => c.check(sql`salary_min >= 0`))
    .addColumn('salary_max', sql`numeric(10,2)`)
    .addColumn('salary_unit', 'text', (c) => c.check(check('salary_unit', ['hour', 'day', 'month', 'year'])))
    .addColumn('salary_currency', 'text', (c) => c.notNull().defaultTo('EUR'))
    .addColumn('housing', 'text', (c) => c.notNull().defaultTo('none').check(check('housing', ['provided', 'help', 'none'])))
    .addColumn('experience', 'text', (c) => c.check(check('experience', ['none', 'beginner', 'experienced', 'expert'])))
    .addColumn('driving_licence', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('apply_method', 'text', (c) =>
      c.notNull().defaultTo('platform').check(check('apply_method', ['platform', 'url', 'email'])),
    )
    .addColumn('apply_url', 'text')
    .addColumn('apply_email', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('draft').check(check('status', ['draft', 'pending_review', 'published', 'expired', 'filled', 'archived'])),
    )
    .addColumn('job_nature', 'text', (c) => c.check(check('job_nature', ['creation', 'replacement'])))
    .addColumn('published_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('offers_company', ['company_id', 'tenant_id'], 'companies', ['id', 'tenant_id'], (f) => f.onDelete('cascade'))
    .addCheckConstraint('offers_salary_range', sql`salary_max is null or salary_min is null or salary_max >= salary_min`)
    .addCheckConstraint('offers_dates', sql`end_date is null or start_date is null or end_date >= start_date`)
    .addCheckConstraint('offers_published_has_dates', sql`status <> 'published' or (published_at is not null and expires_at is not null)`)
    .addCheckConstraint('offers_apply_target', sql`(apply_method <> 'url' or apply_url is not null) and (apply_method <> 'email' or apply_email is not null)`)
    .execute();
  await sql`create index offers_public on offers (tenant_id, status, published_at desc)`.execute(db);
  await db.schema.createIndex('offers_company').on('offers').columns(['company_id', 'status']).execute();
  await sql`create index offers_expiry on offers (expires_at) where status = 'published'`.execute(db);

  // Row-level security: forced, so that even the table owner is filtered. The setting is read with
  // missing_ok and NULLIF because after a transaction-local set_config the session value is '' (not NULL).
  for (const table of TENANT_TABLES) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`alter table ${sql.table(table)} force row level security`.execute(db);
    await sql`
      create policy tenant_isolation on ${sql.table(table)}
      using (tenant_id = nullif(current_setting('app.tenant_id', true), ''))
      with check (tenant_id = nullif(current_setting('app.tenant_id', true), ''))`.execute(db);
    await sql`grant select, insert, update, delete on ${sql.table(table)} to ${sql.raw(APP_ROLE)}`.execute(db);
  }
  for (const table of [...REFERENCE_TABLES, 'tenants']) {
    await sql`grant select on ${sql.table(table)} to ${sql.raw(APP_ROLE)}`.execute(db);
  }
  await sql`grant usage on schema public to ${sql.raw(APP_ROLE)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['offers', 'memberships', 'company_members', 'companies', 'users', 'reference_data_loads', 'naf_codes', 'rome_appellations', 'rome_codes', 'communes', 'departments', 'regions', 'tenants']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop function if exists immutable_unaccent(text)`.execute(db);
}

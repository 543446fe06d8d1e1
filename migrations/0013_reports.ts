import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

const APP_ROLE = 'cordee_app';
const TENANT_TABLES = ['hires', 'hire_follow_ups', 'offer_views_daily'];

const HIRE_CONTRACTS = ['cdi', 'cdd', 'seasonal', 'interim', 'apprenticeship'];
const ATTRIBUTIONS = ['platform_application', 'counsellor_recommendation', 'platform_contact', 'declared_only'];
const END_REASONS = ['end_of_contract', 'resignation', 'dismissal', 'trial_period', 'mutual_agreement', 'other'];
const AUDIT_TARGETS_0012 = ['offer', 'company', 'user', 'settings', 'message', 'shared_time_need', 'shared_time_proposal'];

const list = (values: string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * Evidence for funders and members (issue #15): the facts reports count, recorded once.
 *
 * - offers.closed_at: when a published offer stopped being public (filled, archived, withdrawn,
 *   expired), kept by a trigger whatever path changed the status, so "offers live during a period" is
 *   [published_at, least(closed_at, expires_at)). Existing closed offers get their best estimate.
 * - hires: one per hire. From an application of the pipeline (the application moved to « recrutée »
 *   opens it, with the offer's contract and hours as a first guess) or declared by the company or the
 *   staff. Contract, planned and actual dates, weekly hours, end reason; the employer's dated
 *   declaration that the post is a new position or a replacement (and by whom); the attribution
 *   level. person_key is the SHA-256 of the tenant and the person's lower-cased e-mail (never the
 *   address itself): it recognises the same person hired again by the same company next season.
 *   start_on (actual start, else planned, else the hiring date) is what periods select on.
 * - hire_follow_ups: the 6- and 12-month « toujours en poste ? » question, one row per hire, milestone
 *   and respondent (the employer; the person where the tenant asks them too). Rows are written before
 *   the e-mail goes out and marked sent after (same Message-ID when a crash makes a run resend), and
 *   no answer stays « inconnu ».
 * - offer_views_daily: views of an offer's public page per day (tenant's calendar), counted by the app
 *   without bots and once per visitor and 30 minutes; no address or visitor id is ever stored.
 * - follow_up_events (0011) gets the kind `training_start`: a young person's entry into training, which
 *   the mission locale's cohort outcomes count.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table offers add column closed_at timestamptz`.execute(db);
  // Best estimate for offers closed before this column existed: expired ones at their expiry, the
  // others at their last change.
  await sql`
    update offers set closed_at = case when status = 'expired' then coalesce(expires_at, updated_at) else updated_at end
    where published_at is not null and status <> 'published'`.execute(db);
  await sql`
    create function offers_closed_at() returns trigger language plpgsql as $$
    begin
      if new.status = 'published' then
        new.closed_at := null;
      elsif tg_op = 'INSERT' then
        if new.closed_at is null and new.status = 'expired' then new.closed_at := new.expires_at; end if;
      elsif old.status = 'published' then
        -- Expired by the job after the fact: it stopped being public at its expiry, not at the run.
        new.closed_at := case when new.status = 'expired' then least(coalesce(old.expires_at, now()), now()) else now() end;
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger offers_closed_at before insert or update of status on offers
    for each row execute function offers_closed_at()`.execute(db);
  // Reports read offers live during a period: by tenant and publication, the rest from the index.
  await sql`
    create index offers_reports on offers (tenant_id, published_at)
    include (closed_at, expires_at, contract, season, rome_code, sector, company_id)
    where published_at is not null`.execute(db);

  await sql`
    create table hires (
      id uuid primary key default gen_random_uuid(),
      tenant_id text not null references tenants (id),
      company_id uuid not null,
      offer_id uuid,
      application_id uuid,
      candidate_user_id uuid,
      person_key text check (person_key ~ '^[0-9a-f]{64}$'),
      person_label text check (length(person_label) between 1 and 120),
      person_email text check (length(person_email) <= 254),
      title text not null check (length(title) between 2 and 200),
      contract text check (contract in (${list(HIRE_CONTRACTS)})),
      weekly_hours numeric(4, 1) check (weekly_hours > 0 and weekly_hours <= 48),
      hired_on date not null,
      planned_start date,
      planned_end date,
      actual_start date,
      actual_end date,
      end_reason text check (end_reason in (${list(END_REASONS)})),
      start_on date generated always as (coalesce(actual_start, planned_start, hired_on)) stored,
      job_nature text check (job_nature in ('creation', 'replacement')),
      nature_declared_at timestamptz,
      nature_declared_by uuid,
      attribution text not null check (attribution in (${list(ATTRIBUTIONS)})),
      recorded_by uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint hires_id_tenant unique (id, tenant_id),
      constraint hires_one_per_application unique (application_id),
      constraint hires_nature_dated check ((job_nature is null) = (nature_declared_at is null)),
      constraint hires_planned check (planned_end is null or planned_start is null or planned_end >= planned_start),
      constraint hires_actual check (actual_end is null or actual_start is null or actual_end >= actual_start),
      constraint hires_end_reason check (end_reason is null or actual_end is not null),
      constraint hires_company foreign key (company_id, tenant_id) references companies (id, tenant_id) on delete cascade,
      constraint hires_offer foreign key (offer_id, tenant_id) references offers (id, tenant_id) on delete set null (offer_id),
      constraint hires_application foreign key (application_id, tenant_id) references applications (id, tenant_id) on delete set null (application_id),
      constraint hires_candidate foreign key (candidate_user_id, tenant_id) references users (id, tenant_id) on delete set null (candidate_user_id),
      constraint hires_nature_by foreign key (nature_declared_by, tenant_id) references users (id, tenant_id) on delete set null (nature_declared_by),
      constraint hires_recorded_by foreign key (recorded_by, tenant_id) references users (id, tenant_id) on delete set null (recorded_by)
    )`.execute(db);
  await sql`create index hires_start on hires (tenant_id, start_on) include (company_id, offer_id, contract, attribution, job_nature, weekly_hours)`.execute(db);
  await sql`create index hires_company on hires (tenant_id, company_id, start_on)`.execute(db);
  await sql`create index hires_offer on hires (tenant_id, offer_id) where offer_id is not null`.execute(db);
  await sql`create index hires_person on hires (tenant_id, company_id, person_key) where person_key is not null`.execute(db);
  await sql`create index hires_candidate on hires (candidate_user_id) where candidate_user_id is not null`.execute(db);

  await sql`
    create table hire_follow_ups (
      id uuid primary key default gen_random_uuid(),
      tenant_id text not null references tenants (id),
      hire_id uuid not null,
      milestone smallint not null check (milestone in (6, 12)),
      respondent text not null check (respondent in ('employer', 'person')),
      due_on date not null,
      status text not null default 'pending' check (status in ('pending', 'sent')),
      attempts integer not null default 0,
      claimed_until timestamptz,
      sent_at timestamptz,
      answer text check (answer in ('yes', 'no')),
      answered_at timestamptz,
      created_at timestamptz not null default now(),
      constraint hire_follow_ups_once unique (hire_id, milestone, respondent),
      constraint hire_follow_ups_answer check ((answer is null) = (answered_at is null)),
      constraint hire_follow_ups_hire foreign key (hire_id, tenant_id) references hires (id, tenant_id) on delete cascade
    )`.execute(db);
  await sql`create index hire_follow_ups_pending on hire_follow_ups (tenant_id, created_at) where status = 'pending'`.execute(db);

  await sql`
    create table offer_views_daily (
      tenant_id text not null references tenants (id),
      offer_id uuid not null,
      day date not null,
      views integer not null check (views > 0),
      primary key (tenant_id, offer_id, day),
      constraint offer_views_daily_offer foreign key (offer_id, tenant_id) references offers (id, tenant_id) on delete cascade
    )`.execute(db);
  await sql`create index offer_views_daily_day on offer_views_daily (tenant_id, day)`.execute(db);

  // Hires the pipeline recorded before this migration: each hired application gets its hire row, with
  // the offer's contract and hours as recorded then, attributed to the counsellor's recommendation when
  // there was one (0011); the nature stays undeclared (nobody declared it).
  await sql`
    insert into hires (tenant_id, company_id, offer_id, application_id, candidate_user_id, person_key, title, contract,
                       weekly_hours, hired_on, planned_start, planned_end, attribution, created_at)
    select a.tenant_id, a.company_id, a.offer_id, a.id, a.user_id,
           case when a.anonymised_at is null then encode(sha256(convert_to(a.tenant_id || ':' || lower(a.email), 'UTF8')), 'hex') end,
           o.title,
           case o.contract when 'shared_time' then 'cdi' when 'internship' then null else o.contract end,
           case when o.hours_per_week > 0 and o.hours_per_week <= 48 then o.hours_per_week end,
           (coalesce(a.hired_at, a.status_changed_at) at time zone 'Europe/Paris')::date,
           greatest(o.start_date, (coalesce(a.hired_at, a.status_changed_at) at time zone 'Europe/Paris')::date),
           case when o.end_date >= greatest(o.start_date, (coalesce(a.hired_at, a.status_changed_at) at time zone 'Europe/Paris')::date) then o.end_date end,
           case when a.recommended_by is not null then 'counsellor_recommendation' else 'platform_application' end,
           coalesce(a.hired_at, a.status_changed_at)
    from applications a join offers o on o.id = a.offer_id and o.tenant_id = a.tenant_id
    where a.status = 'hired'`.execute(db);

  for (const table of TENANT_TABLES) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`alter table ${sql.table(table)} force row level security`.execute(db);
    await sql`
      create policy tenant_isolation on ${sql.table(table)}
      using (tenant_id = nullif(current_setting('app.tenant_id', true), ''))
      with check (tenant_id = nullif(current_setting('app.tenant_id', true), ''))`.execute(db);
    await sql`grant select, insert, update, delete on ${sql.table(table)} to ${sql.raw(APP_ROLE)}`.execute(db);
  }

  // A counsellor records a young person's entry into training as a follow-up event (0011): the cohort
  // outcomes of the mission locale's report count it.
  await sql`alter table follow_up_events drop constraint follow_up_events_kind_check`.execute(db);
  await sql`alter table follow_up_events add constraint follow_up_events_kind_check
    check (kind in ('contact', 'interview', 'workshop', 'job_start', 'training_start'))`.execute(db);

  // Hires the staff record or change for a company go to the admin journal.
  await sql`alter table admin_audit_log drop constraint admin_audit_log_target_type_check`.execute(db);
  await sql`alter table admin_audit_log add constraint admin_audit_log_target_type_check
    check (target_type in (${list([...AUDIT_TARGETS_0012, 'hire'])}))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from follow_up_events where kind = 'training_start'`.execute(db);
  await sql`alter table follow_up_events drop constraint follow_up_events_kind_check`.execute(db);
  await sql`alter table follow_up_events add constraint follow_up_events_kind_check
    check (kind in ('contact', 'interview', 'workshop', 'job_start'))`.execute(db);
  await sql`delete from admin_audit_log where target_type = 'hire'`.execute(db);
  await sql`alter table admin_audit_log drop constraint admin_audit_log_target_type_check`.execute(db);
  await sql`alter table admin_audit_log add constraint admin_audit_log_target_type_check
    check (target_type in (${list(AUDIT_TARGETS_0012)}))`.execute(db);
  for (const table of [...TENANT_TABLES].reverse()) await db.schema.dropTable(table).ifExists().execute();
  await sql`drop index if exists offers_reports`.execute(db);
  await sql`drop trigger if exists offers_closed_at on offers`.execute(db);
  await sql`drop function if exists offers_closed_at()`.execute(db);
  await sql`alter table offers drop column if exists closed_at`.execute(db);
}

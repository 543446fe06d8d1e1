import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

const APP_ROLE = 'cordee_app';

/** New tenant tables, parents before children (down() drops them in reverse). */
const TENANT_TABLES = [
  'accompaniments',
  'accompaniment_delegates',
  'accompaniment_invitations',
  'follow_up_events',
  'accompaniment_notes',
  'parental_consents',
  'cv_bank_entries',
  'offer_suggestions',
  'candidate_recommendations',
  'threads',
  'messages',
  'thread_reads',
  'abuse_reports',
  'user_blocks',
  'notification_settings',
  'notification_states',
  'notification_sends',
];

const REFUSAL_REASONS = [
  'position_filled',
  'profile_mismatch',
  'lacking_skills',
  'incompatible_schedule',
  'mobility',
  'unreachable',
  'did_not_attend',
  'candidate_declined',
  'other',
];
const REPORT_REASONS = ['harassment', 'discrimination', 'money_request', 'fraudulent_offer', 'sexual_content', 'sensitive_data'];

const list = (values: string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * The collaborative youth board (issue #13): counsellors' caseloads, recommendations both ways,
 * threads between young people, counsellors and companies, notifications, minors' protection,
 * moderation. Every table carries tenant_id, composite foreign keys (id, tenant_id), RLS enabled and
 * forced with the tenant policy, and grants to the app role, like every tenant table.
 *
 * - users.birth_date: asked at sign-up on youth boards (under 15: parental consent; under 18: masking).
 * - applications: "unanswered" (a recommended application closed without an answer), the
 *   recommending counsellor and the note the employer sees, the refusal reason (fixed list) and
 *   whether the candidate may see it, when the employer first answered, when an interview was first
 *   set (contact details of minors are shown from then on), when the 7-day reminder went.
 * - accompaniments: one per young person (the referent counsellor, consent date and channel, the
 *   next appointment); delegates are colleagues who follow them too; invitations are e-mailed links
 *   (SHA-256 stored) for young people who may not have an account yet.
 * - follow_up_events, accompaniment_notes: the counsellor's follow-up; notes are private to the
 *   mission locale.
 * - parental_consents: double opt-in of a parent's address for the under-15s.
 * - cv_bank_entries: a CV a counsellor validated (this exact file: replacing the CV drops the row),
 *   visible to employers only once the young person consents (consent_at).
 * - offer_suggestions: offers a counsellor recommends to a young person.
 * - candidate_recommendations: a counsellor recommends a young person for an offer; with their
 *   agreement (date and channel) it becomes an application marked as recommended.
 * - threads: one per object (accompaniment, application, offer partnership, CV-bank contact); who is
 *   in it follows from the object. young_user_id and company_id are copied from the object so that
 *   lists need no join. messages: text, a shared offer, an attachment; hidden by
 *   moderation; "message supprimé" once the author's account is gone.
 * - thread_reads: last read time per participant. abuse_reports, user_blocks: moderation.
 * - notification_settings / _states / _sends: e-mail notifications, throttled per thread and
 *   recipient; a send is recorded (and the state moved) before the e-mail goes out, so a restart
 *   resends the same window (same Message-ID) and never a second one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`alter table users add column birth_date date check (birth_date > '1900-01-01')`,

    sql`alter table applications drop constraint applications_status_check`,
    sql`alter table applications add constraint applications_status_check
      check (status in ('new', 'viewed', 'shortlisted', 'interview', 'hired', 'rejected', 'unanswered'))`,
    sql`alter table applications
      add column recommended_by uuid,
      add column recommendation_note text check (length(recommendation_note) <= 2000),
      add column refusal_reason text check (refusal_reason in (${list(REFUSAL_REASONS)})),
      add column refusal_reason_shared boolean not null default false,
      add column employer_answered_at timestamptz,
      add column interview_at timestamptz,
      add column reminder_sent_at timestamptz`,
    sql`alter table applications add constraint applications_recommended_by foreign key (recommended_by, tenant_id)
      references users (id, tenant_id) on delete set null (recommended_by)`,
    // The reminder and auto-close job reads recommended applications still waiting for an answer.
    sql`create index applications_recommended_waiting on applications (tenant_id, created_at)
      where recommended_by is not null and status in ('new', 'viewed')`,

    sql`create table accompaniments (
      id uuid primary key default gen_random_uuid(),
      tenant_id text not null references tenants (id),
      young_user_id uuid not null,
      referent_user_id uuid,
      status text not null check (status in ('requested', 'active', 'ended')),
      consent_at timestamptz,
      consent_channel text check (consent_channel in ('app', 'interview')),
      requested_at timestamptz,
      started_at timestamptz,
      ended_at timestamptz,
      next_appointment_at timestamptz,
      next_appointment_place text check (length(next_appointment_place) <= 200),
      created_at timestamptz not null default now(),
      constraint accompaniments_id_tenant unique (id, tenant_id),
      constraint accompaniments_one_per_young unique (tenant_id, young_user_id),
      constraint accompaniments_young foreign key (young_user_id, tenant_id) references users (id, tenant_id) on delete cascade,
      constraint accompaniments_referent foreign key (referent_user_id, tenant_id) references users (id, tenant_id) on delete set null (referent_user_id),
      constraint accompaniments_active_consent check (status <> 'active' or (consent_at is not null and consent_channel is not null and started_at is not null))
    )`,
    sql`create index accompaniments_referent on accompaniments (referent_user_id) where status = 'active'`,

    sql`create table accompaniment_delegates (
      tenant_id text not null references tenants (id),
      accompaniment_id uuid not null,
      counsellor_user_id uuid not null,
      created_at timestamptz not null default now(),
      primary key (accompaniment_id, counsellor_user_id),
      constraint accompaniment_delegates_accompaniment foreign key (accompaniment_id, tenant_id) references accompaniments (id, tenant_id) on delete cascade,
      constraint accompaniment_delegates_counsellor foreign key (counsellor_user_id, tenant_id) references users (id, tenant_id) on delete cascade
    )`,
    sql`create index accompaniment_delegates_counsellor on accompaniment_delegates (counsellor_user_id)`,

    sql`create table accompaniment_invitations (
      id uuid primary key default gen_random_uuid(),
      tenant_id text not null references tenants (id),
      counsellor_user_id uuid,
      email text not null check (email = lower(email) and email like '%_@_%' and length(email) <= 254),
      token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      accepted_at timestamptz,
      constraint accompaniment_invitations_counsellor foreign key (counsellor_user_id, tenant_id) references users (id, tenant_id) on delete set null (counsellor_user_id)
    )`,

    sql`create table follow_up_events (
      id uuid primary key default gen_random_uuid(),
      tenant_id text not null references tenants (id),
      accompaniment_id uuid not null,
      kind text not null check (kind in ('contact', 'interview', 'workshop', 'job_start')),
      happened_on date not null,
      note text check (length(note) <= 1000),
      author_user_id uuid,
      created_at timestamptz not null default now(),
      constraint follow_up_events_accompaniment foreign key (accompaniment_id, tenant_id) references accompaniments (id, tenant_id) on delete cascade,
      constraint follow_up_events_author foreign key (author_user_id, tenant_id) references users (id, tenant_id) on delete set null (author_user_id)
    )`,
    sql`create index follow_up_events_accompaniment on follow_up_events (accompaniment_id, happened_on)`,

    sql`create table accompaniment_notes (
      id uuid primary key default gen_random_uuid(),
      tenant_id text not null references tenants (id),
      accompaniment_id uuid not null,
      author_user_id uuid,
      body text not null check (length(body) between 1 and 2000),
      created_at timestamptz not null default now(),
      constraint accompaniment_notes_accompaniment foreign key (accompaniment_id, tenant_id) references accompaniments (id, tenant_id) on delete cascade,
      constraint accompaniment_notes_author foreign key (author_user_id, tenant_id) references users (id, tenant_id) on delete set null (author_user_id)
    )`,
    sql`create index accompaniment_notes_accompaniment on accompaniment_notes (accompaniment_id, created_at)`,

    sql`create table parental_consents (
      user_id uuid primary key,
      tenant_id text not null references tenants (id),
      parent_email text not null check (parent_email = lower(parent_email) and parent_email like '%_@_%' and length(parent_email) <= 254),
      token_hash text unique check (token_hash ~ '^[0-9a-f]{64}$'),
      requested_at timestamptz not null default now(),
      expires_at timestamptz not null,
      confirmed_at timestamptz,
      constraint parental_consents_user foreign key (user_id, tenant_id) references users (id, tenant_id) on delete cascade
    )`,

    sql`create table cv_bank_entries (
      user_id uuid primary key,
      tenant_id text not null references tenants (id),
      validated_file_id uuid not null,
      validated_by uuid,
      validated_at timestamptz not null default now(),
      consent_at timestamptz,
      constraint cv_bank_entries_user foreign key (user_id, tenant_id) references users (id, tenant_id) on delete cascade,
      constraint cv_bank_entries_file foreign key (validated_file_id, tenant_id) references stored_files (id, tenant_id) on delete cascade,
      constraint cv_bank_entries_validator foreign key (validated_by, tenant_id) references users (id, tenant_id) on delete set null (validated_by)
    )`,

    sql`create table offer_suggestions (
      id uuid primary key default gen_random_uuid(),
      tenant_id text not null references tenants (id),
      offer_id uuid not null,
      young_user_id uuid not null,
      counsellor_user_id uuid,
      note text check (length(note) <= 1000),
      created_at timestamptz not null default now(),
      seen_at timestamptz,
      constraint offer_suggestions_once unique (young_user_id, offer_id),
      constraint offer_suggestions_offer foreign key (offer_id, tenant_id) references offers (id, tenant_id) on delete cascade,
      constraint offer_suggestions_young foreign key (young_user_id, tenant_id) references users (id, tenant_id) on delete cascade,
      constraint offer_suggestions_counsellor foreign key (counsellor_user_id, tenant_id) references users (id, tenant_id) on delete set null (counsellor_user_id)
    )`,

    sql`create table candidate_recommendations (
      id uuid primary key default gen_random_uuid(),
      tenant_id text not null references tenants (id),
      offer_id uuid not null,
      young_user_id uuid not null,
      counsellor_user_id uuid,
      note_for_employer text check (length(note_for_employer) <= 2000),
      private_note text check (length(private_note) <= 2000),
      status text not null check (status in ('awaiting_consent', 'sent', 'declined')),
      consent_at timestamptz,
      consent_channel text check (consent_channel in ('app', 'interview')),
      application_id uuid unique,
      origin text not null check (length(origin) <= 300),
      created_at timestamptz not null default now(),
      decided_at timestamptz,
      constraint candidate_recommendations_id_tenant unique (id, tenant_id),
      constraint candidate_recommendations_sent check (status <> 'sent' or (consent_at is not null and consent_channel is not null and application_id is not null)),
      constraint candidate_recommendations_offer foreign key (offer_id, tenant_id) references offers (id, tenant_id) on delete cascade,
      constraint candidate_recommendations_young foreign key (young_user_id, tenant_id) references users (id, tenant_id) on delete cascade,
      constraint candidate_recommendations_counsellor foreign key (counsellor_user_id, tenant_id) references users (id, tenant_id) on delete set null (counsellor_user_id),
      constraint candidate_recommendations_application foreign key (application_id, tenant_id) references applications (id, tenant_id) on delete set null (application_id)
    )`,
    // One open recommendation of a young person per offer.
    sql`create unique index candidate_recommendations_open on candidate_recommendations (young_user_id, offer_id) where status <> 'declined'`,

    sql`create table threads (
      id uuid primary key default gen_random_uuid(),
      tenant_id text not null references tenants (id),
      kind text not null check (kind in ('accompaniment', 'application', 'offer_partnership', 'cv_contact')),
      accompaniment_id uuid,
      application_id uuid,
      offer_id uuid,
      company_id uuid,
      young_user_id uuid,
      origin text not null check (length(origin) <= 300),
      created_by uuid,
      last_message_at timestamptz not null default now(),
      anonymised_at timestamptz,
      created_at timestamptz not null default now(),
      constraint threads_id_tenant unique (id, tenant_id),
      constraint threads_object check (
        (kind = 'accompaniment' and accompaniment_id is not null and application_id is null and offer_id is null and company_id is null)
        or (kind = 'application' and application_id is not null and company_id is not null and accompaniment_id is null and offer_id is null)
        or (kind = 'offer_partnership' and offer_id is not null and company_id is not null and accompaniment_id is null and application_id is null and young_user_id is null)
        or (kind = 'cv_contact' and company_id is not null and accompaniment_id is null and application_id is null and offer_id is null)),
      constraint threads_accompaniment foreign key (accompaniment_id, tenant_id) references accompaniments (id, tenant_id) on delete cascade,
      constraint threads_application foreign key (application_id, tenant_id) references applications (id, tenant_id) on delete cascade,
      constraint threads_offer foreign key (offer_id, tenant_id) references offers (id, tenant_id) on delete cascade,
      constraint threads_company foreign key (company_id, tenant_id) references companies (id, tenant_id) on delete cascade,
      -- The young person's account deleted: threads with companies stay (« message supprimé »).
      constraint threads_young foreign key (young_user_id, tenant_id) references users (id, tenant_id) on delete set null (young_user_id),
      constraint threads_creator foreign key (created_by, tenant_id) references users (id, tenant_id) on delete set null (created_by)
    )`,
    sql`create unique index threads_one_per_accompaniment on threads (accompaniment_id) where kind = 'accompaniment'`,
    sql`create unique index threads_one_per_application on threads (application_id) where kind = 'application'`,
    sql`create unique index threads_one_per_offer on threads (offer_id) where kind = 'offer_partnership'`,
    sql`create unique index threads_one_per_cv_contact on threads (company_id, young_user_id) where kind = 'cv_contact'`,
    sql`create index threads_company on threads (company_id) where company_id is not null`,
    sql`create index threads_young on threads (young_user_id) where young_user_id is not null`,
    sql`create index threads_last_message on threads (tenant_id, last_message_at)`,

    sql`create table messages (
      id uuid primary key default gen_random_uuid(),
      tenant_id text not null references tenants (id),
      thread_id uuid not null,
      author_user_id uuid,
      body text check (length(body) <= 5000),
      offer_id uuid,
      attachment_file_id uuid,
      attachment_name text check (length(attachment_name) <= 200),
      attachment_media_type text check (length(attachment_media_type) <= 120),
      attachment_size integer check (attachment_size > 0),
      created_at timestamptz not null default now(),
      hidden_at timestamptz,
      hidden_by uuid,
      deleted_at timestamptz,
      constraint messages_id_tenant unique (id, tenant_id),
      constraint messages_thread foreign key (thread_id, tenant_id) references threads (id, tenant_id) on delete cascade,
      constraint messages_author foreign key (author_user_id, tenant_id) references users (id, tenant_id) on delete set null (author_user_id),
      constraint messages_offer foreign key (offer_id, tenant_id) references offers (id, tenant_id) on delete set null (offer_id),
      constraint messages_attachment foreign key (attachment_file_id, tenant_id) references stored_files (id, tenant_id) on delete set null (attachment_file_id),
      constraint messages_hidden_by foreign key (hidden_by, tenant_id) references users (id, tenant_id) on delete set null (hidden_by),
      constraint messages_content check (deleted_at is not null or body is not null or offer_id is not null or attachment_name is not null)
    )`,
    sql`create index messages_thread on messages (thread_id, created_at)`,
    sql`create index messages_author on messages (author_user_id) where author_user_id is not null`,

    sql`create table thread_reads (
      tenant_id text not null references tenants (id),
      thread_id uuid not null,
      user_id uuid not null,
      last_read_at timestamptz not null,
      primary key (thread_id, user_id),
      constraint thread_reads_thread foreign key (thread_id, tenant_id) references threads (id, tenant_id) on delete cascade,
      constraint thread_reads_user foreign key (user_id, tenant_id) references users (id, tenant_id) on delete cascade
    )`,

    sql`create table abuse_reports (
      id uuid primary key default gen_random_uuid(),
      tenant_id text not null references tenants (id),
      message_id uuid,
      offer_id uuid,
      reporter_user_id uuid,
      reporter_is_minor boolean not null default false,
      reason text not null check (reason in (${list(REPORT_REASONS)})),
      details text check (length(details) <= 1000),
      created_at timestamptz not null default now(),
      resolved_at timestamptz,
      resolved_by uuid,
      decision text check (decision in ('hidden', 'dismissed', 'warned', 'suspended')),
      constraint abuse_reports_target check ((message_id is null) <> (offer_id is null)),
      constraint abuse_reports_message foreign key (message_id, tenant_id) references messages (id, tenant_id) on delete cascade,
      constraint abuse_reports_offer foreign key (offer_id, tenant_id) references offers (id, tenant_id) on delete cascade,
      constraint abuse_reports_reporter foreign key (reporter_user_id, tenant_id) references users (id, tenant_id) on delete set null (reporter_user_id),
      constraint abuse_reports_resolver foreign key (resolved_by, tenant_id) references users (id, tenant_id) on delete set null (resolved_by)
    )`,
    // A person reports a message or an offer once: "reported twice" means by two people.
    sql`create unique index abuse_reports_once_per_message on abuse_reports (message_id, reporter_user_id) where message_id is not null`,
    sql`create unique index abuse_reports_once_per_offer on abuse_reports (offer_id, reporter_user_id) where offer_id is not null`,
    sql`create index abuse_reports_open on abuse_reports (tenant_id, created_at) where resolved_at is null`,

    sql`create table user_blocks (
      tenant_id text not null references tenants (id),
      blocker_user_id uuid not null,
      blocked_user_id uuid not null,
      created_at timestamptz not null default now(),
      primary key (blocker_user_id, blocked_user_id),
      constraint user_blocks_not_self check (blocker_user_id <> blocked_user_id),
      constraint user_blocks_blocker foreign key (blocker_user_id, tenant_id) references users (id, tenant_id) on delete cascade,
      constraint user_blocks_blocked foreign key (blocked_user_id, tenant_id) references users (id, tenant_id) on delete cascade
    )`,
    sql`create index user_blocks_blocked on user_blocks (blocked_user_id)`,

    sql`create table notification_settings (
      user_id uuid primary key,
      tenant_id text not null references tenants (id),
      each_thread boolean not null default true,
      daily_digest boolean not null default false,
      last_digest_at timestamptz,
      updated_at timestamptz not null default now(),
      constraint notification_settings_user foreign key (user_id, tenant_id) references users (id, tenant_id) on delete cascade
    )`,

    sql`create table notification_states (
      tenant_id text not null references tenants (id),
      thread_id uuid not null,
      user_id uuid not null,
      pending_since timestamptz,
      last_sent_at timestamptz,
      primary key (thread_id, user_id),
      constraint notification_states_thread foreign key (thread_id, tenant_id) references threads (id, tenant_id) on delete cascade,
      constraint notification_states_user foreign key (user_id, tenant_id) references users (id, tenant_id) on delete cascade
    )`,
    sql`create index notification_states_pending on notification_states (tenant_id, pending_since) where pending_since is not null`,

    sql`create table notification_sends (
      id uuid primary key default gen_random_uuid(),
      tenant_id text not null references tenants (id),
      user_id uuid not null,
      thread_id uuid,
      kind text not null check (kind in ('thread', 'digest')),
      window_start timestamptz not null,
      window_end timestamptz not null,
      status text not null default 'pending' check (status in ('pending', 'sent')),
      attempts integer not null default 0,
      claimed_until timestamptz,
      sent_at timestamptz,
      created_at timestamptz not null default now(),
      constraint notification_sends_window check (window_end > window_start),
      constraint notification_sends_kind check ((kind = 'thread') = (thread_id is not null)),
      constraint notification_sends_once unique nulls not distinct (user_id, kind, thread_id, window_end),
      constraint notification_sends_thread foreign key (thread_id, tenant_id) references threads (id, tenant_id) on delete cascade,
      constraint notification_sends_user foreign key (user_id, tenant_id) references users (id, tenant_id) on delete cascade
    )`,
    sql`create index notification_sends_pending on notification_sends (tenant_id, created_at) where status = 'pending'`,

    sql`alter table admin_audit_log drop constraint admin_audit_log_target_type_check`,
    sql`alter table admin_audit_log add constraint admin_audit_log_target_type_check
      check (target_type in ('offer', 'company', 'user', 'settings', 'message'))`,
  ];
  for (const statement of statements) await statement.execute(db);

  // Same isolation as every tenant table (0001, 0006, 0008): RLS enabled and forced, one policy, app-role grants.
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
  await sql`delete from admin_audit_log where target_type = 'message'`.execute(db);
  await sql`alter table admin_audit_log drop constraint admin_audit_log_target_type_check`.execute(db);
  await sql`alter table admin_audit_log add constraint admin_audit_log_target_type_check
    check (target_type in ('offer', 'company', 'user', 'settings'))`.execute(db);
  await sql`update applications set status = 'rejected' where status = 'unanswered'`.execute(db);
  await sql`alter table applications drop constraint applications_status_check`.execute(db);
  await sql`alter table applications add constraint applications_status_check
    check (status in ('new', 'viewed', 'shortlisted', 'interview', 'hired', 'rejected'))`.execute(db);
  await sql`drop index if exists applications_recommended_waiting`.execute(db);
  await sql`alter table applications drop constraint if exists applications_recommended_by`.execute(db);
  await sql`alter table applications
    drop column recommended_by, drop column recommendation_note, drop column refusal_reason, drop column refusal_reason_shared,
    drop column employer_answered_at, drop column interview_at, drop column reminder_sent_at`.execute(db);
  await sql`alter table users drop column birth_date`.execute(db);
}

import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Every table of the schema, as Kysely sees it. Kept by hand beside the migrations; the integration
 * test `schema.test.ts` compares each table's column list with information_schema.
 */
export interface Database {
  tenants: TenantsTable;
  regions: RegionsTable;
  departments: DepartmentsTable;
  communes: CommunesTable;
  rome_codes: RomeCodesTable;
  rome_appellations: RomeAppellationsTable;
  naf_codes: NafCodesTable;
  reference_data_loads: ReferenceDataLoadsTable;
  users: UsersTable;
  companies: CompaniesTable;
  company_members: CompanyMembersTable;
  memberships: MembershipsTable;
  offers: OffersTable;
  sessions: SessionsTable;
  account_tokens: AccountTokensTable;
  search_lexicon: SearchLexiconTable;
  search_outbox: SearchOutboxTable;
  search_changes: SearchChangesTable;
  jobs: JobsTable;
  job_schedules: JobSchedulesTable;
  company_invitations: CompanyInvitationsTable;
  admin_audit_log: AdminAuditLogTable;
  billing_events: BillingEventsTable;
  membership_payments: MembershipPaymentsTable;
  receipt_counters: ReceiptCountersTable;
  membership_reminders: MembershipRemindersTable;
  stored_files: StoredFilesTable;
  applications: ApplicationsTable;
  application_notes: ApplicationNotesTable;
  candidate_profiles: CandidateProfilesTable;
  saved_offers: SavedOffersTable;
  alerts: AlertsTable;
  alert_sends: AlertSendsTable;
  tenant_settings: TenantSettingsTable;
  offer_places: OfferPlacesTable;
  shared_time_members: SharedTimeMembersTable;
  shared_time_needs: SharedTimeNeedsTable;
  shared_time_proposals: SharedTimeProposalsTable;
  shared_time_state: SharedTimeStateTable;
  shared_time_gap_calls: SharedTimeGapCallsTable;
  feed_sources: FeedSourcesTable;
  feed_runs: FeedRunsTable;
  feed_items: FeedItemsTable;
  partner_api_keys: PartnerApiKeysTable;
  offer_exports: OfferExportsTable;
  france_travail_states: FranceTravailStatesTable;
  // The collaborative youth board (migration 0011, issue #13).
  accompaniments: AccompanimentsTable;
  accompaniment_delegates: AccompanimentDelegatesTable;
  accompaniment_invitations: AccompanimentInvitationsTable;
  follow_up_events: FollowUpEventsTable;
  accompaniment_notes: AccompanimentNotesTable;
  parental_consents: ParentalConsentsTable;
  cv_bank_entries: CvBankEntriesTable;
  offer_suggestions: OfferSuggestionsTable;
  candidate_recommendations: CandidateRecommendationsTable;
  threads: ThreadsTable;
  messages: MessagesTable;
  thread_reads: ThreadReadsTable;
  abuse_reports: AbuseReportsTable;
  user_blocks: UserBlocksTable;
  notification_settings: NotificationSettingsTable;
  notification_states: NotificationStatesTable;
  notification_sends: NotificationSendsTable;
  // Evidence for funders and members (migration 0013, issue #15).
  hires: HiresTable;
  hire_follow_ups: HireFollowUpsTable;
  offer_views_daily: OfferViewsDailyTable;
}

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** PostgreSQL `date` columns come back as 'YYYY-MM-DD' strings (see the pg type parser in pool.ts). */
type DateOnly = ColumnType<string | null, string | null | undefined, string | null>;
/** numeric comes back as a string from pg; we parse it to number in pool.ts. */
type Numeric = ColumnType<number | null, number | null | undefined, number | null>;

export interface TenantsTable {
  id: string;
  name: string;
  created_at: Generated<Date>;
}

export interface RegionsTable {
  code: string;
  name: string;
}

export interface DepartmentsTable {
  code: string;
  name: string;
  region_code: string;
}

export interface CommunesTable {
  insee_code: string;
  name: string;
  kind: 'commune' | 'arrondissement_municipal';
  parent_insee_code: string | null;
  department_code: string;
  region_code: string;
  postal_codes: string[];
  population: number | null;
  latitude: number | null;
  longitude: number | null;
}

export interface RomeCodesTable {
  code: string;
  label: string;
  domain_code: string;
  domain_label: string;
  grand_domain_code: string;
  grand_domain_label: string;
}

export interface RomeAppellationsTable {
  ogr_code: number;
  label: string;
  short_label: string;
  rome_code: string;
  is_main: boolean;
}

export interface NafCodesTable {
  code: string;
  label: string;
  division_code: string;
  section_code: string;
}

export interface ReferenceDataLoadsTable {
  dataset: string;
  checksum: string;
  row_count: number;
  loaded_at: Generated<Date>;
}

export const USER_ROLES = ['candidate', 'employer', 'counsellor', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface UsersTable {
  id: Generated<string>;
  tenant_id: string;
  email: string;
  display_name: string;
  role: UserRole;
  password_hash: string | null;
  email_verified_at: NullableTimestamp;
  disabled_at: NullableTimestamp;
  created_at: Generated<Date>;
  /** Asked at sign-up on youth boards (migration 0011): minors' protection. */
  birth_date: DateOnly;
}

export const SESSION_KINDS = ['browser', 'api'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

/** One log-in (migration 0003): access tokens name it (`sid`) and are refused once it is revoked or expired. */
export interface SessionsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  kind: SessionKind;
  user_agent: string | null;
  created_at: Generated<Date>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  revoked_at: NullableTimestamp;
}

export const ACCOUNT_TOKEN_PURPOSES = ['verify_email', 'reset_password'] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/** Single-use e-mailed links (migration 0003); only the SHA-256 of the token is stored. */
export interface AccountTokensTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  purpose: AccountTokenPurpose;
  token_hash: string;
  created_at: Generated<Date>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: NullableTimestamp;
}

export interface CompaniesTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  slug: string;
  siret: string | null;
  naf_code: string | null;
  headcount: number | null;
  commune_insee: string | null;
  website: string | null;
  description: string | null;
  /** The logo (stored_files, same tenant); null when none. */
  logo_file_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CompanyMembersTable {
  tenant_id: string;
  company_id: string;
  user_id: string;
  member_role: 'owner' | 'member';
  created_at: Generated<Date>;
}

export const MEMBERSHIP_STATUSES = ['pending_payment', 'active', 'past_due', 'expired', 'cancelled'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

export interface MembershipsTable {
  id: Generated<string>;
  tenant_id: string;
  company_id: string;
  tier_code: string;
  amount_cents: number;
  currency: Generated<string>;
  status: MembershipStatus;
  provider: 'manual' | 'stripe';
  period_start: DateOnly;
  period_end: DateOnly;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Billing (migration 0005): Stripe ids, the Stripe time of the last state applied, an admin's tier override. */
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
  stripe_state_at: NullableTimestamp;
  tier_override_reason: string | null;
}

export const CONTRACTS = ['cdi', 'cdd', 'seasonal', 'interim', 'apprenticeship', 'internship', 'shared_time'] as const;
export type Contract = (typeof CONTRACTS)[number];
export const WORKING_TIMES = ['full_time', 'part_time'] as const;
export const SEASONS = ['winter', 'summer', 'all_year'] as const;
export const SALARY_UNITS = ['hour', 'day', 'month', 'year'] as const;
export const HOUSING = ['provided', 'help', 'none'] as const;
export type Housing = (typeof HOUSING)[number];
export const EXPERIENCE_LEVELS = ['none', 'beginner', 'experienced', 'expert'] as const;
export const APPLY_METHODS = ['platform', 'url', 'email'] as const;
export const OFFER_STATUSES = ['draft', 'pending_review', 'published', 'expired', 'filled', 'archived'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];
export const JOB_NATURES = ['creation', 'replacement'] as const;

export interface OffersTable {
  id: Generated<string>;
  tenant_id: string;
  company_id: string;
  title: string;
  description_html: string;
  rome_code: string | null;
  sector: string | null;
  contract: Contract;
  working_time: (typeof WORKING_TIMES)[number];
  hours_per_week: Numeric;
  start_date: DateOnly;
  end_date: DateOnly;
  season: (typeof SEASONS)[number] | null;
  commune_insee: string | null;
  postal_code: string | null;
  place_name: string | null;
  latitude: number | null;
  longitude: number | null;
  salary_min: Numeric;
  salary_max: Numeric;
  salary_unit: (typeof SALARY_UNITS)[number] | null;
  salary_currency: Generated<string>;
  housing: Generated<Housing>;
  experience: (typeof EXPERIENCE_LEVELS)[number] | null;
  driving_licence: Generated<boolean>;
  apply_method: Generated<(typeof APPLY_METHODS)[number]>;
  apply_url: string | null;
  apply_email: string | null;
  status: Generated<OfferStatus>;
  job_nature: (typeof JOB_NATURES)[number] | null;
  /** The employer lets the offer go to France Travail, aggregators and partner sites (migration 0014). */
  export_consent: Generated<boolean>;
  published_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Kept by the trigger of migration 0002 (search): never written by the app. */
  search_vector: ColumnType<string | null, never, never>;
  department_code: ColumnType<string | null, never, never>;
  /** Youth boards' filters (migration 0015): "sans diplôme", "accessible aux mineurs". */
  without_diploma: Generated<boolean>;
  open_to_minors: Generated<boolean>;
  /** When a published offer stopped being public; kept by a trigger (migration 0013). */
  closed_at: ColumnType<Date | null, Date | string | null | undefined, never>;
  /** Generated (migration 0015): near-duplicates (same company, title, commune, contract, housing, sector) share it. */
  duplicate_key: ColumnType<string, never, never>;
  /** A new value on every write (trigger, migration 0016): the search's board index re-reads offers whose revision changed. */
  search_revision: ColumnType<number, never, never>;
}

/** Known words of a tenant's titles and trades (typo tolerance); filled by a trigger on offers. */
export interface SearchLexiconTable {
  tenant_id: string;
  word: string;
}

/** Offers changed since the external search index last saw them; written by triggers on offers. */
export interface SearchOutboxTable {
  id: Generated<string>;
  tenant_id: string;
  offer_id: string;
  revision: Generated<number>;
  attempts: Generated<number>;
  available_at: Generated<Date>;
  locked_until: NullableTimestamp;
  last_error: string | null;
  created_at: Generated<Date>;
}

/**
 * One row per statement that changed a tenant's offers or companies (triggers, migration 0009); the
 * sum of weights is the generation the search cache is keyed by. Old rows are folded into one.
 */
export interface SearchChangesTable {
  id: Generated<string>;
  tenant_id: string;
  weight: ColumnType<number, number | undefined, number>;
  created_at: Generated<Date>;
}

/** The background worker's queue (server/jobs/worker.ts). */
export interface JobsTable {
  id: Generated<string>;
  name: string;
  payload: ColumnType<unknown, string | undefined, string>;
  status: Generated<'pending' | 'failed'>;
  run_at: Generated<Date>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  locked_until: NullableTimestamp;
  locked_by: string | null;
  last_error: string | null;
  singleton_key: string | null;
  created_at: Generated<Date>;
}

/** Recurring jobs: the node that moves next_run_at forward enqueues the run. */
export interface JobSchedulesTable {
  name: string;
  every_ms: number;
  next_run_at: Date;
}

/** A colleague invited by e-mail to join a company (migration 0004); only the token's SHA-256 is stored. */
export interface CompanyInvitationsTable {
  id: Generated<string>;
  tenant_id: string;
  company_id: string;
  email: string;
  member_role: Generated<'owner' | 'member'>;
  invited_by: string | null;
  token_hash: string;
  created_at: Generated<Date>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  accepted_at: NullableTimestamp;
}

export const AUDIT_TARGETS = ['offer', 'company', 'user', 'settings', 'message', 'shared_time_need', 'shared_time_proposal', 'hire'] as const;
export type AuditTarget = (typeof AUDIT_TARGETS)[number];

/** What tenant admins did (migration 0004; target `settings` without id since 0008): insert-only for the app. */
export interface AdminAuditLogTable {
  id: Generated<string>;
  tenant_id: string;
  actor_user_id: string | null;
  actor_email: string;
  action: string;
  target_type: AuditTarget;
  target_id: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  created_at: Generated<Date>;
}

/** Stripe events already processed (migration 0005), unique per tenant. */
export interface BillingEventsTable {
  tenant_id: string;
  event_id: string;
  type: string;
  stripe_created_at: ColumnType<Date, Date | string, never>;
  received_at: Generated<Date>;
}

export const PAYMENT_METHODS = ['bank_transfer', 'administrative_mandate', 'stripe'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** A membership payment and its receipt (migration 0005): insert-only for the app. */
export interface MembershipPaymentsTable {
  id: Generated<string>;
  tenant_id: string;
  membership_id: string;
  company_id: string;
  method: PaymentMethod;
  reference: string;
  paid_on: ColumnType<string, string, never>;
  amount_cents: number;
  currency: Generated<string>;
  tier_code: string;
  period_start: ColumnType<string, string, never>;
  period_end: ColumnType<string, string, never>;
  receipt_year: number;
  receipt_seq: number;
  receipt_number: string;
  recorded_by: string | null;
  created_at: Generated<Date>;
}

/** Last receipt number per tenant and year (migration 0005). */
export interface ReceiptCountersTable {
  tenant_id: string;
  year: number;
  last_seq: Generated<number>;
}

export const REMINDER_KINDS = ['before_30', 'before_7', 'payment_failed'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** Reminders already sent (migration 0005): one per membership, kind and period end. */
export interface MembershipRemindersTable {
  id: Generated<string>;
  tenant_id: string;
  membership_id: string;
  kind: ReminderKind;
  period_end: ColumnType<string, string, never>;
  sent_at: Generated<Date>;
}

export type Offer = Selectable<OffersTable>;
export type NewOffer = Insertable<OffersTable>;
export type OfferUpdate = Updateable<OffersTable>;
export type Company = Selectable<CompaniesTable>;
export type NewCompany = Insertable<CompaniesTable>;
export type Commune = Selectable<CommunesTable>;

/** Bytes of the PostgreSQL FileStore adapter (migration 0006): CVs. */
export interface StoredFilesTable {
  id: Generated<string>;
  tenant_id: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  content: Buffer;
  created_at: Generated<Date>;
}

/** `unanswered`: a recommended application closed by the app after the tenant's delay (migration 0011). */
export const APPLICATION_STATUSES = ['new', 'viewed', 'shortlisted', 'interview', 'hired', 'rejected', 'unanswered'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** An application to an offer (migration 0006); anonymised (not deleted) when the candidate leaves. */
export interface ApplicationsTable {
  id: Generated<string>;
  tenant_id: string;
  offer_id: string;
  company_id: string;
  user_id: string | null;
  full_name: string;
  email: string;
  phone: string | null;
  message: string | null;
  cv_file_id: string | null;
  cv_file_name: string | null;
  status: Generated<ApplicationStatus>;
  status_changed_at: Generated<Date>;
  hired_at: NullableTimestamp;
  consent_at: ColumnType<Date, Date | string, Date | string>;
  anonymised_at: NullableTimestamp;
  created_at: Generated<Date>;
  /** Migration 0011: the counsellor who recommended the candidate and the note the employer reads. */
  recommended_by: string | null;
  recommendation_note: string | null;
  refusal_reason: RefusalReason | null;
  refusal_reason_shared: Generated<boolean>;
  employer_answered_at: NullableTimestamp;
  /** First time the application reached "interview": minors' contact details are shown from then on. */
  interview_at: NullableTimestamp;
  reminder_sent_at: NullableTimestamp;
}

export const REFUSAL_REASONS = [
  'position_filled',
  'profile_mismatch',
  'lacking_skills',
  'incompatible_schedule',
  'mobility',
  'unreachable',
  'did_not_attend',
  'candidate_declined',
  'other',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** The employer's private notes on an application (migration 0006). */
export interface ApplicationNotesTable {
  id: Generated<string>;
  tenant_id: string;
  application_id: string;
  author_user_id: string | null;
  body: string;
  created_at: Generated<Date>;
}

/** A candidate's profile and saved CV (migration 0006); last_activity_at drives the retention job. */
export interface CandidateProfilesTable {
  user_id: string;
  tenant_id: string;
  phone: string | null;
  headline: string | null;
  cv_file_id: string | null;
  cv_file_name: string | null;
  last_activity_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Offers a signed-in candidate bookmarked (migration 0006). */
export interface SavedOffersTable {
  tenant_id: string;
  user_id: string;
  offer_id: string;
  created_at: Generated<Date>;
}

export const ALERT_FREQUENCIES = ['daily', 'weekly'] as const;
export type AlertFrequency = (typeof ALERT_FREQUENCIES)[number];

/** A saved search e-mailed as a digest (migration 0006); `search` holds the query (alerts/search.ts). */
export interface AlertsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string | null;
  email: string;
  label: string;
  search: ColumnType<unknown, string, string>;
  frequency: AlertFrequency;
  confirmed_at: NullableTimestamp;
  unsubscribed_at: NullableTimestamp;
  last_window_end: Timestamp;
  created_at: Generated<Date>;
}

/** One digest window of an alert (migration 0006): recorded before sending, marked sent after. */
export interface AlertSendsTable {
  tenant_id: string;
  alert_id: string;
  window_start: ColumnType<Date, Date | string, Date | string>;
  window_end: ColumnType<Date, Date | string, Date | string>;
  status: Generated<'pending' | 'sent'>;
  offer_count: number | null;
  attempts: Generated<number>;
  claimed_until: NullableTimestamp;
  sent_at: NullableTimestamp;
  created_at: Generated<Date>;
}

/**
 * A tenant's runtime settings (migration 0008): overrides of its tenant.json, NULL = the file's value.
 * Read through features/tenant-settings, never directly by other features (they see `tenant.config`).
 */
export interface TenantSettingsTable {
  tenant_id: string;
  contact_email: string | null;
  contact_phone: string | null;
  contact_address: string | null;
  offer_lifetime_days: number | null;
  offer_moderation: boolean | null;
  feature_billing: boolean | null;
  feature_messaging: boolean | null;
  feature_housing_filter: boolean | null;
  feature_shared_time: boolean | null;
  updated_at: Generated<Date>;
  updated_by: string | null;
}

/** The places of an offer after its first (migration 0012): a shared-time job has all its employers' sites. */
export interface OfferPlacesTable {
  tenant_id: string;
  offer_id: string;
  /** 1 is the offer's own place (offers.commune_insee), repeated here so the list is complete. */
  position: number;
  commune_insee: string;
  postal_code: string | null;
  place_name: string;
  latitude: number | null;
  longitude: number | null;
  label: string | null;
}

/** A member company of a groupement, as shared time sees it (migration 0012). */
export interface SharedTimeMembersTable {
  tenant_id: string;
  company_id: string;
  public_body: Generated<boolean>;
  /** The groupement itself: the legal employer of shared staff, the company its shared offers belong to. */
  employer_group: Generated<boolean>;
  competitor_ids: ColumnType<string[], string[] | undefined, string[]>;
  updated_at: Generated<Date>;
}

export const NEED_STATUSES = ['draft', 'validated', 'combined', 'staffed', 'withdrawn'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];
export const NEED_SEASONS = ['all_year', 'winter', 'summer', 'other'] as const;
export type NeedSeason = (typeof NEED_SEASONS)[number];

/** A site of a need: a commune and its coordinates (from `communes`), with an optional label. */
export interface NeedSite {
  commune_insee: string;
  name: string;
  postal_code: string | null;
  lat: number;
  lon: number;
  label: string | null;
}

/** A recurring yearly period (`MM-DD`, inclusive, may wrap over the new year) and its weekly slots. */
export interface NeedPeriod {
  from: string;
  to: string;
  /** day: 0 = Monday; start/end: minutes after midnight; site: index in `sites`. */
  slots: { day: number; start: number; end: number; site: number }[];
}

/** A part-time or seasonal need of a member company (migration 0012). */
export interface SharedTimeNeedsTable {
  id: Generated<string>;
  tenant_id: string;
  company_id: string;
  title: string;
  rome_code: string;
  sites: ColumnType<NeedSite[], string, string>;
  periods: ColumnType<NeedPeriod[], string, string>;
  licences: ColumnType<string[], string[] | undefined, string[]>;
  start_date: ColumnType<string, string, string>;
  min_commitment_months: number;
  hourly_wage: number;
  short_contracts_replaced: number;
  notes: string | null;
  /** Derived from sites and periods by the service (lists, filters, heat strips). */
  commune_insee: string;
  latitude: number;
  longitude: number;
  weekly_minutes: number;
  annual_minutes: number;
  month_minutes: ColumnType<number[], number[], number[]>;
  season: NeedSeason;
  status: Generated<NeedStatus>;
  source: Generated<'declared' | 'suggested' | 'imported'>;
  source_offer_id: string | null;
  created_by: string | null;
  validated_by: string | null;
  validated_at: NullableTimestamp;
  staffed_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export const PROPOSAL_STATUSES = ['proposed', 'pinned', 'rejected', 'drafted'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** A set of needs the engine proposed as one job (migration 0012); `result` is the engine's Combination. */
export interface SharedTimeProposalsTable {
  id: Generated<string>;
  tenant_id: string;
  key: string;
  need_ids: string[];
  status: Generated<ProposalStatus>;
  result: ColumnType<unknown, string | null, string | null>;
  broken: ColumnType<unknown, string | null, string | null>;
  annual_minutes: Generated<number>;
  score: ColumnType<number, number | undefined, number>;
  offer_id: string | null;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  computed_at: Generated<Date>;
  created_at: Generated<Date>;
}

/** Per tenant: the engine's input version, the version computed, and the last run (migration 0012). */
export interface SharedTimeStateTable {
  tenant_id: string;
  needs_version: ColumnType<number, number | undefined, number>;
  computed_version: ColumnType<number, number | undefined, number>;
  settings_fingerprint: string | null;
  stats: ColumnType<unknown, string | null | undefined, string | null>;
  unmatched: ColumnType<unknown, string | null | undefined, string | null>;
  computed_at: NullableTimestamp;
  duration_ms: number | null;
}

/** A « besoin complémentaire recherché » published on the board (migration 0012). */
export interface SharedTimeGapCallsTable {
  id: Generated<string>;
  tenant_id: string;
  proposal_id: string | null;
  need_ids: string[];
  title: string;
  summary: string;
  details: ColumnType<unknown, string, string>;
  status: Generated<'published' | 'closed'>;
  published_by: string | null;
  published_at: Generated<Date>;
  closed_at: NullableTimestamp;
  mailed_count: Generated<number>;
}

// Offers in and out (migration 0014, issue #17).

export const FEED_SOURCE_KINDS = ['url', 'upload'] as const;
export const FEED_SOURCE_FORMATS = ['json_ld', 'aggregator_xml', 'partner_file', 'csv'] as const;
export const FEED_RUN_STATUSES = ['ok', 'not_modified', 'failed'] as const;
export type FeedRunStatus = (typeof FEED_RUN_STATUSES)[number];

/** A company's import source: a URL polled 1–4 times a day, or the uploaded files of one format. */
export interface FeedSourcesTable {
  id: Generated<string>;
  tenant_id: string;
  company_id: string;
  name: string;
  kind: (typeof FEED_SOURCE_KINDS)[number];
  format: (typeof FEED_SOURCE_FORMATS)[number];
  url: string | null;
  polls_per_day: number | null;
  active: Generated<boolean>;
  next_poll_at: NullableTimestamp;
  /** « Relever maintenant » was pressed: the next poll is recorded as manual. */
  poll_requested: Generated<boolean>;
  etag: string | null;
  last_modified: string | null;
  /** The poll whose outcome was last recorded: a retried poll is applied once. */
  last_applied_poll: string | null;
  last_fetch_at: NullableTimestamp;
  last_success_at: NullableTimestamp;
  last_status: FeedRunStatus | null;
  last_error: string | null;
  consecutive_failures: Generated<number>;
  failure_notified_at: NullableTimestamp;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface FeedRejection {
  position: string;
  reference: string | null;
  reasons: string[];
}

/** One poll or upload of a source and what it did. */
export interface FeedRunsTable {
  id: Generated<string>;
  tenant_id: string;
  source_id: string;
  poll_id: string;
  trigger: 'schedule' | 'manual' | 'upload';
  status: FeedRunStatus;
  http_status: number | null;
  error: string | null;
  records: Generated<number>;
  created: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  closed: Generated<number>;
  rejected: Generated<number>;
  flagged: Generated<number>;
  rejections: ColumnType<FeedRejection[], string | undefined, string>;
  started_at: ColumnType<Date, Date | string, Date | string>;
  finished_at: Generated<Date>;
}

/** An imported offer's identity: (source, reference) → offer. */
export interface FeedItemsTable {
  tenant_id: string;
  source_id: string;
  reference: string;
  offer_id: string | null;
  content_hash: string;
  /** Page of a sitemap the record was read on (a page that fails to load does not count as a miss). */
  origin: string | null;
  /** The feed's own end of publication, if it gives one: publication never runs past it. */
  valid_through: NullableTimestamp;
  missed_polls: Generated<number>;
  /** Publication refused for lack of membership: tried again at every poll. */
  pending_publication: Generated<boolean>;
  /** What a person should check (French sentences): ROME guessed, contract inferred, duplicate… */
  notes: ColumnType<string[], string | undefined, string>;
  duplicate_of: string | null;
  closed_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Read-only keys of the partner API (only their SHA-256 is kept). */
export interface PartnerApiKeysTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  key_prefix: string;
  key_hash: string;
  created_by: string | null;
  created_at: Generated<Date>;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
}

export const OFFER_EXPORT_KINDS = ['aggregator_xml', 'france_travail'] as const;
export type OfferExportKind = (typeof OFFER_EXPORT_KINDS)[number];

/** A generated export: the tenant's aggregator feed (one row, replaced) or one day's France Travail file. */
export interface OfferExportsTable {
  id: Generated<string>;
  tenant_id: string;
  kind: OfferExportKind;
  generated_on: ColumnType<string, string, string>;
  content: string;
  offer_count: number;
  summary: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Generated<Date>;
}

/** What France Travail last received for an offer, so the next file says C, M or S. */
export interface FranceTravailStatesTable {
  tenant_id: string;
  offer_id: string;
  content_hash: string;
  last_movement: 'C' | 'M' | 'S';
  first_sent_on: ColumnType<string, string, never>;
  last_sent_on: ColumnType<string, string, string>;
}

// The collaborative youth board (migration 0011, issue #13)

export const CONSENT_CHANNELS = ['app', 'interview'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export type AccompanimentStatus = 'requested' | 'active' | 'ended';

/** A young person followed by the mission locale: one row per young person, the referent counsellor. */
export interface AccompanimentsTable {
  id: Generated<string>;
  tenant_id: string;
  young_user_id: string;
  referent_user_id: string | null;
  status: AccompanimentStatus;
  consent_at: NullableTimestamp;
  consent_channel: ConsentChannel | null;
  requested_at: NullableTimestamp;
  started_at: NullableTimestamp;
  ended_at: NullableTimestamp;
  next_appointment_at: NullableTimestamp;
  next_appointment_place: string | null;
  created_at: Generated<Date>;
}

/** Colleagues of the referent who follow the young person too. */
export interface AccompanimentDelegatesTable {
  tenant_id: string;
  accompaniment_id: string;
  counsellor_user_id: string;
  created_at: Generated<Date>;
}

/** A counsellor's e-mailed invitation to be followed (SHA-256 of the token stored). */
export interface AccompanimentInvitationsTable {
  id: Generated<string>;
  tenant_id: string;
  counsellor_user_id: string | null;
  email: string;
  token_hash: string;
  created_at: Generated<Date>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  accepted_at: NullableTimestamp;
}

export const FOLLOW_UP_KINDS = ['contact', 'interview', 'workshop', 'job_start', 'training_start'] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

export interface FollowUpEventsTable {
  id: Generated<string>;
  tenant_id: string;
  accompaniment_id: string;
  kind: FollowUpKind;
  happened_on: ColumnType<string, string, string>;
  note: string | null;
  author_user_id: string | null;
  created_at: Generated<Date>;
}

/** Notes private to the mission locale: never shown to the young person nor to companies. */
export interface AccompanimentNotesTable {
  id: Generated<string>;
  tenant_id: string;
  accompaniment_id: string;
  author_user_id: string | null;
  body: string;
  created_at: Generated<Date>;
}

/** A parent's consent for an under-15 (double opt-in of the parent's address). */
export interface ParentalConsentsTable {
  user_id: string;
  tenant_id: string;
  parent_email: string;
  token_hash: string | null;
  requested_at: Generated<Date>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  confirmed_at: NullableTimestamp;
}

/** A CV validated by a counsellor; in the CV bank once the young person consents. */
export interface CvBankEntriesTable {
  user_id: string;
  tenant_id: string;
  validated_file_id: string;
  validated_by: string | null;
  validated_at: Generated<Date>;
  consent_at: NullableTimestamp;
}

/** An offer a counsellor recommends to a young person. */
export interface OfferSuggestionsTable {
  id: Generated<string>;
  tenant_id: string;
  offer_id: string;
  young_user_id: string;
  counsellor_user_id: string | null;
  note: string | null;
  created_at: Generated<Date>;
  seen_at: NullableTimestamp;
}

export type RecommendationStatus = 'awaiting_consent' | 'sent' | 'declined';

/** A young person recommended for an offer; with their agreement it becomes an application. */
export interface CandidateRecommendationsTable {
  id: Generated<string>;
  tenant_id: string;
  offer_id: string;
  young_user_id: string;
  counsellor_user_id: string | null;
  note_for_employer: string | null;
  private_note: string | null;
  status: RecommendationStatus;
  consent_at: NullableTimestamp;
  consent_channel: ConsentChannel | null;
  application_id: string | null;
  origin: string;
  created_at: Generated<Date>;
  decided_at: NullableTimestamp;
}

export type ThreadKind = 'accompaniment' | 'application' | 'offer_partnership' | 'cv_contact';

/** A conversation about one object; who takes part follows from the object (features/messaging). */
export interface ThreadsTable {
  id: Generated<string>;
  tenant_id: string;
  kind: ThreadKind;
  accompaniment_id: string | null;
  application_id: string | null;
  offer_id: string | null;
  company_id: string | null;
  young_user_id: string | null;
  /** The site the thread was written on: links in its e-mails point there. */
  origin: string;
  created_by: string | null;
  last_message_at: Generated<Date>;
  anonymised_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface MessagesTable {
  id: Generated<string>;
  tenant_id: string;
  thread_id: string;
  author_user_id: string | null;
  body: string | null;
  offer_id: string | null;
  attachment_file_id: string | null;
  attachment_name: string | null;
  attachment_media_type: string | null;
  attachment_size: number | null;
  created_at: Generated<Date>;
  hidden_at: NullableTimestamp;
  hidden_by: string | null;
  deleted_at: NullableTimestamp;
}

export interface ThreadReadsTable {
  tenant_id: string;
  thread_id: string;
  user_id: string;
  last_read_at: ColumnType<Date, Date | string, Date | string>;
}

export const REPORT_REASONS = ['harassment', 'discrimination', 'money_request', 'fraudulent_offer', 'sexual_content', 'sensitive_data'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
export type ReportDecision = 'hidden' | 'dismissed' | 'warned' | 'suspended';

/** "Signaler": a message or an offer reported by a user, until a tenant admin decides. */
export interface AbuseReportsTable {
  id: Generated<string>;
  tenant_id: string;
  message_id: string | null;
  offer_id: string | null;
  reporter_user_id: string | null;
  reporter_is_minor: Generated<boolean>;
  reason: ReportReason;
  details: string | null;
  created_at: Generated<Date>;
  resolved_at: NullableTimestamp;
  resolved_by: string | null;
  decision: ReportDecision | null;
}

export interface UserBlocksTable {
  tenant_id: string;
  blocker_user_id: string;
  blocked_user_id: string;
  created_at: Generated<Date>;
}

/** Per-user e-mail settings of the messaging (no row: each thread on, digest off). */
export interface NotificationSettingsTable {
  user_id: string;
  tenant_id: string;
  each_thread: Generated<boolean>;
  daily_digest: Generated<boolean>;
  last_digest_at: NullableTimestamp;
  updated_at: Generated<Date>;
}

/** Per thread and recipient: messages not yet e-mailed since `pending_since`, and the last e-mail. */
export interface NotificationStatesTable {
  tenant_id: string;
  thread_id: string;
  user_id: string;
  pending_since: NullableTimestamp;
  last_sent_at: NullableTimestamp;
}

/** One notification e-mail: recorded before it goes out, marked sent after (idempotent across restarts). */
export interface NotificationSendsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  thread_id: string | null;
  kind: 'thread' | 'digest';
  window_start: ColumnType<Date, Date | string, Date | string>;
  window_end: ColumnType<Date, Date | string, Date | string>;
  status: Generated<'pending' | 'sent'>;
  attempts: Generated<number>;
  claimed_until: NullableTimestamp;
  sent_at: NullableTimestamp;
  created_at: Generated<Date>;
}
// Evidence for funders and members (migration 0013, issue #15).

export const HIRE_CONTRACTS = ['cdi', 'cdd', 'seasonal', 'interim', 'apprenticeship'] as const;
export type HireContract = (typeof HIRE_CONTRACTS)[number];
export const ATTRIBUTIONS = ['platform_application', 'counsellor_recommendation', 'platform_contact', 'declared_only'] as const;
export type Attribution = (typeof ATTRIBUTIONS)[number];
export const END_REASONS = ['end_of_contract', 'resignation', 'dismissal', 'trial_period', 'mutual_agreement', 'other'] as const;
export type EndReason = (typeof END_REASONS)[number];

/** A hire: from an application of the pipeline, or declared by the company or the staff. */
export interface HiresTable {
  id: Generated<string>;
  tenant_id: string;
  company_id: string;
  offer_id: string | null;
  application_id: string | null;
  candidate_user_id: string | null;
  /** SHA-256 of `tenant:lower(e-mail)`: the same person hired again, without keeping the address. */
  person_key: string | null;
  /** Declared hires only (an application carries its own): shown to the company and the staff. */
  person_label: string | null;
  person_email: string | null;
  title: string;
  contract: HireContract | null;
  weekly_hours: Numeric;
  hired_on: ColumnType<string, string, string>;
  planned_start: DateOnly;
  planned_end: DateOnly;
  actual_start: DateOnly;
  actual_end: DateOnly;
  end_reason: EndReason | null;
  /** coalesce(actual_start, planned_start, hired_on): what periods select on. */
  start_on: ColumnType<string, never, never>;
  job_nature: (typeof JOB_NATURES)[number] | null;
  nature_declared_at: NullableTimestamp;
  nature_declared_by: string | null;
  attribution: Attribution;
  recorded_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export const FOLLOW_UP_MILESTONES = [6, 12] as const;
export type FollowUpMilestone = (typeof FOLLOW_UP_MILESTONES)[number];
export type FollowUpRespondent = 'employer' | 'person';

/** The « toujours en poste ? » question of a hire at 6 or 12 months, to the employer or the person. */
export interface HireFollowUpsTable {
  id: Generated<string>;
  tenant_id: string;
  hire_id: string;
  milestone: FollowUpMilestone;
  respondent: FollowUpRespondent;
  due_on: ColumnType<string, string, string>;
  status: Generated<'pending' | 'sent'>;
  attempts: Generated<number>;
  claimed_until: NullableTimestamp;
  sent_at: NullableTimestamp;
  answer: 'yes' | 'no' | null;
  answered_at: NullableTimestamp;
  created_at: Generated<Date>;
}

/** Views of an offer's public page per day (no visitor data). */
export interface OfferViewsDailyTable {
  tenant_id: string;
  offer_id: string;
  day: ColumnType<string, string, string>;
  views: number;
}

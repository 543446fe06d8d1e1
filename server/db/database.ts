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

export const AUDIT_TARGETS = ['offer', 'company', 'user', 'settings'] as const;
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

export const APPLICATION_STATUSES = ['new', 'viewed', 'shortlisted', 'interview', 'hired', 'rejected'] as const;
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
}

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

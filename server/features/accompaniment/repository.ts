import { sql } from 'kysely';
import type { ConsentChannel, FollowUpKind } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';

// Caseloads, invitations, follow-up, parental consents, the CV bank, and recommendations both ways.
// Every function receives a tenant-bound transaction; the explicit tenant_id filters say the same.

// ---------------------------------------------------------------------------------------------------
// People

/** A young person's account and profile (the counsellor's and the CV bank's view). */
export async function youngPerson(t: TenantDb, userId: string) {
  return t.trx
    .selectFrom('users')
    .leftJoin('candidate_profiles', (j) => j.onRef('candidate_profiles.user_id', '=', 'users.id').onRef('candidate_profiles.tenant_id', '=', 'users.tenant_id'))
    .where('users.tenant_id', '=', t.tenantId)
    .where('users.id', '=', userId)
    .where('users.role', '=', 'candidate')
    .select([
      'users.id',
      'users.email',
      'users.display_name',
      'users.birth_date',
      'users.created_at',
      'candidate_profiles.phone',
      'candidate_profiles.headline',
      'candidate_profiles.cv_file_id',
      'candidate_profiles.cv_file_name',
    ])
    .executeTakeFirst();
}

/** The board's counsellors (its "équipe emploi"), enabled accounts only. */
export async function counsellors(t: TenantDb) {
  return t.trx
    .selectFrom('users')
    .select(['id', 'display_name', 'email', 'created_at', 'email_verified_at'])
    .where('tenant_id', '=', t.tenantId)
    .where('role', '=', 'counsellor')
    .where('disabled_at', 'is', null)
    .orderBy('display_name')
    .execute();
}

export async function counsellor(t: TenantDb, userId: string) {
  return t.trx
    .selectFrom('users')
    .select(['id', 'display_name', 'email'])
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', userId)
    .where('role', '=', 'counsellor')
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------------
// Accompaniments

export async function accompanimentOf(t: TenantDb, youngUserId: string) {
  return t.trx
    .selectFrom('accompaniments')
    .leftJoin('users as referent', (j) => j.onRef('referent.id', '=', 'accompaniments.referent_user_id').onRef('referent.tenant_id', '=', 'accompaniments.tenant_id'))
    .where('accompaniments.tenant_id', '=', t.tenantId)
    .where('accompaniments.young_user_id', '=', youngUserId)
    .selectAll('accompaniments')
    .select(['referent.display_name as referent_name', 'referent.email as referent_email'])
    .executeTakeFirst();
}

/**
 * The counsellors who follow a young person now: the referent and the delegated colleagues of an
 * active accompaniment (consent recorded). Empty when the young person is not followed.
 */
export async function followersOf(t: TenantDb, youngUserId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select a.referent_user_id as id from accompaniments a
    where a.tenant_id = ${t.tenantId} and a.young_user_id = ${youngUserId} and a.status = 'active' and a.referent_user_id is not null
    union
    select d.counsellor_user_id from accompaniment_delegates d
    join accompaniments a on a.id = d.accompaniment_id and a.tenant_id = d.tenant_id
    where a.tenant_id = ${t.tenantId} and a.young_user_id = ${youngUserId} and a.status = 'active'`.execute(t.trx);
  return rows.map((r) => r.id);
}

/** The young people a counsellor follows (as referent or delegate), with what the caseload list shows. */
export async function caseload(t: TenantDb, counsellorId: string) {
  return t.trx
    .selectFrom('accompaniments')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'accompaniments.young_user_id').onRef('users.tenant_id', '=', 'accompaniments.tenant_id'))
    .where('accompaniments.tenant_id', '=', t.tenantId)
    .where('accompaniments.status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('accompaniments.referent_user_id', '=', counsellorId),
        eb.exists(
          eb
            .selectFrom('accompaniment_delegates')
            .whereRef('accompaniment_delegates.accompaniment_id', '=', 'accompaniments.id')
            .where('accompaniment_delegates.counsellor_user_id', '=', counsellorId)
            .select('accompaniment_delegates.counsellor_user_id'),
        ),
      ]),
    )
    .select([
      'users.id',
      'users.display_name',
      'users.email',
      'users.birth_date',
      'accompaniments.referent_user_id',
      'accompaniments.started_at',
      'accompaniments.next_appointment_at',
      (eb) =>
        eb
          .selectFrom('applications')
          .whereRef('applications.user_id', '=', 'users.id')
          .where('applications.anonymised_at', 'is', null)
          .select(eb.fn.countAll<number>().as('n'))
          .as('applications'),
    ])
    .orderBy('users.display_name')
    .execute();
}

/** Young people who asked to be followed and whom no counsellor has taken yet. */
export async function openRequests(t: TenantDb) {
  return t.trx
    .selectFrom('accompaniments')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'accompaniments.young_user_id').onRef('users.tenant_id', '=', 'accompaniments.tenant_id'))
    .where('accompaniments.tenant_id', '=', t.tenantId)
    .where('accompaniments.status', '=', 'requested')
    .select(['accompaniments.id', 'users.id as young_user_id', 'users.display_name', 'users.birth_date', 'accompaniments.requested_at'])
    .orderBy('accompaniments.requested_at')
    .execute();
}

/** The young person asks to be followed: a request, unless they are already followed. */
export async function requestAccompaniment(t: TenantDb, youngUserId: string, now: Date): Promise<boolean> {
  const result = await t.trx
    .insertInto('accompaniments')
    .values({ tenant_id: t.tenantId, young_user_id: youngUserId, status: 'requested', requested_at: now })
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'young_user_id'])
        .doUpdateSet({ status: 'requested', requested_at: now, referent_user_id: null, ended_at: null, consent_at: null, consent_channel: null, started_at: null })
        .where('accompaniments.status', '=', 'ended'),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Starts (or takes over) the accompaniment: `counsellorId` becomes the referent, with the consent given. */
export async function activateAccompaniment(
  t: TenantDb,
  input: { youngUserId: string; counsellorId: string; consentAt: Date; channel: ConsentChannel; now: Date },
) {
  return t.trx
    .insertInto('accompaniments')
    .values({
      tenant_id: t.tenantId,
      young_user_id: input.youngUserId,
      referent_user_id: input.counsellorId,
      status: 'active',
      consent_at: input.consentAt,
      consent_channel: input.channel,
      started_at: input.now,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'young_user_id']).doUpdateSet((eb) => ({
        referent_user_id: input.counsellorId,
        status: 'active',
        consent_at: input.consentAt,
        consent_channel: input.channel,
        started_at: eb.fn.coalesce(sql<Date>`case when accompaniments.status = 'active' then accompaniments.started_at end`, sql<Date>`${input.now}::timestamptz`),
        ended_at: null,
      })),
    )
    .returning(['id'])
    .executeTakeFirstOrThrow();
}

export async function endAccompaniment(t: TenantDb, accompanimentId: string, now: Date) {
  await t.trx
    .updateTable('accompaniments')
    .set({ status: 'ended', ended_at: now, next_appointment_at: null, next_appointment_place: null })
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', accompanimentId)
    .execute();
  await t.trx.deleteFrom('accompaniment_delegates').where('tenant_id', '=', t.tenantId).where('accompaniment_id', '=', accompanimentId).execute();
}

export async function setNextAppointment(t: TenantDb, accompanimentId: string, at: Date | null, place: string | null) {
  await t.trx
    .updateTable('accompaniments')
    .set({ next_appointment_at: at, next_appointment_place: place })
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', accompanimentId)
    .execute();
}

export async function delegatesOf(t: TenantDb, accompanimentId: string) {
  return t.trx
    .selectFrom('accompaniment_delegates')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'accompaniment_delegates.counsellor_user_id').onRef('users.tenant_id', '=', 'accompaniment_delegates.tenant_id'))
    .where('accompaniment_delegates.tenant_id', '=', t.tenantId)
    .where('accompaniment_delegates.accompaniment_id', '=', accompanimentId)
    .select(['users.id', 'users.display_name', 'users.email'])
    .orderBy('users.display_name')
    .execute();
}

export async function addDelegate(t: TenantDb, accompanimentId: string, counsellorId: string) {
  await t.trx
    .insertInto('accompaniment_delegates')
    .values({ tenant_id: t.tenantId, accompaniment_id: accompanimentId, counsellor_user_id: counsellorId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function removeDelegate(t: TenantDb, accompanimentId: string, counsellorId: string) {
  await t.trx
    .deleteFrom('accompaniment_delegates')
    .where('tenant_id', '=', t.tenantId)
    .where('accompaniment_id', '=', accompanimentId)
    .where('counsellor_user_id', '=', counsellorId)
    .execute();
}

// Invitations

export async function insertInvitation(t: TenantDb, input: { counsellorId: string; email: string; tokenHash: string; expiresAt: Date }) {
  await t.trx
    .insertInto('accompaniment_invitations')
    .values({ tenant_id: t.tenantId, counsellor_user_id: input.counsellorId, email: input.email, token_hash: input.tokenHash, expires_at: input.expiresAt })
    .execute();
}

/** A live invitation (not used, not expired on `now`) by the SHA-256 of its token, with its counsellor. */
export async function liveInvitation(t: TenantDb, tokenHash: string, now: Date) {
  return t.trx
    .selectFrom('accompaniment_invitations')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'accompaniment_invitations.counsellor_user_id').onRef('users.tenant_id', '=', 'accompaniment_invitations.tenant_id'))
    .where('accompaniment_invitations.tenant_id', '=', t.tenantId)
    .where('accompaniment_invitations.token_hash', '=', tokenHash)
    .where('accompaniment_invitations.accepted_at', 'is', null)
    .where('accompaniment_invitations.expires_at', '>', now)
    .where('users.disabled_at', 'is', null)
    .select(['accompaniment_invitations.id', 'accompaniment_invitations.email', 'accompaniment_invitations.counsellor_user_id', 'users.display_name as counsellor_name'])
    .executeTakeFirst();
}

/** Marks an invitation used; false when another request used it first. */
export async function useInvitation(t: TenantDb, id: string, now: Date): Promise<boolean> {
  const result = await t.trx
    .updateTable('accompaniment_invitations')
    .set({ accepted_at: now })
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// Follow-up and private notes

export async function insertFollowUp(t: TenantDb, input: { accompanimentId: string; kind: FollowUpKind; happenedOn: string; note: string | null; authorId: string }) {
  await t.trx
    .insertInto('follow_up_events')
    .values({ tenant_id: t.tenantId, accompaniment_id: input.accompanimentId, kind: input.kind, happened_on: input.happenedOn, note: input.note, author_user_id: input.authorId })
    .execute();
}

export async function followUps(t: TenantDb, accompanimentId: string) {
  return t.trx
    .selectFrom('follow_up_events')
    .leftJoin('users', (j) => j.onRef('users.id', '=', 'follow_up_events.author_user_id').onRef('users.tenant_id', '=', 'follow_up_events.tenant_id'))
    .where('follow_up_events.tenant_id', '=', t.tenantId)
    .where('follow_up_events.accompaniment_id', '=', accompanimentId)
    .select(['follow_up_events.id', 'follow_up_events.kind', 'follow_up_events.happened_on', 'follow_up_events.note', 'users.display_name as author'])
    .orderBy('follow_up_events.happened_on', 'desc')
    .orderBy('follow_up_events.created_at', 'desc')
    .execute();
}

export async function insertNote(t: TenantDb, accompanimentId: string, authorId: string, body: string) {
  await t.trx.insertInto('accompaniment_notes').values({ tenant_id: t.tenantId, accompaniment_id: accompanimentId, author_user_id: authorId, body }).execute();
}

export async function notes(t: TenantDb, accompanimentId: string) {
  return t.trx
    .selectFrom('accompaniment_notes')
    .leftJoin('users', (j) => j.onRef('users.id', '=', 'accompaniment_notes.author_user_id').onRef('users.tenant_id', '=', 'accompaniment_notes.tenant_id'))
    .where('accompaniment_notes.tenant_id', '=', t.tenantId)
    .where('accompaniment_notes.accompaniment_id', '=', accompanimentId)
    .select(['accompaniment_notes.id', 'accompaniment_notes.body', 'accompaniment_notes.created_at', 'users.display_name as author'])
    .orderBy('accompaniment_notes.created_at', 'desc')
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Parental consent (under 15)

export async function parentalConsentOf(t: TenantDb, userId: string) {
  return t.trx.selectFrom('parental_consents').selectAll().where('tenant_id', '=', t.tenantId).where('user_id', '=', userId).executeTakeFirst();
}

/** A new request replaces a pending one (and never an already confirmed consent). */
export async function requestParentalConsent(t: TenantDb, input: { userId: string; parentEmail: string; tokenHash: string; now: Date; expiresAt: Date }) {
  const result = await t.trx
    .insertInto('parental_consents')
    .values({ tenant_id: t.tenantId, user_id: input.userId, parent_email: input.parentEmail, token_hash: input.tokenHash, requested_at: input.now, expires_at: input.expiresAt })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ parent_email: input.parentEmail, token_hash: input.tokenHash, requested_at: input.now, expires_at: input.expiresAt })
        .where('parental_consents.confirmed_at', 'is', null),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function pendingParentalConsent(t: TenantDb, tokenHash: string, now: Date) {
  return t.trx
    .selectFrom('parental_consents')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'parental_consents.user_id').onRef('users.tenant_id', '=', 'parental_consents.tenant_id'))
    .where('parental_consents.tenant_id', '=', t.tenantId)
    .where('parental_consents.token_hash', '=', tokenHash)
    .where('parental_consents.confirmed_at', 'is', null)
    .where('parental_consents.expires_at', '>', now)
    .select(['parental_consents.user_id', 'parental_consents.parent_email', 'users.display_name', 'users.email'])
    .executeTakeFirst();
}

/** Records the parent's consent; the token is of no use any more. */
export async function confirmParentalConsent(t: TenantDb, tokenHash: string, now: Date): Promise<string | undefined> {
  const row = await t.trx
    .updateTable('parental_consents')
    .set({ confirmed_at: now, token_hash: null })
    .where('tenant_id', '=', t.tenantId)
    .where('token_hash', '=', tokenHash)
    .where('confirmed_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}

// ---------------------------------------------------------------------------------------------------
// CV bank

export async function cvBankEntry(t: TenantDb, userId: string) {
  return t.trx.selectFrom('cv_bank_entries').selectAll().where('tenant_id', '=', t.tenantId).where('user_id', '=', userId).executeTakeFirst();
}

/** The counsellor validates this exact file; validating again (a new CV) asks for consent again. */
export async function validateCv(t: TenantDb, userId: string, fileId: string, counsellorId: string, now: Date) {
  await t.trx
    .insertInto('cv_bank_entries')
    .values({ tenant_id: t.tenantId, user_id: userId, validated_file_id: fileId, validated_by: counsellorId, validated_at: now })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet((eb) => ({
        validated_by: counsellorId,
        validated_at: now,
        consent_at: sql<Date | null>`case when ${eb.ref('cv_bank_entries.validated_file_id')} = ${fileId} then cv_bank_entries.consent_at end`,
        validated_file_id: fileId,
      })),
    )
    .execute();
}

export async function setCvBankConsent(t: TenantDb, userId: string, consentAt: Date | null) {
  const result = await t.trx.updateTable('cv_bank_entries').set({ consent_at: consentAt }).where('tenant_id', '=', t.tenantId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * CVs employers may see: validated by a counsellor (the very file of the profile, so a replaced CV
 * drops out) with the young person's consent. Under-15s need their parent's consent too: the
 * service filters them by age (it has the clock and the time zone).
 */
export async function cvBankCandidates(t: TenantDb, onlyUserId?: string) {
  let query = t.trx
    .selectFrom('cv_bank_entries')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'cv_bank_entries.user_id').onRef('users.tenant_id', '=', 'cv_bank_entries.tenant_id'))
    .innerJoin('candidate_profiles', (j) =>
      j
        .onRef('candidate_profiles.user_id', '=', 'cv_bank_entries.user_id')
        .onRef('candidate_profiles.cv_file_id', '=', 'cv_bank_entries.validated_file_id'),
    )
    .leftJoin('parental_consents', (j) => j.onRef('parental_consents.user_id', '=', 'users.id').onRef('parental_consents.tenant_id', '=', 'users.tenant_id'))
    .where('cv_bank_entries.tenant_id', '=', t.tenantId)
    .where('cv_bank_entries.consent_at', 'is not', null)
    .where('users.disabled_at', 'is', null);
  if (onlyUserId) query = query.where('users.id', '=', onlyUserId);
  return query
    .select([
      'users.id',
      'users.display_name',
      'users.birth_date',
      'candidate_profiles.headline',
      'candidate_profiles.cv_file_name',
      'cv_bank_entries.validated_file_id',
      'cv_bank_entries.consent_at',
      'parental_consents.confirmed_at as parental_consent_at',
    ])
    .orderBy('cv_bank_entries.consent_at', 'desc')
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Offers recommended to a young person

export async function insertSuggestion(t: TenantDb, input: { offerId: string; youngUserId: string; counsellorId: string; note: string | null }) {
  const row = await t.trx
    .insertInto('offer_suggestions')
    .values({ tenant_id: t.tenantId, offer_id: input.offerId, young_user_id: input.youngUserId, counsellor_user_id: input.counsellorId, note: input.note })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function suggestionsFor(t: TenantDb, youngUserId: string) {
  return t.trx
    .selectFrom('offer_suggestions')
    .innerJoin('offers', (j) => j.onRef('offers.id', '=', 'offer_suggestions.offer_id').onRef('offers.tenant_id', '=', 'offer_suggestions.tenant_id'))
    .innerJoin('companies', (j) => j.onRef('companies.id', '=', 'offers.company_id').onRef('companies.tenant_id', '=', 'offers.tenant_id'))
    .leftJoin('users', (j) => j.onRef('users.id', '=', 'offer_suggestions.counsellor_user_id').onRef('users.tenant_id', '=', 'offer_suggestions.tenant_id'))
    .where('offer_suggestions.tenant_id', '=', t.tenantId)
    .where('offer_suggestions.young_user_id', '=', youngUserId)
    .select([
      'offer_suggestions.id',
      'offer_suggestions.note',
      'offer_suggestions.created_at',
      'offer_suggestions.seen_at',
      'offers.id as offer_id',
      'offers.title',
      'offers.place_name',
      'companies.name as company_name',
      'users.display_name as counsellor_name',
      sql<boolean>`offers.status = 'published' and (offers.expires_at is null or offers.expires_at > now())`.as('live'),
    ])
    .orderBy('offer_suggestions.created_at', 'desc')
    .execute();
}

export async function markSuggestionsSeen(t: TenantDb, youngUserId: string, now: Date) {
  await t.trx
    .updateTable('offer_suggestions')
    .set({ seen_at: now })
    .where('tenant_id', '=', t.tenantId)
    .where('young_user_id', '=', youngUserId)
    .where('seen_at', 'is', null)
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Young people recommended for an offer

export async function insertRecommendation(
  t: TenantDb,
  input: { offerId: string; youngUserId: string; counsellorId: string; noteForEmployer: string | null; privateNote: string | null; origin: string },
) {
  return t.trx
    .insertInto('candidate_recommendations')
    .values({
      tenant_id: t.tenantId,
      offer_id: input.offerId,
      young_user_id: input.youngUserId,
      counsellor_user_id: input.counsellorId,
      note_for_employer: input.noteForEmployer,
      private_note: input.privateNote,
      status: 'awaiting_consent',
      origin: input.origin,
    })
    .onConflict((oc) => oc.expression(sql`young_user_id, offer_id`).where('status', '<>', 'declined').doNothing())
    .returning(['id'])
    .executeTakeFirst();
}

export async function lockRecommendation(t: TenantDb, id: string) {
  return t.trx
    .selectFrom('candidate_recommendations')
    .selectAll()
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function markRecommendationSent(t: TenantDb, id: string, input: { applicationId: string; consentAt: Date; channel: ConsentChannel; now: Date }) {
  await t.trx
    .updateTable('candidate_recommendations')
    .set({ status: 'sent', application_id: input.applicationId, consent_at: input.consentAt, consent_channel: input.channel, decided_at: input.now })
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .execute();
}

export async function declineRecommendation(t: TenantDb, id: string, now: Date) {
  await t.trx.updateTable('candidate_recommendations').set({ status: 'declined', decided_at: now }).where('tenant_id', '=', t.tenantId).where('id', '=', id).execute();
}

/** A young person's recommendations (both the pending ones and those sent), newest first. */
export async function recommendationsOf(t: TenantDb, youngUserId: string) {
  return t.trx
    .selectFrom('candidate_recommendations')
    .innerJoin('offers', (j) => j.onRef('offers.id', '=', 'candidate_recommendations.offer_id').onRef('offers.tenant_id', '=', 'candidate_recommendations.tenant_id'))
    .innerJoin('companies', (j) => j.onRef('companies.id', '=', 'offers.company_id').onRef('companies.tenant_id', '=', 'offers.tenant_id'))
    .leftJoin('users', (j) => j.onRef('users.id', '=', 'candidate_recommendations.counsellor_user_id').onRef('users.tenant_id', '=', 'candidate_recommendations.tenant_id'))
    .leftJoin('applications', (j) =>
      j.onRef('applications.id', '=', 'candidate_recommendations.application_id').onRef('applications.tenant_id', '=', 'candidate_recommendations.tenant_id'),
    )
    .where('candidate_recommendations.tenant_id', '=', t.tenantId)
    .where('candidate_recommendations.young_user_id', '=', youngUserId)
    .select([
      'candidate_recommendations.id',
      'candidate_recommendations.status',
      'candidate_recommendations.note_for_employer',
      'candidate_recommendations.private_note',
      'candidate_recommendations.consent_at',
      'candidate_recommendations.consent_channel',
      'candidate_recommendations.created_at',
      'candidate_recommendations.application_id',
      'offers.id as offer_id',
      'offers.title',
      'companies.name as company_name',
      'users.display_name as counsellor_name',
      'applications.status as application_status',
      'applications.refusal_reason',
    ])
    .orderBy('candidate_recommendations.created_at', 'desc')
    .execute();
}

/** The young person's applications as the counsellor sees them: statuses and refusal reasons, always. */
export async function applicationsOfYoung(t: TenantDb, youngUserId: string) {
  return t.trx
    .selectFrom('applications')
    .innerJoin('offers', (j) => j.onRef('offers.id', '=', 'applications.offer_id').onRef('offers.tenant_id', '=', 'applications.tenant_id'))
    .innerJoin('companies', (j) => j.onRef('companies.id', '=', 'applications.company_id').onRef('companies.tenant_id', '=', 'applications.tenant_id'))
    .where('applications.tenant_id', '=', t.tenantId)
    .where('applications.user_id', '=', youngUserId)
    .where('applications.anonymised_at', 'is', null)
    .select([
      'applications.id',
      'applications.status',
      'applications.created_at',
      'applications.status_changed_at',
      'applications.recommended_by',
      'applications.refusal_reason',
      'applications.refusal_reason_shared',
      'offers.id as offer_id',
      'offers.title',
      'companies.name as company_name',
    ])
    .orderBy('applications.created_at', 'desc')
    .execute();
}

/** A live offer of the tenant (what may be recommended), with its company. */
export async function liveOffer(t: TenantDb, offerId: string, now: Date) {
  return t.trx
    .selectFrom('offers')
    .innerJoin('companies', (j) => j.onRef('companies.id', '=', 'offers.company_id').onRef('companies.tenant_id', '=', 'offers.tenant_id'))
    .where('offers.tenant_id', '=', t.tenantId)
    .where('offers.id', '=', offerId)
    .where('offers.status', '=', 'published')
    .where((eb) => eb.or([eb('offers.expires_at', 'is', null), eb('offers.expires_at', '>', now)]))
    .select(['offers.id', 'offers.title', 'offers.company_id', 'offers.place_name', 'companies.name as company_name'])
    .executeTakeFirst();
}

/** Recommended applications sent before `before` that the employer has not answered yet. */
export async function recommendedAwaitingAnswer(t: TenantDb, before: Date) {
  return t.trx
    .selectFrom('applications')
    .innerJoin('candidate_recommendations', (j) =>
      j.onRef('candidate_recommendations.application_id', '=', 'applications.id').onRef('candidate_recommendations.tenant_id', '=', 'applications.tenant_id'),
    )
    .innerJoin('offers', (j) => j.onRef('offers.id', '=', 'applications.offer_id').onRef('offers.tenant_id', '=', 'applications.tenant_id'))
    .innerJoin('companies', (j) => j.onRef('companies.id', '=', 'applications.company_id').onRef('companies.tenant_id', '=', 'applications.tenant_id'))
    .leftJoin('users as counsellor', (j) =>
      j.onRef('counsellor.id', '=', 'candidate_recommendations.counsellor_user_id').onRef('counsellor.tenant_id', '=', 'candidate_recommendations.tenant_id'),
    )
    .where('applications.tenant_id', '=', t.tenantId)
    .where('applications.status', 'in', ['new', 'viewed'])
    .where('applications.employer_answered_at', 'is', null)
    .where('applications.anonymised_at', 'is', null)
    .where('applications.created_at', '<=', before)
    .select([
      'applications.id',
      'applications.created_at',
      'applications.reminder_sent_at',
      'applications.company_id',
      'applications.full_name',
      'applications.email',
      'applications.user_id',
      'offers.title as offer_title',
      'companies.name as company_name',
      'candidate_recommendations.origin',
      'counsellor.email as counsellor_email',
      'counsellor.display_name as counsellor_name',
    ])
    .orderBy('applications.created_at')
    .execute();
}

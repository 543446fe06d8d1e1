import type { ThreadKind } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';
import type { Tenant } from '../../tenancy/registry.js';
import type { AuthUser } from '../accounts/service.js';
import { protectionOf, type Protection } from '../accompaniment/protection.js';
import * as youth from '../accompaniment/repository.js';
import { cvBankVisible } from '../accompaniment/service.js';
import { findApplication } from '../applications/repository.js';
import { FINAL_STATUSES } from '../applications/pipeline.js';
import { listMembers, memberRole } from '../companies/repository.js';
import * as repo from './repository.js';

/**
 * Who takes part in a thread follows from its object, never from a list that could drift:
 *
 * | kind              | young person          | company               | mission locale                                   |
 * |-------------------|-----------------------|-----------------------|--------------------------------------------------|
 * | accompaniment     | the young person      | —                     | referent and delegated counsellors               |
 * | application       | the candidate         | the company's members | counsellors following the candidate (consent recorded) and the recommending counsellor |
 * | offer_partnership | —                     | the offer's company   | the équipe emploi (every counsellor)             |
 * | cv_contact        | the young person      | the contacting company | counsellors following the young person          |
 *
 * Under 18, a mission locale participant is always in a thread with a company: when no counsellor
 * follows the minor, the équipe emploi takes part. The tenant admin reads no thread (moderation works
 * on reported messages only). Anyone else gets 404.
 */

export type Side = 'young' | 'company' | 'counsellor';

export interface Subject {
  kind: ThreadKind;
  key: repo.ThreadKey;
  youngUserId: string | null;
  companyId: string | null;
  /** Named counsellors taking part. */
  counsellorIds: string[];
  /** Every counsellor of the board takes part (équipe emploi). */
  team: boolean;
  /** Read-only: the accompaniment ended, the application closed, the offer is over. */
  closed: boolean;
  /** The young person's protection (null: no young person, or an unknown one). */
  protection: Protection | null;
  /** For titles: the young person's name, the offer, the company. */
  youngName: string | null;
  offerTitle: string | null;
  companyName: string | null;
  applicationId: string | null;
  offerId: string | null;
}

/** What identifies a thread's object when starting one (pages and API). */
export type SubjectRef =
  | { kind: 'accompaniment'; youngUserId: string }
  | { kind: 'application'; applicationId: string }
  | { kind: 'offer_partnership'; offerId: string }
  | { kind: 'cv_contact'; companyId: string; youngUserId: string };

async function young(t: TenantDb, tenant: Tenant, userId: string | null, now: Date) {
  if (!userId) return { name: null, protection: null, followers: [] as string[] };
  const person = await repo.userBrief(t, userId);
  return {
    name: person?.display_name ?? null,
    protection: person ? await protectionOf(t, tenant, userId, now) : null,
    followers: await youth.followersOf(t, userId),
  };
}

/** The object behind a reference, with who takes part; undefined when there is no such object. */
export async function resolveSubject(t: TenantDb, tenant: Tenant, ref: SubjectRef, now: Date): Promise<Subject | undefined> {
  const base = { applicationId: null, offerId: null, offerTitle: null, companyName: null };
  switch (ref.kind) {
    case 'accompaniment': {
      const accompaniment = await youth.accompanimentOf(t, ref.youngUserId);
      if (!accompaniment) return undefined;
      const person = await young(t, tenant, ref.youngUserId, now);
      return {
        ...base,
        kind: 'accompaniment',
        key: { kind: 'accompaniment', accompaniment_id: accompaniment.id, young_user_id: ref.youngUserId, application_id: null, offer_id: null, company_id: null },
        youngUserId: ref.youngUserId,
        companyId: null,
        counsellorIds: person.followers,
        team: false,
        closed: accompaniment.status !== 'active',
        protection: person.protection,
        youngName: person.name,
      };
    }
    case 'application': {
      const application = await findApplication(t, ref.applicationId);
      // An application made without an account has nobody to talk to; an anonymised one keeps its
      // thread, read-only, for the company and the mission locale (the candidate's messages emptied).
      if (!application || (!application.user_id && !application.anonymised_at)) return undefined;
      const person = await young(t, tenant, application.user_id, now);
      const counsellorIds = [...new Set([...person.followers, ...(application.recommended_by ? [application.recommended_by] : [])])];
      return {
        kind: 'application',
        key: { kind: 'application', application_id: application.id, company_id: application.company_id, young_user_id: application.user_id, accompaniment_id: null, offer_id: null },
        youngUserId: application.user_id,
        companyId: application.company_id,
        counsellorIds,
        team: counsellorIds.length === 0 && person.protection?.minor === true,
        closed: FINAL_STATUSES.includes(application.status) || application.anonymised_at !== null,
        protection: person.protection,
        youngName: person.name,
        offerTitle: application.offer_title,
        companyName: application.company_name,
        applicationId: application.id,
        offerId: application.offer_id,
      };
    }
    case 'offer_partnership': {
      const offer = await repo.offerBrief(t, ref.offerId);
      if (!offer || offer.status === 'archived') return undefined;
      return {
        kind: 'offer_partnership',
        key: { kind: 'offer_partnership', offer_id: offer.id, company_id: offer.company_id, young_user_id: null, accompaniment_id: null, application_id: null },
        youngUserId: null,
        companyId: offer.company_id,
        counsellorIds: [],
        team: true,
        closed: offer.status === 'filled' || offer.status === 'expired',
        protection: null,
        youngName: null,
        offerTitle: offer.title,
        companyName: offer.company_name,
        applicationId: null,
        offerId: offer.id,
      };
    }
    case 'cv_contact': {
      const name = await repo.companyName(t, ref.companyId);
      const person = await young(t, tenant, ref.youngUserId, now);
      if (!name || !person.name) return undefined;
      return {
        ...base,
        kind: 'cv_contact',
        key: { kind: 'cv_contact', company_id: ref.companyId, young_user_id: ref.youngUserId, accompaniment_id: null, application_id: null, offer_id: null },
        youngUserId: ref.youngUserId,
        companyId: ref.companyId,
        counsellorIds: person.followers,
        team: person.followers.length === 0 && person.protection?.minor === true,
        closed: false,
        protection: person.protection,
        youngName: person.name,
        companyName: name,
      };
    }
  }
}

/** The subject of an existing thread (its object may have changed since: statuses, followers). */
export async function subjectOfThread(t: TenantDb, tenant: Tenant, thread: repo.ThreadRow, now: Date): Promise<Subject | undefined> {
  switch (thread.kind) {
    case 'accompaniment':
      // Ended or asked again: the thread stays, read-only, for the young person (no counsellor follows).
      return thread.young_user_id ? resolveSubject(t, tenant, { kind: 'accompaniment', youngUserId: thread.young_user_id }, now) : undefined;
    case 'application':
      return resolveSubject(t, tenant, { kind: 'application', applicationId: thread.application_id! }, now);
    case 'offer_partnership':
      return resolveSubject(t, tenant, { kind: 'offer_partnership', offerId: thread.offer_id! }, now);
    case 'cv_contact': {
      if (!thread.young_user_id) {
        // The young person deleted their account: the company keeps its side, read-only.
        const name = await repo.companyName(t, thread.company_id!);
        return {
          kind: 'cv_contact',
          key: thread,
          youngUserId: null,
          companyId: thread.company_id,
          counsellorIds: [],
          team: false,
          closed: true,
          protection: null,
          youngName: null,
          offerTitle: null,
          companyName: name ?? null,
          applicationId: null,
          offerId: null,
        };
      }
      return resolveSubject(t, tenant, { kind: 'cv_contact', companyId: thread.company_id!, youngUserId: thread.young_user_id }, now);
    }
  }
}

/** The side a user takes in a subject's thread, or null (then: 404). */
export async function sideOf(t: TenantDb, user: AuthUser | null, subject: Subject): Promise<Side | null> {
  if (!user) return null;
  if (user.role === 'candidate') return subject.youngUserId === user.id ? 'young' : null;
  if (user.role === 'employer') return subject.companyId && (await memberRole(t, subject.companyId, user.id)) ? 'company' : null;
  if (user.role === 'counsellor') return subject.team || subject.counsellorIds.includes(user.id) ? 'counsellor' : null;
  return null;
}

/** Threads with a company wait for a parent's consent for under-15s (the accompaniment does not). */
export const awaitsParentalConsent = (subject: Subject): boolean => subject.companyId !== null && subject.protection?.awaitingParentalConsent === true;

/**
 * Who may write first about an object (no cold messaging): the young person to their counsellor,
 * and to a company only inside their application; a company only to someone who applied, was
 * recommended (the application exists) or is in the CV bank; counsellors about the young people
 * they follow and the offers of the board.
 */
export async function mayStart(t: TenantDb, tenant: Tenant, side: Side, subject: Subject, now: Date): Promise<boolean> {
  if (subject.closed) return false;
  if (subject.kind !== 'cv_contact') return true;
  return side === 'company' && (await cvBankVisible(t, tenant, now, subject.youngUserId!)).length > 0;
}

/** Every user taking part (for notifications and blocks): young person, company members, counsellors. */
export async function participantIds(t: TenantDb, subject: Subject): Promise<string[]> {
  const ids = new Set<string>(subject.counsellorIds);
  if (subject.youngUserId) ids.add(subject.youngUserId);
  if (subject.companyId) for (const member of await listMembers(t, subject.companyId)) ids.add(member.id);
  if (subject.team) for (const counsellor of await youth.counsellors(t)) ids.add(counsellor.id);
  return [...ids];
}

import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { notFound } from '../../errors.js';
import type { FileStore } from '../../files/port.js';
import type { Tenant, TenantRegistry } from '../../tenancy/registry.js';
import { retentionMonths } from '../../tenancy/tenant-config.js';
import type { AuthUser } from '../accounts/service.js';
import { applyMessagingRetention, eraseAuthor, messagesForExport, type MessagingRetentionReport } from '../messaging/retention.js';
import * as repo from './repository.js';

interface Ctx {
  db: Kysely<Database>;
  tenant: Tenant;
  files: FileStore;
  origin: string;
}

/** Everything the platform holds about this account on this tenant, machine-readable (GDPR art. 15 and 20). */
export async function exportData(ctx: Ctx, user: AuthUser) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const account = await repo.accountOf(t, user.id);
    if (!account) throw notFound();
    const profile = await t.trx.selectFrom('candidate_profiles').selectAll().where('user_id', '=', user.id).executeTakeFirst();
    const applications = await repo.applicationsOf(t, user.id, account.email);
    return {
      format: 'cordee-export/1',
      exported_at: new Date().toISOString(),
      site: { name: ctx.tenant.config.name, url: ctx.origin },
      account: {
        email: account.email,
        display_name: account.display_name,
        role: account.role,
        email_verified_at: account.email_verified_at,
        created_at: account.created_at,
      },
      profile: profile
        ? {
            phone: profile.phone,
            headline: profile.headline,
            cv: profile.cv_file_id ? { name: profile.cv_file_name, download: `${ctx.origin}/compte/candidat/cv` } : null,
            last_activity_at: profile.last_activity_at,
          }
        : null,
      applications: applications.map((a) => ({
        offer: { id: a.offer_id, title: a.offer_title, company: a.company_name, url: `${ctx.origin}/offres/${a.offer_id}` },
        full_name: a.full_name,
        email: a.email,
        phone: a.phone,
        message: a.message,
        status: a.status,
        status_changed_at: a.status_changed_at,
        consent_at: a.consent_at,
        created_at: a.created_at,
        cv: a.cv_file_id ? { name: a.cv_file_name, download: `${ctx.origin}/compte/candidatures/${a.id}/cv` } : null,
      })),
      saved_offers: await repo.savedOffersOf(t, user.id),
      alerts: await repo.alertsOf(t, user.id, account.email),
      messages: (await messagesForExport(t, user.id)).map((m) => ({
        thread: { id: m.thread_id, kind: m.kind, url: `${ctx.origin}/messages/${m.thread_id}` },
        sent_at: m.created_at,
        body: m.body,
        shared_offer: m.offer_id ? `${ctx.origin}/offres/${m.offer_id}` : null,
        attachment: m.attachment_name,
        hidden_by_moderation: m.hidden_at !== null,
      })),
    };
  });
}

/**
 * Erases one candidate inside a tenant transaction: applications anonymised, messages left as
 * « message supprimé » in the others' threads, alerts, CVs and the account deleted.
 */
async function eraseCandidate(t: TenantDb, files: FileStore, user: { id: string; email: string }, now = new Date()): Promise<{ applications: number }> {
  await eraseAuthor(t, files, user.id, now);
  const applications = await repo.applicationsOf(t, user.id, user.email);
  const cvs = await repo.anonymiseApplications(t, applications.map((a) => a.id));
  const alerts = await repo.alertsOf(t, user.id, user.email);
  await repo.deleteAlerts(t, alerts.map((a) => a.id));
  const profileCv = await repo.profileCv(t, user.id);
  await repo.deleteUser(t, user.id);
  await files.delete(t, [...cvs, ...(profileCv ? [profileCv] : [])]);
  return { applications: applications.length };
}

/** The candidate deletes their account (GDPR art. 17). Sessions end with the user row. */
export async function deleteAccount(ctx: Ctx, user: AuthUser): Promise<void> {
  await withTenant(ctx.db, ctx.tenant.id, (t) => eraseCandidate(t, ctx.files, { id: user.id, email: user.email }));
}

export interface RetentionReport extends MessagingRetentionReport {
  candidates: number;
  anonymousApplications: number;
  rejectedApplications: number;
}

/** Applications refused this long ago are anonymised (SECURITY.md §31: refusal data after 3 months). */
export const REJECTED_RETENTION_MONTHS = 3;

const BATCH = 200;

/**
 * The retention job: per tenant, candidates without activity for `privacy.retentionMonths` (default
 * 24, as the CNIL recommends) are erased like a self-deletion; applications made without an account
 * are anonymised after the same time, and rejected applications 3 months after the decision; then
 * the messaging's periods (messaging/retention.ts).
 * Idempotent: each pass only sees what is still there.
 */
export async function applyRetention(db: Kysely<Database>, tenants: TenantRegistry, files: FileStore, now = new Date()): Promise<Record<string, RetentionReport>> {
  const report: Record<string, RetentionReport> = {};
  for (const tenant of tenants.tenants) {
    const cutoff = new Date(now);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - retentionMonths(tenant.config));
    const done: RetentionReport = { candidates: 0, anonymousApplications: 0, rejectedApplications: 0, anonymisedThreads: 0, deletedThreads: 0, deletedAttachments: 0 };
    const rejectedCutoff = new Date(now);
    rejectedCutoff.setUTCMonth(rejectedCutoff.getUTCMonth() - REJECTED_RETENTION_MONTHS);
    for (;;) {
      const batch = await withTenant(db, tenant.id, async (t) => {
        const inactive = await repo.inactiveCandidates(t, cutoff, BATCH);
        for (const user of inactive) await eraseCandidate(t, files, user, now);
        return inactive.length;
      });
      done.candidates += batch;
      if (batch < BATCH) break;
    }
    for (;;) {
      const batch = await withTenant(db, tenant.id, async (t) => {
        const ids = await repo.staleAnonymousApplications(t, cutoff, BATCH);
        await files.delete(t, await repo.anonymiseApplications(t, ids));
        return ids.length;
      });
      done.anonymousApplications += batch;
      if (batch < BATCH) break;
    }
    for (;;) {
      const batch = await withTenant(db, tenant.id, async (t) => {
        const ids = await repo.staleRejectedApplications(t, rejectedCutoff, BATCH);
        await files.delete(t, await repo.anonymiseApplications(t, ids));
        return ids.length;
      });
      done.rejectedApplications += batch;
      if (batch < BATCH) break;
    }
    Object.assign(done, await withTenant(db, tenant.id, (t) => applyMessagingRetention(t, files, now)));
    report[tenant.id] = done;
  }
  return report;
}

import { sql } from 'kysely';
import type { ReportDecision, ReportReason } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';

// « Signaler »: reports on messages and offers, and what a tenant admin decides.

export async function insertReport(
  t: TenantDb,
  input: { messageId?: string; offerId?: string; reporterId: string | null; reporterIsMinor: boolean; reason: ReportReason; details: string | null; now: Date },
): Promise<boolean> {
  const row = await t.trx
    .insertInto('abuse_reports')
    .values({
      tenant_id: t.tenantId,
      message_id: input.messageId ?? null,
      offer_id: input.offerId ?? null,
      reporter_user_id: input.reporterId,
      reporter_is_minor: input.reporterIsMinor,
      reason: input.reason,
      details: input.details,
      created_at: input.now,
    })
    // The same person reporting again changes nothing: "twice" means by two people.
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Open reports of a message: how many people, and whether a minor is among them. */
export async function openMessageReports(t: TenantDb, messageId: string) {
  return t.trx
    .selectFrom('abuse_reports')
    .where('tenant_id', '=', t.tenantId)
    .where('message_id', '=', messageId)
    .where('resolved_at', 'is', null)
    .select([(eb) => eb.fn.count<number>('reporter_user_id').distinct().as('reporters'), sql<boolean>`coalesce(bool_or(reporter_is_minor), false)`.as('by_minor')])
    .executeTakeFirstOrThrow();
}

/** Hidden until a tenant admin decides (hidden_by null: by the rule, not by a person). */
export async function hideMessage(t: TenantDb, messageId: string, now: Date, by: string | null) {
  await t.trx
    .updateTable('messages')
    .set({ hidden_at: now, hidden_by: by })
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', messageId)
    .where('hidden_at', 'is', null)
    .execute();
}

export async function unhideMessage(t: TenantDb, messageId: string) {
  await t.trx.updateTable('messages').set({ hidden_at: null, hidden_by: null }).where('tenant_id', '=', t.tenantId).where('id', '=', messageId).execute();
}

/** The admin queue: one row per reported message or offer with open reports, oldest report first. */
export async function queue(t: TenantDb) {
  const { rows } = await sql<{
    target: 'message' | 'offer';
    target_id: string;
    reports: number;
    reasons: string[];
    first_at: Date;
    by_minor: boolean;
    hidden: boolean;
    label: string | null;
    author: string | null;
  }>`
    select case when r.message_id is not null then 'message' else 'offer' end as target,
           coalesce(r.message_id, r.offer_id) as target_id,
           count(*)::int as reports,
           array_agg(distinct r.reason) as reasons,
           min(r.created_at) as first_at,
           bool_or(r.reporter_is_minor) as by_minor,
           coalesce(bool_or(m.hidden_at is not null), bool_or(o.status not in ('published', 'pending_review'))) as hidden,
           coalesce(left(max(m.body), 140), max(o.title)) as label,
           coalesce(max(author.display_name), max(c.name)) as author
    from abuse_reports r
    left join messages m on m.id = r.message_id
    left join users author on author.id = m.author_user_id
    left join offers o on o.id = r.offer_id
    left join companies c on c.id = o.company_id
    where r.tenant_id = ${t.tenantId} and r.resolved_at is null
    group by 1, 2
    order by min(r.created_at)`.execute(t.trx);
  return rows;
}

export async function reportsOf(t: TenantDb, target: { messageId?: string; offerId?: string }) {
  let query = t.trx
    .selectFrom('abuse_reports')
    .leftJoin('users', (j) => j.onRef('users.id', '=', 'abuse_reports.reporter_user_id').onRef('users.tenant_id', '=', 'abuse_reports.tenant_id'))
    .where('abuse_reports.tenant_id', '=', t.tenantId);
  query = target.messageId ? query.where('abuse_reports.message_id', '=', target.messageId) : query.where('abuse_reports.offer_id', '=', target.offerId!);
  return query
    .select([
      'abuse_reports.id',
      'abuse_reports.reason',
      'abuse_reports.details',
      'abuse_reports.created_at',
      'abuse_reports.reporter_is_minor',
      'abuse_reports.resolved_at',
      'abuse_reports.decision',
      'users.display_name as reporter',
    ])
    .orderBy('abuse_reports.created_at')
    .execute();
}

/** Closes every open report of a target with the admin's decision; returns how many. */
export async function resolve(t: TenantDb, target: { messageId?: string; offerId?: string }, decision: ReportDecision, adminId: string, now: Date): Promise<number> {
  let query = t.trx
    .updateTable('abuse_reports')
    .set({ resolved_at: now, resolved_by: adminId, decision })
    .where('tenant_id', '=', t.tenantId)
    .where('resolved_at', 'is', null);
  query = target.messageId ? query.where('message_id', '=', target.messageId) : query.where('offer_id', '=', target.offerId!);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A reported message as the admin sees it, hidden or not, with its author and thread. */
export async function reportedMessage(t: TenantDb, messageId: string) {
  return t.trx
    .selectFrom('messages')
    .leftJoin('users', (j) => j.onRef('users.id', '=', 'messages.author_user_id').onRef('users.tenant_id', '=', 'messages.tenant_id'))
    .innerJoin('threads', (j) => j.onRef('threads.id', '=', 'messages.thread_id').onRef('threads.tenant_id', '=', 'messages.tenant_id'))
    .where('messages.tenant_id', '=', t.tenantId)
    .where('messages.id', '=', messageId)
    .select([
      'messages.id',
      'messages.body',
      'messages.attachment_name',
      'messages.created_at',
      'messages.hidden_at',
      'messages.deleted_at',
      'messages.author_user_id',
      'users.display_name as author_name',
      'users.email as author_email',
      'users.role as author_role',
      'users.disabled_at as author_disabled_at',
      'threads.kind as thread_kind',
    ])
    .executeTakeFirst();
}

export async function reportedOffer(t: TenantDb, offerId: string) {
  return t.trx
    .selectFrom('offers')
    .innerJoin('companies', (j) => j.onRef('companies.id', '=', 'offers.company_id').onRef('companies.tenant_id', '=', 'offers.tenant_id'))
    .where('offers.tenant_id', '=', t.tenantId)
    .where('offers.id', '=', offerId)
    .select(['offers.id', 'offers.title', 'offers.status', 'offers.company_id', 'companies.name as company_name'])
    .executeTakeFirst();
}

/** Suspends accounts: disabled (log-in refused, every token refused at once) and sessions revoked. */
export async function suspendUsers(t: TenantDb, userIds: string[], now: Date): Promise<void> {
  if (userIds.length === 0) return;
  await t.trx.updateTable('users').set({ disabled_at: now }).where('tenant_id', '=', t.tenantId).where('id', 'in', userIds).where('disabled_at', 'is', null).execute();
  await t.trx.updateTable('sessions').set({ revoked_at: now }).where('tenant_id', '=', t.tenantId).where('user_id', 'in', userIds).where('revoked_at', 'is', null).execute();
}

import type { FastifyBaseLogger } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import type { MailService } from '../../mail/mail-service.js';
import type { Tenant, TenantRegistry } from '../../tenancy/registry.js';
import { instantAt, isMinor, localTime, quietHoursEnd } from '../../youth/age.js';
import { sideOf, subjectOfThread } from './participants.js';
import * as repo from './repository.js';
import { threadTitle } from './titles.js';

/**
 * E-mail notifications of new messages, without flooding:
 *
 * - the first message of a thread to a recipient goes at once; after that at most one e-mail per
 *   thread and recipient every 30 minutes (the messages of the interval in one e-mail);
 * - nothing reaches a minor between 21:00 and 08:00 (the tenant's time): it leaves at 08:00;
 * - per user: e-mails per thread on/off, and an optional daily digest at 08:00;
 * - a recipient who has read the thread meanwhile gets nothing.
 *
 * Idempotent across restarts, like the alert digests: a send is recorded (notification_sends,
 * pending) and the recipient's state moved in one transaction *before* the e-mail goes out, then
 * marked sent. A crash in between leaves a pending send that the next run delivers with the same
 * window and the same Message-ID; a second send of the same window cannot be opened.
 */

export const THROTTLE_MS = 30 * 60_000;
export const DIGEST_HOUR = 8;
const LEASE_MS = 5 * 60_000;
const BATCH = 200;

/** New messages for these recipients: their pending window starts at the oldest not yet e-mailed. */
export async function queueNotifications(t: TenantDb, threadId: string, userIds: string[], at: Date): Promise<void> {
  if (userIds.length === 0) return;
  await t.trx
    .insertInto('notification_states')
    .values(userIds.map((userId) => ({ tenant_id: t.tenantId, thread_id: threadId, user_id: userId, pending_since: at })))
    .onConflict((oc) =>
      oc.columns(['thread_id', 'user_id']).doUpdateSet({ pending_since: sql`coalesce(least(notification_states.pending_since, excluded.pending_since), excluded.pending_since)` }),
    )
    .execute();
}

export interface NotificationDeps {
  db: Kysely<Database>;
  tenants: TenantRegistry;
  mail: MailService;
}

export interface NotificationReport {
  opened: number;
  sent: number;
  silent: number;
  failed: number;
}

/** When a pending thread notification may go: at once the first time, then 30 minutes after the last one. */
export function dueAt(state: { pending_since: Date; last_sent_at: Date | null }): Date {
  if (!state.last_sent_at) return state.pending_since;
  return new Date(Math.max(state.pending_since.getTime(), state.last_sent_at.getTime() + THROTTLE_MS));
}

/** Opens the thread notifications due on `now` (and drops those no longer wanted). */
async function openThreadSends(t: TenantDb, tenant: Tenant, now: Date, threadId?: string): Promise<number> {
  const { rows } = await sql<{
    thread_id: string;
    user_id: string;
    pending_since: Date;
    last_sent_at: Date | null;
    birth_date: string | null;
    disabled: boolean;
    each_thread: boolean;
    read_all: boolean;
  }>`
    select s.thread_id, s.user_id, s.pending_since, s.last_sent_at, u.birth_date,
           u.disabled_at is not null as disabled, coalesce(ns.each_thread, true) as each_thread,
           coalesce(r.last_read_at >= th.last_message_at, false) as read_all
    from notification_states s
    join users u on u.id = s.user_id and u.tenant_id = s.tenant_id
    join threads th on th.id = s.thread_id and th.tenant_id = s.tenant_id
    left join notification_settings ns on ns.user_id = s.user_id and ns.tenant_id = s.tenant_id
    left join thread_reads r on r.thread_id = s.thread_id and r.user_id = s.user_id
    where s.tenant_id = ${t.tenantId} and s.pending_since is not null and s.pending_since <= ${now}
      ${threadId ? sql`and s.thread_id = ${threadId}` : sql``}
    order by s.pending_since
    limit ${BATCH}
    for update of s skip locked`.execute(t.trx);
  let opened = 0;
  const quietUntil = quietHoursEnd(now, tenant.config.timezone);
  for (const state of rows) {
    const unwanted = state.disabled || !state.each_thread || state.read_all;
    if (!unwanted && dueAt(state) > now) continue;
    if (!unwanted && quietUntil && isMinor(state.birth_date, now, tenant.config.timezone)) continue;
    if (!unwanted) {
      await t.trx
        .insertInto('notification_sends')
        .values({
          tenant_id: t.tenantId,
          user_id: state.user_id,
          thread_id: state.thread_id,
          kind: 'thread',
          window_start: new Date(state.pending_since.getTime() - 1),
          window_end: now,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      opened++;
    }
    await t.trx
      .updateTable('notification_states')
      .set(unwanted ? { pending_since: null } : { pending_since: null, last_sent_at: now })
      .where('tenant_id', '=', t.tenantId)
      .where('thread_id', '=', state.thread_id)
      .where('user_id', '=', state.user_id)
      .execute();
  }
  return opened;
}

/** Opens the daily digests due on `now`: once a day, from 08:00 local, for users who asked for one. */
async function openDigests(t: TenantDb, tenant: Tenant, now: Date): Promise<number> {
  const timeZone = tenant.config.timezone;
  const slot = instantAt(localTime(now, timeZone), DIGEST_HOUR, timeZone);
  if (now < slot) return 0;
  const due = await t.trx
    .selectFrom('notification_settings')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'notification_settings.user_id').onRef('users.tenant_id', '=', 'notification_settings.tenant_id'))
    .where('notification_settings.tenant_id', '=', t.tenantId)
    .where('notification_settings.daily_digest', '=', true)
    .where('users.disabled_at', 'is', null)
    .where((eb) => eb.or([eb('notification_settings.last_digest_at', 'is', null), eb('notification_settings.last_digest_at', '<', slot)]))
    .select(['notification_settings.user_id', 'notification_settings.last_digest_at', 'users.birth_date'])
    .forUpdate('notification_settings')
    .skipLocked()
    .limit(BATCH)
    .execute();
  const quiet = quietHoursEnd(now, timeZone) !== undefined;
  let opened = 0;
  for (const row of due) {
    if (quiet && isMinor(row.birth_date, now, timeZone)) continue;
    await t.trx
      .insertInto('notification_sends')
      .values({
        tenant_id: t.tenantId,
        user_id: row.user_id,
        kind: 'digest',
        window_start: row.last_digest_at ?? new Date(now.getTime() - 86_400_000),
        window_end: now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await t.trx.updateTable('notification_settings').set({ last_digest_at: now }).where('tenant_id', '=', t.tenantId).where('user_id', '=', row.user_id).execute();
    opened++;
  }
  return opened;
}

type Claim = Awaited<ReturnType<typeof claimSends>>[number];

async function claimSends(t: TenantDb, now: Date, threadId?: string) {
  return t.trx
    .updateTable('notification_sends')
    .set((eb) => ({ claimed_until: new Date(now.getTime() + LEASE_MS), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) => {
      let pending = eb
        .selectFrom('notification_sends')
        .select('id')
        .where('tenant_id', '=', t.tenantId)
        .where('status', '=', 'pending')
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', now)]));
      if (threadId) pending = pending.where('thread_id', '=', threadId);
      return pending.orderBy('created_at').limit(BATCH).forUpdate().skipLocked();
    })
    .returningAll()
    .execute();
}

async function markSent(db: Kysely<Database>, tenant: Tenant, id: string, now: Date) {
  await withTenant(db, tenant.id, (t) =>
    t.trx.updateTable('notification_sends').set({ status: 'sent', sent_at: now, claimed_until: null }).where('tenant_id', '=', t.tenantId).where('id', '=', id).execute(),
  );
}

/** What an e-mail of a claimed send says; undefined when there is nothing (left) to tell. */
async function composeSend(t: TenantDb, tenant: Tenant, claim: Claim, now: Date) {
  const recipient = await repo.userBrief(t, claim.user_id);
  if (!recipient) return undefined;
  const user = { id: recipient.id, tenantId: tenant.id, role: recipient.role, email: recipient.email, displayName: recipient.display_name, sessionId: '' };
  const { rows } = await sql<{ thread_id: string; n: number; authors: string[] }>`
    select m.thread_id, count(*)::int as n, array_agg(distinct coalesce(u.display_name, '')) as authors
    from messages m
    join notification_states s on s.thread_id = m.thread_id and s.user_id = ${claim.user_id}
    left join users u on u.id = m.author_user_id
    left join thread_reads r on r.thread_id = m.thread_id and r.user_id = ${claim.user_id}
    where m.tenant_id = ${t.tenantId} and m.created_at > ${claim.window_start} and m.created_at <= ${claim.window_end}
      and m.author_user_id is distinct from ${claim.user_id} and m.hidden_at is null and m.deleted_at is null
      and (r.last_read_at is null or m.created_at > r.last_read_at)
      and not exists (select 1 from user_blocks b where b.blocker_user_id = ${claim.user_id} and b.blocked_user_id = m.author_user_id)
      ${claim.thread_id ? sql`and m.thread_id = ${claim.thread_id}` : sql``}
    group by m.thread_id`.execute(t.trx);
  const threads = [];
  for (const row of rows) {
    const thread = await repo.findThread(t, row.thread_id);
    const subject = thread && (await subjectOfThread(t, tenant, thread, now));
    // Still a participant? (A counsellor no longer following, a member who left the company…)
    if (!thread || !subject || !(await sideOf(t, user, subject))) continue;
    threads.push({ thread, subject, count: row.n, authors: row.authors.filter(Boolean) });
  }
  if (threads.length === 0) return undefined;
  return { recipient, threads };
}

async function deliverSend(deps: NotificationDeps, tenant: Tenant, claim: Claim, now: Date, theme: (key: string, params?: Record<string, unknown>) => string): Promise<'sent' | 'silent'> {
  const composed = await withTenant(deps.db, tenant.id, (t) => composeSend(t, tenant, claim, now));
  if (!composed) {
    await markSent(deps.db, tenant, claim.id, now);
    return 'silent';
  }
  const first = composed.threads[0];
  const origin = first.thread.origin;
  const count = composed.threads.reduce((sum, th) => sum + th.count, 0);
  const digest = claim.kind === 'digest';
  await deps.mail.deliver(
    deps.mail.notice({
      tenant,
      origin,
      to: composed.recipient.email,
      kind: digest ? 'message-digest' : 'message-new',
      displayName: composed.recipient.display_name,
      params: {
        count,
        threads: composed.threads.length,
        authors: first.authors.join(', '),
        title: threadTitle(theme, first.subject),
      },
      link: digest ? `${origin}/messages` : `${origin}/messages/${first.thread.id}`,
      // The same send, the same id: a resend after a crash is recognisably the same message.
      headers: { 'Message-ID': `<notification-${claim.id}@${new URL(origin).hostname}>` },
    }),
  );
  await markSent(deps.db, tenant, claim.id, now);
  return 'sent';
}

/**
 * One pass: per tenant with messaging on, opens the sends due on `now` and delivers every pending
 * one (those just opened and any a crashed run left). `only` narrows it to one thread of one tenant
 * (run right after a message is posted, so that a first message goes at once).
 */
export async function sendMessageNotifications(
  deps: NotificationDeps,
  themeOf: (tenant: Tenant) => (key: string, params?: Record<string, unknown>) => string,
  now: Date,
  only?: { tenantId: string; threadId: string },
): Promise<NotificationReport> {
  const report: NotificationReport = { opened: 0, sent: 0, silent: 0, failed: 0 };
  if (!only) await deps.tenants.refreshSettings();
  for (const tenant of deps.tenants.tenants) {
    if (only && tenant.id !== only.tenantId) continue;
    if (!tenant.config.features.messaging) continue;
    report.opened += await withTenant(deps.db, tenant.id, async (t) => {
      const threads = await openThreadSends(t, tenant, now, only?.threadId);
      return threads + (only ? 0 : await openDigests(t, tenant, now));
    });
    const claims = await withTenant(deps.db, tenant.id, (t) => claimSends(t, now, only?.threadId));
    for (const claim of claims) {
      try {
        report[await deliverSend(deps, tenant, claim, now, themeOf(tenant))]++;
      } catch (error) {
        // Left pending and released: the next run tries again (same window, same Message-ID).
        report.failed++;
        await withTenant(deps.db, tenant.id, (t) =>
          t.trx.updateTable('notification_sends').set({ claimed_until: null }).where('tenant_id', '=', t.tenantId).where('id', '=', claim.id).execute(),
        );
        if (claims.length === 1) throw error;
      }
    }
  }
  return report;
}

/**
 * Runs a pass for one thread right after a message is posted, in the background (the request does not
 * wait for SMTP). The worker's periodic job does the rest: throttled e-mails, quiet hours, digests.
 */
export class NotificationDispatcher {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly deps: NotificationDeps,
    private readonly themeOf: (tenant: Tenant) => (key: string, params?: Record<string, unknown>) => string,
    private readonly log: FastifyBaseLogger,
  ) {}

  kick(tenantId: string, threadId: string): void {
    const run = sendMessageNotifications(this.deps, this.themeOf, new Date(), { tenantId, threadId })
      .then(() => undefined)
      .catch((error: unknown) => this.log.error({ err: error, tenant: tenantId, threadId }, 'message notification failed'))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves once the passes started so far are over (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

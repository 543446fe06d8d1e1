import { sql } from 'kysely';
import type { TenantDb } from '../../db/tenant-db.js';
import type { FileStore } from '../../files/port.js';

/**
 * Messages and personal data (GDPR), run by the daily retention job (features/privacy):
 *
 * - threads with a company (application, CV-bank contact, offer partnership) are anonymised 2 years
 *   after their last message: texts, shared offers and attachments removed, authors unlinked; the
 *   candidate's own messages go with their application when it is anonymised (3 months after a
 *   refusal, or their account erased);
 * - accompaniment threads are deleted 2 years after the accompaniment ended;
 * - attachments are deleted 4 months after their thread closed (application decided or closed
 *   without answer, accompaniment ended, offer over, young person out of the CV bank);
 * - an account deleted leaves « message supprimé » in the others' threads.
 */

export const THREAD_RETENTION_MONTHS = 24;
export const ATTACHMENT_RETENTION_MONTHS = 4;
const BATCH = 200;

const monthsBefore = (now: Date, months: number) => {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff;
};

export interface MessagingRetentionReport {
  anonymisedThreads: number;
  deletedThreads: number;
  deletedAttachments: number;
}

/** The user's own messages, for their data export. */
export async function messagesForExport(t: TenantDb, userId: string) {
  return t.trx
    .selectFrom('messages')
    .innerJoin('threads', (j) => j.onRef('threads.id', '=', 'messages.thread_id').onRef('threads.tenant_id', '=', 'messages.tenant_id'))
    .where('messages.tenant_id', '=', t.tenantId)
    .where('messages.author_user_id', '=', userId)
    .select(['messages.id', 'messages.thread_id', 'threads.kind', 'messages.created_at', 'messages.body', 'messages.offer_id', 'messages.attachment_name', 'messages.hidden_at'])
    .orderBy('messages.created_at')
    .execute();
}

/** Empties messages (kept as rows: « message supprimé » where they were); returns their attachment files. */
async function emptyMessages(t: TenantDb, where: { authorId?: string; threadIds?: string[]; messageIds?: string[] }, now: Date): Promise<string[]> {
  if ((where.threadIds && where.threadIds.length === 0) || (where.messageIds && where.messageIds.length === 0)) return [];
  const { rows } = await sql<{ attachment_file_id: string | null }>`
    update messages m set body = null, offer_id = null, attachment_file_id = null, attachment_name = null,
      attachment_media_type = null, attachment_size = null, deleted_at = coalesce(m.deleted_at, ${now})
    from (select id, attachment_file_id from messages where tenant_id = ${t.tenantId}
          ${where.authorId ? sql`and author_user_id = ${where.authorId}` : sql``}
          ${where.threadIds ? sql`and thread_id in (${sql.join(where.threadIds)})` : sql``}
          ${where.messageIds ? sql`and id in (${sql.join(where.messageIds)})` : sql``} for update) old
    where m.id = old.id
    returning old.attachment_file_id`.execute(t.trx);
  return rows.map((r) => r.attachment_file_id).filter((id): id is string => id !== null);
}

/**
 * An account is deleted: its messages become « message supprimé » in the others' threads, and a
 * young person's own accompaniment thread (about them) goes. Done before the user row is deleted,
 * so that no cascade has to both delete and update the same messages.
 */
export async function eraseAuthor(t: TenantDb, files: FileStore, userId: string, now: Date): Promise<void> {
  const own = await t.trx
    .selectFrom('threads')
    .innerJoin('accompaniments', (j) => j.onRef('accompaniments.id', '=', 'threads.accompaniment_id').onRef('accompaniments.tenant_id', '=', 'threads.tenant_id'))
    .where('threads.tenant_id', '=', t.tenantId)
    .where('accompaniments.young_user_id', '=', userId)
    .select('threads.id')
    .execute();
  const ownIds = own.map((r) => r.id);
  await files.delete(t, await emptyMessages(t, { threadIds: ownIds }, now));
  if (ownIds.length > 0) await t.trx.deleteFrom('threads').where('tenant_id', '=', t.tenantId).where('id', 'in', ownIds).execute();
  await files.delete(t, await emptyMessages(t, { authorId: userId }, now));
  await t.trx.updateTable('messages').set({ author_user_id: null }).where('tenant_id', '=', t.tenantId).where('author_user_id', '=', userId).execute();
}

export async function applyMessagingRetention(t: TenantDb, files: FileStore, now: Date): Promise<MessagingRetentionReport> {
  const report: MessagingRetentionReport = { anonymisedThreads: 0, deletedThreads: 0, deletedAttachments: 0 };
  const threadCutoff = monthsBefore(now, THREAD_RETENTION_MONTHS);

  // An application anonymised (refused 3 months ago, or its candidate erased) takes the candidate's
  // messages along: « message supprimé »; the company's and counsellors' stay until the 2 years.
  for (;;) {
    const { rows } = await sql<{ id: string }>`
      select m.id from messages m
      join threads th on th.id = m.thread_id
      join applications a on a.id = th.application_id
      where m.tenant_id = ${t.tenantId} and a.anonymised_at is not null and m.deleted_at is null and m.author_user_id = th.young_user_id
      limit ${BATCH}`.execute(t.trx);
    await files.delete(t, await emptyMessages(t, { messageIds: rows.map((r) => r.id) }, now));
    if (rows.length < BATCH) break;
  }

  for (;;) {
    const stale = await t.trx
      .selectFrom('threads')
      .select('id')
      .where('tenant_id', '=', t.tenantId)
      .where('kind', '<>', 'accompaniment')
      .where('anonymised_at', 'is', null)
      .where('last_message_at', '<', threadCutoff)
      .limit(BATCH)
      .execute();
    const ids = stale.map((r) => r.id);
    if (ids.length === 0) break;
    await files.delete(t, await emptyMessages(t, { threadIds: ids }, now));
    await t.trx.updateTable('messages').set({ author_user_id: null, hidden_by: null }).where('tenant_id', '=', t.tenantId).where('thread_id', 'in', ids).execute();
    await t.trx.deleteFrom('thread_reads').where('tenant_id', '=', t.tenantId).where('thread_id', 'in', ids).execute();
    await t.trx.deleteFrom('notification_states').where('tenant_id', '=', t.tenantId).where('thread_id', 'in', ids).execute();
    await t.trx.updateTable('threads').set({ anonymised_at: now, created_by: null }).where('tenant_id', '=', t.tenantId).where('id', 'in', ids).execute();
    report.anonymisedThreads += ids.length;
    if (ids.length < BATCH) break;
  }

  for (;;) {
    const ended = await t.trx
      .selectFrom('threads')
      .innerJoin('accompaniments', (j) => j.onRef('accompaniments.id', '=', 'threads.accompaniment_id').onRef('accompaniments.tenant_id', '=', 'threads.tenant_id'))
      .select('threads.id')
      .where('threads.tenant_id', '=', t.tenantId)
      .where('accompaniments.status', '=', 'ended')
      .where('accompaniments.ended_at', '<', threadCutoff)
      .limit(BATCH)
      .execute();
    const ids = ended.map((r) => r.id);
    if (ids.length === 0) break;
    await files.delete(t, await emptyMessages(t, { threadIds: ids }, now));
    await t.trx.deleteFrom('threads').where('tenant_id', '=', t.tenantId).where('id', 'in', ids).execute();
    report.deletedThreads += ids.length;
    if (ids.length < BATCH) break;
  }

  // Attachments of threads closed more than 4 months ago (the name stays: « pièce jointe expirée »).
  const attachmentCutoff = monthsBefore(now, ATTACHMENT_RETENTION_MONTHS);
  for (;;) {
    const { rows } = await sql<{ id: string; attachment_file_id: string }>`
      select m.id, m.attachment_file_id from messages m
      join threads th on th.id = m.thread_id
      left join applications a on a.id = th.application_id
      left join accompaniments acc on acc.id = th.accompaniment_id
      left join offers o on o.id = th.offer_id
      left join cv_bank_entries cv on cv.user_id = th.young_user_id
      where m.tenant_id = ${t.tenantId} and m.attachment_file_id is not null and (
        (th.kind = 'application' and a.status in ('hired', 'rejected', 'unanswered') and a.status_changed_at < ${attachmentCutoff})
        or (th.kind = 'accompaniment' and acc.status = 'ended' and acc.ended_at < ${attachmentCutoff})
        or (th.kind = 'offer_partnership' and o.status in ('filled', 'expired', 'archived') and greatest(o.updated_at, o.expires_at) < ${attachmentCutoff})
        or (th.kind = 'cv_contact' and cv.consent_at is null and th.last_message_at < ${attachmentCutoff}))
      limit ${BATCH}`.execute(t.trx);
    if (rows.length === 0) break;
    await t.trx.updateTable('messages').set({ attachment_file_id: null }).where('tenant_id', '=', t.tenantId).where('id', 'in', rows.map((r) => r.id)).execute();
    await files.delete(t, rows.map((r) => r.attachment_file_id));
    report.deletedAttachments += rows.length;
    if (rows.length < BATCH) break;
  }
  return report;
}

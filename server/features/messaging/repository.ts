import { sql } from 'kysely';
import type { Insertable } from 'kysely';
import type { ThreadsTable } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';

// Threads, messages, read states and blocks. Who may see a thread is decided by participants.ts;
// these functions only read and write rows of the tenant-bound transaction.

export type ThreadKey = Pick<Insertable<ThreadsTable>, 'kind' | 'accompaniment_id' | 'application_id' | 'offer_id' | 'company_id' | 'young_user_id'>;

export async function findThread(t: TenantDb, id: string) {
  return t.trx.selectFrom('threads').selectAll().where('tenant_id', '=', t.tenantId).where('id', '=', id).executeTakeFirst();
}
export type ThreadRow = NonNullable<Awaited<ReturnType<typeof findThread>>>;

/** The thread of an object, if one was started. */
export async function threadOf(t: TenantDb, key: ThreadKey) {
  let query = t.trx.selectFrom('threads').selectAll().where('tenant_id', '=', t.tenantId).where('kind', '=', key.kind);
  if (key.kind === 'accompaniment') query = query.where('accompaniment_id', '=', key.accompaniment_id!);
  else if (key.kind === 'application') query = query.where('application_id', '=', key.application_id!);
  else if (key.kind === 'offer_partnership') query = query.where('offer_id', '=', key.offer_id!);
  else query = query.where('company_id', '=', key.company_id!).where('young_user_id', '=', key.young_user_id!);
  return query.executeTakeFirst();
}

/** Creates the thread of an object; a concurrent start of the same object gets the one that won. */
export async function insertThread(t: TenantDb, key: ThreadKey, input: { origin: string; createdBy: string; now: Date }): Promise<ThreadRow> {
  const created = await t.trx
    .insertInto('threads')
    .values({ ...key, tenant_id: t.tenantId, origin: input.origin, created_by: input.createdBy, created_at: input.now, last_message_at: input.now })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  return created ?? (await threadOf(t, key))!;
}

/**
 * Threads that may concern a user, newest activity first; participants.ts confirms each one. A young
 * person's threads carry their id, a company's its id; a counsellor's are those of the young people
 * they follow or recommended, the offer partnerships, and threads of minors no counsellor follows.
 */
export async function candidateThreads(t: TenantDb, who: { userId: string; role: string; companyIds: string[]; followedIds: string[]; minorBornAfter: string }, limit: number) {
  let query = t.trx.selectFrom('threads').selectAll('threads').where('threads.tenant_id', '=', t.tenantId);
  if (who.role === 'candidate') query = query.where('threads.young_user_id', '=', who.userId).where('threads.kind', '<>', 'offer_partnership');
  else if (who.role === 'employer') {
    if (who.companyIds.length === 0) return [];
    query = query.where('threads.company_id', 'in', who.companyIds).where('threads.kind', '<>', 'accompaniment');
  } else if (who.role === 'counsellor') {
    query = query.where((eb) =>
      eb.or([
        eb('threads.kind', '=', 'offer_partnership'),
        ...(who.followedIds.length > 0 ? [eb('threads.young_user_id', 'in', who.followedIds)] : []),
        eb.exists(
          eb
            .selectFrom('applications')
            .whereRef('applications.id', '=', 'threads.application_id')
            .where('applications.recommended_by', '=', who.userId)
            .select('applications.id'),
        ),
        eb.and([
          eb('threads.kind', 'in', ['application', 'cv_contact']),
          eb.exists(eb.selectFrom('users').whereRef('users.id', '=', 'threads.young_user_id').where('users.birth_date', '>', who.minorBornAfter).select('users.id')),
          eb.not(
            eb.exists(
              eb
                .selectFrom('accompaniments')
                .whereRef('accompaniments.young_user_id', '=', 'threads.young_user_id')
                .where('accompaniments.status', '=', 'active')
                .select('accompaniments.id'),
            ),
          ),
        ]),
      ]),
    );
  } else return [];
  return query.where('threads.anonymised_at', 'is', null).orderBy('threads.last_message_at', 'desc').limit(limit).execute();
}

/** Per thread: messages by others after the user's last read. */
export async function unreadCounts(t: TenantDb, userId: string, threadIds: string[]): Promise<Map<string, number>> {
  if (threadIds.length === 0) return new Map();
  const { rows } = await sql<{ thread_id: string; n: number }>`
    select m.thread_id, count(*)::int as n from messages m
    left join thread_reads r on r.thread_id = m.thread_id and r.user_id = ${userId}
    where m.tenant_id = ${t.tenantId} and m.thread_id in (${sql.join(threadIds)})
      and m.author_user_id is distinct from ${userId} and m.hidden_at is null
      and (r.last_read_at is null or m.created_at > r.last_read_at)
    group by m.thread_id`.execute(t.trx);
  return new Map(rows.map((r) => [r.thread_id, r.n]));
}

const messageColumns = [
  'messages.id',
  'messages.thread_id',
  'messages.author_user_id',
  'messages.body',
  'messages.offer_id',
  'messages.attachment_file_id',
  'messages.attachment_name',
  'messages.attachment_media_type',
  'messages.attachment_size',
  'messages.created_at',
  'messages.hidden_at',
  'messages.deleted_at',
  'author.display_name as author_name',
  'author.role as author_role',
  'offers.title as offer_title',
  'offers.place_name as offer_place',
  'offers.status as offer_status',
  'offer_company.name as offer_company',
] as const;

function messagesWithAuthors(t: TenantDb) {
  return t.trx
    .selectFrom('messages')
    .leftJoin('users as author', (j) => j.onRef('author.id', '=', 'messages.author_user_id').onRef('author.tenant_id', '=', 'messages.tenant_id'))
    .leftJoin('offers', (j) => j.onRef('offers.id', '=', 'messages.offer_id').onRef('offers.tenant_id', '=', 'messages.tenant_id'))
    .leftJoin('companies as offer_company', (j) => j.onRef('offer_company.id', '=', 'offers.company_id').onRef('offer_company.tenant_id', '=', 'offers.tenant_id'))
    .where('messages.tenant_id', '=', t.tenantId);
}

/** A thread's messages in order, optionally only those after `after` (polling). */
export async function messagesOf(t: TenantDb, threadId: string, after?: Date, limit = 500) {
  let query = messagesWithAuthors(t).where('messages.thread_id', '=', threadId);
  if (after) query = query.where('messages.created_at', '>', after);
  return query.select(messageColumns).orderBy('messages.created_at').orderBy('messages.id').limit(limit).execute();
}
export type MessageRow = Awaited<ReturnType<typeof messagesOf>>[number];

export async function findMessage(t: TenantDb, id: string) {
  return messagesWithAuthors(t).where('messages.id', '=', id).select(messageColumns).executeTakeFirst();
}

export async function insertMessage(
  t: TenantDb,
  input: {
    threadId: string;
    authorId: string;
    body: string | null;
    offerId: string | null;
    attachment?: { fileId: string; name: string; mediaType: string; size: number };
    now: Date;
  },
) {
  const row = await t.trx
    .insertInto('messages')
    .values({
      tenant_id: t.tenantId,
      thread_id: input.threadId,
      author_user_id: input.authorId,
      body: input.body,
      offer_id: input.offerId,
      attachment_file_id: input.attachment?.fileId ?? null,
      attachment_name: input.attachment?.name ?? null,
      attachment_media_type: input.attachment?.mediaType ?? null,
      attachment_size: input.attachment?.size ?? null,
      created_at: input.now,
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
  await t.trx
    .updateTable('threads')
    .set((eb) => ({ last_message_at: sql<Date>`greatest(${eb.ref('last_message_at')}, ${input.now}::timestamptz)` }))
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', input.threadId)
    .execute();
  return row;
}

export async function markRead(t: TenantDb, threadId: string, userId: string, at: Date) {
  await t.trx
    .insertInto('thread_reads')
    .values({ tenant_id: t.tenantId, thread_id: threadId, user_id: userId, last_read_at: at })
    .onConflict((oc) => oc.columns(['thread_id', 'user_id']).doUpdateSet({ last_read_at: sql`greatest(thread_reads.last_read_at, excluded.last_read_at)` }))
    .execute();
}

/** Last read time of each participant of a thread who has read it. */
export async function readsOf(t: TenantDb, threadId: string) {
  return t.trx
    .selectFrom('thread_reads')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'thread_reads.user_id').onRef('users.tenant_id', '=', 'thread_reads.tenant_id'))
    .where('thread_reads.tenant_id', '=', t.tenantId)
    .where('thread_reads.thread_id', '=', threadId)
    .select(['thread_reads.user_id', 'thread_reads.last_read_at', 'users.display_name', 'users.role'])
    .execute();
}

// Blocks

/** Who among `userIds` has blocked `authorId`. */
export async function blockersAmong(t: TenantDb, authorId: string, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await t.trx
    .selectFrom('user_blocks')
    .select('blocker_user_id')
    .where('tenant_id', '=', t.tenantId)
    .where('blocked_user_id', '=', authorId)
    .where('blocker_user_id', 'in', userIds)
    .execute();
  return rows.map((r) => r.blocker_user_id);
}

export async function blockedBy(t: TenantDb, userId: string) {
  return t.trx
    .selectFrom('user_blocks')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'user_blocks.blocked_user_id').onRef('users.tenant_id', '=', 'user_blocks.tenant_id'))
    .where('user_blocks.tenant_id', '=', t.tenantId)
    .where('user_blocks.blocker_user_id', '=', userId)
    .select(['users.id', 'users.display_name', 'user_blocks.created_at'])
    .orderBy('user_blocks.created_at', 'desc')
    .execute();
}

export async function block(t: TenantDb, blockerId: string, blockedId: string) {
  await t.trx.insertInto('user_blocks').values({ tenant_id: t.tenantId, blocker_user_id: blockerId, blocked_user_id: blockedId }).onConflict((oc) => oc.doNothing()).execute();
}

export async function unblock(t: TenantDb, blockerId: string, blockedId: string) {
  await t.trx.deleteFrom('user_blocks').where('tenant_id', '=', t.tenantId).where('blocker_user_id', '=', blockerId).where('blocked_user_id', '=', blockedId).execute();
}

export async function userBrief(t: TenantDb, userId: string) {
  return t.trx.selectFrom('users').select(['id', 'display_name', 'role', 'email', 'birth_date']).where('tenant_id', '=', t.tenantId).where('id', '=', userId).executeTakeFirst();
}

/** Enabled users among these ids, with what notifications need. */
export async function recipients(t: TenantDb, userIds: string[]) {
  if (userIds.length === 0) return [];
  return t.trx
    .selectFrom('users')
    .select(['id', 'display_name', 'email', 'role', 'birth_date'])
    .where('tenant_id', '=', t.tenantId)
    .where('id', 'in', userIds)
    .where('disabled_at', 'is', null)
    .execute();
}

export async function companyName(t: TenantDb, companyId: string) {
  return (await t.trx.selectFrom('companies').select('name').where('tenant_id', '=', t.tenantId).where('id', '=', companyId).executeTakeFirst())?.name;
}

/** A company's offers an employer may write to the équipe emploi about (any status but archived). */
export async function offersOfCompanies(t: TenantDb, companyIds: string[]) {
  if (companyIds.length === 0) return [];
  return t.trx
    .selectFrom('offers')
    .select(['id', 'title', 'status', 'company_id'])
    .where('tenant_id', '=', t.tenantId)
    .where('company_id', 'in', companyIds)
    .where('status', '<>', 'archived')
    .orderBy('updated_at', 'desc')
    .limit(200)
    .execute();
}

export async function offerBrief(t: TenantDb, offerId: string) {
  return t.trx
    .selectFrom('offers')
    .innerJoin('companies', (j) => j.onRef('companies.id', '=', 'offers.company_id').onRef('companies.tenant_id', '=', 'offers.tenant_id'))
    .where('offers.tenant_id', '=', t.tenantId)
    .where('offers.id', '=', offerId)
    .select(['offers.id', 'offers.title', 'offers.status', 'offers.company_id', 'offers.expires_at', 'companies.name as company_name'])
    .executeTakeFirst();
}

// Notification settings (no row: e-mails per thread on, digest off)

export async function notificationSettingsOf(t: TenantDb, userId: string) {
  return t.trx.selectFrom('notification_settings').selectAll().where('tenant_id', '=', t.tenantId).where('user_id', '=', userId).executeTakeFirst();
}

/** Turning the digest on starts its window now: the first digest covers what comes after. */
export async function saveNotificationSettings(t: TenantDb, userId: string, input: { eachThread: boolean; dailyDigest: boolean }, now: Date) {
  await t.trx
    .insertInto('notification_settings')
    .values({ tenant_id: t.tenantId, user_id: userId, each_thread: input.eachThread, daily_digest: input.dailyDigest, last_digest_at: input.dailyDigest ? now : null, updated_at: now })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        each_thread: input.eachThread,
        daily_digest: input.dailyDigest,
        last_digest_at: sql`case when excluded.daily_digest and not notification_settings.daily_digest then excluded.last_digest_at else notification_settings.last_digest_at end`,
        updated_at: now,
      }),
    )
    .execute();
}

import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { UploadedFile } from '../../files/upload.js';
import type { RequestContext } from '../../request-context.js';
import { localDate, MAJORITY_AGE } from '../../youth/age.js';
import type { AuthUser } from '../accounts/service.js';
import { caseload } from '../accompaniment/repository.js';
import { markEmployerAnswered } from '../applications/repository.js';
import { companiesOfUser, listMembers } from '../companies/repository.js';
import { acceptAttachment } from './attachments.js';
import { queueNotifications } from './notifications.js';
import { awaitsParentalConsent, mayStart, participantIds, resolveSubject, sideOf, subjectOfThread, type Side, type Subject, type SubjectRef } from './participants.js';
import * as repo from './repository.js';
import { sensitiveData, type SensitiveKind } from './sensitive-data.js';

/** What the messaging rules need for one request (no mail: notifications go through their job). */
export type MessagingContext = Omit<RequestContext, 'mail'>;

export interface PostInput {
  body?: string;
  /** A live offer of the board shared as a card. */
  offerId?: string | null;
  attachment?: UploadedFile;
  /** The author saw the warning about sensitive data and sends anyway. */
  confirmSensitive?: boolean;
  /** Pages ask before sending what looks like a NIR or an IBAN; the API sends and returns warnings. */
  askBeforeSensitive: boolean;
}

export interface Access {
  thread: repo.ThreadRow;
  subject: Subject;
  side: Side;
}

/** A thread as `user` may see it, or 404 (unknown, another tenant's, or not theirs). */
async function access(t: TenantDb, ctx: MessagingContext, user: AuthUser | null, threadId: string): Promise<Access> {
  const thread = await repo.findThread(t, threadId);
  const subject = thread && !thread.anonymised_at ? await subjectOfThread(t, ctx.tenant, thread, ctx.now) : undefined;
  const side = subject ? await sideOf(t, user, subject) : null;
  if (!thread || !subject || !side) {
    if (thread) ctx.log.warn({ event: 'forbidden', userId: user?.id, threadId }, 'thread refused');
    throw notFound();
  }
  if (awaitsParentalConsent(subject)) throw new AppError('PARENTAL_CONSENT_REQUIRED', 403);
  return { thread, subject, side };
}

/** A thread with its messages as the user sees them; opening it (pages) marks it read. */
export async function readThread(ctx: MessagingContext, user: AuthUser, threadId: string, options: { markRead: boolean; after?: Date }) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const found = await access(t, ctx, user, threadId);
    const messages = await repo.messagesOf(t, threadId, options.after);
    if (options.markRead) await repo.markRead(t, threadId, user.id, ctx.now);
    const reads = await repo.readsOf(t, threadId);
    const blocked = new Set((await repo.blockedBy(t, user.id)).map((b) => b.id));
    const companyMembers = new Set(found.subject.companyId ? (await listMembers(t, found.subject.companyId)).map((m) => m.id) : []);
    const blockers = await repo.blockersAmong(t, user.id, await participantIds(t, found.subject));
    return {
      ...found,
      messages: messages.map((m) => presentMessage(m, user, found, { reads, blocked, companyMembers })),
      canPost: !found.subject.closed && blockers.length === 0,
      blockedByOthers: blockers.length > 0,
    };
  });
}

export interface PresentedMessage {
  id: string;
  mine: boolean;
  authorId: string | null;
  authorName: string | null;
  authorRole: string | null;
  createdAt: Date;
  /** null when hidden by moderation, deleted with the account, or from someone the viewer blocked. */
  body: string | null;
  state: 'visible' | 'hidden' | 'deleted' | 'blocked';
  offer: { id: string; title: string; company: string | null; place: string | null; live: boolean } | null;
  attachment: { name: string; size: number | null; mediaType: string | null; available: boolean } | null;
  /** Accompaniment threads: who else has read it. */
  readBy: string[];
  /** Application and CV-bank threads, for the young person and counsellors: « lu par l'entreprise ». */
  readByCompany: boolean;
}

function presentMessage(
  m: repo.MessageRow,
  viewer: AuthUser,
  found: Access,
  context: { reads: Awaited<ReturnType<typeof repo.readsOf>>; blocked: Set<string>; companyMembers: Set<string> },
): PresentedMessage {
  const state = m.deleted_at ? 'deleted' : m.hidden_at ? 'hidden' : m.author_user_id && context.blocked.has(m.author_user_id) ? 'blocked' : 'visible';
  const visible = state === 'visible';
  const mine = m.author_user_id === viewer.id;
  const readers = context.reads.filter((r) => r.user_id !== m.author_user_id && r.last_read_at >= m.created_at);
  const companyView = found.subject.kind === 'application' || found.subject.kind === 'cv_contact';
  return {
    id: m.id,
    mine,
    authorId: m.author_user_id,
    authorName: m.author_name,
    authorRole: m.author_role,
    createdAt: m.created_at,
    body: visible ? m.body : null,
    state,
    offer:
      visible && m.offer_id && m.offer_title
        ? { id: m.offer_id, title: m.offer_title, company: m.offer_company, place: m.offer_place, live: m.offer_status === 'published' }
        : null,
    attachment: visible && m.attachment_name ? { name: m.attachment_name, size: m.attachment_size, mediaType: m.attachment_media_type, available: m.attachment_file_id !== null } : null,
    readBy: mine && found.subject.kind === 'accompaniment' ? readers.map((r) => r.display_name) : [],
    readByCompany: mine && companyView && found.side !== 'company' ? readers.some((r) => context.companyMembers.has(r.user_id)) : false,
  };
}

/** An existing thread about an object, or whether the user may start one (pages' "open" links). */
export async function openSubject(ctx: MessagingContext, user: AuthUser, ref: SubjectRef) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const subject = await resolveSubject(t, ctx.tenant, ref, ctx.now);
    const side = subject ? await sideOf(t, user, subject) : null;
    if (!subject || !side) throw notFound();
    const thread = await repo.threadOf(t, subject.key);
    if (thread) return { thread, subject, side };
    if (awaitsParentalConsent(subject)) throw new AppError('PARENTAL_CONSENT_REQUIRED', 403);
    if (!(await mayStart(t, ctx.tenant, side, subject, ctx.now))) throw notFound();
    return { thread: undefined, subject, side };
  });
}

interface CheckedContent {
  body: string | null;
  offerId: string | null;
  attachment?: ReturnType<typeof acceptAttachment>;
  warnings: SensitiveKind[];
}

/** Content checks that need no transaction: something to send, the attachment's type, sensitive data. */
function checkContent(input: PostInput): CheckedContent {
  const body = input.body?.trim() || null;
  const attachment = acceptAttachment(input.attachment);
  if (!body && !attachment && !input.offerId) throw new AppError('VALIDATION_FAILED', 400, { body: 'messaging.body.required' });
  const warnings = body ? sensitiveData(body) : [];
  if (warnings.length > 0 && input.askBeforeSensitive && !input.confirmSensitive) {
    throw new AppError('SENSITIVE_DATA', 422, { body: `messaging.sensitive.${warnings.join('-')}` });
  }
  return { body, offerId: input.offerId ?? null, attachment, warnings };
}

/** Writes a message in a thread the caller may write in (same transaction as the checks). */
async function write(t: TenantDb, ctx: MessagingContext, user: AuthUser, found: Access, content: CheckedContent) {
  if (found.subject.closed) throw new AppError('THREAD_CLOSED', 409);
  const participants = await participantIds(t, found.subject);
  if ((await repo.blockersAmong(t, user.id, participants)).length > 0) throw new AppError('BLOCKED', 403);
  if (content.offerId) {
    const offer = await repo.offerBrief(t, content.offerId);
    const live = offer?.status === 'published' && (offer.expires_at === null || offer.expires_at > ctx.now);
    if (!live) throw new AppError('VALIDATION_FAILED', 422, { offre: 'fields.offer.unknown' });
  }
  const file = content.attachment ? await ctx.files.put(t, { mediaType: content.attachment.mediaType, content: content.attachment.data }) : undefined;
  const message = await repo.insertMessage(t, {
    threadId: found.thread.id,
    authorId: user.id,
    body: content.body,
    offerId: content.offerId,
    attachment: file && content.attachment ? { fileId: file.id, name: content.attachment.name, mediaType: content.attachment.mediaType, size: file.size } : undefined,
    now: ctx.now,
  });
  await repo.markRead(t, found.thread.id, user.id, ctx.now);
  await queueNotifications(t, found.thread.id, participants.filter((id) => id !== user.id), ctx.now);
  // A company member writing to a candidate answers the application (reminders and auto-close stop).
  if (found.side === 'company' && found.subject.applicationId) await markEmployerAnswered(t, found.subject.applicationId, ctx.now);
  return message;
}

/** Starts the thread of an object with its first message (who may start: participants.ts). */
export async function startThread(ctx: MessagingContext, user: AuthUser, ref: SubjectRef, input: PostInput) {
  const content = checkContent(input);
  const result = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const subject = await resolveSubject(t, ctx.tenant, ref, ctx.now);
    const side = subject ? await sideOf(t, user, subject) : null;
    if (!subject || !side) throw notFound();
    if (awaitsParentalConsent(subject)) throw new AppError('PARENTAL_CONSENT_REQUIRED', 403);
    const existing = await repo.threadOf(t, subject.key);
    if (!existing && !(await mayStart(t, ctx.tenant, side, subject, ctx.now))) throw notFound();
    const thread = existing ?? (await repo.insertThread(t, subject.key, { origin: ctx.origin, createdBy: user.id, now: ctx.now }));
    const message = await write(t, ctx, user, { thread, subject, side }, content);
    return { thread, message, created: !existing };
  });
  ctx.log.info({ event: 'message', threadId: result.thread.id, kind: ref.kind, created: result.created, by: user.id }, 'message posted');
  return { ...result, warnings: content.warnings };
}

export async function postMessage(ctx: MessagingContext, user: AuthUser, threadId: string, input: PostInput) {
  const content = checkContent(input);
  const message = await withTenant(ctx.db, ctx.tenant.id, async (t) => write(t, ctx, user, await access(t, ctx, user, threadId), content));
  ctx.log.info({ event: 'message', threadId, by: user.id }, 'message posted');
  return { message, warnings: content.warnings };
}

export async function markThreadRead(ctx: MessagingContext, user: AuthUser, threadId: string): Promise<void> {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    await access(t, ctx, user, threadId);
    await repo.markRead(t, threadId, user.id, ctx.now);
  });
}

/** The user's threads, most recent activity first, with unread counts. */
export async function listThreads(ctx: MessagingContext, user: AuthUser, limit = 100) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const companies = user.role === 'employer' ? await companiesOfUser(t, user.id) : [];
    const followed = user.role === 'counsellor' ? (await caseload(t, user.id)).map((row) => row.id) : [];
    const today = localDate(ctx.now, ctx.tenant.config.timezone);
    const minorBornAfter = `${Number(today.slice(0, 4)) - MAJORITY_AGE}${today.slice(4)}`;
    const candidates = await repo.candidateThreads(t, { userId: user.id, role: user.role, companyIds: companies.map((c) => c.id), followedIds: followed, minorBornAfter }, limit);
    const visible: { thread: repo.ThreadRow; subject: Subject; side: Side }[] = [];
    for (const thread of candidates) {
      const subject = await subjectOfThread(t, ctx.tenant, thread, ctx.now);
      const side = subject ? await sideOf(t, user, subject) : null;
      if (subject && side && !awaitsParentalConsent(subject)) visible.push({ thread, subject, side });
    }
    const unread = await repo.unreadCounts(t, user.id, visible.map((v) => v.thread.id));
    return {
      threads: visible.map((v) => ({ ...v, unread: unread.get(v.thread.id) ?? 0 })),
      companyOffers: user.role === 'employer' ? await repo.offersOfCompanies(t, companies.map((c) => c.id)) : [],
    };
  });
}

/** A message's attachment, for the thread's participants only (404 otherwise, or once expired). */
export async function attachment(ctx: MessagingContext, user: AuthUser, messageId: string) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const message = await repo.findMessage(t, messageId);
    if (!message) throw notFound();
    await access(t, ctx, user, message.thread_id);
    if (!message.attachment_file_id || message.hidden_at || message.deleted_at) throw notFound();
    const file = await ctx.files.get(t, message.attachment_file_id);
    if (!file) throw notFound();
    return { content: file.content, mediaType: file.mediaType, name: message.attachment_name ?? 'piece-jointe' };
  });
}

/**
 * A message the user can see (for reporting it): the thread's participants only. The subject tells
 * moderation whether the reporter is a minor.
 */
export async function visibleMessage(ctx: MessagingContext, user: AuthUser, messageId: string) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const message = await repo.findMessage(t, messageId);
    if (!message) throw notFound();
    const found = await access(t, ctx, user, message.thread_id);
    return { message, ...found };
  });
}

/**
 * Blocks another participant of one of the user's threads: they may no longer write in threads the
 * user takes part in, and their messages are hidden from the user. Staff (counsellors, admins)
 * cannot be blocked: a young person's accompaniment must stay possible; they can be reported.
 */
export async function blockUser(ctx: MessagingContext, user: AuthUser, targetId: string, viaThreadId: string): Promise<void> {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const found = await access(t, ctx, user, viaThreadId);
    const target = await repo.userBrief(t, targetId);
    if (!target || target.id === user.id || !(await participantIds(t, found.subject)).includes(target.id)) throw notFound();
    if (target.role === 'counsellor' || target.role === 'admin') throw new AppError('BLOCK_STAFF_REFUSED', 409);
    await repo.block(t, user.id, target.id);
  });
  ctx.log.info({ event: 'user_blocked', by: user.id, target: targetId }, 'user blocked');
}

export async function unblockUser(ctx: MessagingContext, user: AuthUser, targetId: string): Promise<void> {
  await withTenant(ctx.db, ctx.tenant.id, (t) => repo.unblock(t, user.id, targetId));
}

export async function messagingSettings(ctx: MessagingContext, user: AuthUser) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const settings = await repo.notificationSettingsOf(t, user.id);
    return { eachThread: settings?.each_thread ?? true, dailyDigest: settings?.daily_digest ?? false, blocked: await repo.blockedBy(t, user.id) };
  });
}

export async function saveNotificationSettings(ctx: MessagingContext, user: AuthUser, input: { eachThread: boolean; dailyDigest: boolean }): Promise<void> {
  await withTenant(ctx.db, ctx.tenant.id, (t) => repo.saveNotificationSettings(t, user.id, input, ctx.now));
}

/** The company an employer writes for: their own, or the one named when they belong to several. */
export async function companyOfEmployer(ctx: MessagingContext, user: AuthUser, wanted?: string): Promise<string> {
  const companies = await withTenant(ctx.db, ctx.tenant.id, (t) => companiesOfUser(t, user.id));
  const company = wanted ? companies.find((c) => c.id === wanted) : companies[0];
  if (!company) throw new AppError('COMPANY_REQUIRED', 403);
  return company.id;
}

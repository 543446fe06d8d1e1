import type { ReportReason } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { RequestContext } from '../../request-context.js';
import type { AuthUser } from '../accounts/service.js';
import { protectionOf } from '../accompaniment/protection.js';
import { recordAdminAction } from '../admin/audit.js';
import { visibleMessage } from '../messaging/service.js';
import { listMembers } from '../companies/repository.js';
import { changeOfferStatus } from '../offers/manage-service.js';
import * as repo from './repository.js';

/**
 * Moderation: « Signaler » on every message and offer, with a reason from a fixed list. A message
 * reported by a minor, or by two people, is hidden until a tenant admin decides. The admin queue
 * hides or restores, warns the author (e-mail) or suspends their account; every decision is in the
 * admin audit log, in the same transaction as its effect.
 */

export type ModerationContext = RequestContext;

/** Distinct reporters after which a message is hidden pending review. */
export const HIDE_AFTER_REPORTS = 2;

export async function reportMessage(ctx: ModerationContext, user: AuthUser, messageId: string, input: { reason: ReportReason; details: string | null }) {
  // Only someone who can see the message may report it (404 otherwise, like the thread).
  const { message } = await visibleMessage(ctx, user, messageId);
  if (message.author_user_id === user.id) throw new AppError('REPORT_OWN_MESSAGE', 409);
  const hidden = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const reporterIsMinor = (await protectionOf(t, ctx.tenant, user.id, ctx.now)).minor;
    await repo.insertReport(t, { messageId, reporterId: user.id, reporterIsMinor, reason: input.reason, details: input.details, now: ctx.now });
    const open = await repo.openMessageReports(t, messageId);
    const hide = open.by_minor || Number(open.reporters) >= HIDE_AFTER_REPORTS;
    if (hide) await repo.hideMessage(t, messageId, ctx.now, null);
    return hide;
  });
  ctx.log.info({ event: 'message_reported', messageId, by: user.id, reason: input.reason, hidden }, 'message reported');
  return { hidden, threadId: message.thread_id };
}

/** Any visitor may report a public offer (an account is not needed to see a fraud). */
export async function reportOffer(ctx: ModerationContext, user: AuthUser | null, offerId: string, input: { reason: ReportReason; details: string | null }) {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const offer = await repo.reportedOffer(t, offerId);
    if (!offer || offer.status !== 'published') throw notFound();
    const reporterIsMinor = user ? (await protectionOf(t, ctx.tenant, user.id, ctx.now)).minor : false;
    await repo.insertReport(t, { offerId, reporterId: user?.id ?? null, reporterIsMinor, reason: input.reason, details: input.details, now: ctx.now });
  });
  ctx.log.info({ event: 'offer_reported', offerId, by: user?.id ?? null, reason: input.reason }, 'offer reported');
}

export async function reportableOffer(ctx: ModerationContext, offerId: string) {
  const offer = await withTenant(ctx.db, ctx.tenant.id, (t) => repo.reportedOffer(t, offerId));
  if (!offer || offer.status !== 'published') throw notFound();
  return offer;
}

// The admin queue

export async function moderationQueue(ctx: ModerationContext) {
  return withTenant(ctx.db, ctx.tenant.id, (t) => repo.queue(t));
}

export async function reportedMessageCase(ctx: ModerationContext, messageId: string) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const message = await repo.reportedMessage(t, messageId);
    if (!message) throw notFound();
    return { message, reports: await repo.reportsOf(t, { messageId }) };
  });
}

export async function reportedOfferCase(ctx: ModerationContext, offerId: string) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const offer = await repo.reportedOffer(t, offerId);
    if (!offer) throw notFound();
    return { offer, reports: await repo.reportsOf(t, { offerId }) };
  });
}

export const MODERATION_ACTIONS = ['hide', 'restore', 'warn', 'suspend'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/**
 * The admin's decision on a reported message: hide it, restore it (the reports were unfounded),
 * warn its author by e-mail (the message stays hidden), or suspend the author's account (hidden,
 * account disabled, sessions revoked). Closes the open reports; one audit line per effect.
 */
export async function decideOnMessage(ctx: ModerationContext, admin: AuthUser, messageId: string, action: ModerationAction): Promise<void> {
  const warned = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const message = await repo.reportedMessage(t, messageId);
    if (!message) throw notFound();
    const audit = { thread_kind: message.thread_kind, author: message.author_email ?? null };
    if (action === 'restore') {
      await repo.unhideMessage(t, messageId);
      await repo.resolve(t, { messageId }, 'dismissed', admin.id, ctx.now);
      await recordAdminAction(t, admin, 'message.restore', { type: 'message', id: messageId }, audit);
      return undefined;
    }
    await repo.hideMessage(t, messageId, ctx.now, admin.id);
    await repo.resolve(t, { messageId }, action === 'hide' ? 'hidden' : action === 'warn' ? 'warned' : 'suspended', admin.id, ctx.now);
    await recordAdminAction(t, admin, 'message.hide', { type: 'message', id: messageId }, audit);
    if (!message.author_user_id) return undefined;
    if (action === 'suspend') {
      if (message.author_role === 'admin') throw new AppError('SUSPEND_ADMIN_REFUSED', 409);
      await repo.suspendUsers(t, [message.author_user_id], ctx.now);
      await recordAdminAction(t, admin, 'user.suspend', { type: 'user', id: message.author_user_id }, { reason: 'message', message: messageId });
      return undefined;
    }
    if (action === 'warn') {
      await recordAdminAction(t, admin, 'user.warn', { type: 'user', id: message.author_user_id }, { reason: 'message', message: messageId });
      return [{ email: message.author_email!, display_name: message.author_name ?? '' }];
    }
    return undefined;
  });
  for (const person of warned ?? []) warn(ctx, person);
}

/**
 * The admin's decision on a reported offer: hide it (withdrawn to draft through the offer
 * lifecycle), restore (reports unfounded), warn the company's members, or suspend them (a
 * fraudulent company: every member account disabled, the offer withdrawn).
 */
export async function decideOnOffer(ctx: ModerationContext, admin: AuthUser, offerId: string, action: ModerationAction): Promise<void> {
  const offer = await withTenant(ctx.db, ctx.tenant.id, (t) => repo.reportedOffer(t, offerId));
  if (!offer) throw notFound();
  const live = offer.status === 'published' || offer.status === 'pending_review';
  // The lifecycle step is its own transaction (and writes its own audit line, offer.withdraw).
  if (action !== 'restore' && live) await changeOfferStatus(ctx, admin, offerId, 'withdraw');
  const warned = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const decision = action === 'restore' ? 'dismissed' : action === 'hide' ? 'hidden' : action === 'warn' ? 'warned' : 'suspended';
    await repo.resolve(t, { offerId }, decision, admin.id, ctx.now);
    await recordAdminAction(t, admin, `offer.report_${decision}`, { type: 'offer', id: offerId }, { company: offer.company_name });
    const members = await listMembers(t, offer.company_id);
    if (action === 'suspend') {
      await repo.suspendUsers(t, members.map((m) => m.id), ctx.now);
      for (const member of members) await recordAdminAction(t, admin, 'user.suspend', { type: 'user', id: member.id }, { reason: 'offer', offer: offerId });
    }
    return action === 'warn' ? members : [];
  });
  for (const person of warned) warn(ctx, person);
}

function warn(ctx: ModerationContext, person: { email: string; display_name: string }) {
  ctx.mail.send(
    ctx.mail.notice({
      tenant: ctx.tenant,
      origin: ctx.origin,
      to: person.email,
      kind: 'moderation-warning',
      displayName: person.display_name,
      link: `${ctx.origin}/messages`,
    }),
  );
}

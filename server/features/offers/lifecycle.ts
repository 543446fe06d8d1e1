import type { OfferStatus } from '../../db/database.js';
import { AppError } from '../../errors.js';

/**
 * The offer state machine as data: service and tests read the same table.
 *
 *   draft ──submit──▶ pending_review ──approve──▶ published ──expire──▶ expired
 *     ▲ (no moderation: submit publishes)  │reject/withdraw    │fill/withdraw/renew  │renew/fill
 *     └────────────────────────────────────┘                  ▼                      ▼
 *                                     filled / archived (archive from any non-archived state)
 */
export const OFFER_ACTIONS = ['submit', 'approve', 'reject', 'withdraw', 'renew', 'fill', 'archive', 'expire'] as const;
export type OfferAction = (typeof OFFER_ACTIONS)[number];

/** Who asks: a member of the owning company, the tenant's admin, or the expiry job. */
export type OfferActor = 'owner' | 'admin' | 'system';

interface Transition {
  from: readonly OfferStatus[];
  /** 'review-or-publish' resolves with the tenant's moderation setting. */
  to: OfferStatus | 'review-or-publish';
  by: readonly OfferActor[];
  /** The result is public: the company must be allowed to publish (membership rule). */
  publishes: boolean;
}

export const TRANSITIONS: Record<OfferAction, Transition> = {
  submit: { from: ['draft'], to: 'review-or-publish', by: ['owner', 'admin'], publishes: true },
  approve: { from: ['pending_review'], to: 'published', by: ['admin'], publishes: true },
  reject: { from: ['pending_review'], to: 'draft', by: ['admin'], publishes: false },
  withdraw: { from: ['pending_review', 'published'], to: 'draft', by: ['owner', 'admin'], publishes: false },
  renew: { from: ['published', 'expired'], to: 'published', by: ['owner', 'admin'], publishes: true },
  fill: { from: ['published', 'expired'], to: 'filled', by: ['owner', 'admin'], publishes: false },
  archive: { from: ['draft', 'pending_review', 'published', 'expired', 'filled'], to: 'archived', by: ['owner', 'admin'], publishes: false },
  expire: { from: ['published'], to: 'expired', by: ['system'], publishes: false },
};

/** States in which the owner may still change the text and conditions of the offer. */
export const EDITABLE_STATUSES: readonly OfferStatus[] = ['draft', 'pending_review', 'published'];

export interface TransitionContext {
  actor: OfferActor;
  /** tenant.json offers.moderation */
  moderation: boolean;
  /** Result of the single canPublish(company) rule, asked only when the action publishes. */
  canPublish: () => Promise<boolean>;
}

/**
 * The status an action leads to from `current`, or a domain error: 403 when this actor may not do it,
 * 409 when the offer's state does not allow it, 402 when publishing needs a membership.
 */
export async function nextStatus(action: OfferAction, current: OfferStatus, context: TransitionContext): Promise<OfferStatus> {
  const transition = TRANSITIONS[action];
  if (!transition.by.includes(context.actor)) throw new AppError('OFFER_ACTION_FORBIDDEN', 403);
  if (!transition.from.includes(current)) {
    throw new AppError('OFFER_TRANSITION_REFUSED', 409, { status: `${current} → ${action}` });
  }
  // An admin approving on a moderated tenant, or an owner submitting without moderation, publishes.
  const to = transition.to === 'review-or-publish' ? (context.moderation && context.actor !== 'admin' ? 'pending_review' : 'published') : transition.to;
  if (to === 'published' && transition.publishes && !(await context.canPublish())) {
    throw new AppError('MEMBERSHIP_REQUIRED', 402);
  }
  return to;
}

/**
 * The API's `publish` in terms of the table above: an admin approves a pending offer (`approve`), and a
 * draft is submitted (`submit`) only where that makes it public at once. An owner on a moderated
 * tenant cannot skip the review: 403 OFFER_REVIEW_REQUIRED (submit instead).
 */
export async function nextStatusOnPublish(current: OfferStatus, context: TransitionContext): Promise<{ action: OfferAction; status: OfferStatus }> {
  if (current !== 'draft') return { action: 'approve', status: await nextStatus('approve', current, context) };
  if (context.actor === 'owner' && context.moderation) throw new AppError('OFFER_REVIEW_REQUIRED', 403);
  return { action: 'submit', status: await nextStatus('submit', current, context) };
}

export function assertEditable(current: OfferStatus): void {
  if (!EDITABLE_STATUSES.includes(current)) throw new AppError('OFFER_NOT_EDITABLE', 409, { status: current });
}

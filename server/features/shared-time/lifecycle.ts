import type { NeedStatus } from '../../db/database.js';
import { AppError } from '../../errors.js';

/**
 * A need's life as data, read by the service and the tests alike:
 *
 *   draft ──validate──▶ validated ──(offer drafted from a combination)──▶ combined ──(offer filled)──▶ staffed
 *     ▲  ◀──unvalidate──┘    │   ◀──────────(combination released)─────────┘
 *     └──reopen── withdrawn ◀┘ withdraw (from draft or validated)
 *
 * The steps in brackets are the system's: drafting an offer, releasing a combination, and the trigger
 * of migration 0012 when the offer is filled. A member who edits a validated need sends it back to
 * draft (GE staff validate it again); GE staff may edit it in place.
 */
export const NEED_ACTIONS = ['validate', 'unvalidate', 'withdraw', 'reopen'] as const;
export type NeedAction = (typeof NEED_ACTIONS)[number];
export type NeedActor = 'member' | 'staff';

export const NEED_TRANSITIONS: Record<NeedAction, { from: readonly NeedStatus[]; to: NeedStatus; by: readonly NeedActor[] }> = {
  validate: { from: ['draft'], to: 'validated', by: ['staff'] },
  unvalidate: { from: ['validated'], to: 'draft', by: ['staff'] },
  withdraw: { from: ['draft', 'validated'], to: 'withdrawn', by: ['member', 'staff'] },
  reopen: { from: ['withdrawn'], to: 'draft', by: ['member', 'staff'] },
};

export const EDITABLE_NEED_STATUSES: readonly NeedStatus[] = ['draft', 'validated'];

export function nextNeedStatus(action: NeedAction, current: NeedStatus, actor: NeedActor): NeedStatus {
  const transition = NEED_TRANSITIONS[action];
  if (!transition.by.includes(actor)) throw new AppError('FORBIDDEN', 403);
  if (!transition.from.includes(current)) throw new AppError('NEED_TRANSITION_REFUSED', 409);
  return transition.to;
}

/** Who may take which action on a combination, from which status. */
export const PROPOSAL_TRANSITIONS = {
  pin: { from: ['proposed'], to: 'pinned' },
  unpin: { from: ['pinned'], to: 'proposed' },
  reject: { from: ['proposed', 'pinned'], to: 'rejected' },
  restore: { from: ['rejected'], to: 'proposed' },
} as const;
export type ProposalAction = keyof typeof PROPOSAL_TRANSITIONS;

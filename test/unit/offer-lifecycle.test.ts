import { describe, expect, it } from 'vitest';
import { OFFER_STATUSES, type OfferStatus } from '../../server/db/database.js';
import { assertEditable, nextStatus, OFFER_ACTIONS, TRANSITIONS, type OfferActor } from '../../server/features/offers/lifecycle.js';

const allowed = { canPublish: async () => true };
const ACTORS: OfferActor[] = ['owner', 'admin', 'system'];

describe('offer lifecycle', () => {
  it('walks the moderated path: draft → pending_review → published → expired → published (renew) → filled → archived', async () => {
    const owner = { actor: 'owner' as const, moderation: true, ...allowed };
    const admin = { actor: 'admin' as const, moderation: true, ...allowed };
    let status: OfferStatus = 'draft';
    status = await nextStatus('submit', status, owner);
    expect(status).toBe('pending_review');
    status = await nextStatus('approve', status, admin);
    expect(status).toBe('published');
    status = await nextStatus('expire', status, { ...owner, actor: 'system' });
    expect(status).toBe('expired');
    status = await nextStatus('renew', status, owner);
    expect(status).toBe('published');
    status = await nextStatus('fill', status, owner);
    expect(status).toBe('filled');
    expect(await nextStatus('archive', status, owner)).toBe('archived');
  });

  it('publishes on submit when the tenant does not moderate, or when its admin submits', async () => {
    expect(await nextStatus('submit', 'draft', { actor: 'owner', moderation: false, ...allowed })).toBe('published');
    expect(await nextStatus('submit', 'draft', { actor: 'admin', moderation: true, ...allowed })).toBe('published');
  });

  it('sends a rejected offer back to draft', async () => {
    expect(await nextStatus('reject', 'pending_review', { actor: 'admin', moderation: true, ...allowed })).toBe('draft');
  });

  it('refuses every transition the table does not list, with 409 and the states involved', async () => {
    let refused = 0;
    for (const action of OFFER_ACTIONS) {
      const transition = TRANSITIONS[action];
      const actor = transition.by[0];
      for (const status of OFFER_STATUSES) {
        const attempt = nextStatus(action, status, { actor, moderation: true, ...allowed });
        if (transition.from.includes(status)) {
          await expect(attempt).resolves.toBeDefined();
        } else {
          refused++;
          await expect(attempt).rejects.toMatchObject({ code: 'OFFER_TRANSITION_REFUSED', statusCode: 409, fields: { status: `${status} → ${action}` } });
        }
      }
    }
    expect(refused).toBeGreaterThan(25);
  });

  it('refuses actions to actors the table does not list, with 403', async () => {
    for (const action of OFFER_ACTIONS) {
      for (const actor of ACTORS.filter((a) => !TRANSITIONS[action].by.includes(a))) {
        await expect(nextStatus(action, TRANSITIONS[action].from[0], { actor, moderation: true, ...allowed }), `${actor} ${action}`).rejects.toMatchObject({
          code: 'OFFER_ACTION_FORBIDDEN',
          statusCode: 403,
        });
      }
    }
  });

  it('asks the membership rule only when the result is public, and refuses with 402', async () => {
    let asked = 0;
    const refuse = async () => {
      asked++;
      return false;
    };
    await expect(nextStatus('submit', 'draft', { actor: 'owner', moderation: false, canPublish: refuse })).rejects.toMatchObject({ code: 'MEMBERSHIP_REQUIRED', statusCode: 402 });
    await expect(nextStatus('renew', 'expired', { actor: 'owner', moderation: true, canPublish: refuse })).rejects.toMatchObject({ code: 'MEMBERSHIP_REQUIRED' });
    expect(asked).toBe(2);
    expect(await nextStatus('submit', 'draft', { actor: 'owner', moderation: true, canPublish: refuse })).toBe('pending_review');
    expect(await nextStatus('fill', 'published', { actor: 'owner', moderation: true, canPublish: refuse })).toBe('filled');
    expect(asked).toBe(2);
  });

  it('lets the text change only before the offer is closed', () => {
    for (const status of ['draft', 'pending_review', 'published'] as const) expect(() => assertEditable(status)).not.toThrow();
    for (const status of ['expired', 'filled', 'archived'] as const) expect(() => assertEditable(status)).toThrow(expect.objectContaining({ code: 'OFFER_NOT_EDITABLE', statusCode: 409 }));
  });
});

import { describe, expect, it } from 'vitest';
import { nextStatusOnPublish } from '../../server/features/offers/lifecycle.js';

const allowed = { canPublish: async () => true };

describe('the API’s publish, in terms of the transition table', () => {
  it('approves a pending offer for the admin, and publishes a draft the admin submits', async () => {
    expect(await nextStatusOnPublish('pending_review', { actor: 'admin', moderation: true, ...allowed })).toEqual({ action: 'approve', status: 'published' });
    expect(await nextStatusOnPublish('draft', { actor: 'admin', moderation: true, ...allowed })).toEqual({ action: 'submit', status: 'published' });
  });

  it('lets an owner publish a draft only where the tenant does not moderate', async () => {
    expect(await nextStatusOnPublish('draft', { actor: 'owner', moderation: false, ...allowed })).toEqual({ action: 'submit', status: 'published' });
    await expect(nextStatusOnPublish('draft', { actor: 'owner', moderation: true, ...allowed })).rejects.toMatchObject({ code: 'OFFER_REVIEW_REQUIRED', statusCode: 403 });
    await expect(nextStatusOnPublish('pending_review', { actor: 'owner', moderation: true, ...allowed })).rejects.toMatchObject({ code: 'OFFER_ACTION_FORBIDDEN', statusCode: 403 });
  });

  it('refuses other states (409) and asks the membership rule', async () => {
    await expect(nextStatusOnPublish('published', { actor: 'admin', moderation: true, ...allowed })).rejects.toMatchObject({ code: 'OFFER_TRANSITION_REFUSED', statusCode: 409 });
    await expect(nextStatusOnPublish('pending_review', { actor: 'admin', moderation: true, canPublish: async () => false })).rejects.toMatchObject({ code: 'MEMBERSHIP_REQUIRED' });
  });
});

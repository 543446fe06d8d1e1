import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfferStatus } from '../../../server/db/database.js';
import { expireDueOffers } from '../../../server/features/offers/manage-service.js';
import { defineOfferJobs, EXPIRE_OFFERS } from '../../../server/jobs/offer-expiry.js';
import { Worker } from '../../../server/jobs/worker.js';
import { createTestApp, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { apiClient, apiToken, offerBody, type Api } from '../../helpers/company-space.js';

const DAY = 86_400_000;
const STATUSES: OfferStatus[] = ['draft', 'pending_review', 'published', 'expired', 'filled', 'archived'];

/**
 * What each API action answers from each status, on montagne (moderated), written out by hand (the
 * unit test checks the transition table itself; this checks the API goes through it).
 * A status → the resulting status, or the HTTP error.
 */
const EXPECTED: { name: string; as: 'owner' | 'admin'; method: 'POST' | 'DELETE'; path: string; results: Record<OfferStatus, OfferStatus | 403 | 409 | 'gone'> }[] = [
  { name: 'submit', as: 'owner', method: 'POST', path: 'submit', results: { draft: 'pending_review', pending_review: 409, published: 409, expired: 409, filled: 409, archived: 409 } },
  { name: 'submit by the admin', as: 'admin', method: 'POST', path: 'submit', results: { draft: 'published', pending_review: 409, published: 409, expired: 409, filled: 409, archived: 409 } },
  { name: 'publish by the owner', as: 'owner', method: 'POST', path: 'publish', results: { draft: 403, pending_review: 403, published: 403, expired: 403, filled: 403, archived: 403 } },
  { name: 'publish by the admin', as: 'admin', method: 'POST', path: 'publish', results: { draft: 'published', pending_review: 'published', published: 409, expired: 409, filled: 409, archived: 409 } },
  { name: 'reject by the admin', as: 'admin', method: 'POST', path: 'reject', results: { draft: 409, pending_review: 'draft', published: 409, expired: 409, filled: 409, archived: 409 } },
  { name: 'reject by the owner', as: 'owner', method: 'POST', path: 'reject', results: { draft: 403, pending_review: 403, published: 403, expired: 403, filled: 403, archived: 403 } },
  { name: 'withdraw', as: 'owner', method: 'POST', path: 'withdraw', results: { draft: 409, pending_review: 'draft', published: 'draft', expired: 409, filled: 409, archived: 409 } },
  { name: 'renew', as: 'owner', method: 'POST', path: 'renew', results: { draft: 409, pending_review: 409, published: 'published', expired: 'published', filled: 409, archived: 409 } },
  { name: 'close (filled)', as: 'owner', method: 'POST', path: 'close', results: { draft: 409, pending_review: 409, published: 'filled', expired: 'filled', filled: 409, archived: 409 } },
  { name: 'DELETE (archive)', as: 'owner', method: 'DELETE', path: '', results: { draft: 'archived', pending_review: 'archived', published: 'archived', expired: 'archived', filled: 'archived', archived: 409 } },
];

describe('offer lifecycle through the API, and the expiry job', () => {
  let t: TestApp;
  let owner: Api;
  let admin: Api;
  let offerId: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = apiClient(t.app, MONTAGNE, await apiToken(t.app, MONTAGNE, 'employeur@montagne.demo'));
    admin = apiClient(t.app, MONTAGNE, await apiToken(t.app, MONTAGNE, 'admin@montagne.demo'));
    offerId = (await owner('POST', '/api/v1/offers', offerBody())).json().id;
  });
  afterAll(async () => t?.close());

  /** Puts the offer in a status directly (published_at set: it was public once, so DELETE archives). */
  async function setStatus(status: OfferStatus) {
    const now = Date.now();
    await t.db.admin
      .updateTable('offers')
      .set({
        status,
        published_at: new Date(now - 10 * DAY),
        expires_at: status === 'expired' ? new Date(now - DAY) : new Date(now + 10 * DAY),
      })
      .where('id', '=', offerId)
      .execute();
  }
  const row = () => t.db.admin.selectFrom('offers').select(['status', 'expires_at', 'updated_at']).where('id', '=', offerId).executeTakeFirstOrThrow();

  for (const { name, as, method, path, results } of EXPECTED) {
    it(`${name}: allowed and refused from each status`, async () => {
      const client = as === 'owner' ? owner : admin;
      for (const from of STATUSES) {
        await setStatus(from);
        const before = await row();
        const url = `/api/v1/offers/${offerId}${path ? `/${path}` : ''}`;
        const response = await client(method, url, path === 'reject' ? { reason: 'Intitulé trompeur' } : undefined);
        const expected = results[from];
        if (typeof expected === 'number') {
          expect(response.statusCode, `${name} from ${from}: ${response.body}`).toBe(expected);
          expect(response.json().error.code).toEqual(expected === 409 ? 'OFFER_TRANSITION_REFUSED' : expect.stringMatching(/^OFFER_(ACTION_FORBIDDEN|REVIEW_REQUIRED)$/));
          // Nothing changed.
          expect(await row(), `${name} from ${from}`).toEqual(before);
        } else {
          expect(response.statusCode, `${name} from ${from}: ${response.body}`).toBe(method === 'DELETE' ? 204 : 200);
          expect((await row()).status, `${name} from ${from}`).toBe(expected);
        }
      }
    });
  }

  it('renewing an expired offer republishes it for a full lifetime from now', async () => {
    await setStatus('expired');
    const before = Date.now();
    const renewed = (await owner('POST', `/api/v1/offers/${offerId}/renew`)).json();
    expect(renewed.status).toBe('published');
    expect(Date.parse(renewed.expires_at)).toBeGreaterThanOrEqual(before + 60 * DAY - 1000);
    expect(Date.parse(renewed.expires_at)).toBeLessThanOrEqual(Date.now() + 60 * DAY);
  });

  it('refuses to edit a closed offer (409 OFFER_NOT_EDITABLE) and changes nothing', async () => {
    await setStatus('filled');
    const before = await row();
    const response = await owner('PATCH', `/api/v1/offers/${offerId}`, { title: 'Titre modifié' });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({ code: 'OFFER_NOT_EDITABLE', message: 'Une offre expirée, pourvue ou archivée ne peut plus être modifiée' });
    expect(await row()).toEqual(before);
  });

  describe('expiry', () => {
    async function publishedOffer(expiresInMs: number): Promise<string> {
      const id = (await owner('POST', '/api/v1/offers', offerBody())).json().id as string;
      await t.db.admin
        .updateTable('offers')
        .set({ status: 'published', published_at: new Date(Date.now() - 30 * DAY), expires_at: new Date(Date.now() + expiresInMs) })
        .where('id', '=', id)
        .execute();
      return id;
    }
    const statusOf = async (id: string) => (await t.db.admin.selectFrom('offers').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

    it('expires published offers past their expires_at, leaves the others, and is idempotent', async () => {
      const due = await publishedOffer(-60_000);
      const live = await publishedOffer(DAY);
      const report = await expireDueOffers(t.app.db, t.app.tenants);
      expect(report.montagne).toBeGreaterThanOrEqual(1);
      expect(await statusOf(due)).toBe('expired');
      expect(await statusOf(live)).toBe('published');
      const stale = await t.db.admin.selectFrom('offers').select('id').where('status', '=', 'published').where('expires_at', '<=', new Date()).execute();
      expect(stale).toEqual([]);
      expect(await expireDueOffers(t.app.db, t.app.tenants)).toEqual({ montagne: 0, dijon: 0, 'ge-occitanie': 0 });
      // The page of an expired offer says it is gone.
      expect((await t.app.inject({ url: `/offres/${due}`, headers: { host: MONTAGNE } })).statusCode).toBe(410);
    });

    it('runs as a scheduled worker job, and catches up after a restart (state-based)', async () => {
      const silent = { info() {}, warn() {}, error() {} };
      const first = await publishedOffer(-1000);
      const worker = new Worker(t.app.db, { pollIntervalMs: 50, log: silent });
      defineOfferJobs(worker, t.app.db, t.app.tenants, 60_000);
      await worker.start();
      await worker.stop();
      // start() registered the schedule and its first pass ran the due job.
      const schedule = await t.db.admin.selectFrom('job_schedules').selectAll().where('name', '=', EXPIRE_OFFERS).executeTakeFirstOrThrow();
      expect(schedule.every_ms).toBe(60_000);
      await expect.poll(() => statusOf(first)).toBe('expired');

      // While "down", another offer passes its expiry; a new worker (a restart) expires it on its next run.
      const missed = await publishedOffer(-1000);
      await t.db.admin.updateTable('job_schedules').set({ next_run_at: new Date(Date.now() - 1000) }).where('name', '=', EXPIRE_OFFERS).execute();
      const restarted = new Worker(t.app.db, { pollIntervalMs: 50, log: silent });
      defineOfferJobs(restarted, t.app.db, t.app.tenants, 60_000);
      expect(await restarted.tick()).toBe(1);
      expect(await statusOf(missed)).toBe('expired');
      expect(await t.db.admin.selectFrom('jobs').selectAll().where('name', '=', EXPIRE_OFFERS).execute()).toEqual([]);
    });
  });
});

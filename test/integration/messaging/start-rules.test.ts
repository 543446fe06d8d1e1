import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import { createAccount, createCompany } from '../../helpers/company-space.js';
import { bearerClient, createMessagingTestApp, DIJON, MONTAGNE, signedIn, type BearerClient } from '../../helpers/messaging.js';
import { youthWorld, type YouthWorld } from '../../helpers/youth.js';

/**
 * Who may write first (no cold messaging): a young person to their counsellor at any time, to a
 * company only inside one of their applications; a company only to someone who applied, was
 * recommended or is in the CV bank; counsellors join the applications of young people they follow
 * once consent is recorded; the équipe emploi and a company about the company's offers.
 */
describe('who may start a thread', () => {
  let t: TestApp;
  let w: YouthWorld;
  let young: BearerClient;
  let otherYoung: BearerClient;
  let referent: BearerClient;
  let colleague: BearerClient;
  let employer: BearerClient;
  let otherEmployer: BearerClient;

  beforeAll(async () => {
    t = await createMessagingTestApp();
    w = await youthWorld(t, 'debut');
    [young, otherYoung, referent, colleague, employer, otherEmployer] = await Promise.all(
      [w.young, w.otherYoung, w.referent, w.colleague, w.employer, w.otherEmployer].map((p) => bearerClient(t.app, DIJON, p.email)),
    );
  });
  afterAll(async () => t?.close());

  const start = (client: BearerClient, body: Record<string, unknown>) => client.json('POST', '/api/v1/threads', { body: 'Bonjour', ...body });

  it('a young person writes to their counsellor at any time; one without a counsellor cannot', async () => {
    const started = await start(young, { kind: 'accompaniment' });
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json().thread).toMatchObject({ kind: 'accompaniment', my_side: 'young' });
    // The same object, the same thread: a second "start" writes in it.
    const again = await start(young, { kind: 'accompaniment', body: 'Encore moi' });
    expect(again.statusCode).toBe(200);
    expect(again.json().thread.id).toBe(started.json().thread.id);
    expect((await start(otherYoung, { kind: 'accompaniment' })).statusCode).toBe(404);
  });

  it('the referent writes to a young person they follow, a colleague who does not follow them cannot', async () => {
    const other = await youthWorld(t, 'debut2');
    const otherReferent = await bearerClient(t.app, DIJON, other.referent.email);
    expect((await start(otherReferent, { kind: 'accompaniment', young_user_id: other.young.id })).statusCode).toBe(201);
    expect((await start(colleague, { kind: 'accompaniment', young_user_id: other.young.id })).statusCode).toBe(404);
    expect((await start(referent, { kind: 'accompaniment', young_user_id: other.young.id })).statusCode).toBe(404);
  });

  it('a young person writes to a company only inside their own application', async () => {
    expect((await start(young, { kind: 'application', application_id: w.applicationId })).statusCode).toBe(201);
    expect((await start(otherYoung, { kind: 'application', application_id: w.applicationId })).statusCode).toBe(404);
    // No thread kind lets a young person write to a company otherwise.
    expect((await start(young, { kind: 'offer_partnership', offer_id: w.offer.id })).statusCode).toBe(404);
    expect((await start(young, { kind: 'cv_contact', young_user_id: w.young.id })).statusCode).toBe(404);
  });

  it('a company writes first only to someone who applied, was recommended, or is in the CV bank', async () => {
    // Applied: the application's thread (already started above, the company answers in it).
    expect((await start(employer, { kind: 'application', application_id: w.applicationId })).statusCode).toBe(200);
    // Another company cannot use this application.
    expect((await start(otherEmployer, { kind: 'application', application_id: w.applicationId })).statusCode).toBe(404);
    // Not in the CV bank: no contact.
    expect((await start(employer, { kind: 'cv_contact', young_user_id: w.otherYoung.id })).statusCode).toBe(404);
    // A CV validated but without the young person's consent: still no contact.
    const profile = await t.db.admin.selectFrom('candidate_profiles').select('cv_file_id').where('user_id', '=', w.young.id).executeTakeFirstOrThrow();
    await t.db.admin.insertInto('cv_bank_entries').values({ tenant_id: 'dijon', user_id: w.young.id, validated_file_id: profile.cv_file_id!, validated_by: w.referent.id }).execute();
    expect((await start(employer, { kind: 'cv_contact', young_user_id: w.young.id })).statusCode).toBe(404);
    await t.db.admin.updateTable('cv_bank_entries').set({ consent_at: new Date() }).where('user_id', '=', w.young.id).execute();
    const contact = await start(employer, { kind: 'cv_contact', young_user_id: w.young.id });
    expect(contact.statusCode, contact.body).toBe(201);
    // Counsellors do not open CV-bank contacts (they follow the young person and read it).
    expect((await start(referent, { kind: 'cv_contact', young_user_id: w.young.id })).statusCode).toBe(404);
    const read = await referent.json('GET', `/api/v1/threads/${contact.json().thread.id}`);
    expect(read.statusCode).toBe(200);
    // Once the young person withdraws, no new company may write first.
    await t.db.admin.updateTable('cv_bank_entries').set({ consent_at: null }).where('user_id', '=', w.young.id).execute();
    const another = await bearerClient(t.app, DIJON, w.otherEmployer.email);
    expect((await start(another, { kind: 'cv_contact', young_user_id: w.young.id })).statusCode).toBe(404);
  });

  it('counsellors join the applications of the young people they follow (consent recorded), not the others', async () => {
    const thread = (await start(young, { kind: 'application', application_id: w.applicationId })).json().thread.id;
    expect((await referent.json('GET', `/api/v1/threads/${thread}`)).statusCode).toBe(200);
    expect((await colleague.json('GET', `/api/v1/threads/${thread}`)).statusCode).toBe(404);
    // A delegated colleague joins too; a request without consent (not active) gives nobody access.
    const accompaniment = await t.db.admin.selectFrom('accompaniments').select('id').where('young_user_id', '=', w.young.id).executeTakeFirstOrThrow();
    await t.db.admin.insertInto('accompaniment_delegates').values({ tenant_id: 'dijon', accompaniment_id: accompaniment.id, counsellor_user_id: w.colleague.id }).execute();
    expect((await colleague.json('GET', `/api/v1/threads/${thread}`)).statusCode).toBe(200);
    await t.db.admin.updateTable('accompaniments').set({ status: 'requested', referent_user_id: null, consent_at: null, consent_channel: null, started_at: null }).where('id', '=', accompaniment.id).execute();
    expect((await referent.json('GET', `/api/v1/threads/${thread}`)).statusCode).toBe(404);
    expect((await colleague.json('GET', `/api/v1/threads/${thread}`)).statusCode).toBe(404);
    await t.db.admin
      .updateTable('accompaniments')
      .set({ status: 'active', referent_user_id: w.referent.id, consent_at: new Date(), consent_channel: 'interview', started_at: new Date() })
      .where('id', '=', accompaniment.id)
      .execute();
    expect((await referent.json('GET', `/api/v1/threads/${thread}`)).statusCode).toBe(200);
  });

  it('the équipe emploi and the company write about the company’s offers only', async () => {
    const byCounsellor = await start(colleague, { kind: 'offer_partnership', offer_id: w.offer.id });
    expect(byCounsellor.statusCode).toBe(201);
    expect((await start(employer, { kind: 'offer_partnership', offer_id: w.offer.id })).statusCode).toBe(200);
    expect((await start(otherEmployer, { kind: 'offer_partnership', offer_id: w.offer.id })).statusCode).toBe(404);
  });

  it('forged ids of another tenant or company get 404, never a thread', async () => {
    const montagneCompany = await createCompany(t, 'montagne', 'Remontées forgées');
    await createAccount(t, 'montagne', { email: 'employeur.forge@exemple.fr', role: 'employer', companyId: montagneCompany });
    const foreign = await bearerClient(t.app, MONTAGNE, 'employeur.forge@exemple.fr');
    for (const body of [
      { kind: 'application', application_id: w.applicationId },
      { kind: 'offer_partnership', offer_id: w.offer.id },
      { kind: 'cv_contact', young_user_id: w.young.id },
    ]) {
      const response = await start(foreign, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(404);
    }
    // The pages of the objects say the same.
    const page = await signedIn(t.app, MONTAGNE, 'employeur.forge@exemple.fr');
    expect((await page.get(`/messages/candidature/${w.applicationId}`)).statusCode).toBe(404);
    expect((await page.get(`/messages/offre/${w.offer.id}`)).statusCode).toBe(404);
  });

  it('messaging off (montagne as shipped) answers 404 on every page and API route', async () => {
    const shipped = await import('../../helpers/app.js').then((m) => m.createTestApp());
    try {
      await createAccount(shipped, 'montagne', { email: 'candidat.off@exemple.fr', role: 'candidate' });
      const client = await bearerClient(shipped.app, MONTAGNE, 'candidat.off@exemple.fr');
      for (const url of ['/api/v1/threads', '/api/v1/me/notification-settings']) expect((await client.json('GET', url)).statusCode, url).toBe(404);
      expect((await client.json('POST', '/api/v1/threads', { kind: 'accompaniment', body: 'x' })).statusCode).toBe(404);
      const page = await signedIn(shipped.app, MONTAGNE, 'candidat.off@exemple.fr');
      for (const url of ['/messages', '/compte/accompagnement', '/conseiller', '/compte/cvtheque', '/admin/signalements', `/offres/${w.offer.id}/signaler`]) {
        expect((await page.get(url)).statusCode, url).toBe(404);
      }
      const home = await page.get('/compte');
      expect(home.body).not.toContain('href="/messages"');
    } finally {
      await shipped.close();
    }
  });
});

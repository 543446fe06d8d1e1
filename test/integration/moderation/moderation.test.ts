import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, type TestApp } from '../../helpers/app.js';
import { csrfOf, decodeHtml, FormClient, lastMailTo } from '../../helpers/accounts.js';
import { bearerClient, signedIn, type BearerClient } from '../../helpers/messaging.js';
import { birthDateForAge, youthWorld, type YouthWorld } from '../../helpers/youth.js';

/**
 * « Signaler » on messages and offers: reasons from a fixed list; a message reported by a minor, or
 * by two people, is hidden until a tenant admin decides; the admin queue hides, restores, warns or
 * suspends, every decision in the audit log; users can block someone.
 */
describe('moderation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  async function offerPartnershipThread(w: YouthWorld, text: string) {
    const employer = await bearerClient(t.app, DIJON, w.employer.email);
    const started = await employer.json('POST', '/api/v1/threads', { kind: 'offer_partnership', offer_id: w.offer.id, body: text });
    expect(started.statusCode).toBe(201);
    return { threadId: started.json().thread.id as string, messageId: started.json().message.id as string, employer };
  }

  const messageState = (messageId: string) => t.db.admin.selectFrom('messages').select(['hidden_at', 'hidden_by']).where('id', '=', messageId).executeTakeFirstOrThrow();

  it('one adult report leaves the message visible; a second person hides it; the same person twice counts once', async () => {
    const w = await youthWorld(t, 'deux');
    const { threadId, messageId } = await offerPartnershipThread(w, 'Envoyez 50 € pour les frais de dossier');
    const referent = await bearerClient(t.app, DIJON, w.referent.email);
    const colleague = await bearerClient(t.app, DIJON, w.colleague.email);
    const first = await referent.json('POST', `/api/v1/messages/${messageId}/reports`, { reason: 'money_request' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ hidden: false });
    expect((await referent.json('POST', `/api/v1/messages/${messageId}/reports`, { reason: 'money_request' })).json()).toEqual({ hidden: false });
    expect((await messageState(messageId)).hidden_at).toBeNull();
    const second = await colleague.json('POST', `/api/v1/messages/${messageId}/reports`, { reason: 'fraudulent_offer', details: 'Arnaque classique' });
    expect(second.json()).toEqual({ hidden: true });
    expect(await messageState(messageId)).toMatchObject({ hidden_by: null });
    // Hidden for everyone in the thread, its author included.
    const read = await referent.json('GET', `/api/v1/threads/${threadId}`);
    const message = read.json().messages.find((m: { id: string }) => m.id === messageId);
    expect(message).toMatchObject({ state: 'hidden', body: null });
    const page = await (await signedIn(t.app, DIJON, w.employer.email)).get(`/messages/${threadId}`);
    expect(decodeHtml(page.body)).not.toContain('Envoyez 50 €');
    expect(decodeHtml(page.body)).toContain('Message masqué par la modération.');
    // A bad reason is refused with a clear error; one's own message cannot be reported.
    const bad = await referent.json('POST', `/api/v1/messages/${messageId}/reports`, { reason: 'spam' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    const own = await (await bearerClient(t.app, DIJON, w.employer.email)).json('POST', `/api/v1/messages/${messageId}/reports`, { reason: 'harassment' });
    expect(own.statusCode).toBe(409);
  });

  it('a message reported by a minor is hidden at once (report page without JavaScript)', async () => {
    const w = await youthWorld(t, 'mineur', { youngBirthDate: birthDateForAge(16) });
    const employer = await bearerClient(t.app, DIJON, w.employer.email);
    const started = await employer.json('POST', '/api/v1/threads', { kind: 'application', application_id: w.applicationId, body: 'Message déplacé envers une mineure' });
    const messageId = started.json().message.id;
    const young = await signedIn(t.app, DIJON, w.young.email);
    const form = await young.get(`/messages/signaler/${messageId}`);
    expect(form.statusCode).toBe(200);
    expect(decodeHtml(form.body)).toContain('Harcèlement');
    const missing = await young.post(`/messages/signaler/${messageId}`, { _csrf: csrfOf(form.body) });
    expect(missing.statusCode).toBe(400);
    expect(decodeHtml(missing.body)).toContain('Choisissez un motif.');
    const reported = await young.post(`/messages/signaler/${messageId}`, { _csrf: csrfOf(form.body), reason: 'harassment', details: 'Il insiste.' });
    expect(reported.statusCode).toBe(200);
    expect(decodeHtml(reported.body)).toContain('masqué jusqu’à la décision');
    expect((await messageState(messageId)).hidden_at).not.toBeNull();
    const report = await t.db.admin.selectFrom('abuse_reports').select(['reason', 'reporter_is_minor', 'details']).where('message_id', '=', messageId).executeTakeFirstOrThrow();
    expect(report).toEqual({ reason: 'harassment', reporter_is_minor: true, details: 'Il insiste.' });
  });

  describe('the admin queue', () => {
    let w: YouthWorld;
    let admin: FormClient;
    let messageId: string;
    let threadId: string;
    let referent: BearerClient;

    beforeAll(async () => {
      w = await youthWorld(t, 'file');
      ({ threadId, messageId } = await offerPartnershipThread(w, 'Propos discriminatoire'));
      referent = await bearerClient(t.app, DIJON, w.referent.email);
      await referent.json('POST', `/api/v1/messages/${messageId}/reports`, { reason: 'discrimination' });
      admin = await signedIn(t.app, DIJON, w.admin.email);
    });

    it('lists reported messages and offers with reasons and counts; only the admin reaches it', async () => {
      const queue = decodeHtml((await admin.get('/admin/signalements')).body);
      expect(queue).toContain('Discrimination');
      expect(queue).toContain(`/admin/signalements/messages/${messageId}`);
      for (const email of [w.referent.email, w.employer.email, w.young.email]) {
        expect((await (await signedIn(t.app, DIJON, email)).get('/admin/signalements')).statusCode, email).toBe(403);
      }
      const detail = decodeHtml((await admin.get(`/admin/signalements/messages/${messageId}`)).body);
      expect(detail).toContain('Propos discriminatoire');
      expect(detail).toContain(w.employer.email);
    });

    it('hides, restores, warns and suspends, each in the audit log', async () => {
      const page = await admin.get(`/admin/signalements/messages/${messageId}`);
      const csrf = csrfOf(page.body);
      expect((await admin.post(`/admin/signalements/messages/${messageId}/hide`, { _csrf: csrf })).statusCode).toBe(303);
      expect(await messageState(messageId)).toMatchObject({ hidden_by: expect.any(String) });
      expect((await admin.post(`/admin/signalements/messages/${messageId}/restore`, { _csrf: csrf })).statusCode).toBe(303);
      expect((await messageState(messageId)).hidden_at).toBeNull();
      const reports = await t.db.admin.selectFrom('abuse_reports').select(['decision', 'resolved_at']).where('message_id', '=', messageId).execute();
      expect(reports.every((r) => r.resolved_at !== null)).toBe(true);
      expect(decodeHtml((await admin.get('/admin/signalements')).body)).not.toContain(`/admin/signalements/messages/${messageId}`);

      // Reported again: the admin warns the author (hidden, e-mailed).
      await (await bearerClient(t.app, DIJON, w.colleague.email)).json('POST', `/api/v1/messages/${messageId}/reports`, { reason: 'discrimination' });
      expect((await admin.post(`/admin/signalements/messages/${messageId}/warn`, { _csrf: csrf })).statusCode).toBe(303);
      expect((await lastMailTo(t.app, DIJON, w.employer.email)).subject).toContain('Avertissement');
      expect((await messageState(messageId)).hidden_at).not.toBeNull();

      // Then suspends: the author's account is disabled and their token refused at once.
      const author = await bearerClient(t.app, DIJON, w.employer.email);
      expect((await author.json('GET', `/api/v1/threads/${threadId}`)).statusCode).toBe(200);
      expect((await admin.post(`/admin/signalements/messages/${messageId}/suspend`, { _csrf: csrf })).statusCode).toBe(303);
      expect((await author.json('GET', `/api/v1/threads/${threadId}`)).statusCode).toBe(401);
      const user = await t.db.admin.selectFrom('users').select('disabled_at').where('id', '=', w.employer.id).executeTakeFirstOrThrow();
      expect(user.disabled_at).not.toBeNull();

      const audit = await t.db.admin.selectFrom('admin_audit_log').select(['action', 'target_type', 'target_id']).where('actor_email', '=', w.admin.email).orderBy('created_at').execute();
      expect(audit.map((a) => a.action)).toEqual(['message.hide', 'message.restore', 'message.hide', 'user.warn', 'message.hide', 'user.suspend']);
      expect(audit.find((a) => a.action === 'user.suspend')).toMatchObject({ target_type: 'user', target_id: w.employer.id });
      const journal = decodeHtml((await admin.get('/admin/journal')).body);
      expect(journal).toContain('Compte suspendu');
      expect(journal).toContain('Message rétabli');
    });
  });

  describe('reporting an offer (public page linked from the offer)', () => {
    it('any visitor reports a live offer with a reason; the admin withdraws it from the queue', async () => {
      const w = await youthWorld(t, 'offre');
      const visitor = new FormClient(t.app, DIJON);
      const form = await visitor.get(`/offres/${w.offer.id}/signaler`);
      expect(form.statusCode).toBe(200);
      expect(decodeHtml(form.body)).toContain(w.offer.title);
      const empty = await visitor.post(`/offres/${w.offer.id}/signaler`, { _csrf: csrfOf(form.body), details: 'Trop beau pour être vrai' });
      expect(empty.statusCode).toBe(400);
      expect(empty.body).toContain('Trop beau pour être vrai');
      const sent = await visitor.post(`/offres/${w.offer.id}/signaler`, { _csrf: csrfOf(form.body), reason: 'fraudulent_offer', details: 'Demande un virement' });
      expect(sent.statusCode).toBe(200);
      // Without a CSRF token nothing is recorded.
      expect((await visitor.post(`/offres/${w.offer.id}/signaler`, { reason: 'fraudulent_offer' })).statusCode).toBe(403);
      expect(await t.db.admin.selectFrom('abuse_reports').select('reason').where('offer_id', '=', w.offer.id).execute()).toEqual([{ reason: 'fraudulent_offer' }]);
      // An unknown or unpublished offer: 404.
      expect((await visitor.get('/offres/00000000-0000-4000-8000-000000000000/signaler')).statusCode).toBe(404);

      const admin = await signedIn(t.app, DIJON, w.admin.email);
      expect(decodeHtml((await admin.get('/admin/signalements')).body)).toContain(`/admin/signalements/offres/${w.offer.id}`);
      const detail = await admin.get(`/admin/signalements/offres/${w.offer.id}`);
      expect(decodeHtml(detail.body)).toContain('Demande un virement');
      expect((await admin.post(`/admin/signalements/offres/${w.offer.id}/hide`, { _csrf: csrfOf(detail.body) })).statusCode).toBe(303);
      const offer = await t.db.admin.selectFrom('offers').select('status').where('id', '=', w.offer.id).executeTakeFirstOrThrow();
      expect(offer.status).toBe('draft');
      expect((await visitor.get(`/offres/${w.offer.id}`)).statusCode).not.toBe(200);
      const audit = await t.db.admin.selectFrom('admin_audit_log').select('action').where('target_id', '=', w.offer.id).orderBy('created_at').execute();
      expect(audit.map((a) => a.action)).toEqual(['offer.withdraw', 'offer.report_hidden']);
    });

    it('through the API too, with or without a token', async () => {
      const w = await youthWorld(t, 'offreapi');
      const anonymous = await t.app.inject({ method: 'POST', url: `/api/v1/offers/${w.offer.id}/reports`, headers: { host: DIJON }, payload: { reason: 'discrimination' } });
      expect(anonymous.statusCode).toBe(201);
      const young = await bearerClient(t.app, DIJON, w.young.email);
      expect((await young.json('POST', `/api/v1/offers/${w.offer.id}/reports`, { reason: 'discrimination' })).statusCode).toBe(201);
      expect((await t.db.admin.selectFrom('abuse_reports').select('id').where('offer_id', '=', w.offer.id).execute()).length).toBe(2);
    });
  });

  describe('blocking', () => {
    it('a blocked person can no longer write where the blocker is, and their messages are hidden from the blocker; counsellors cannot be blocked', async () => {
      const w = await youthWorld(t, 'bloque');
      const employer = await bearerClient(t.app, DIJON, w.employer.email);
      const started = await employer.json('POST', '/api/v1/threads', { kind: 'application', application_id: w.applicationId, body: 'Message insistant' });
      const threadId = started.json().thread.id;
      const young = await bearerClient(t.app, DIJON, w.young.email);
      expect((await young.json('PUT', `/api/v1/blocks/${w.referent.id}`, { thread_id: threadId })).statusCode).toBe(409);
      expect((await young.json('PUT', `/api/v1/blocks/${w.otherYoung.id}`, { thread_id: threadId })).statusCode).toBe(404);
      expect((await young.json('PUT', `/api/v1/blocks/${w.employer.id}`, { thread_id: threadId })).statusCode).toBe(204);
      const refused = await employer.json('POST', `/api/v1/threads/${threadId}/messages`, { body: 'Encore moi' });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('BLOCKED');
      const seen = await young.json('GET', `/api/v1/threads/${threadId}`);
      expect(seen.json().messages[0]).toMatchObject({ state: 'blocked', body: null });
      // The counsellor still reads it.
      const counsellor = await bearerClient(t.app, DIJON, w.referent.email);
      expect((await counsellor.json('GET', `/api/v1/threads/${threadId}`)).json().messages[0].body).toBe('Message insistant');
      // Unblocking from the settings page.
      const page = await signedIn(t.app, DIJON, w.young.email);
      const settings = await page.get('/messages/reglages');
      expect(decodeHtml(settings.body)).toContain(w.employer.name);
      expect((await page.post(`/messages/bloques/${w.employer.id}/debloquer`, { _csrf: csrfOf(settings.body) })).statusCode).toBe(303);
      expect((await employer.json('POST', `/api/v1/threads/${threadId}/messages`, { body: 'Pardon' })).statusCode).toBe(201);
    });
  });
});

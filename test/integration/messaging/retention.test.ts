import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention } from '../../../server/features/privacy/service.js';
import { createTestApp, DIJON, type TestApp } from '../../helpers/app.js';
import { csrfOf, decodeHtml } from '../../helpers/accounts.js';
import { ATTACHMENT, bearerClient, signedIn } from '../../helpers/messaging.js';
import { youthWorld } from '../../helpers/youth.js';

/**
 * Retention and GDPR of the messaging, in the existing retention job (privacy.apply-retention), on an
 * injected clock: threads with companies anonymised 2 years after their last activity; accompaniment
 * threads deleted 2 years after the accompaniment ended; attachments deleted 4 months after their
 * thread closed; the export carries the user's messages; a deleted account leaves « message supprimé ».
 */
describe('messaging retention', () => {
  let t: TestApp;
  const DAY = 86_400_000;
  const retention = (now: Date) => applyRetention(t.app.db, t.app.tenants, t.app.files, now);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('anonymises an application thread 2 years after its last message, not before', async () => {
    const w = await youthWorld(t, 'anonyme');
    const employer = await bearerClient(t.app, DIJON, w.employer.email);
    const thread = (await employer.json('POST', '/api/v1/threads', { kind: 'application', application_id: w.applicationId, body: 'Rendez-vous lundi 9 h' })).json().thread.id;
    const file = (await employer.upload(`/api/v1/threads/${thread}/messages`, { body: 'Le plan d’accès' }, ATTACHMENT)).json().message.id;
    const last = (await t.db.admin.selectFrom('threads').select('last_message_at').where('id', '=', thread).executeTakeFirstOrThrow()).last_message_at;
    const fileId = (await t.db.admin.selectFrom('messages').select('attachment_file_id').where('id', '=', file).executeTakeFirstOrThrow()).attachment_file_id!;

    const almost = await retention(new Date(last.getTime() + 729 * DAY));
    expect(almost.dijon.anonymisedThreads).toBe(0);
    const report = await retention(new Date(last.getTime() + 732 * DAY));
    expect(report.dijon.anonymisedThreads).toBeGreaterThanOrEqual(1);
    const messages = await t.db.admin.selectFrom('messages').select(['body', 'author_user_id', 'attachment_file_id', 'deleted_at']).where('thread_id', '=', thread).execute();
    expect(messages.length).toBe(2);
    for (const m of messages) expect(m).toMatchObject({ body: null, author_user_id: null, attachment_file_id: null, deleted_at: expect.any(Date) });
    expect(await t.db.admin.selectFrom('stored_files').select('id').where('id', '=', fileId).execute()).toEqual([]);
    expect((await t.db.admin.selectFrom('threads').select('anonymised_at').where('id', '=', thread).executeTakeFirstOrThrow()).anonymised_at).not.toBeNull();
    // Nobody reads an anonymised thread any more.
    expect((await employer.json('GET', `/api/v1/threads/${thread}`)).statusCode).toBe(404);
  });

  it('deletes an accompaniment thread 2 years after the accompaniment ended', async () => {
    const w = await youthWorld(t, 'accomp');
    const young = await bearerClient(t.app, DIJON, w.young.email);
    const thread = (await young.json('POST', '/api/v1/threads', { kind: 'accompaniment', body: 'Bonjour' })).json().thread.id;
    const endedAt = new Date(Date.UTC(2026, 0, 10));
    await t.db.admin.updateTable('accompaniments').set({ status: 'ended', ended_at: endedAt }).where('young_user_id', '=', w.young.id).execute();
    await retention(new Date(endedAt.getTime() + 700 * DAY));
    expect(await t.db.admin.selectFrom('threads').select('id').where('id', '=', thread).execute()).toHaveLength(1);
    const report = await retention(new Date(endedAt.getTime() + 735 * DAY));
    expect(report.dijon.deletedThreads).toBeGreaterThanOrEqual(1);
    expect(await t.db.admin.selectFrom('threads').select('id').where('id', '=', thread).execute()).toEqual([]);
    expect(await t.db.admin.selectFrom('messages').select('id').where('thread_id', '=', thread).execute()).toEqual([]);
  });

  it('deletes attachments 4 months after the thread closed, and keeps the messages', async () => {
    const w = await youthWorld(t, 'pieces');
    const employer = await bearerClient(t.app, DIJON, w.employer.email);
    const thread = (await employer.json('POST', '/api/v1/threads', { kind: 'application', application_id: w.applicationId, body: 'Voici le contrat' })).json().thread.id;
    const message = (await employer.upload(`/api/v1/threads/${thread}/messages`, { body: 'Contrat' }, ATTACHMENT)).json().message.id;
    const decidedAt = new Date(Date.UTC(2026, 1, 1));
    await t.db.admin.updateTable('applications').set({ status: 'hired', status_changed_at: decidedAt, hired_at: decidedAt }).where('id', '=', w.applicationId).execute();
    await retention(new Date(decidedAt.getTime() + 100 * DAY));
    expect((await t.db.admin.selectFrom('messages').select('attachment_file_id').where('id', '=', message).executeTakeFirstOrThrow()).attachment_file_id).not.toBeNull();
    const report = await retention(new Date(decidedAt.getTime() + 125 * DAY));
    expect(report.dijon.deletedAttachments).toBeGreaterThanOrEqual(1);
    const row = await t.db.admin.selectFrom('messages').select(['attachment_file_id', 'attachment_name', 'body']).where('id', '=', message).executeTakeFirstOrThrow();
    expect(row).toEqual({ attachment_file_id: null, attachment_name: 'attestation.pdf', body: 'Contrat' });
    // The thread is still there (closed, read-only) and says the file is gone.
    const page = decodeHtml((await (await signedIn(t.app, DIJON, w.employer.email)).get(`/messages/${thread}`)).body);
    expect(page).toContain('pièce jointe supprimée après la clôture');
    expect(page).toContain('close');
  });

  it('the data export carries the user’s messages', async () => {
    const w = await youthWorld(t, 'export');
    const young = await bearerClient(t.app, DIJON, w.young.email);
    await young.json('POST', '/api/v1/threads', { kind: 'accompaniment', body: 'Mon message à exporter' });
    const exported = await (await signedIn(t.app, DIJON, w.young.email)).get('/compte/mes-donnees.json');
    const data = JSON.parse(exported.body);
    expect(data.messages).toEqual([expect.objectContaining({ body: 'Mon message à exporter', thread: expect.objectContaining({ kind: 'accompaniment' }) })]);
  });

  it('deleting an account leaves « message supprimé » in the others’ threads', async () => {
    const w = await youthWorld(t, 'supprime');
    const young = await bearerClient(t.app, DIJON, w.young.email);
    const thread = (await young.json('POST', '/api/v1/threads', { kind: 'application', application_id: w.applicationId, body: 'Je suis très intéressée' })).json().thread.id;
    const employer = await bearerClient(t.app, DIJON, w.employer.email);
    await employer.json('POST', `/api/v1/threads/${thread}/messages`, { body: 'Merci, à bientôt' });
    const page = await signedIn(t.app, DIJON, w.young.email);
    const form = await page.get('/compte/supprimer');
    expect((await page.post('/compte/supprimer', { _csrf: csrfOf(form.body), confirmation: 'oui' })).statusCode).toBe(200);

    const seen = await employer.json('GET', `/api/v1/threads/${thread}`);
    expect(seen.statusCode).toBe(200);
    const [mine, theirs] = seen.json().messages;
    expect(mine).toMatchObject({ state: 'deleted', body: null, author: null });
    expect(theirs).toMatchObject({ state: 'visible', body: 'Merci, à bientôt' });
    expect(JSON.stringify(seen.json())).not.toContain('très intéressée');
    // The company can read it, no longer write: the candidate is gone.
    expect((await employer.json('POST', `/api/v1/threads/${thread}/messages`, { body: 'Allô ?' })).statusCode).toBe(409);
    const html = decodeHtml((await (await signedIn(t.app, DIJON, w.employer.email)).get(`/messages/${thread}`)).body);
    expect(html).toContain('Message supprimé.');
  });

  it('a refused application, anonymised after 3 months, takes the candidate’s messages along', async () => {
    const w = await youthWorld(t, 'refus');
    const young = await bearerClient(t.app, DIJON, w.young.email);
    const thread = (await young.json('POST', '/api/v1/threads', { kind: 'application', application_id: w.applicationId, body: 'Ma disponibilité : tout de suite' })).json().thread.id;
    const refusedAt = new Date(Date.UTC(2026, 2, 1));
    await t.db.admin.updateTable('applications').set({ status: 'rejected', status_changed_at: refusedAt }).where('id', '=', w.applicationId).execute();
    await retention(new Date(refusedAt.getTime() + 95 * DAY));
    const messages = await t.db.admin.selectFrom('messages').select(['body', 'deleted_at']).where('thread_id', '=', thread).execute();
    expect(messages).toEqual([{ body: null, deleted_at: expect.any(Date) }]);
  });
});

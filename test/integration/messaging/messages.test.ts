import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, type TestApp } from '../../helpers/app.js';
import { csrfOf, decodeHtml, FormClient } from '../../helpers/accounts.js';
import { bearerClient, signedIn, type BearerClient } from '../../helpers/messaging.js';
import { multipart, PDF } from '../../helpers/multipart-form.js';
import { youthWorld, type YouthWorld } from '../../helpers/youth.js';

/**
 * Messages themselves: plain text with links, attachments checked by content, offers shared as cards,
 * read states (per participant in accompaniment threads, « lu par l'entreprise » in application
 * threads), the warning before sending a NIR or an IBAN, new messages without a reload, the API
 * documented in OpenAPI.
 */
describe('messages', () => {
  let t: TestApp;
  let w: YouthWorld;
  let employer: BearerClient;
  let young: BearerClient;
  let threadId: string;

  beforeAll(async () => {
    t = await createTestApp();
    w = await youthWorld(t, 'messages');
    employer = await bearerClient(t.app, DIJON, w.employer.email);
    young = await bearerClient(t.app, DIJON, w.young.email);
    threadId = (await employer.json('POST', '/api/v1/threads', { kind: 'application', application_id: w.applicationId, body: 'Bonjour !' })).json().thread.id;
  });
  afterAll(async () => t?.close());

  /** POST the thread page's composer (multipart) with the page's CSRF token. */
  async function compose(client: FormClient, fields: Record<string, string>, file?: { filename: string; data: Buffer; type?: string }) {
    const page = await client.get(`/messages/${threadId}`);
    const parts = [{ name: '_csrf', value: csrfOf(page.body) }, ...Object.entries(fields).map(([name, value]) => ({ name, value })), ...(file ? [{ name: 'piece', file }] : [])];
    const { body, contentType } = multipart(parts);
    const cookie = [...client.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
    return t.app.inject({ method: 'POST', url: `/messages/${threadId}`, headers: { host: DIJON, cookie, 'content-type': contentType }, payload: body, remoteAddress: client.ip });
  }

  it('shows plain text with clickable links, and nothing else of HTML', async () => {
    await young.json('POST', `/api/v1/threads/${threadId}/messages`, { body: 'Mon portfolio : https://exemple.fr/moi. <script>alert(1)</script> <b>gras</b>' });
    const page = (await (await signedIn(t.app, DIJON, w.employer.email)).get(`/messages/${threadId}`)).body;
    expect(page).toContain('<a href="https://exemple.fr/moi" rel="nofollow noopener ugc">https://exemple.fr/moi</a>.');
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;');
    expect(page).not.toContain('<b>gras</b>');
  });

  it('accepts PDF, PNG, JPEG and WebP of at most 5 MB, by content, and refuses the rest with the reason by the field', async () => {
    const page = await signedIn(t.app, DIJON, w.young.email);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);
    expect((await compose(page, { body: 'Ma photo' }, { filename: 'photo.png', data: png, type: 'image/png' })).statusCode).toBe(303);
    const fake = await compose(page, { body: 'Texte gardé' }, { filename: 'cv.pdf', data: Buffer.from('<html><script>x</script></html>'), type: 'application/pdf' });
    expect(fake.statusCode).toBe(400);
    expect(decodeHtml(fake.body)).toContain('Seuls les PDF et les images PNG, JPEG ou WebP');
    expect(fake.body).toContain('Texte gardé');
    const svg = await compose(page, {}, { filename: 'logo.svg', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), type: 'image/svg+xml' });
    expect(svg.statusCode).toBe(400);
    const big = await compose(page, { body: 'Gros fichier' }, { filename: 'gros.pdf', data: Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]) });
    expect(big.statusCode).toBe(413);
    expect(decodeHtml(big.body)).toContain('Le fichier dépasse 5 Mo.');
    const path = await compose(page, { body: 'x' }, { filename: '../../etc/passwd.pdf', data: PDF });
    expect(path.statusCode).toBe(400);
    // Through the API: the same checks.
    const apiRefused = await young.upload(`/api/v1/threads/${threadId}/messages`, { body: 'x' }, { filename: 'a.exe', data: Buffer.from('MZ\x90\x00'), type: 'application/pdf' });
    expect(apiRefused.statusCode).toBe(400);
    expect(apiRefused.json().error).toMatchObject({ code: 'ATTACHMENT_REFUSED', fields: { piece: expect.stringContaining('PDF') } });
    const stored = await t.db.admin.selectFrom('messages').select(['attachment_name', 'attachment_media_type']).where('thread_id', '=', threadId).where('attachment_name', 'is not', null).execute();
    expect(stored).toEqual([{ attachment_name: 'photo.png', attachment_media_type: 'image/png' }]);
    // Served only as a download, never rendered.
    const message = await t.db.admin.selectFrom('messages').select('id').where('attachment_name', '=', 'photo.png').executeTakeFirstOrThrow();
    const download = await (await signedIn(t.app, DIJON, w.employer.email)).get(`/messages/pieces/${message.id}`);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="photo.png"/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
  });

  it('shares a live offer as a card; an unknown one is refused', async () => {
    const shared = await young.json('POST', `/api/v1/threads/${threadId}/messages`, { shared_offer_id: w.offer.id });
    expect(shared.statusCode).toBe(201);
    expect(shared.json().message.offer).toMatchObject({ id: w.offer.id, title: w.offer.title, live: true });
    const unknown = await young.json('POST', `/api/v1/threads/${threadId}/messages`, { shared_offer_id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.statusCode).toBe(422);
    const page = await signedIn(t.app, DIJON, w.young.email);
    const byLink = await compose(page, { body: 'Et celle-ci ?', offre: `http://dijon.localhost/offres/${w.offer.id}` });
    expect(byLink.statusCode).toBe(303);
    expect(decodeHtml((await page.get(`/messages/${threadId}`)).body)).toContain(`<a href="/offres/${w.offer.id}">${w.offer.title}</a>`);
  });

  it('warns before sending what looks like a social-security number or an IBAN, and sends once confirmed', async () => {
    const page = await signedIn(t.app, DIJON, w.young.email);
    const text = 'Mon numéro de sécu : 1 85 05 78 006 084 91';
    const warned = await compose(page, { body: text });
    expect(warned.statusCode).toBe(422);
    expect(decodeHtml(warned.body)).toContain('semble contenir un numéro de sécurité sociale');
    expect(warned.body).toContain('name="confirmer"');
    expect(decodeHtml(warned.body)).toContain(text);
    const count = async () => (await t.db.admin.selectFrom('messages').select('id').where('body', '=', text).execute()).length;
    expect(await count()).toBe(0);
    expect((await compose(page, { body: text, confirmer: 'oui' })).statusCode).toBe(303);
    expect(await count()).toBe(1);
    // A phone number is not a NIR; an IBAN with a wrong checksum is not an IBAN.
    expect((await compose(page, { body: 'Appelez-moi au 06 12 34 56 78, réf. FR76 3000 6000 0112 3456 7890 188' })).statusCode).toBe(303);
    // The API sends and says why an app should have warned.
    const api = await young.json('POST', `/api/v1/threads/${threadId}/messages`, { body: 'IBAN FR76 3000 6000 0112 3456 7890 189' });
    expect(api.statusCode).toBe(201);
    expect(api.json().warnings).toEqual(['iban']);
  });

  it('read states: « lu par l’entreprise » in application threads, who read it in accompaniment threads', async () => {
    const sent = await young.json('POST', `/api/v1/threads/${threadId}/messages`, { body: 'Avez-vous lu ?' });
    const id = sent.json().message.id;
    const mine = async () => (await young.json('GET', `/api/v1/threads/${threadId}`)).json().messages.find((m: { id: string }) => m.id === id);
    expect((await mine()).read_by_company).toBe(false);
    // The referent reading does not count as the company.
    await (await bearerClient(t.app, DIJON, w.referent.email)).json('POST', `/api/v1/threads/${threadId}/read`);
    expect((await mine()).read_by_company).toBe(false);
    await employer.json('POST', `/api/v1/threads/${threadId}/read`);
    expect((await mine()).read_by_company).toBe(true);
    // The company does not learn when the young person read its messages.
    const theirs = (await employer.json('GET', `/api/v1/threads/${threadId}`)).json().messages;
    expect(theirs.every((m: { read_by: string[]; read_by_company: boolean }) => m.read_by.length === 0 && !m.read_by_company)).toBe(true);

    const accompaniment = (await young.json('POST', '/api/v1/threads', { kind: 'accompaniment', body: 'Bonjour Samir' })).json();
    await (await bearerClient(t.app, DIJON, w.referent.email)).json('POST', `/api/v1/threads/${accompaniment.thread.id}/read`);
    const seen = (await young.json('GET', `/api/v1/threads/${accompaniment.thread.id}`)).json().messages[0];
    expect(seen.read_by).toEqual([w.referent.name]);
    // Unread counts in the list.
    const list = (await (await bearerClient(t.app, DIJON, w.referent.email)).json('GET', '/api/v1/threads')).json().threads;
    expect(list.find((th: { id: string }) => th.id === accompaniment.thread.id).unread).toBe(0);
  });

  it('new messages reach an open page without a reload (fragment polled by thread.js)', async () => {
    const page = await signedIn(t.app, DIJON, w.employer.email);
    const html = (await page.get(`/messages/${threadId}`)).body;
    expect(html).toContain('<script src="/assets/js/thread.js" defer></script>');
    const last = /data-last="([^"]+)"/.exec(html)![1];
    const none = await page.get(`/messages/${threadId}/nouveaux?apres=${encodeURIComponent(last)}`);
    expect(none.json()).toEqual({ html: '', last });
    await young.json('POST', `/api/v1/threads/${threadId}/messages`, { body: 'Nouveau message en direct' });
    const fresh = await page.get(`/messages/${threadId}/nouveaux?apres=${encodeURIComponent(last)}`);
    expect(fresh.json().html).toContain('Nouveau message en direct');
    expect(fresh.json().last > last).toBe(true);
    const script = await t.app.inject({ url: '/assets/js/thread.js', headers: { host: DIJON } });
    expect(script.statusCode).toBe(200);
  });

  it('a closed thread is read-only', async () => {
    await t.db.admin.updateTable('applications').set({ status: 'hired', hired_at: new Date() }).where('id', '=', w.applicationId).execute();
    const refused = await young.json('POST', `/api/v1/threads/${threadId}/messages`, { body: 'Merci !' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('THREAD_CLOSED');
    const page = decodeHtml((await (await signedIn(t.app, DIJON, w.young.email)).get(`/messages/${threadId}`)).body);
    expect(page).toContain('Cette conversation est close');
    expect(page).not.toContain('name="body"');
  });

  it('limits the messages an account writes (60 per 10 minutes), with Retry-After', async () => {
    const talkative = await youthWorld(t, 'bavard');
    const client = await bearerClient(t.app, DIJON, talkative.young.email);
    const thread = (await client.json('POST', '/api/v1/threads', { kind: 'accompaniment', body: 'Message 1' })).json().thread.id;
    for (let n = 2; n <= 60; n++) expect((await client.json('POST', `/api/v1/threads/${thread}/messages`, { body: `Message ${n}` })).statusCode).toBe(201);
    const refused = await client.json('POST', `/api/v1/threads/${thread}/messages`, { body: 'Message 61' });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(await t.db.admin.selectFrom('messages').select('id').where('thread_id', '=', thread).execute()).toHaveLength(60);
  });

  it('documents every messaging route in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json', headers: { host: DIJON } })).json();
    for (const path of [
      '/api/v1/threads',
      '/api/v1/threads/{id}',
      '/api/v1/threads/{id}/messages',
      '/api/v1/threads/{id}/read',
      '/api/v1/messages/{id}/attachment',
      '/api/v1/messages/{id}/reports',
      '/api/v1/offers/{id}/reports',
      '/api/v1/blocks/{userId}',
      '/api/v1/me/notification-settings',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/api/v1/threads'].post.tags).toEqual(['messagerie']);
  });
});

import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import { csrfOf, FormClient } from '../../helpers/accounts.js';
import { createAccount } from '../../helpers/company-space.js';
import { ATTACHMENT, bearerClient, createMessagingTestApp, DIJON, MONTAGNE, signedIn, type BearerClient } from '../../helpers/messaging.js';
import { youthWorld, type YouthWorld } from '../../helpers/youth.js';

/**
 * Every thread and message route × the nine kinds of caller of the issue, for each kind of thread.
 * Participants get the thread; anyone else gets 404 (signed in) or 401 / the log-in page (anonymous),
 * whatever they forge: another tenant's counsellor with a valid session of their own board included.
 */

type Caller = 'young' | 'otherYoung' | 'referent' | 'colleague' | 'foreignCounsellor' | 'employer' | 'otherEmployer' | 'admin' | 'anonymous';
const CALLERS: Caller[] = ['young', 'otherYoung', 'referent', 'colleague', 'foreignCounsellor', 'employer', 'otherEmployer', 'admin', 'anonymous'];

/** Who takes part in each kind of thread (participants.ts). */
const PARTICIPANTS: Record<string, Caller[]> = {
  accompaniment: ['young', 'referent'],
  application: ['young', 'employer', 'referent'],
  offer_partnership: ['employer', 'referent', 'colleague'],
  cv_contact: ['employer', 'young', 'referent'],
};

describe('messaging authorisation matrix', () => {
  let t: TestApp;
  let w: YouthWorld;
  const api = {} as Record<Exclude<Caller, 'anonymous'>, BearerClient>;
  const pages = {} as Record<Caller, FormClient>;
  const threads: Record<string, { threadId: string; messageId: string }> = {};

  beforeAll(async () => {
    t = await createMessagingTestApp();
    w = await youthWorld(t, 'matrice');
    await createAccount(t, 'montagne', { email: 'conseil.ailleurs@exemple.fr', role: 'counsellor', name: 'Conseil Ailleurs' });
    const emails: Record<Exclude<Caller, 'anonymous' | 'foreignCounsellor'>, string> = {
      young: w.young.email,
      otherYoung: w.otherYoung.email,
      referent: w.referent.email,
      colleague: w.colleague.email,
      employer: w.employer.email,
      otherEmployer: w.otherEmployer.email,
      admin: w.admin.email,
    };
    for (const [caller, email] of Object.entries(emails)) {
      api[caller as keyof typeof emails] = await bearerClient(t.app, DIJON, email);
      pages[caller as Caller] = await signedIn(t.app, DIJON, email);
    }
    api.foreignCounsellor = await bearerClient(t.app, MONTAGNE, 'conseil.ailleurs@exemple.fr');
    pages.foreignCounsellor = await signedIn(t.app, MONTAGNE, 'conseil.ailleurs@exemple.fr');
    pages.anonymous = new FormClient(t.app, DIJON);

    // The young person is in the CV bank (validated CV, consent): the company may write first.
    const profile = await t.db.admin.selectFrom('candidate_profiles').select('cv_file_id').where('user_id', '=', w.young.id).executeTakeFirstOrThrow();
    await t.db.admin.insertInto('cv_bank_entries').values({ tenant_id: 'dijon', user_id: w.young.id, validated_file_id: profile.cv_file_id!, validated_by: w.referent.id, consent_at: new Date() }).execute();

    // One thread of each kind, each started by a participant with an attachment.
    const starts: [string, BearerClient, Record<string, string>][] = [
      ['accompaniment', api.young, { kind: 'accompaniment' }],
      ['application', api.employer, { kind: 'application', application_id: w.applicationId }],
      ['offer_partnership', api.employer, { kind: 'offer_partnership', offer_id: w.offer.id }],
      ['cv_contact', api.employer, { kind: 'cv_contact', young_user_id: w.young.id }],
    ];
    for (const [kind, client, fields] of starts) {
      const started = await client.json('POST', '/api/v1/threads', { ...fields, body: `Premier message (${kind})` });
      expect(started.statusCode, `${kind}: ${started.body}`).toBe(201);
      const threadId = started.json().thread.id as string;
      const withFile = await client.upload(`/api/v1/threads/${threadId}/messages`, { body: 'Voici le document' }, ATTACHMENT);
      expect(withFile.statusCode, withFile.body).toBe(201);
      threads[kind] = { threadId, messageId: withFile.json().message.id };
    }
  });
  afterAll(async () => t?.close());

  /** API call as a caller; the foreign counsellor calls their own board with the forged ids. */
  const callApi = (caller: Caller, method: 'GET' | 'POST', url: string, payload?: object): Promise<LightMyRequestResponse> => {
    if (caller === 'anonymous') return t.app.inject({ method, url, headers: { host: DIJON }, ...(payload ? { payload } : {}) });
    return api[caller].json(method, url, payload, caller === 'foreignCounsellor' ? MONTAGNE : DIJON);
  };

  async function postPage(caller: Caller, url: string, fields: Record<string, string>) {
    const client = pages[caller];
    // A CSRF token of the caller's own session (their settings page, or the log-in page for visitors).
    const page = await client.get(caller === 'anonymous' ? '/compte/connexion' : '/messages/reglages');
    return client.post(url, { _csrf: csrfOf(page.body), ...fields });
  }

  for (const kind of Object.keys(PARTICIPANTS)) {
    describe(`${kind} thread`, () => {
      for (const caller of CALLERS) {
        const allowed = PARTICIPANTS[kind].includes(caller);
        it(`${caller}: ${allowed ? 'reads, writes, downloads' : 'gets nothing'}`, async () => {
          const { threadId, messageId } = threads[kind];
          const denied = caller === 'anonymous' ? 401 : 404;
          const pageDenied = caller === 'anonymous' ? 303 : 404;

          const read = await callApi(caller, 'GET', `/api/v1/threads/${threadId}`);
          expect(read.statusCode, read.body).toBe(allowed ? 200 : denied);
          if (allowed) expect(read.json().messages.map((m: { body: string }) => m.body)).toContain('Voici le document');
          else expect(read.body).not.toContain('Voici le document');

          const list = await callApi(caller, 'GET', '/api/v1/threads');
          if (caller === 'anonymous') expect(list.statusCode).toBe(401);
          else expect(list.json().threads.some((th: { id: string }) => th.id === threadId)).toBe(allowed);

          const write = await callApi(caller, 'POST', `/api/v1/threads/${threadId}/messages`, { body: `Bonjour de ${caller}` });
          expect(write.statusCode, write.body).toBe(allowed ? 201 : denied);

          const markRead = await callApi(caller, 'POST', `/api/v1/threads/${threadId}/read`);
          expect(markRead.statusCode).toBe(allowed ? 204 : denied);

          const file = await callApi(caller, 'GET', `/api/v1/messages/${messageId}/attachment`);
          expect(file.statusCode).toBe(allowed ? 200 : denied);
          if (allowed) expect(file.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

          const host = caller === 'foreignCounsellor' ? MONTAGNE : DIJON;
          expect(pages[caller].host).toBe(host);
          const page = await pages[caller].get(`/messages/${threadId}`);
          expect(page.statusCode).toBe(allowed ? 200 : pageDenied);
          if (!allowed) expect(page.body).not.toContain('Voici le document');

          const poll = await pages[caller].get(`/messages/${threadId}/nouveaux`);
          expect(poll.statusCode).toBe(allowed ? 200 : pageDenied);

          const download = await pages[caller].get(`/messages/pieces/${messageId}`);
          expect(download.statusCode).toBe(allowed ? 200 : pageDenied);

          const report = await pages[caller].get(`/messages/signaler/${messageId}`);
          expect(report.statusCode).toBe(allowed ? 200 : pageDenied);

          const posted = await postPage(caller, `/messages/${threadId}`, { body: `Page de ${caller}` });
          expect(posted.statusCode).toBe(allowed ? 303 : pageDenied);
        });
      }
    });
  }

  it('a token of one board is refused on another (401), whatever the route', async () => {
    const { threadId } = threads.accompaniment;
    const foreign = await api.foreignCounsellor.json('GET', `/api/v1/threads/${threadId}`, undefined, DIJON);
    expect(foreign.statusCode).toBe(401);
    const young = await api.young.json('GET', '/api/v1/threads', undefined, MONTAGNE);
    expect(young.statusCode).toBe(401);
  });

  it('errors are {error:{code,message,fields}} in French', async () => {
    const response = await api.otherYoung.json('GET', `/api/v1/threads/${threads.application.threadId}`);
    expect(response.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), fields: {} } });
    const empty = await api.young.json('POST', `/api/v1/threads/${threads.application.threadId}/messages`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error).toMatchObject({ code: 'VALIDATION_FAILED', fields: { body: expect.stringContaining('Écrivez un message') } });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import { csrfOf, decodeHtml, FormClient, lastMailTo, pathOf } from '../../helpers/accounts.js';
import { bearerClient, createMessagingTestApp, DIJON, MONTAGNE, signedIn } from '../../helpers/messaging.js';
import { birthDateForAge, youthWorld, type YouthWorld } from '../../helpers/youth.js';

/**
 * Minors on a youth board: date of birth at sign-up; under 15, the CV bank and threads with companies
 * wait for a parent's consent (double opt-in of the parent's address); under 18, a mission locale
 * participant is always in threads with companies and the young person's phone and e-mail are
 * masked to companies until an interview is set.
 */
describe('minors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createMessagingTestApp();
  });
  afterAll(async () => t?.close());

  describe('sign-up asks young people their date of birth on youth boards', () => {
    const signUp = (host: string, fields: Record<string, string>) =>
      new FormClient(t.app, host).submit('/compte/inscription', { display_name: 'Léa Test', password: 'une phrase de passe solide', role: 'candidate', ...fields });

    it('refuses a young person without it, or younger than 13, with the message by the field', async () => {
      const missing = await signUp(DIJON, { email: 'lea.sans.date@exemple.fr' });
      expect(missing.statusCode).toBe(400);
      expect(decodeHtml(missing.body)).toContain('Indiquez votre date de naissance.');
      expect(missing.body).toContain('value="lea.sans.date@exemple.fr"');
      const young = await signUp(DIJON, { email: 'lea.jeune@exemple.fr', birth_date: birthDateForAge(12) });
      expect(young.statusCode).toBe(400);
      expect(decodeHtml(young.body)).toContain('au moins 13 ans');
      const wrong = await signUp(DIJON, { email: 'lea.faux@exemple.fr', birth_date: '2010-02-30' });
      expect(wrong.statusCode).toBe(400);
      const users = await t.db.admin.selectFrom('users').select('email').where('email', 'in', ['lea.sans.date@exemple.fr', 'lea.jeune@exemple.fr', 'lea.faux@exemple.fr']).execute();
      expect(users).toEqual([]);
    });

    it('records it for a young person, and asks nothing of employers nor on other boards', async () => {
      expect((await signUp(DIJON, { email: 'lea.14@exemple.fr', birth_date: birthDateForAge(14) })).statusCode).toBe(303);
      expect((await signUp(DIJON, { email: 'patron@exemple.fr', role: 'employer' })).statusCode).toBe(303);
      const montagne = await new FormClient(t.app, MONTAGNE).get('/compte/inscription');
      expect(montagne.body).not.toContain('name="birth_date"');
      expect((await signUp(MONTAGNE, { email: 'saisonnier@exemple.fr' })).statusCode).toBe(303);
      const rows = await t.db.admin.selectFrom('users').select(['email', 'birth_date']).where('email', 'in', ['lea.14@exemple.fr', 'patron@exemple.fr', 'saisonnier@exemple.fr']).orderBy('email').execute();
      expect(rows).toEqual([
        { email: 'lea.14@exemple.fr', birth_date: birthDateForAge(14) },
        { email: 'patron@exemple.fr', birth_date: null },
        { email: 'saisonnier@exemple.fr', birth_date: null },
      ]);
    });
  });

  describe('under 15', () => {
    let w: YouthWorld;
    beforeAll(async () => {
      w = await youthWorld(t, 'moins15', { youngBirthDate: birthDateForAge(14) });
    });

    it('threads with companies and the CV bank wait for a parent; the accompaniment does not', async () => {
      const young = await bearerClient(t.app, DIJON, w.young.email);
      const employer = await bearerClient(t.app, DIJON, w.employer.email);
      const referent = await bearerClient(t.app, DIJON, w.referent.email);
      for (const client of [young, employer, referent]) {
        const refused = await client.json('POST', '/api/v1/threads', { kind: 'application', application_id: w.applicationId, body: 'Bonjour' });
        expect(refused.statusCode, refused.body).toBe(403);
        expect(refused.json().error.code).toBe('PARENTAL_CONSENT_REQUIRED');
      }
      expect((await young.json('POST', '/api/v1/threads', { kind: 'accompaniment', body: 'Bonjour' })).statusCode).toBe(201);
      // A validated CV cannot join the bank yet, and even a forced consent keeps it out of the employers' view.
      const profile = await t.db.admin.selectFrom('candidate_profiles').select('cv_file_id').where('user_id', '=', w.young.id).executeTakeFirstOrThrow();
      await t.db.admin.insertInto('cv_bank_entries').values({ tenant_id: 'dijon', user_id: w.young.id, validated_file_id: profile.cv_file_id!, validated_by: w.referent.id }).execute();
      const page = await signedIn(t.app, DIJON, w.young.email);
      const space = await page.get('/compte/accompagnement');
      expect(decodeHtml(space.body)).toContain('quand un parent aura donné son accord');
      const join = await page.post('/compte/accompagnement/cvtheque', { _csrf: csrfOf((await page.get('/messages/reglages')).body), choix: 'rejoindre' });
      expect(join.statusCode).toBe(403);
      await t.db.admin.updateTable('cv_bank_entries').set({ consent_at: new Date() }).where('user_id', '=', w.young.id).execute();
      const bank = await (await signedIn(t.app, DIJON, w.employer.email)).get('/compte/cvtheque');
      expect(bank.body).not.toContain(w.young.name);
      expect((await employer.json('POST', '/api/v1/threads', { kind: 'cv_contact', young_user_id: w.young.id, body: 'Bonjour' })).statusCode).toBe(403);
    });

    it('a parent consents from the link sent to their address (double opt-in), and the features open', async () => {
      const page = await signedIn(t.app, DIJON, w.young.email);
      const own = await page.submit('/compte/accompagnement/consentement-parental', { parent_email: w.young.email });
      expect(own.statusCode).toBe(400);
      expect(decodeHtml(own.body)).toContain('pas la vôtre');
      const asked = await page.submit('/compte/accompagnement/consentement-parental', { parent_email: 'Parent.Moins15@Exemple.fr' });
      expect(asked.statusCode).toBe(303);
      // Not consented until the parent follows the link.
      const young = await bearerClient(t.app, DIJON, w.young.email);
      expect((await young.json('POST', '/api/v1/threads', { kind: 'application', application_id: w.applicationId, body: 'Bonjour' })).statusCode).toBe(403);

      const mail = await lastMailTo(t.app, DIJON, 'parent.moins15@exemple.fr');
      expect(mail.subject).toContain(w.young.name);
      const link = mail.links.find((l) => l.includes('/consentement-parental?jeton='))!;
      const parent = new FormClient(t.app, DIJON);
      const consentPage = await parent.get(pathOf(link));
      expect(consentPage.statusCode).toBe(200);
      expect(decodeHtml(consentPage.body)).toContain(w.young.name);
      const jeton = new URL(link).searchParams.get('jeton')!;
      const confirmed = await parent.submit(pathOf(link), { jeton }, '/consentement-parental');
      expect(confirmed.statusCode).toBe(200);
      // The link is single-use.
      expect((await parent.get(pathOf(link))).statusCode).toBe(400);

      expect((await young.json('POST', '/api/v1/threads', { kind: 'application', application_id: w.applicationId, body: 'Bonjour' })).statusCode).toBe(201);
      const bank = await (await signedIn(t.app, DIJON, w.employer.email)).get('/compte/cvtheque');
      expect(bank.body).toContain(w.young.name);
    });
  });

  describe('under 18', () => {
    it('masks the phone and e-mail to the company until an interview is set', async () => {
      const w = await youthWorld(t, 'mineur', { youngBirthDate: birthDateForAge(16) });
      const employer = await signedIn(t.app, DIJON, w.employer.email);
      const before = await employer.get(`/compte/candidatures/${w.applicationId}`);
      expect(before.statusCode).toBe(200);
      expect(before.body).not.toContain(w.young.email);
      expect(before.body).not.toContain('06 11 22 33 44');
      expect(decodeHtml(before.body)).toContain('candidat mineur');
      const moved = await employer.submit(`/compte/candidatures/${w.applicationId}`, { status: 'interview' }, `/compte/candidatures/${w.applicationId}/statut`);
      expect(moved.statusCode).toBe(303);
      const after = await employer.get(`/compte/candidatures/${w.applicationId}`);
      expect(after.body).toContain(w.young.email);
      expect(after.body).toContain('06 11 22 33 44');
      // Once set, an interview keeps them shown (the company has met the young person).
      await employer.submit(`/compte/candidatures/${w.applicationId}`, { status: 'shortlisted' }, `/compte/candidatures/${w.applicationId}/statut`);
      expect((await employer.get(`/compte/candidatures/${w.applicationId}`)).body).toContain(w.young.email);
    });

    it('an adult’s contact details are shown at once', async () => {
      const w = await youthWorld(t, 'majeur');
      const page = await (await signedIn(t.app, DIJON, w.employer.email)).get(`/compte/candidatures/${w.applicationId}`);
      expect(page.body).toContain(w.young.email);
    });

    it('a minor no counsellor follows still has the mission locale in their threads with companies (the équipe emploi)', async () => {
      const w = await youthWorld(t, 'mineurseul', { youngBirthDate: birthDateForAge(16) });
      await t.db.admin.deleteFrom('accompaniments').where('young_user_id', '=', w.young.id).execute();
      const employer = await bearerClient(t.app, DIJON, w.employer.email);
      const started = await employer.json('POST', '/api/v1/threads', { kind: 'application', application_id: w.applicationId, body: 'Bonjour, êtes-vous disponible ?' });
      expect(started.statusCode).toBe(201);
      const threadId = started.json().thread.id;
      // Every counsellor of the board reads it, and is told of it.
      for (const counsellor of [w.referent, w.colleague]) {
        const client = await bearerClient(t.app, DIJON, counsellor.email);
        expect((await client.json('GET', `/api/v1/threads/${threadId}`)).statusCode).toBe(200);
      }
      // An adult in the same situation talks to the company alone.
      const adult = await youthWorld(t, 'majeurseul');
      await t.db.admin.deleteFrom('accompaniments').where('young_user_id', '=', adult.young.id).execute();
      const adultThread = (await (await bearerClient(t.app, DIJON, adult.employer.email)).json('POST', '/api/v1/threads', { kind: 'application', application_id: adult.applicationId, body: 'Bonjour' })).json().thread.id;
      expect((await (await bearerClient(t.app, DIJON, adult.colleague.email)).json('GET', `/api/v1/threads/${adultThread}`)).statusCode).toBe(404);
    });
  });
});

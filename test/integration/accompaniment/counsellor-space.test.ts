import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, type TestApp } from '../../helpers/app.js';
import { csrfOf, decodeHtml, FormClient, lastMailTo, pathOf } from '../../helpers/accounts.js';
import { createAccount } from '../../helpers/company-space.js';
import { signedIn } from '../../helpers/messaging.js';
import { youthWorld, type YouthWorld } from '../../helpers/youth.js';

/**
 * The counsellor space: a caseload built by invitation (accepted in the app) or by an agreement
 * given in an interview, or by taking a young person's request; the consent recorded; follow-up,
 * private notes, next appointment, colleagues; the CV validated into the CV bank with the young
 * person's consent; counsellor accounts created by the tenant admin (audit log).
 */
describe('counsellor space', () => {
  let t: TestApp;
  let w: YouthWorld;
  beforeAll(async () => {
    t = await createTestApp();
    w = await youthWorld(t, 'espace');
  });
  afterAll(async () => t?.close());

  it('an invitation by e-mail starts the accompaniment once the young person accepts it in the app', async () => {
    const newcomer = await createAccount(t, 'dijon', { email: 'nouveau.jeune@exemple.fr', role: 'candidate', name: 'Nouveau Jeune' });
    const counsellor = await signedIn(t.app, DIJON, w.colleague.email);
    const invited = await counsellor.submit('/conseiller/inviter', { email: 'Nouveau.Jeune@exemple.fr', channel: 'app' });
    expect(invited.statusCode).toBe(303);
    expect(await t.db.admin.selectFrom('accompaniments').select('id').where('young_user_id', '=', newcomer).execute()).toEqual([]);
    const mail = await lastMailTo(t.app, DIJON, 'nouveau.jeune@exemple.fr');
    const link = mail.links.find((l) => l.includes('/compte/accompagnement/invitation?jeton='))!;

    // Another young person cannot use it.
    const intruder = await signedIn(t.app, DIJON, w.otherYoung.email);
    const jeton = new URL(link).searchParams.get('jeton')!;
    const other = await intruder.get(pathOf(link));
    expect(decodeHtml(other.body)).toContain('envoyée à nouveau.jeune@exemple.fr');
    expect((await intruder.post('/compte/accompagnement/invitation', { _csrf: csrfOf((await intruder.get('/messages/reglages')).body), jeton })).statusCode).toBe(403);

    const young = await signedIn(t.app, DIJON, 'nouveau.jeune@exemple.fr');
    const accepted = await young.submit(pathOf(link), { jeton }, '/compte/accompagnement/invitation');
    expect(accepted.statusCode).toBe(303);
    const row = await t.db.admin.selectFrom('accompaniments').selectAll().where('young_user_id', '=', newcomer).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'active', referent_user_id: w.colleague.id, consent_channel: 'app' });
    expect(row.consent_at).toBeInstanceOf(Date);
    expect(decodeHtml((await young.get('/compte/accompagnement')).body)).toContain(`accompagné par ${w.colleague.name}`);
    // Single use.
    expect((await young.get(pathOf(link))).statusCode).toBe(400);
    expect(decodeHtml((await counsellor.get('/conseiller')).body)).toContain('Nouveau Jeune');
  });

  it('an agreement given in an interview starts it at once (recorded as such); an unknown address is refused by the field', async () => {
    const youngId = await createAccount(t, 'dijon', { email: 'vu.en.entretien@exemple.fr', role: 'candidate' });
    const counsellor = await signedIn(t.app, DIJON, w.colleague.email);
    expect((await counsellor.submit('/conseiller/inviter', { email: 'vu.en.entretien@exemple.fr', channel: 'interview' })).statusCode).toBe(303);
    const row = await t.db.admin.selectFrom('accompaniments').select(['status', 'consent_channel']).where('young_user_id', '=', youngId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'active', consent_channel: 'interview' });
    const unknown = await counsellor.submit('/conseiller/inviter', { email: 'personne@exemple.fr', channel: 'interview' });
    expect(unknown.statusCode).toBe(422);
    expect(decodeHtml(unknown.body)).toContain('Aucun compte jeune avec cette adresse');
  });

  it('a young person asks to be followed; a counsellor takes the request and becomes the referent', async () => {
    const young = await signedIn(t.app, DIJON, w.otherYoung.email);
    expect((await young.submit('/compte/accompagnement', {}, '/compte/accompagnement/demande')).statusCode).toBe(303);
    expect(decodeHtml((await young.get('/compte/accompagnement')).body)).toContain('demande d’accompagnement est enregistrée');
    const counsellor = await signedIn(t.app, DIJON, w.colleague.email);
    const home = await counsellor.get('/conseiller');
    expect(decodeHtml(home.body)).toContain(w.otherYoung.name);
    const taken = await counsellor.post(`/conseiller/demandes/${w.otherYoung.id}/prendre`, { _csrf: csrfOf(home.body) });
    expect(taken.statusCode).toBe(303);
    const row = await t.db.admin.selectFrom('accompaniments').select(['status', 'referent_user_id', 'consent_channel']).where('young_user_id', '=', w.otherYoung.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'active', referent_user_id: w.colleague.id, consent_channel: 'app' });
  });

  it('follow-up events, private notes and the next appointment; private notes never reach the young person nor companies', async () => {
    const counsellor = await signedIn(t.app, DIJON, w.referent.email);
    const base = `/conseiller/jeunes/${w.young.id}`;
    expect((await counsellor.submit(`${base}/suivi`, { kind: 'workshop', happened_on: '2026-03-02', note: 'Atelier CV' })).statusCode).toBe(303);
    const badDate = await counsellor.submit(`${base}/suivi`, { kind: 'workshop', happened_on: 'hier' });
    expect(badDate.statusCode).toBe(400);
    expect(decodeHtml(badDate.body)).toContain('Indiquez une date valide.');
    expect((await counsellor.submit(`${base}/note`, { body: 'Note secrète : situation familiale compliquée.' })).statusCode).toBe(303);
    expect((await counsellor.submit(`${base}/rendez-vous`, { at: '2027-03-02T14:30', place: 'Antenne Dijon centre' })).statusCode).toBe(303);
    const stored = await t.db.admin.selectFrom('accompaniments').select('next_appointment_at').where('young_user_id', '=', w.young.id).executeTakeFirstOrThrow();
    // 14:30 in Dijon in March (UTC+1) is 13:30 UTC.
    expect(stored.next_appointment_at!.toISOString()).toBe('2027-03-02T13:30:00.000Z');

    const file = decodeHtml((await counsellor.get(base)).body);
    expect(file).toContain('Atelier CV');
    expect(file).toContain('Note secrète');
    expect(file).toContain('2 mars 2027 à 14:30');

    const young = decodeHtml((await (await signedIn(t.app, DIJON, w.young.email)).get('/compte/accompagnement')).body);
    expect(young).toContain('2 mars 2027 à 14:30');
    expect(young).toContain('Antenne Dijon centre');
    expect(young).not.toContain('Note secrète');
    const employer = await signedIn(t.app, DIJON, w.employer.email);
    expect(decodeHtml((await employer.get(`/compte/candidatures/${w.applicationId}`)).body)).not.toContain('Note secrète');
    const thread = await employer.submit(`/messages/candidature/${w.applicationId}`, { body: 'Bonjour' });
    expect(decodeHtml((await employer.get(thread.headers.location as string)).body)).not.toContain('Note secrète');
  });

  it('a delegated colleague follows the young person too, and only then', async () => {
    const colleague = await signedIn(t.app, DIJON, w.colleague.email);
    expect((await colleague.get(`/conseiller/jeunes/${w.young.id}`)).statusCode).toBe(404);
    const referent = await signedIn(t.app, DIJON, w.referent.email);
    expect((await referent.submit(`/conseiller/jeunes/${w.young.id}/collegues`, { colleague: w.colleague.id })).statusCode).toBe(303);
    expect((await colleague.get(`/conseiller/jeunes/${w.young.id}`)).statusCode).toBe(200);
    // The colleague may step back.
    const page = await colleague.get(`/conseiller/jeunes/${w.young.id}`);
    expect((await colleague.post(`/conseiller/jeunes/${w.young.id}/collegues/${w.colleague.id}/retirer`, { _csrf: csrfOf(page.body) })).statusCode).toBe(303);
    expect((await colleague.get(`/conseiller/jeunes/${w.young.id}`)).statusCode).toBe(404);
  });

  it('a validated CV enters the CV bank only with the young person’s consent, who may withdraw at any time', async () => {
    const referent = await signedIn(t.app, DIJON, w.referent.email);
    const file = await referent.get(`/conseiller/jeunes/${w.young.id}`);
    expect((await referent.get(`/conseiller/jeunes/${w.young.id}/cv`)).statusCode).toBe(200);
    expect((await referent.post(`/conseiller/jeunes/${w.young.id}/cv/valider`, { _csrf: csrfOf(file.body) })).statusCode).toBe(303);
    const employer = await signedIn(t.app, DIJON, w.employer.email);
    expect((await employer.get('/compte/cvtheque')).body).not.toContain(w.young.name);

    const young = await signedIn(t.app, DIJON, w.young.email);
    expect(decodeHtml((await young.get('/compte/accompagnement')).body)).toContain('a validé votre CV');
    expect((await young.submit('/compte/accompagnement', { choix: 'rejoindre' }, '/compte/accompagnement/cvtheque')).statusCode).toBe(303);
    const bank = await employer.get('/compte/cvtheque');
    expect(bank.body).toContain(w.young.name);
    const cv = await employer.get(`/compte/cvtheque/${w.young.id}/cv`);
    expect(cv.statusCode).toBe(200);
    expect(cv.headers['content-disposition']).toContain('attachment');

    expect((await young.submit('/compte/accompagnement', { choix: 'retirer' }, '/compte/accompagnement/cvtheque')).statusCode).toBe(303);
    expect((await employer.get('/compte/cvtheque')).body).not.toContain(w.young.name);
    expect((await employer.get(`/compte/cvtheque/${w.young.id}/cv`)).statusCode).toBe(404);
  });

  it('only the referent ends the accompaniment; the young person keeps their account', async () => {
    const other = await youthWorld(t, 'fin');
    const colleague = await signedIn(t.app, DIJON, other.colleague.email);
    expect((await colleague.get(`/conseiller/jeunes/${other.young.id}`)).statusCode).toBe(404);
    const referent = await signedIn(t.app, DIJON, other.referent.email);
    expect((await referent.post(`/conseiller/jeunes/${other.young.id}/fin`, { _csrf: csrfOf((await referent.get(`/conseiller/jeunes/${other.young.id}`)).body) })).statusCode).toBe(303);
    const row = await t.db.admin.selectFrom('accompaniments').select(['status', 'ended_at']).where('young_user_id', '=', other.young.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('ended');
    expect(row.ended_at).toBeInstanceOf(Date);
    expect((await referent.get(`/conseiller/jeunes/${other.young.id}`)).statusCode).toBe(404);
    expect(await t.db.admin.selectFrom('users').select('id').where('id', '=', other.young.id).execute()).toHaveLength(1);
  });

  it('the tenant admin creates counsellor accounts (a link to choose a password; the audit log records it)', async () => {
    const admin = await signedIn(t.app, DIJON, w.admin.email);
    expect((await admin.get('/admin/conseillers')).statusCode).toBe(200);
    const created = await admin.submit('/admin/conseillers/nouveau', { display_name: 'Chloé Martin', email: 'chloe.martin@ml-dijon.example' });
    expect(created.statusCode).toBe(303);
    const taken = await admin.submit('/admin/conseillers/nouveau', { display_name: 'Chloé Bis', email: 'chloe.martin@ml-dijon.example' });
    expect(taken.statusCode).toBe(409);
    expect(decodeHtml(taken.body)).toContain('Un compte existe déjà');
    const audit = await t.db.admin.selectFrom('admin_audit_log').select(['action', 'actor_email']).where('action', '=', 'user.create_counsellor').execute();
    expect(audit).toEqual([{ action: 'user.create_counsellor', actor_email: w.admin.email }]);

    const mail = await lastMailTo(t.app, DIJON, 'chloe.martin@ml-dijon.example');
    const link = mail.links.find((l) => l.includes('/compte/mot-de-passe/nouveau?jeton='))!;
    const browser = new FormClient(t.app, DIJON);
    const jeton = new URL(link).searchParams.get('jeton')!;
    expect((await browser.submit(pathOf(link), { jeton, password: 'conseillere dijonnaise 2027' }, '/compte/mot-de-passe/nouveau')).statusCode).toBe(303);
    await browser.logIn('chloe.martin@ml-dijon.example', 'conseillere dijonnaise 2027');
    expect((await browser.get('/conseiller')).statusCode).toBe(200);
    // Nobody else gets the counsellor space.
    for (const email of [w.young.email, w.employer.email, w.admin.email]) {
      expect((await (await signedIn(t.app, DIJON, email)).get('/conseiller')).statusCode, email).toBe(403);
    }
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { csrfOf, decodeHtml, FormClient, lastMailTo, mailbox, pathOf } from '../../helpers/accounts.js';

const DEMO = 'cordee-demo';

describe('password reset by e-mail and password change', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  const apiToken = async (host: string, email: string, password: string) => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { host }, payload: { email, password } });
    return { status: response.statusCode, token: response.json().access_token as string | undefined };
  };
  const me = (host: string, token: string) => t.app.inject({ url: '/api/v1/me', headers: { host, authorization: `Bearer ${token}` } });

  it('resets a forgotten password through a single-use e-mailed link, and ends every session', async () => {
    const email = 'candidat@montagne.demo';
    // Sessions opened before the reset: a browser and an API client.
    const before = new FormClient(t.app, MONTAGNE);
    await before.logIn(email, DEMO);
    const api = await apiToken(MONTAGNE, email, DEMO);
    expect((await me(MONTAGNE, api.token!)).statusCode).toBe(200);

    const browser = new FormClient(t.app, MONTAGNE);
    const request = await browser.submit('/compte/mot-de-passe-oublie', { email: 'Candidat@Montagne.demo' });
    expect(request.statusCode).toBe(303);
    expect(request.headers.location).toBe('/compte/mot-de-passe-oublie/envoye');
    expect(decodeHtml((await browser.get('/compte/mot-de-passe-oublie/envoye')).body)).toContain('Si un compte existe avec cette adresse');

    const mail = await lastMailTo(t.app, MONTAGNE, email);
    expect(mail.subject).toBe('Choisissez un nouveau mot de passe – Emploi Montagne');
    expect(mail.text).toContain('Ce lien est valable 30 minutes et ne peut servir qu’une fois.');
    const link = pathOf(mail.links[0]);
    expect(link).toMatch(/^\/compte\/mot-de-passe\/nouveau\?jeton=[A-Za-z0-9_-]{43}$/);

    const form = await browser.get(link);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<h1>Choisir un nouveau mot de passe</h1>');

    // A refused new password keeps the link usable.
    const jeton = new URL(mail.links[0]).searchParams.get('jeton')!;
    const weak = await browser.post('/compte/mot-de-passe/nouveau', { _csrf: csrfOf(form.body), jeton, password: 'password123' });
    expect(weak.statusCode).toBe(400);
    expect(decodeHtml(weak.body)).toContain('Ce mot de passe fait partie des plus courants');

    const done = await browser.post('/compte/mot-de-passe/nouveau', { _csrf: csrfOf(weak.body), jeton, password: 'neige fraîche sur le col' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/compte/connexion?info=mot-de-passe-modifie');

    // Every earlier session has ended, browser and API alike.
    expect((await before.get('/compte')).statusCode).toBe(303);
    expect((await me(MONTAGNE, api.token!)).statusCode).toBe(401);
    // The old password no longer works, the new one does.
    expect((await apiToken(MONTAGNE, email, DEMO)).status).toBe(401);
    expect((await apiToken(MONTAGNE, email, 'neige fraîche sur le col')).status).toBe(200);
    // The link was single-use.
    const reused = await browser.get(link);
    expect(reused.statusCode).toBe(400);
    expect(decodeHtml(reused.body)).toContain('Ce lien n’est plus valide');
    const fresh = await browser.get('/compte/mot-de-passe-oublie');
    const replay = await browser.post('/compte/mot-de-passe/nouveau', { _csrf: csrfOf(fresh.body), jeton, password: 'encore un autre secret' });
    expect(replay.statusCode).toBe(400);
    expect(decodeHtml(replay.body)).toContain('Ce lien a expiré ou a déjà servi');
    expect((await apiToken(MONTAGNE, email, 'encore un autre secret')).status).toBe(401);
    // The owner is told.
    expect((await lastMailTo(t.app, MONTAGNE, email)).subject).toBe('Votre mot de passe a été modifié – Emploi Montagne');
  });

  it('refuses an expired link', async () => {
    const browser = new FormClient(t.app, DIJON);
    await browser.submit('/compte/mot-de-passe-oublie', { email: 'jeune@dijon.demo' });
    const mail = await lastMailTo(t.app, DIJON, 'jeune@dijon.demo');
    const jeton = new URL(mail.links[0]).searchParams.get('jeton')!;
    const form = await browser.get(pathOf(mail.links[0]));
    expect(form.statusCode).toBe(200);
    await t.db.admin
      .updateTable('account_tokens')
      .set({ created_at: sql<Date>`now() - interval '2 hours'`, expires_at: sql<Date>`now() - interval '1 second'` })
      .where('tenant_id', '=', 'dijon')
      .where('purpose', '=', 'reset_password')
      .execute();
    expect((await browser.get(pathOf(mail.links[0]))).statusCode).toBe(400);
    const late = await browser.post('/compte/mot-de-passe/nouveau', { _csrf: csrfOf(form.body), jeton, password: 'un secret bien trop tardif' });
    expect(late.statusCode).toBe(400);
    expect(decodeHtml(late.body)).toContain('Ce lien a expiré ou a déjà servi');
    expect((await apiToken(DIJON, 'jeune@dijon.demo', DEMO)).status).toBe(200);
  });

  it('answers the same for an unknown address and sends nothing', async () => {
    const browser = new FormClient(t.app, DIJON);
    const before = (await mailbox(t.app, DIJON)).length;
    const known = await browser.submit('/compte/mot-de-passe-oublie', { email: 'conseiller@dijon.demo' });
    const unknown = await browser.submit('/compte/mot-de-passe-oublie', { email: 'personne@dijon.demo' });
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.headers.location).toBe(known.headers.location);
    const after = await mailbox(t.app, DIJON);
    expect(after.length).toBe(before + 1);
    expect(after.some((m) => m.to === 'personne@dijon.demo')).toBe(false);
  });

  it('lets a staff account seeded without a password set one through the reset link (which also verifies the address)', async () => {
    const email = 'conseil@emploi-montagne.cordee.example';
    const browser = new FormClient(t.app, MONTAGNE);
    await browser.submit('/compte/mot-de-passe-oublie', { email });
    const mail = await lastMailTo(t.app, MONTAGNE, email);
    const form = await browser.get(pathOf(mail.links[0]));
    const jeton = new URL(mail.links[0]).searchParams.get('jeton')!;
    expect((await browser.post('/compte/mot-de-passe/nouveau', { _csrf: csrfOf(form.body), jeton, password: 'les alpages en été' })).statusCode).toBe(303);
    await browser.logIn(email, 'les alpages en été');
    expect((await browser.get('/compte')).body).toContain('<dd>Conseiller</dd>');
  });

  it('changes the password of a signed-in user: current password required, other sessions end, this one goes on', async () => {
    const email = 'employeur@dijon.demo';
    const other = new FormClient(t.app, DIJON);
    await other.logIn(email, DEMO);
    const browser = new FormClient(t.app, DIJON);
    await browser.logIn(email, DEMO);

    const wrong = await browser.submit('/compte/mot-de-passe', { current_password: 'pas le bon', new_password: 'un nouveau secret solide' });
    expect(wrong.statusCode).toBe(400);
    expect(decodeHtml(wrong.body)).toMatch(/<p class="field__error" id="champ-current-password-erreur">.*Le mot de passe actuel est incorrect<\/p>/);
    expect(wrong.body).not.toContain('un nouveau secret solide');

    const changed = await browser.post('/compte/mot-de-passe', { _csrf: csrfOf(wrong.body), current_password: DEMO, new_password: 'un nouveau secret solide' });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe('/compte?info=mot-de-passe-modifie');
    // This browser got a fresh session; the other one is logged out.
    const account = await browser.get(changed.headers.location as string);
    expect(account.statusCode).toBe(200);
    expect(decodeHtml(account.body)).toContain('Votre mot de passe a été modifié');
    expect((await other.get('/compte')).statusCode).toBe(303);
    expect((await apiToken(DIJON, email, 'un nouveau secret solide')).status).toBe(200);
    expect((await lastMailTo(t.app, DIJON, email)).subject).toBe('Votre mot de passe a été modifié – Jeunes & Emploi Dijon');
  });
});

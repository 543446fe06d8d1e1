import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { csrfOf, decodeHtml, FormClient, lastMailTo, mailbox, pathOf } from '../../helpers/accounts.js';

const PASSWORD = 'une longue phrase de passe';
/** Youth boards (dijon) ask young people their date of birth at sign-up. */
const YOUNG_BIRTH_DATE = '2004-05-12';

describe('sign-up, e-mail verification, log-in and log-out', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  const userCount = async (email: string) =>
    (await t.db.admin.selectFrom('users').select('id').where('email', '=', email).execute()).length;

  it('signs up, gets the verification link by e-mail (dev mailbox), verifies, logs in, and log-out ends the session', async () => {
    const browser = new FormClient(t.app, MONTAGNE);
    const email = 'marie.dupont@exemple.fr';

    const form = await browser.get('/compte/inscription');
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/<h1>Créer un compte<\/h1>/);
    expect(form.body).toMatch(/<label class="field__label" for="champ-email">Adresse e-mail/);

    const signUp = await browser.post('/compte/inscription', {
      _csrf: csrfOf(form.body),
      display_name: 'Marie Dupont',
      email: '  Marie.Dupont@Exemple.fr ',
      password: PASSWORD,
      role: 'employer',
    });
    expect(signUp.statusCode).toBe(303);
    expect(signUp.headers.location).toBe('/compte/inscription/envoye');
    expect((await browser.get('/compte/inscription/envoye')).body).toContain('Consultez votre messagerie');

    const row = await t.db.admin.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ tenant_id: 'montagne', role: 'employer', display_name: 'Marie Dupont', email_verified_at: null });
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    // Not verified yet: the right password is not enough.
    const early = await browser.submit('/compte/connexion', { email, password: PASSWORD });
    expect(early.statusCode).toBe(403);
    expect(decodeHtml(early.body)).toContain('Votre adresse e-mail n’est pas encore confirmée');
    expect(browser.cookies.has('cordee_session')).toBe(false);

    const mail = await lastMailTo(t.app, MONTAGNE, email);
    expect(mail.subject).toBe('Confirmez votre adresse e-mail – Emploi Montagne');
    expect(mail.text).toContain('Bonjour Marie Dupont,');
    expect(mail.links[0]).toMatch(/^http:\/\/montagne\.localhost\/compte\/verification\?jeton=[A-Za-z0-9_-]{43}$/);
    // The token is stored hashed only.
    const token = new URL(mail.links[0]).searchParams.get('jeton')!;
    const stored = await t.db.admin.selectFrom('account_tokens').select('token_hash').where('user_id', '=', row.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0].token_hash).not.toContain(token);

    const verified = await browser.get(pathOf(mail.links[0]));
    expect(verified.statusCode).toBe(303);
    expect(verified.headers.location).toBe('/compte/connexion?info=adresse-confirmee');
    expect(decodeHtml((await browser.get(verified.headers.location as string)).body)).toContain('Votre adresse e-mail est confirmée');
    // The link is single-use.
    const again = await browser.get(pathOf(mail.links[0]));
    expect(again.statusCode).toBe(400);
    expect(decodeHtml(again.body)).toContain('Ce lien n’est plus valide');

    const logIn = await browser.submit('/compte/connexion', { email: 'MARIE.DUPONT@exemple.fr', password: PASSWORD });
    expect(logIn.statusCode).toBe(303);
    expect(logIn.headers.location).toBe('/compte');
    const cookie = logIn.cookies.find((c) => c.name === 'cordee_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy(); // Secure (and __Host-) in production only: see auth-cookies.test.ts

    const account = await browser.get('/compte');
    expect(account.statusCode).toBe(200);
    expect(account.headers['cache-control']).toBe('private, no-store');
    expect(account.body).toContain('<dd>Marie Dupont</dd>');
    expect(account.body).toContain('<dd>marie.dupont@exemple.fr</dd>');
    expect(account.body).toContain('<dd>Employeur</dd>');
    expect(account.body).toMatch(/<a href="\/compte">Mon compte/);

    // Log-out ends the session: the old cookie, replayed, no longer opens the account page.
    const oldCookie = `cordee_session=${browser.cookies.get('cordee_session')}`;
    const logOut = await browser.post('/compte/deconnexion', { _csrf: csrfOf(account.body) });
    expect(logOut.statusCode).toBe(303);
    expect(logOut.headers.location).toBe('/compte/connexion?info=deconnexion');
    expect(browser.cookies.has('cordee_session')).toBe(false);
    const replay = await t.app.inject({ url: '/compte', headers: { host: MONTAGNE, cookie: oldCookie } });
    expect(replay.statusCode).toBe(303);
    expect(replay.headers.location).toBe('/compte/connexion?retour=%2Fcompte');
    const session = await t.db.admin.selectFrom('sessions').select(['revoked_at']).where('user_id', '=', row.id).executeTakeFirstOrThrow();
    expect(session.revoked_at).not.toBeNull();
  });

  it('answers a sign-up with an existing address exactly like a new one, and tells the owner by e-mail', async () => {
    const fresh = await new FormClient(t.app, DIJON).submit('/compte/inscription', {
      display_name: 'Jules Martin',
      email: 'jules.martin@exemple.fr',
      password: PASSWORD,
      role: 'candidate',
      birth_date: YOUNG_BIRTH_DATE,
    });
    const taken = await new FormClient(t.app, DIJON).submit('/compte/inscription', {
      display_name: 'Quelqu’un d’autre',
      email: 'employeur@dijon.demo',
      password: 'une autre phrase secrète',
      role: 'candidate',
      birth_date: YOUNG_BIRTH_DATE,
    });
    expect(taken.statusCode).toBe(fresh.statusCode);
    expect(taken.headers.location).toBe(fresh.headers.location);
    expect(await userCount('employeur@dijon.demo')).toBe(1);
    const demo = await t.db.admin.selectFrom('users').select(['display_name', 'role']).where('email', '=', 'employeur@dijon.demo').executeTakeFirstOrThrow();
    expect(demo).toEqual({ display_name: 'Antoine Girard', role: 'employer' });
    const mail = await lastMailTo(t.app, DIJON, 'employeur@dijon.demo');
    expect(mail.subject).toBe('Vous avez déjà un compte – Jeunes & Emploi Dijon');
    expect(mail.links.map(pathOf)).toEqual(['/compte/connexion', '/compte/mot-de-passe-oublie', '/']);
  });

  it('refuses bad input with French messages next to each field and keeps what was typed (never the password)', async () => {
    const browser = new FormClient(t.app, MONTAGNE);
    const response = await browser.submit('/compte/inscription', {
      display_name: 'Zoé <b>Leroy</b>',
      email: 'zoe.leroy@',
      password: 'court',
      role: 'admin',
    });
    expect(response.statusCode).toBe(400);
    const html = decodeHtml(response.body);
    expect(html).toContain('<title>Erreur : Créer un compte · Emploi Montagne</title>');
    // Error summary first, focused, linking to each field.
    expect(html).toMatch(/<div class="error-summary" id="resume-erreurs" role="alert"[^>]*tabindex="-1" autofocus>/);
    expect(html).toContain('<a href="#champ-email">Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr</a>');
    expect(html).toContain('<a href="#champ-password">Le mot de passe doit contenir entre 8 et 128 caractères</a>');
    expect(html).toContain('<a href="#champ-role-1">Indiquez si vous cherchez un emploi ou si vous recrutez</a>');
    // Each message sits by its field and is tied to it for screen readers.
    expect(html).toMatch(/<p class="field__error" id="champ-email-erreur"><span class="visually-hidden">Erreur : <\/span>Saisissez une adresse e-mail valide/);
    expect(html).toMatch(/<input id="champ-email" name="email" type="email" value="zoe.leroy@"[^>]*aria-describedby="champ-email-erreur" aria-invalid="true">/);
    expect(html).toMatch(/<input id="champ-password" name="password" type="password" value=""[^>]*aria-describedby="champ-password-aide champ-password-erreur" aria-invalid="true">/);
    // Typed values come back, escaped.
    expect(response.body).toContain('value="Zoé &lt;b&gt;Leroy&lt;/b&gt;"');
    expect(response.body).not.toContain('court');
    expect(await userCount('zoe.leroy@')).toBe(0);
    // A fresh CSRF token lets the user correct and resend.
    const retry = await browser.post('/compte/inscription', {
      _csrf: csrfOf(response.body),
      display_name: 'Zoé Leroy',
      email: 'zoe.leroy@exemple.fr',
      password: PASSWORD,
      role: 'candidate',
    });
    expect(retry.statusCode).toBe(303);
    expect(await userCount('zoe.leroy@exemple.fr')).toBe(1);
  });

  it('refuses a common password and one made of the address, leaving the link-less form', async () => {
    const common = await new FormClient(t.app, MONTAGNE).submit('/compte/inscription', {
      display_name: 'Paul Petit',
      email: 'paul.petit@exemple.fr',
      password: 'azertyuiop',
      role: 'candidate',
    });
    expect(common.statusCode).toBe(400);
    expect(decodeHtml(common.body)).toContain('Ce mot de passe fait partie des plus courants : choisissez-en un autre');
    expect(common.body).toContain('value="paul.petit@exemple.fr"');
    const personal = await new FormClient(t.app, MONTAGNE).submit('/compte/inscription', {
      display_name: 'Paul Petit',
      email: 'paul.petit@exemple.fr',
      password: 'paul.petit2025',
      role: 'candidate',
    });
    expect(personal.statusCode).toBe(400);
    expect(decodeHtml(personal.body)).toContain('Le mot de passe ne doit pas contenir votre adresse e-mail ni votre nom');
    expect(await userCount('paul.petit@exemple.fr')).toBe(0);
  });

  it('never lets a sign-up choose a staff role nor another tenant', async () => {
    const browser = new FormClient(t.app, DIJON);
    const admin = await browser.submit('/compte/inscription', { display_name: 'Intrus', email: 'intrus@exemple.fr', password: PASSWORD, role: 'admin' });
    expect(admin.statusCode).toBe(400);
    const smuggled = await browser.submit('/compte/inscription', {
      display_name: 'Intruse',
      email: 'intruse@exemple.fr',
      password: PASSWORD,
      role: 'candidate',
      birth_date: YOUNG_BIRTH_DATE,
      tenant_id: 'montagne',
      email_verified_at: '2020-01-01',
    });
    expect(smuggled.statusCode).toBe(303);
    const row = await t.db.admin.selectFrom('users').select(['tenant_id', 'role', 'email_verified_at']).where('email', '=', 'intruse@exemple.fr').executeTakeFirstOrThrow();
    expect(row).toEqual({ tenant_id: 'dijon', role: 'candidate', email_verified_at: null });
  });

  it('re-sends a verification link on request, and says the same for an unknown address', async () => {
    const browser = new FormClient(t.app, DIJON);
    await browser.submit('/compte/inscription', { display_name: 'Lina Garnier', email: 'lina.garnier@exemple.fr', password: PASSWORD, role: 'candidate', birth_date: YOUNG_BIRTH_DATE });
    const first = await lastMailTo(t.app, DIJON, 'lina.garnier@exemple.fr');
    const known = await browser.submit('/compte/verification/renvoyer', { email: 'lina.garnier@exemple.fr' });
    const unknown = await browser.submit('/compte/verification/renvoyer', { email: 'personne@exemple.fr' });
    expect(known.statusCode).toBe(303);
    expect(unknown.statusCode).toBe(303);
    expect(unknown.headers.location).toBe(known.headers.location);
    const second = await lastMailTo(t.app, DIJON, 'lina.garnier@exemple.fr');
    expect(second.id).not.toBe(first.id);
    expect((await mailbox(t.app, DIJON)).some((m) => m.to === 'personne@exemple.fr')).toBe(false);
    // The new link replaces the old one.
    expect((await browser.get(pathOf(first.links[0]))).statusCode).toBe(400);
    expect((await browser.get(pathOf(second.links[0]))).statusCode).toBe(303);
  });

  it('sends a fresh verification link (not a reminder) when an unverified address signs up again', async () => {
    const fields = { display_name: 'Hugo Bernard', email: 'hugo.bernard@exemple.fr', password: PASSWORD, role: 'candidate' };
    await new FormClient(t.app, MONTAGNE).submit('/compte/inscription', fields);
    const first = await lastMailTo(t.app, MONTAGNE, fields.email);
    const again = await new FormClient(t.app, MONTAGNE).submit('/compte/inscription', { ...fields, display_name: 'Autre nom', password: 'un autre secret choisi' });
    expect(again.statusCode).toBe(303);
    const second = await lastMailTo(t.app, MONTAGNE, fields.email);
    expect(second.id).not.toBe(first.id);
    expect(second.subject).toBe('Confirmez votre adresse e-mail – Emploi Montagne');
    expect(second.text).toContain('Bonjour Hugo Bernard,');
    // The account is unchanged: the first password still opens it once verified.
    expect((await t.app.inject({ url: pathOf(second.links[0]), headers: { host: MONTAGNE } })).statusCode).toBe(303);
    await new FormClient(t.app, MONTAGNE).logIn(fields.email, PASSWORD);
  });

  it('refuses a wrong password and an unknown address with the same message', async () => {
    const browser = new FormClient(t.app, MONTAGNE);
    const wrong = await browser.submit('/compte/connexion', { email: 'candidat@montagne.demo', password: 'pas le bon mot de passe' });
    const unknown = await browser.submit('/compte/connexion', { email: 'inconnu@montagne.demo', password: 'pas le bon mot de passe' });
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      expect(decodeHtml(response.body)).toContain('Adresse e-mail ou mot de passe incorrect');
      expect(browser.cookies.has('cordee_session')).toBe(false);
    }
    expect(wrong.body).toContain('value="candidat@montagne.demo"');
    // A staff account seeded without a password cannot log in with any password.
    const noPassword = await browser.submit('/compte/connexion', { email: 'admin@emploi-montagne.cordee.example', password: '' });
    expect(noPassword.statusCode).toBe(400);
    expect(decodeHtml(noPassword.body)).toContain('Saisissez votre mot de passe');
  });

  it('sends the user back where log-in was asked, but never to another site', async () => {
    const browser = new FormClient(t.app, MONTAGNE);
    const guarded = await browser.get('/compte/mot-de-passe');
    expect(guarded.statusCode).toBe(303);
    expect(guarded.headers.location).toBe('/compte/connexion?retour=%2Fcompte%2Fmot-de-passe');
    const page = await browser.get(guarded.headers.location as string);
    expect(page.body).toContain('<input type="hidden" name="retour" value="/compte/mot-de-passe">');
    const back = await browser.post('/compte/connexion', { _csrf: csrfOf(page.body), email: 'candidat@montagne.demo', password: 'cordee-demo', retour: '/compte/mot-de-passe' });
    expect(back.headers.location).toBe('/compte/mot-de-passe');
    // Once signed in, the log-in page itself goes straight to the return path.
    expect((await browser.get('/compte/connexion?retour=%2Foffres')).headers.location).toBe('/offres');

    for (const retour of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const response = await new FormClient(t.app, MONTAGNE).submit('/compte/connexion', { email: 'candidat@montagne.demo', password: 'cordee-demo', retour });
      expect(response.headers.location).toBe('/compte');
    }
  });

  it('shows log-in and sign-up links to visitors, the account link to signed-in users', async () => {
    const browser = new FormClient(t.app, DIJON);
    const visitor = await browser.get('/');
    expect(visitor.body).toContain('<a href="/compte/connexion">Se connecter</a>');
    expect(visitor.body).toContain('<a href="/compte/inscription">Créer un compte</a>');
    await browser.logIn('jeune@dijon.demo', 'cordee-demo');
    const member = await browser.get('/');
    expect(member.body).toMatch(/<a href="\/compte">Mon compte<span class="visually-hidden"> \(Inès Morel\)<\/span><\/a>/);
    expect(member.body).not.toContain('<a href="/compte/connexion">');
  });
});

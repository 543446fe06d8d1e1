import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { createTestApp, DIJON, MONTAGNE, testConfig, type TestApp } from '../../helpers/app.js';
import { csrfOf, decodeHtml, FormClient } from '../../helpers/accounts.js';

describe('CSRF protection of form posts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  const users = async (email: string) => (await t.db.admin.selectFrom('users').select('id').where('email', '=', email).execute()).length;
  const signUp = (email: string) => ({ display_name: 'Camille Roux', email, password: 'une phrase assez longue', role: 'candidate' });

  it('refuses a form post without a token (403) and changes nothing', async () => {
    const browser = new FormClient(t.app, MONTAGNE);
    await browser.get('/compte/inscription'); // has the secret cookie, but sends no token
    const response = await browser.post('/compte/inscription', signUp('sans.jeton@exemple.fr'));
    expect(response.statusCode).toBe(403);
    expect(decodeHtml(response.body)).toContain('Le formulaire a expiré ou ne vient pas de ce site');
    expect(await users('sans.jeton@exemple.fr')).toBe(0);
    // The refused form comes back with what was typed and a valid token: resending it works.
    expect(response.body).toContain('value="sans.jeton@exemple.fr"');
    const retry = await browser.post('/compte/inscription', { ...signUp('sans.jeton@exemple.fr'), _csrf: csrfOf(response.body) });
    expect(retry.statusCode).toBe(303);
    expect(await users('sans.jeton@exemple.fr')).toBe(1);
  });

  it('refuses a forged token, a token without its cookie, and a cross-site post with no cookie at all', async () => {
    const browser = new FormClient(t.app, MONTAGNE);
    const page = await browser.get('/compte/inscription');
    const good = csrfOf(page.body);
    const forged = `${good.slice(0, -4)}AAAA`;
    expect((await browser.post('/compte/inscription', { ...signUp('forge@exemple.fr'), _csrf: forged })).statusCode).toBe(403);

    const stranger = new FormClient(t.app, MONTAGNE); // another browser: no secret cookie
    expect((await stranger.post('/compte/inscription', { ...signUp('forge@exemple.fr'), _csrf: good })).statusCode).toBe(403);

    const attacker = await t.app.inject({
      method: 'POST',
      url: '/compte/connexion',
      headers: { host: MONTAGNE, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      payload: 'email=candidat%40montagne.demo&password=cordee-demo',
    });
    expect(attacker.statusCode).toBe(403);
    expect(attacker.cookies.some((c) => c.name === 'cordee_session')).toBe(false);
    expect(await users('forge@exemple.fr')).toBe(0);
  });

  it('binds tokens to the session: a token from before log-in, or from another session, is refused', async () => {
    const browser = new FormClient(t.app, DIJON);
    const anonymousPage = await browser.get('/compte/connexion');
    const anonymousToken = csrfOf(anonymousPage.body);
    await browser.logIn('jeune@dijon.demo', 'cordee-demo');

    // Log-out with the visitor's token: refused, the session stays open.
    const logOut = await browser.post('/compte/deconnexion', { _csrf: anonymousToken });
    expect(logOut.statusCode).toBe(403);
    expect((await browser.get('/compte')).statusCode).toBe(200);

    // A token minted for another session of the same account does not work either.
    const other = new FormClient(t.app, DIJON);
    await other.logIn('jeune@dijon.demo', 'cordee-demo');
    const otherToken = csrfOf((await other.get('/compte')).body);
    expect((await browser.post('/compte/deconnexion', { _csrf: otherToken })).statusCode).toBe(403);
    expect((await browser.get('/compte')).statusCode).toBe(200);

    const ownToken = csrfOf((await browser.get('/compte')).body);
    expect((await browser.post('/compte/deconnexion', { _csrf: ownToken })).statusCode).toBe(303);
    expect((await browser.get('/compte')).statusCode).toBe(303);
    expect((await other.get('/compte')).statusCode).toBe(200);
  });

  it('protects the password change form of a signed-in user', async () => {
    const browser = new FormClient(t.app, DIJON);
    await browser.logIn('admin@dijon.demo', 'cordee-demo');
    const response = await browser.post('/compte/mot-de-passe', { current_password: 'cordee-demo', new_password: 'piratage en douce' });
    expect(response.statusCode).toBe(403);
    const api = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { host: DIJON }, payload: { email: 'admin@dijon.demo', password: 'cordee-demo' } });
    expect(api.statusCode).toBe(200);
  });

  it('leaves the JSON API out: it reads Bearer tokens, never cookies', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/token',
      headers: { host: MONTAGNE },
      payload: { email: 'candidat@montagne.demo', password: 'cordee-demo' },
    });
    expect(response.statusCode).toBe(200);
  });
});

describe('cookies in production', () => {
  it('are __Host- prefixed, Secure, HttpOnly and SameSite=Lax', async () => {
    const t = await createTestApp();
    const production = await buildApp(testConfig(t.db.url, { env: 'production' }));
    try {
      const host = 'emploi-montagne.cordee.example';
      const browser = new FormClient(production, host);
      const page = await browser.get('/compte/connexion');
      const csrfCookie = page.cookies.find((c) => c.name === '__Host-cordee_csrf');
      expect(csrfCookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(csrfCookie?.domain).toBeUndefined();
      const logIn = await browser.post('/compte/connexion', { _csrf: csrfOf(page.body), email: 'candidat@montagne.demo', password: 'cordee-demo' });
      expect(logIn.statusCode).toBe(303);
      const session = logIn.cookies.find((c) => c.name === '__Host-cordee_session');
      expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(session?.domain).toBeUndefined();
      expect((await browser.get('/compte')).statusCode).toBe(200);
      // No development mailbox in production.
      expect((await production.inject({ url: '/_dev/mail', headers: { host } })).statusCode).toBe(404);
    } finally {
      await production.close();
      await t.close();
    }
  });
});

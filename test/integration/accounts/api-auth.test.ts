import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { FormClient } from '../../helpers/accounts.js';

const DEMO = 'cordee-demo';

const DEMO_ACCOUNTS = [
  { host: MONTAGNE, email: 'admin@montagne.demo', role: 'admin' },
  { host: MONTAGNE, email: 'employeur@montagne.demo', role: 'employer' },
  { host: MONTAGNE, email: 'candidat@montagne.demo', role: 'candidate' },
  { host: DIJON, email: 'admin@dijon.demo', role: 'admin' },
  { host: DIJON, email: 'employeur@dijon.demo', role: 'employer' },
  { host: DIJON, email: 'conseiller@dijon.demo', role: 'counsellor' },
  { host: DIJON, email: 'jeune@dijon.demo', role: 'candidate' },
];

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('API v1 authentication (Bearer tokens)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  const token = (host: string, body: unknown, ip = '198.51.100.7') =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { host }, payload: body as object, remoteAddress: ip });
  const me = (host: string, authorization?: string, cookie?: string) =>
    t.app.inject({ url: '/api/v1/me', headers: { host, ...(authorization ? { authorization } : {}), ...(cookie ? { cookie } : {}) } });
  const bearer = async (host: string, email: string, password = DEMO) => {
    const response = await token(host, { email, password });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().access_token as string;
  };

  it.each(DEMO_ACCOUNTS)('gives the demo account $email a bearer token on $host', async ({ host, email, role }) => {
    const response = await token(host, { email, password: DEMO });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(body.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ aud: host.split('.')[0], iss: 'cordee', typ: 'api' });
    expect(claims.exp - claims.iat).toBe(900);
    const who = await me(host, `Bearer ${body.access_token}`);
    expect(who.statusCode).toBe(200);
    expect(who.json()).toMatchObject({ email, role, tenant: host.split('.')[0] });
  });

  it('refuses wrong credentials with a JSON error, the same for an unknown address', async () => {
    for (const body of [{ email: 'admin@montagne.demo', password: 'faux' }, { email: 'personne@montagne.demo', password: 'faux' }]) {
      const response = await token(MONTAGNE, body);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: 'Adresse e-mail ou mot de passe incorrect', fields: {} } });
    }
  });

  it('refuses bad input with 400 and field-level French errors', async () => {
    const response = await token(MONTAGNE, { email: 'pas-une-adresse', password: '' });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('Certains paramètres sont invalides');
    expect(Object.keys(error.fields)).toContain('email');
    expect(error.fields.email).toMatch(/doit correspondre au format "email"/);
    const missing = await token(MONTAGNE, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.fields).toHaveProperty('email');
  });

  it('never accepts a token of one tenant on another tenant’s host', async () => {
    const montagne = await bearer(MONTAGNE, 'admin@montagne.demo');
    const response = await me(DIJON, `Bearer ${montagne}`);
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="dijon", error="invalid_token"');
    expect(response.json().error.code).toBe('INVALID_TOKEN');
    expect((await me(MONTAGNE, `Bearer ${montagne}`)).statusCode).toBe(200);
    // Nor does the password of a montagne account open a dijon session.
    expect((await token(DIJON, { email: 'admin@montagne.demo', password: DEMO })).statusCode).toBe(401);
  });

  it('never accepts a browser cookie of one tenant on another tenant’s host', async () => {
    const browser = new FormClient(t.app, MONTAGNE);
    await browser.logIn('candidat@montagne.demo', DEMO);
    const cookie = `cordee_session=${browser.cookies.get('cordee_session')}`;
    expect((await t.app.inject({ url: '/compte', headers: { host: MONTAGNE, cookie } })).statusCode).toBe(200);
    const foreign = await t.app.inject({ url: '/compte', headers: { host: DIJON, cookie } });
    expect(foreign.statusCode).toBe(303);
    expect(foreign.headers.location).toMatch(/^\/compte\/connexion/);
    // The foreign cookie is cleared on that host.
    expect(foreign.cookies.find((c) => c.name === 'cordee_session')?.value).toBe('');
  });

  it('refuses forged, re-signed, unsigned and expired tokens', async () => {
    const real = await bearer(MONTAGNE, 'candidat@montagne.demo');
    const [header, payload, signature] = real.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forgedPayload = b64({ ...claims, sub: '00000000-0000-4000-8000-000000000000' });
    const cases = {
      tampered: `${header}.${forgedPayload}.${signature}`,
      unsigned: `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      otherKey: (() => {
        const head = b64({ alg: 'HS256', typ: 'JWT' });
        return `${head}.${payload}.${createHmac('sha256', 'not-the-secret').update(`${head}.${payload}`).digest('base64url')}`;
      })(),
      otherAlgorithm: t.app.jwt.sign({ sub: claims.sub, sid: claims.sid, typ: 'api' }, { aud: 'montagne', algorithm: 'HS512' } as never),
      expired: t.app.jwt.sign({ sub: claims.sub, sid: claims.sid, typ: 'api' }, { aud: 'montagne', expiresIn: 60, clockTimestamp: Date.now() - 3_600_000 } as never),
      wrongIssuer: t.app.jwt.sign({ sub: claims.sub, sid: claims.sid, typ: 'api' }, { aud: 'montagne', iss: 'ailleurs' } as never),
      noAudience: t.app.jwt.sign({ sub: claims.sub, sid: claims.sid, typ: 'api' }, { expiresIn: 60 } as never),
      browserToken: t.app.jwt.sign({ sub: claims.sub, sid: claims.sid, typ: 'browser' }, { aud: 'montagne', expiresIn: 60 } as never),
      garbage: 'not.a.token',
    };
    for (const [name, forged] of Object.entries(cases)) {
      const response = await me(MONTAGNE, `Bearer ${forged}`);
      expect(response.statusCode, name).toBe(401);
    }
    expect((await me(MONTAGNE, `Bearer ${real}`)).statusCode).toBe(200);
  });

  it('ignores cookies on the API and bearer tokens in the session cookie', async () => {
    const browser = new FormClient(t.app, DIJON);
    await browser.logIn('jeune@dijon.demo', DEMO);
    const cookie = `cordee_session=${browser.cookies.get('cordee_session')}`;
    const viaCookie = await me(DIJON, undefined, cookie);
    expect(viaCookie.statusCode).toBe(401);
    expect(viaCookie.json().error.code).toBe('UNAUTHENTICATED');
    expect(viaCookie.headers['www-authenticate']).toBe('Bearer realm="dijon"');
    const api = await bearer(DIJON, 'jeune@dijon.demo');
    expect((await t.app.inject({ url: '/compte', headers: { host: DIJON, cookie: `cordee_session=${api}` } })).statusCode).toBe(303);
  });

  it('revokes a token on request, and every token of a disabled account at once', async () => {
    const first = await bearer(DIJON, 'conseiller@dijon.demo');
    const second = await bearer(DIJON, 'conseiller@dijon.demo');
    const revoke = await t.app.inject({ method: 'POST', url: '/api/v1/auth/revoke', headers: { host: DIJON, authorization: `Bearer ${first}` } });
    expect(revoke.statusCode).toBe(204);
    expect((await me(DIJON, `Bearer ${first}`)).statusCode).toBe(401);
    expect((await me(DIJON, `Bearer ${second}`)).statusCode).toBe(200);

    await t.db.admin.updateTable('users').set({ disabled_at: sql<Date>`now()` }).where('email', '=', 'conseiller@dijon.demo').execute();
    expect((await me(DIJON, `Bearer ${second}`)).statusCode).toBe(401);
    const refused = await token(DIJON, { email: 'conseiller@dijon.demo', password: DEMO });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('ACCOUNT_DISABLED');
  });

  it('tells an unverified account apart only once its password is right', async () => {
    const browser = new FormClient(t.app, MONTAGNE);
    await browser.submit('/compte/inscription', { display_name: 'Noé Blanc', email: 'noe.blanc@exemple.fr', password: 'sommets enneigés', role: 'candidate' });
    const wrong = await token(MONTAGNE, { email: 'noe.blanc@exemple.fr', password: 'autre chose' });
    expect(wrong.statusCode).toBe(401);
    const right = await token(MONTAGNE, { email: 'noe.blanc@exemple.fr', password: 'sommets enneigés' });
    expect(right.statusCode).toBe(403);
    expect(right.json().error).toMatchObject({ code: 'EMAIL_NOT_VERIFIED' });
  });

  it('answers 401 without a token on a protected route', async () => {
    const response = await me(MONTAGNE);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'Connectez-vous pour continuer', fields: {} } });
  });
});

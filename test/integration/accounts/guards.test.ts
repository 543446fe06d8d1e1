import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { BROWSER_IDLE_TTL_S, BROWSER_RENEW_AFTER_S } from '../../../server/features/accounts/policy.js';
import { requireRole, requireUser } from '../../../server/plugins/auth.js';
import { testConfig, MONTAGNE, DIJON } from '../../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { FormClient } from '../../helpers/accounts.js';

const DEMO = 'cordee-demo';

/** The building blocks part B's routes will use, on routes declared the way a feature declares them. */
describe('requireUser / requireRole guards and session lifetime', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let handled = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await buildApp(testConfig(db.url));
    await app.register(async (feature) => {
      feature.get('/espace-admin', { onRequest: requireRole('admin') }, async (request) => {
        handled += 1;
        return `admin ${request.user!.displayName}`;
      });
      feature.get('/api/v1/admin-only', { onRequest: requireRole('admin') }, async (request) => ({ id: request.user!.id, tenant: request.user!.tenantId }));
      feature.get('/api/v1/members', { onRequest: requireUser }, async (request) => ({ role: request.user!.role }));
      feature.get('/espace-employeur', { preHandler: requireRole('employer', 'admin') }, async (request) => `ok ${request.user!.role}`);
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const bearer = async (host: string, email: string) => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { host }, payload: { email, password: DEMO } });
    return `Bearer ${response.json().access_token}`;
  };

  it('pages: a visitor is sent to log-in with a return path, a wrong role gets 403, the right role gets in', async () => {
    const visitor = await app.inject({ url: '/espace-admin?onglet=offres', headers: { host: MONTAGNE } });
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe('/compte/connexion?retour=%2Fespace-admin%3Fonglet%3Doffres');
    expect(handled).toBe(0); // the guard ended the request: the handler never ran

    const candidate = new FormClient(app, MONTAGNE);
    await candidate.logIn('candidat@montagne.demo', DEMO);
    const refused = await candidate.get('/espace-admin');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Vous n’avez pas accès à cette page');
    expect(handled).toBe(0);

    const admin = new FormClient(app, MONTAGNE);
    await admin.logIn('admin@montagne.demo', DEMO);
    expect((await admin.get('/espace-admin')).body).toBe('admin Hélène Favre');
    expect((await admin.get('/espace-employeur')).body).toBe('ok admin');
    expect((await candidate.get('/espace-employeur')).statusCode).toBe(403);
  });

  it('API: 401 JSON without a token, 403 JSON for a wrong role, request.user typed for the handler', async () => {
    const anonymous = await app.inject({ url: '/api/v1/admin-only', headers: { host: DIJON } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');

    const youth = await app.inject({ url: '/api/v1/admin-only', headers: { host: DIJON, authorization: await bearer(DIJON, 'jeune@dijon.demo') } });
    expect(youth.statusCode).toBe(403);
    expect(youth.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'Vous n’avez pas accès à cette page', fields: {} } });

    const admin = await app.inject({ url: '/api/v1/admin-only', headers: { host: DIJON, authorization: await bearer(DIJON, 'admin@dijon.demo') } });
    expect(admin.statusCode).toBe(200);
    expect(admin.json().tenant).toBe('dijon');
    const counsellor = await app.inject({ url: '/api/v1/members', headers: { host: DIJON, authorization: await bearer(DIJON, 'conseiller@dijon.demo') } });
    expect(counsellor.json()).toEqual({ role: 'counsellor' });
  });

  it('re-signs the browser token of an active user (same session), and lets an idle or ended session go', async () => {
    const browser = new FormClient(app, MONTAGNE);
    await browser.logIn('employeur@montagne.demo', DEMO);
    const issued = browser.cookies.get('cordee_session')!;
    const claims = app.jwt.decode<{ sub: string; sid: string; iat: number; exp: number }>(issued)!;
    expect(claims.exp - claims.iat).toBe(BROWSER_IDLE_TTL_S);

    // A fresh token is not renewed…
    expect((await browser.get('/compte')).cookies.find((c) => c.name === 'cordee_session')).toBeUndefined();
    // …a token older than the renewal age is, for the same session.
    const old = app.jwt.sign({ sub: claims.sub, sid: claims.sid, typ: 'browser' }, {
      aud: 'montagne',
      expiresIn: BROWSER_IDLE_TTL_S,
      clockTimestamp: Date.now() - (BROWSER_RENEW_AFTER_S + 60) * 1000,
    } as never);
    const renewed = await app.inject({ url: '/compte', headers: { host: MONTAGNE, cookie: `cordee_session=${old}` } });
    expect(renewed.statusCode).toBe(200);
    const fresh = renewed.cookies.find((c) => c.name === 'cordee_session')!;
    const freshClaims = app.jwt.decode<{ sid: string; iat: number }>(fresh.value)!;
    expect(freshClaims.sid).toBe(claims.sid);
    expect(freshClaims.iat).toBeGreaterThan(Date.now() / 1000 - 5);

    // Idle past the token's lifetime: anonymous again.
    const idle = app.jwt.sign({ sub: claims.sub, sid: claims.sid, typ: 'browser' }, {
      aud: 'montagne',
      expiresIn: BROWSER_IDLE_TTL_S,
      clockTimestamp: Date.now() - (BROWSER_IDLE_TTL_S + 1) * 1000,
    } as never);
    expect((await app.inject({ url: '/compte', headers: { host: MONTAGNE, cookie: `cordee_session=${idle}` } })).statusCode).toBe(303);

    // The session's absolute end: even a fresh token of it is refused.
    await db.admin
      .updateTable('sessions')
      .set({ created_at: sql<Date>`now() - interval '13 hours'`, expires_at: sql<Date>`now() - interval '1 hour'` })
      .where('id', '=', claims.sid)
      .execute();
    expect((await browser.get('/compte')).statusCode).toBe(303);
  });

  it('does not look sessions up for public assets (a page view pulls several)', async () => {
    const cookie = 'cordee_session=forged.token.value';
    const page = await app.inject({ url: '/', headers: { host: MONTAGNE, cookie } });
    expect(page.cookies.find((c) => c.name === 'cordee_session')?.value).toBe(''); // checked, and cleared
    for (const url of ['/theme.css', '/assets/css/base.css', '/robots.txt']) {
      const asset = await app.inject({ url, headers: { host: MONTAGNE, cookie } });
      expect(asset.statusCode, url).toBe(200);
      expect(asset.headers['set-cookie'], url).toBeUndefined(); // never looked at
    }
  });
});

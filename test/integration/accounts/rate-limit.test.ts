import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../server/features/accounts/policy.js';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { csrfOf, decodeHtml, FormClient, mailbox, nextIp } from '../../helpers/accounts.js';

describe('rate limits on log-in, token, sign-up and reset', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  const token = (host: string, email: string, password: string, ip: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { host }, payload: { email, password }, remoteAddress: ip });

  it(`refuses log-in attempt no. ${LIMITS.logInPerEmail.max + 1} on one e-mail, whatever the IP, with 429 and Retry-After`, async () => {
    const email = 'employeur@montagne.demo';
    for (let i = 0; i < LIMITS.logInPerEmail.max; i++) {
      // Each attempt from another address: the per-IP limit never triggers.
      expect((await token(MONTAGNE, email, `essai ${i}`, nextIp())).statusCode).toBe(401);
    }
    const blocked = await token(MONTAGNE, email, 'cordee-demo', nextIp());
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(60);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(LIMITS.logInPerEmail.windowMs / 1000);
    expect(blocked.json()).toEqual({ error: { code: 'RATE_LIMITED', message: 'Trop de tentatives : réessayez dans quelques minutes', fields: {} } });

    // The log-in page shares the counter (one budget per e-mail), and answers in French.
    const browser = new FormClient(t.app, MONTAGNE);
    const page = await browser.submit('/compte/connexion', { email, password: 'cordee-demo' });
    expect(page.statusCode).toBe(429);
    expect(page.headers['retry-after']).toBeDefined();
    expect(decodeHtml(page.body)).toContain('Trop de tentatives : réessayez dans quelques minutes');
    expect(page.body).toContain('value="employeur@montagne.demo"');
    expect(browser.cookies.has('cordee_session')).toBe(false);

    // Another e-mail, and the same e-mail on another tenant, are not affected.
    expect((await token(MONTAGNE, 'admin@montagne.demo', 'cordee-demo', nextIp())).statusCode).toBe(200);
    expect((await token(DIJON, email, 'cordee-demo', nextIp())).statusCode).toBe(401);
  });

  it(`refuses log-in attempt no. ${LIMITS.logInPerIp.max + 1} from one IP, whatever the e-mail`, async () => {
    const ip = nextIp();
    for (let i = 0; i < LIMITS.logInPerIp.max; i++) {
      expect((await token(DIJON, `inconnu-${i}@exemple.fr`, 'pas le bon', ip)).statusCode).toBe(401);
    }
    const blocked = await token(DIJON, 'jeune@dijon.demo', 'cordee-demo', ip);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    // Another address goes on; the same address on the other tenant too (counters are per tenant).
    expect((await token(DIJON, 'jeune@dijon.demo', 'cordee-demo', nextIp())).statusCode).toBe(200);
    expect((await token(MONTAGNE, 'candidat@montagne.demo', 'cordee-demo', ip)).statusCode).toBe(200);
  });

  it(`limits sign-ups per e-mail (${LIMITS.signUpPerEmail.max}) and per IP (${LIMITS.signUpPerIp.max})`, async () => {
    // Dijon asks young people their date of birth (youth board).
    const fields = (email: string) => ({ display_name: 'Robin Faure', email, password: 'une phrase assez longue', role: 'candidate', birth_date: '2004-05-12' });
    for (let i = 0; i < LIMITS.signUpPerEmail.max; i++) {
      expect((await new FormClient(t.app, DIJON).submit('/compte/inscription', fields('robin.faure@exemple.fr'))).statusCode).toBe(303);
    }
    const perEmail = await new FormClient(t.app, DIJON).submit('/compte/inscription', fields('robin.faure@exemple.fr'));
    expect(perEmail.statusCode).toBe(429);

    const browser = new FormClient(t.app, DIJON);
    let page = await browser.get('/compte/inscription');
    for (let i = 0; i < LIMITS.signUpPerIp.max; i++) {
      const response = await browser.post('/compte/inscription', { ...fields(`robin-${i}@exemple.fr`), _csrf: csrfOf(page.body) });
      expect(response.statusCode).toBe(303);
      page = await browser.get('/compte/inscription');
    }
    const perIp = await browser.post('/compte/inscription', { ...fields('robin-encore@exemple.fr'), _csrf: csrfOf(page.body) });
    expect(perIp.statusCode).toBe(429);
    expect(await t.db.admin.selectFrom('users').select('id').where('email', '=', 'robin-encore@exemple.fr').execute()).toHaveLength(0);
  });

  it(`sends at most ${LIMITS.mailPerEmail.max} reset e-mails an hour to one address`, async () => {
    const email = 'admin@dijon.demo';
    for (let i = 0; i < LIMITS.mailPerEmail.max; i++) {
      expect((await new FormClient(t.app, DIJON).submit('/compte/mot-de-passe-oublie', { email })).statusCode).toBe(303);
    }
    const blocked = await new FormClient(t.app, DIJON).submit('/compte/mot-de-passe-oublie', { email });
    expect(blocked.statusCode).toBe(429);
    expect((await mailbox(t.app, DIJON)).filter((m) => m.to === email)).toHaveLength(LIMITS.mailPerEmail.max);
  });
});

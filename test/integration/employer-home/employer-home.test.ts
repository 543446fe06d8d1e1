import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHtml, FormClient } from '../../helpers/accounts.js';
import { createTestApp, middayClock, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { companyIdOf, createAccount, createCompany, DEMO_PASSWORD } from '../../helpers/company-space.js';
import { insertLiveOffer } from '../../helpers/offers.js';

const DAY = 86_400_000;

describe('employer home (/compte/employeur)', () => {
  let t: TestApp;
  const clock = middayClock();

  beforeAll(async () => {
    t = await createTestApp({}, { clock: () => clock });
  });
  afterAll(async () => t?.close());

  it('says what to do next: membership ending, applications to read, offers to renew; counts per offer', async () => {
    const companyId = await companyIdOf(t, 'montagne', 'employeur@montagne.demo');
    const ending = await insertLiveOffer(t.db.admin, 'montagne', companyId, { title: 'Offre qui se termine H/F', commune: '74056' });
    await t.db.admin.updateTable('offers').set({ expires_at: new Date(clock.getTime() + 3 * DAY) }).where('id', '=', ending).execute();
    const busy = await insertLiveOffer(t.db.admin, 'montagne', companyId, { title: 'Offre très demandée H/F', commune: '74056' });
    for (const [n, status] of (['new', 'new', 'viewed'] as const).entries()) {
      await t.db.admin
        .insertInto('applications')
        .values({ tenant_id: 'montagne', offer_id: busy, company_id: companyId, full_name: `Candidat ${n}`, email: `c${n}@example.org`, status, consent_at: new Date() })
        .execute();
    }
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(clock);
    const inTenDays = new Date(Date.parse(`${today}T00:00:00Z`) + 10 * DAY).toISOString().slice(0, 10);
    await t.db.admin.updateTable('memberships').set({ status: 'active', period_end: inTenDays }).where('company_id', '=', companyId).execute();

    const employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('employeur@montagne.demo', DEMO_PASSWORD);
    const response = await employer.get('/compte/employeur');
    expect(response.statusCode).toBe(200);
    const html = decodeHtml(response.body);
    const steps = html.slice(html.indexOf('id="a-faire-titre"'), html.indexOf('id="offres-titre"'));
    expect(steps).toMatch(/Votre adhésion arrive à échéance le \d+ \S+ \d{4}\./);
    expect(steps).toContain('2 candidatures à lire');
    expect(steps).toContain(`href="/compte/offres/${busy}/candidatures">Offre très demandée H/F</a> – 2 nouvelles`);
    expect(steps).toContain('Offre qui se termine H/F – expire le');
    expect(steps).toContain(`action="/compte/offres/${ending}/prolonger"`);
    expect(steps.indexOf('adhésion')).toBeLessThan(steps.indexOf('candidatures à lire'));
    const table = html.slice(html.indexOf('id="offres-titre"'));
    expect(table).toContain('2 nouvelles sur 3');
    // The offer list shows the same counts.
    expect(decodeHtml((await employer.get('/compte/offres')).body)).toContain('2 nouvelles sur 3');
  });

  it('explains the first step to an employer without offers, and sends one without a company to create it', async () => {
    const companyId = await createCompany(t, 'montagne', 'Toute Neuve');
    await createAccount(t, 'montagne', { email: 'neuf@example.org', role: 'employer', companyId });
    const employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('neuf@example.org', DEMO_PASSWORD);
    const html = decodeHtml((await employer.get('/compte/employeur')).body);
    expect(html).toContain('Vous n’avez pas encore d’offre.');
    expect(html).toContain('href="/compte/offres/nouvelle">Publier ma première offre</a>');
    // No membership row: the board requires one, so that comes first.
    expect(html).toContain('Votre adhésion n’est pas à jour');

    await createAccount(t, 'montagne', { email: 'sans-entreprise@example.org', role: 'employer' });
    const alone = new FormClient(t.app, MONTAGNE);
    await alone.logIn('sans-entreprise@example.org', DEMO_PASSWORD);
    const redirect = await alone.get('/compte/employeur');
    expect(redirect.statusCode).toBe(303);
    expect(redirect.headers.location).toBe('/compte/entreprise/nouvelle');
  });

  it('is for employers only', async () => {
    expect((await t.app.inject({ url: '/compte/employeur', headers: { host: MONTAGNE } })).statusCode).toBe(303);
    const candidate = new FormClient(t.app, MONTAGNE);
    await candidate.logIn('candidat@montagne.demo', DEMO_PASSWORD);
    expect((await candidate.get('/compte/employeur')).statusCode).toBe(403);
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../server/db/tenant-db.js';
import { createBillingProvider } from '../../../server/features/billing/providers/index.js';
import { recordManualPayment } from '../../../server/features/billing/service.js';
import { FormClient, decodeHtml } from '../../helpers/accounts.js';
import { MONTAGNE } from '../../helpers/app.js';
import { apiClient, apiToken, createAccount, createCompany, DEMO_PASSWORD, offerBody, type Api } from '../../helpers/company-space.js';
import { applyThroughApi, csvRows, freshBoard, tableOnPage } from '../../helpers/reports.js';

/**
 * A fresh cluster board (a fork of montagne: its configuration, none of its data), populated through
 * the API with offers and hires of known contracts and natures, dated in 2025; the report of 2025 is
 * compared with counts made by hand. The app's clock is fixed on 16 March 2026.
 */
const CLOCK = new Date('2026-03-16T10:30:00Z');
const SLUG = 'rapports-test';

/** Full-time equivalents by hand: weekly hours / 35 × days of 2025 the contract covers / 365. */
const fte = (hours: number, days: number) => (hours / 35) * (days / 365);
const FTE = {
  h1: fte(35, 275), // CDI from 1 April
  h2: fte(35, 31), // seasonal from 1 December
  h3: fte(28, 92), // CDD 1 October → 31 March
  h4: fte(35, 92), // CDD 5 May → 4 August
  h5: fte(35, 184), // interim 1 July → 15 January
  h6: fte(35, 346), // apprenticeship from 20 January
};

describe('reports of a fresh cluster board, against counts made by hand', () => {
  let board: Awaited<ReturnType<typeof freshBoard>>;
  let admin: Api;
  let employerA: Api;
  let employerB: Api;
  let staff: FormClient;
  const hires: Record<string, string> = {};
  const offers: Record<string, string> = {};

  beforeAll(async () => {
    // Employers publish without a membership and without review, so that offers go live through the API at once.
    board = await freshBoard('montagne', SLUG, (config) => {
      config.membership.required = false;
      config.offers.moderation = false;
    }, () => CLOCK);
    const { app, host } = board;
    const companyA = await createCompany(board, SLUG, 'Remontées du Col');
    const companyB = await createCompany(board, SLUG, 'Hôtel du Lac');
    await board.db.admin.updateTable('companies').set({ headcount: 5 }).where('id', '=', companyA).execute();
    await board.db.admin.updateTable('companies').set({ headcount: 20 }).where('id', '=', companyB).execute();
    await createAccount(board, SLUG, { email: 'admin@rapports.test', role: 'admin' });
    await createAccount(board, SLUG, { email: 'a@rapports.test', role: 'employer', companyId: companyA });
    await createAccount(board, SLUG, { email: 'b@rapports.test', role: 'employer', companyId: companyB });
    admin = apiClient(app, host, await apiToken(app, host, 'admin@rapports.test'));
    employerA = apiClient(app, host, await apiToken(app, host, 'a@rapports.test'));
    employerB = apiClient(app, host, await apiToken(app, host, 'b@rapports.test'));
    staff = new FormClient(app, host);
    await staff.logIn('admin@rapports.test', DEMO_PASSWORD);

    const publish = async (api: Api, key: string, body: Record<string, unknown>) => {
      const created = await api('POST', '/api/v1/offers', offerBody({ apply_method: 'platform', apply_email: null, ...body }));
      expect(created.statusCode, created.body).toBe(201);
      offers[key] = created.json().id;
      expect((await api('POST', `/api/v1/offers/${offers[key]}/publish`)).statusCode).toBe(200);
    };
    await publish(employerA, 'o1', { title: 'Perchman hiver', contract: 'seasonal', season: 'winter', rome_code: 'G1204' });
    await publish(employerA, 'o2', { title: 'Technicien remontées', contract: 'cdi', season: 'all_year', rome_code: 'I1310', end_date: null });
    await publish(employerA, 'o3', { title: 'Caissier un jour', contract: 'cdd', season: null, rome_code: 'D1505' });
    await publish(employerA, 'o4', { title: 'Apprenti mécanicien', contract: 'apprenticeship', season: null, rome_code: 'I1310' });
    await publish(employerA, 'o5', { title: 'Intérimaire 2026', contract: 'interim', season: null, rome_code: 'N1103' });
    await publish(employerB, 'o6', { title: 'Réceptionniste', contract: 'cdd', season: null, rome_code: 'G1703' });

    // Candidates apply through the API, then the companies hire through it.
    const lea = { name: 'Léa Martin', email: 'lea.martin@exemple.fr' };
    const a1 = await applyThroughApi(app, host, offers.o2, { name: 'Hugo Bernard', email: 'hugo@exemple.fr' });
    const a2 = await applyThroughApi(app, host, offers.o1, lea);
    const a6 = await applyThroughApi(app, host, offers.o4, { name: 'Théo Petit', email: 'theo@exemple.fr' });
    const hire = async (api: Api, applicationId: string, facts: Record<string, unknown>) => {
      const response = await api('POST', `/api/v1/applications/${applicationId}/hire`, facts);
      expect(response.statusCode, response.body).toBe(201);
      return response.json().id as string;
    };
    const declare = async (api: Api, facts: Record<string, unknown>) => {
      const response = await api('POST', '/api/v1/hires', facts);
      expect(response.statusCode, response.body).toBe(201);
      return response.json().id as string;
    };
    hires.h1 = await hire(employerA, a1, { contract: 'cdi', weekly_hours: 35, hired_on: '2025-03-20', planned_start: '2025-04-01', actual_start: '2025-04-01', job_nature: 'creation' });
    // Léa, hired again for the next winter by the same company; her nature is not declared.
    hires.h0 = await declare(employerA, { attribution: 'declared_only', person_email: lea.email, title: 'Perchman hiver', contract: 'seasonal', weekly_hours: 35, hired_on: '2024-11-15', planned_start: '2024-12-01', planned_end: '2025-04-15', actual_start: '2024-12-01', actual_end: '2025-04-15', end_reason: 'end_of_contract' });
    hires.h2 = await hire(employerA, a2, { contract: 'seasonal', weekly_hours: 35, hired_on: '2025-11-10', planned_start: '2025-12-01', planned_end: '2026-05-31' });
    hires.h3 = await declare(employerB, { attribution: 'platform_contact', offer_id: offers.o6, contract: 'cdd', weekly_hours: 28, hired_on: '2025-09-20', planned_start: '2025-10-01', planned_end: '2026-03-31', job_nature: 'creation' });
    hires.h4 = await declare(employerA, { attribution: 'declared_only', title: 'Vendeur été', contract: 'cdd', weekly_hours: 35, hired_on: '2025-04-25', planned_start: '2025-05-05', planned_end: '2025-08-04', actual_end: '2025-08-04', end_reason: 'end_of_contract' });
    hires.h5 = await declare(employerB, { attribution: 'declared_only', title: 'Plongeur intérim', contract: 'interim', weekly_hours: 35, hired_on: '2025-06-20', planned_start: '2025-07-01', planned_end: '2026-01-15', job_nature: 'replacement' });
    hires.h6 = await hire(employerA, a6, { contract: 'apprenticeship', weekly_hours: 35, hired_on: '2025-01-10', planned_start: '2025-01-20', planned_end: '2027-01-19', job_nature: 'creation' });
    hires.h7 = await declare(employerB, { attribution: 'declared_only', title: 'Cuisinier', contract: 'cdi', weekly_hours: 39, hired_on: '2026-01-20', planned_start: '2026-02-01', job_nature: 'creation' });

    // The offers' life, moved into 2025 (the API publishes them today): publication, and when each stopped being public
    // (filled before its expiry, or expired 60 days after publication).
    const live = async (key: string, published: string, closed: string | null, status = 'filled') =>
      board.db.admin
        .updateTable('offers')
        .set({ published_at: new Date(published), expires_at: new Date(Math.max(Date.parse(published) + 60 * 86_400_000, closed ? Date.parse(closed) + 86_400_000 : 0)), status: status as 'filled' })
        .where('id', '=', offers[key])
        .execute()
        .then(() => (closed ? sql`update offers set closed_at = ${new Date(closed)} where id = ${offers[key]}`.execute(board.db.admin) : undefined));
    await live('o1', '2025-10-15T09:00:00+02:00', '2025-12-20T10:00:00+01:00');
    await live('o2', '2025-03-01T09:00:00+01:00', null, 'expired'); // until its expiry, 30 April
    await live('o3', '2025-06-01T09:00:00+02:00', '2025-06-01T18:00:00+02:00'); // public for less than a day
    await live('o4', '2024-11-01T09:00:00+01:00', '2025-01-10T10:00:00+01:00');
    await live('o5', '2026-01-05T09:00:00+01:00', '2026-02-01T09:00:00+01:00');
    await live('o6', '2025-09-01T09:00:00+02:00', null, 'expired');

    // Memberships: A paid in February 2025 (new member), B's year ran from March 2024 (lost in 2025).
    const tenant = app.tenants.get(SLUG)!;
    const adminUser = { id: (await board.db.admin.selectFrom('users').select('id').where('email', '=', 'admin@rapports.test').executeTakeFirstOrThrow()).id, role: 'admin' as const, email: 'admin@rapports.test', tenantId: SLUG, displayName: 'admin', sessionId: 'test' };
    const billing = { db: app.db, tenant, provider: createBillingProvider(app.config.billing) };
    await recordManualPayment(billing, adminUser, { companyId: companyA, method: 'bank_transfer', reference: 'VIR-A', paidOn: '2025-02-01', amountCents: 60000 });
    await recordManualPayment(billing, adminUser, { companyId: companyB, method: 'bank_transfer', reference: 'VIR-B', paidOn: '2024-03-01', amountCents: 120000 });

    // Follow-up answers: the apprentice is still there at 6 months (the employer answered); the CDI at 6 months, nobody answered.
    await withTenant(board.db.admin, SLUG, ({ trx }) =>
      trx.insertInto('hire_follow_ups').values({ tenant_id: SLUG, hire_id: hires.h6, milestone: 6, respondent: 'employer', due_on: '2025-07-20', status: 'sent', answer: 'yes', answered_at: new Date('2025-07-22T08:00:00Z') }).execute(),
    );
  });
  afterAll(async () => board?.close());

  const report = async (api = admin, period = '2025') => {
    const response = await api('GET', `/api/v1/reports?period=${period}`);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    return { body, values: (table: string) => Object.fromEntries(body.tables.find((t: { id: string }) => t.id === table).rows.map((r: { key: string; values: unknown }) => [r.key, r.values])) as Record<string, Record<string, number | null>> };
  };

  it('counts the hires of 2025 by contract and attribution (the 2024 and 2026 ones are out)', async () => {
    const { values } = await report();
    const t = values('embauches-contrat');
    expect(t.total).toEqual({ platform_application: 3, counsellor_recommendation: 0, platform_contact: 1, declared_only: 2, total: 6 });
    expect(Object.fromEntries(Object.entries(t).map(([row, v]) => [row, v.total]))).toEqual({
      cdi: 1,
      cdd_6m_plus: 1,
      cdd_under_6m: 1,
      cdd_unknown: 0,
      seasonal: 1,
      apprenticeship: 1,
      interim: 1,
      unknown: 0,
      total: 6,
    });
    expect(t.cdi.platform_application).toBe(1);
    expect(t.cdd_6m_plus.platform_contact).toBe(1);
  });

  it('separates jobs directly created (declared new positions) from jobs supported (declared replacements, returning seasonal staff), in headcount and FTE', async () => {
    const t = (await report()).values('emplois-crees-soutenus');
    expect(Object.fromEntries(Object.entries(t).map(([row, v]) => [row, v.headcount]))).toEqual({ created: 3, supported: 2, replacement: 1, returning: 1, undeclared: 1, total: 6 });
    expect(t.created.fte).toBeCloseTo(FTE.h1 + FTE.h3 + FTE.h6, 6);
    expect(t.supported.fte).toBeCloseTo(FTE.h2 + FTE.h5, 6);
    expect(t.undeclared.fte).toBeCloseTo(FTE.h4, 6);
    expect(t.total.fte).toBeCloseTo(Object.values(FTE).reduce((a, b) => a + b, 0), 6);
    expect(t.total.no_hours).toBe(0);
  });

  it('counts lasting jobs by the tenant’s definition (CDI or CDD of 6 months or more), with the definition printed', async () => {
    const { body, values } = await report();
    const t = values('emplois-durables');
    expect([t.yes.headcount, t.no.headcount, t.unknown.headcount, t.total.headcount]).toEqual([3, 3, 0, 6]);
    expect(t.yes.share).toBeCloseTo(0.5, 10);
    expect(body.lasting_job_definition).toBe('cdi-cdd6m@1');
    const definitions = body.tables.find((x: { id: string }) => x.id === 'emplois-durables').definitions;
    expect(definitions[0]).toMatchObject({ id: 'cdi-cdd6m@1' });
    expect(definitions[0].text).toContain('6 mois');
  });

  it('changes the figures as expected when the tenant switches to another versioned definition', async () => {
    // CDI, CDD or temporary work of 183 days or more: the 182-day CDD and the 6-month season drop out, the 199-day mission comes in.
    const insertion = await board.rebuild((config) => (config.reports.definitions = { lastingJob: 'cdi-cdd-interim183j@1' }));
    const viaInsertion = apiClient(insertion, board.host, await apiToken(insertion, board.host, 'admin@rapports.test'));
    const t = (await report(viaInsertion)).values('emplois-durables');
    expect([t.yes.headcount, t.no.headcount]).toEqual([2, 4]);
    const cdiOnly = await board.rebuild((config) => (config.reports.definitions = { lastingJob: 'cdi@1' }));
    const viaCdi = apiClient(cdiOnly, board.host, await apiToken(cdiOnly, board.host, 'admin@rapports.test'));
    const body = (await report(viaCdi)).body;
    expect(body.lasting_job_definition).toBe('cdi@1');
    expect(body.tables.find((x: { id: string }) => x.id === 'emplois-durables').rows.find((r: { key: string }) => r.key === 'yes').values.headcount).toBe(1);
  });

  it('counts offers public for at least a day in 2025, by contract and season', async () => {
    const { values } = await report();
    const byContract = values('offres-contrat');
    expect(byContract.total.offers).toBe(4);
    expect([byContract.seasonal.offers, byContract.cdi.offers, byContract.cdd.offers, byContract.apprenticeship.offers, byContract.interim.offers]).toEqual([1, 1, 1, 1, 0]);
    const bySeason = values('offres-saison');
    expect([bySeason.winter.offers, bySeason.summer.offers, bySeason.all_year.offers, bySeason.none.offers]).toEqual([1, 0, 1, 2]);
    const byTrade = values('offres-metier');
    expect(byTrade.total.offers).toBe(4);
    expect(Object.entries(byTrade).filter(([row]) => row !== 'total').reduce((sum, [, v]) => sum + (v.offers ?? 0), 0)).toBe(4);
  });

  it('counts paying members at the end of the period, new and lost, and the revenue of 2025', async () => {
    const { values } = await report();
    const members = values('adherents');
    expect(members.total).toEqual({ end: 1, new: 1, lost: 1 });
    expect([members.tpe.end, members.tpe.new, members.pe.lost, members.pe.end]).toEqual([1, 1, 1, 0]);
    const revenue = values('cotisations');
    expect(revenue.total).toEqual({ payments: 1, amount: 600 });
    expect(revenue.tpe).toEqual({ payments: 1, amount: 600 });
  });

  it('measures the days from publication to the first hire, seasonal loyalty, and employment at 6 and 12 months with unknowns', async () => {
    const { values } = await report();
    // O2 (1 March → 20 March), O6 (1 September → 20 September), O1 (15 October → 10 November).
    expect(values('delai-premiere-embauche').all).toEqual({ offers: 3, median: 19 });
    expect(values('fidelite-saisonniere').all).toEqual({ previous: 1, traceable: 1, rehired: 1, share: 1 });
    const retention = values('maintien-emploi');
    // Due in 2025 at 6 months: H0 (ended in April: no), H6 (answered yes), H1 (no answer: unknown), H4 (ended in August: no).
    expect(retention['6']).toEqual({ yes: 1, no: 2, unknown: 1, total: 4, share: 0.25, known: 3, rate: 0.75 });
    expect(retention['12']).toEqual({ yes: 0, no: 1, unknown: 0, total: 1, share: 0, known: 1, rate: 1 });
    // The winter report compares with the previous winter.
    const winter = (await report(admin, 'hiver-2025-2026')).values('fidelite-saisonniere');
    expect(winter.all).toEqual({ previous: 1, traceable: 1, rehired: 1, share: 1 });
  });

  it('shows the same figures on the page, in each table’s CSV, and lists the rows behind each count', async () => {
    const page = await staff.get('/admin/rapports?periode=2025');
    expect(page.statusCode).toBe(200);
    const html = decodeHtml(page.body);
    expect(html).toContain('Définition « cdi-cdd6m@1 »');
    expect(html).toContain('role="img"');
    const pageTable = tableOnPage(page, 'embauches-contrat');
    expect(pageTable.at(-1)).toEqual(['Total', '3', '0', '1', '2', '6']);
    const csv = await staff.get('/admin/rapports/csv/embauches-contrat?periode=2025');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    const rows = csvRows(csv.body);
    expect(rows.some((r) => r[0].startsWith('Définition « embauches@1 »'))).toBe(true);
    expect(rows.at(-1)).toEqual(pageTable.at(-1));
    // Every row of the CSV equals the page's.
    expect(rows.slice(-pageTable.length)).toEqual(pageTable);
    const fteCsv = csvRows((await staff.get('/admin/rapports/csv/emplois-crees-soutenus?periode=2025')).body);
    const fteTotal = Object.values(FTE).reduce((a, b) => a + b, 0);
    expect(fteCsv.at(-1)).toEqual(['Total', '6', fteTotal.toFixed(2).replace('.', ','), '0']);
    expect(tableOnPage(page, 'emplois-crees-soutenus').at(-1)).toEqual(['Total', '6', fteTotal.toFixed(1).replace('.', ','), '0']);

    // The count « CDI, candidature sur le site » opens to its one hire; the total to the six.
    expect(html).toContain('/admin/rapports/lignes?periode=2025&tableau=embauches-contrat&ligne=cdi&colonne=platform_application');
    const one = await staff.get('/admin/rapports/lignes?periode=2025&tableau=embauches-contrat&ligne=cdi&colonne=platform_application');
    expect(one.statusCode).toBe(200);
    expect(one.body).toContain(`/compte/embauches/${hires.h1}`);
    const all = csvRows((await staff.get('/admin/rapports/lignes/csv?periode=2025&tableau=embauches-contrat&ligne=total&colonne=total')).body);
    const ids = all.filter((r) => /^[0-9a-f-]{36}$/.test(r[0])).map((r) => r[0]);
    expect(ids.sort()).toEqual([hires.h1, hires.h2, hires.h3, hires.h4, hires.h5, hires.h6].sort());
    expect((await staff.get('/admin/rapports/lignes?periode=2025&tableau=inconnu&ligne=total&colonne=total')).statusCode).toBe(404);
    expect((await staff.get('/admin/rapports?periode=2025-13')).statusCode).toBe(400);
  });

  it('publishes the headline figures with every count under 5 shown as « < 5 »', async () => {
    const page = await new FormClient(board.app, board.host).get('/bilan');
    expect(page.statusCode).toBe(200);
    const figures = tableOnPage(page, 'contenu');
    const row = (label: string) => figures.find((r) => r[0] === label)!;
    // 2025: 6 hires (shown), 3 created, 2 supported, 1 undeclared, 4 offers, 1 member, 3 lasting: all hidden.
    expect(row('Embauches')[1]).toBe('6');
    for (const label of ['Emplois directement créés', 'Emplois soutenus', 'Embauches de nature non déclarée', 'Offres en ligne', 'Entreprises adhérentes (fin de période)', 'Emplois durables']) {
      expect(row(label)[1], label).toBe('< 5');
    }
    // A share is published only when both of its terms are.
    expect(row('Part d’emplois durables')[1]).toBe('—');
    expect(page.body).not.toContain('/admin/rapports/lignes');
    // A board that does not publish has no such page.
    const off = await board.rebuild((config) => (config.reports.publicSummary = false));
    expect((await off.inject({ url: '/bilan', headers: { host: board.host } })).statusCode).toBe(404);
  });

  it('keeps each board’s figures to itself', async () => {
    // The demo board's own 2025 report has its own hires, none of these; and these hires are not reachable from it.
    const montagneAdmin = apiClient(board.app, MONTAGNE, await apiToken(board.app, MONTAGNE, 'admin@montagne.demo'));
    const demo = (await report(montagneAdmin)).body;
    const demoHires = await board.db.admin.selectFrom('hires').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', 'montagne').where('start_on', '>=', '2025-01-01' as never).where('start_on', '<', '2026-01-01' as never).executeTakeFirstOrThrow();
    expect(demo.tables.find((x: { id: string }) => x.id === 'embauches-contrat').rows.find((r: { key: string }) => r.key === 'total').values.total).toBe(Number(demoHires.n));
    expect((await montagneAdmin('GET', `/api/v1/hires/${hires.h1}`)).statusCode).toBe(404);
    // A token of this board is refused on the demo board.
    expect((await apiClient(board.app, MONTAGNE, (await apiToken(board.app, board.host, 'admin@rapports.test')))('GET', '/api/v1/reports?period=2025')).statusCode).toBe(401);
    // Under row-level security, this board's transaction sees only its own hires.
    const seen = await withTenant(board.app.db, SLUG, ({ trx }) => trx.selectFrom('hires').select('tenant_id').distinct().execute());
    expect(seen).toEqual([{ tenant_id: SLUG }]);
  });
});

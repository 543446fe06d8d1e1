import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient, decodeHtml } from '../../helpers/accounts.js';
import { apiClient, apiToken, createAccount, createCompany, DEMO_PASSWORD, type Api } from '../../helpers/company-space.js';
import { insertLiveOffer } from '../../helpers/offers.js';
import { freshBoard, tableOnPage } from '../../helpers/reports.js';

/**
 * A fresh mission locale board (a fork of dijon): young people who joined in the first quarter of
 * 2025, with known situations afterwards; the report of 2025-T1 and its entry cohort at 3, 6 and 12
 * months, seen on 16 March 2026 (the clock), against counts made by hand.
 */
const CLOCK = new Date('2026-03-16T10:30:00Z');
const SLUG = 'mission-test';

describe('the mission locale’s report: young people, recommendations and entry cohorts', () => {
  let board: Awaited<ReturnType<typeof freshBoard>>;
  let admin: Api;
  const young: Record<string, string> = {};

  beforeAll(async () => {
    board = await freshBoard('dijon', SLUG, () => {}, () => CLOCK);
    const db = board.db.admin;
    const company = await createCompany(board, SLUG, 'Boulangerie du Port');
    await createAccount(board, SLUG, { email: 'admin@mission.test', role: 'admin' });
    await createAccount(board, SLUG, { email: 'patron@mission.test', role: 'employer', companyId: company });
    const counsellor = await createAccount(board, SLUG, { email: 'conseillere@mission.test', role: 'counsellor' });
    admin = apiClient(board.app, board.host, await apiToken(board.app, board.host, 'admin@mission.test'));
    const employer = apiClient(board.app, board.host, await apiToken(board.app, board.host, 'patron@mission.test'));

    // Entry = account creation, on Paris' calendar: 31 March 23:30 is still March; 1 April 00:30 (22:30 UTC on the 31st) is not.
    const people: [string, string, string | null][] = [
      ['y1', '2025-01-10T09:00:00+01:00', '2008-06-01'],
      ['y2', '2025-02-01T09:00:00+01:00', '2007-03-31'],
      ['y3', '2025-03-15T09:00:00+01:00', '2007-04-01'],
      ['y4', '2025-03-31T23:30:00+02:00', null],
      ['y5', '2025-04-01T00:30:00+02:00', '2005-01-01'],
    ];
    for (const [key, created, birth] of people) {
      young[key] = await createAccount(board, SLUG, { email: `${key}@jeunes.test`, role: 'candidate' });
      await db.updateTable('users').set({ created_at: new Date(created), birth_date: birth }).where('id', '=', young[key]).execute();
    }
    // Followed on 31 March: y1 and y3 (y2's follow-up starts in April).
    for (const [key, started] of [['y1', '2025-01-15'], ['y3', '2025-03-20'], ['y2', '2025-04-10']] as const) {
      await db
        .insertInto('accompaniments')
        .values({ tenant_id: SLUG, young_user_id: young[key], referent_user_id: counsellor, status: 'active', consent_at: new Date(`${started}T10:00:00Z`), consent_channel: 'interview', started_at: new Date(`${started}T10:00:00Z`) })
        .execute();
    }
    const offer = await insertLiveOffer(db, SLUG, company, { title: 'Apprenti boulanger', commune: '21231', contract: 'apprenticeship' });
    // Four recommendations sent in the quarter: answered in 4 days, in 11 days, in exactly 7 days, and one sent too late for its week to be over.
    const recommend = async (key: string, who: string, sent: string, answered: string | null, extra: Record<string, unknown> = {}) => {
      const { id: applicationId } = await db
        .insertInto('applications')
        .values({ tenant_id: SLUG, offer_id: offer, company_id: company, user_id: young[who], full_name: who, email: `${who}.${key}@jeunes.test`, consent_at: new Date(sent), created_at: new Date(sent), status: answered ? 'interview' : 'viewed', recommended_by: counsellor, employer_answered_at: answered ? new Date(answered) : null, ...extra })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('candidate_recommendations')
        .values({ tenant_id: SLUG, offer_id: offer, young_user_id: young[who], counsellor_user_id: counsellor, status: 'sent', consent_at: new Date(sent), consent_channel: 'interview', application_id: applicationId, origin: 'http://test', created_at: new Date(sent), decided_at: new Date(sent) })
        .execute();
      return applicationId;
    };
    const r1 = await recommend('r1', 'y1', '2025-02-01T10:00:00Z', '2025-02-05T10:00:00Z', { interview_at: new Date('2025-02-06T10:00:00Z') });
    await recommend('r2', 'y2', '2025-03-01T10:00:00Z', '2025-03-12T10:00:00Z');
    await recommend('r3', 'y3', '2025-03-20T10:00:00Z', '2025-03-27T10:00:00Z');
    await recommend('r4', 'y4', '2025-03-28T10:00:00Z', null);

    // Situations: y1 hired as an apprentice after the recommendation; y2 a 2-month CDD in June; y3 in training in April, then a CDI in December; y4 nothing known.
    const hire = await employer('POST', `/api/v1/applications/${r1}/hire`, { contract: 'apprenticeship', weekly_hours: 35, hired_on: '2025-02-10', planned_start: '2025-02-15', planned_end: '2027-02-14' });
    expect(hire.statusCode, hire.body).toBe(201);
    const application = await db
      .insertInto('applications')
      .values({ tenant_id: SLUG, offer_id: offer, company_id: company, user_id: young.y2, full_name: 'y2', email: 'y2@jeunes.test', consent_at: new Date('2025-05-20T10:00:00Z') })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await employer('POST', `/api/v1/applications/${application.id}/hire`, { contract: 'cdd', weekly_hours: 30, hired_on: '2025-06-01', planned_start: '2025-06-10', planned_end: '2025-08-09' })).statusCode).toBe(201);
    const y3Application = await db
      .insertInto('applications')
      .values({ tenant_id: SLUG, offer_id: offer, company_id: company, user_id: young.y3, full_name: 'y3', email: 'y3@jeunes.test', consent_at: new Date('2025-11-01T10:00:00Z') })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await employer('POST', `/api/v1/applications/${y3Application.id}/hire`, { contract: 'cdi', weekly_hours: 35, hired_on: '2025-11-20', planned_start: '2025-12-01' })).statusCode).toBe(201);
    // The counsellor records the entry into training (the kind this issue adds to the follow-up).
    const accompaniment = await db.selectFrom('accompaniments').select('id').where('young_user_id', '=', young.y3).executeTakeFirstOrThrow();
    await db.insertInto('follow_up_events').values({ tenant_id: SLUG, accompaniment_id: accompaniment.id, kind: 'training_start', happened_on: '2025-04-20', author_user_id: counsellor }).execute();
  });
  afterAll(async () => board?.close());

  const values = async (table: string, period = '2025-T1') => {
    const response = await admin('GET', `/api/v1/reports?period=${period}`);
    expect(response.statusCode, response.body).toBe(200);
    return Object.fromEntries(response.json().tables.find((t: { id: string }) => t.id === table).rows.map((r: { key: string; values: unknown }) => [r.key, r.values])) as Record<string, Record<string, number | null>>;
  };

  it('counts young people with an account at the end of the quarter, followed by a counsellor, minors (age on that day)', async () => {
    const t = await values('jeunes');
    expect(Object.fromEntries(Object.entries(t).map(([row, v]) => [row, v.count]))).toEqual({ total: 4, new: 4, followed: 2, minors: 2, ageUnknown: 1 });
    expect(t.followed.share).toBe(0.5);
    expect(t.minors.share).toBe(0.5);
  });

  it('counts recommendations answered within 7 days over those whose week is over', async () => {
    const t = await values('recommandations');
    expect(t.all).toEqual({ sent: 4, elapsed: 3, answered7: 2, share: 2 / 3, interview: 1, hired: 1 });
  });

  it('follows the entry cohort at 3, 6 and 12 months: one situation each, denominators and unknowns', async () => {
    const t = await values('cohortes');
    const at = (months: string) => Object.fromEntries(Object.entries(t).map(([row, v]) => [row, v[months]]));
    expect(at('3')).toEqual({ measurable: 4, lasting: 0, apprenticeship: 1, job1m: 0, training: 1, otherJob: 0, unknown: 2, known: 2 });
    expect(at('6')).toEqual({ measurable: 4, lasting: 0, apprenticeship: 1, job1m: 1, training: 1, otherJob: 0, unknown: 1, known: 3 });
    // y4 joined on 31 March 2025: her 12 months are not over on 16 March 2026, she is not in that denominator.
    expect(at('12')).toEqual({ measurable: 3, lasting: 1, apprenticeship: 1, job1m: 1, training: 0, otherJob: 0, unknown: 0, known: 3 });
    expect([t.unknown['3-share'], t.known['3-share'], t.known['6-share'], t.known['12-share']]).toEqual([0.5, 0.5, 0.75, 1]);
  });

  it('attributes the recommended young person’s hire to the counsellor, and prints each share with its denominator on the page', async () => {
    const hires = await values('embauches-contrat', '2025');
    expect(hires.apprenticeship).toMatchObject({ counsellor_recommendation: 1, platform_application: 0 });
    expect(hires.total).toMatchObject({ counsellor_recommendation: 1, platform_application: 2, total: 3 });
    const staff = new FormClient(board.app, board.host);
    await staff.logIn('admin@mission.test', DEMO_PASSWORD);
    const page = await staff.get('/admin/rapports?periode=2025-T1');
    expect(page.statusCode).toBe(200);
    const rows = tableOnPage(page, 'cohortes');
    expect(rows[0]).toEqual(['Jeunes entrés dont l’échéance est passée (dénominateur)', '4', '100 %', '4', '100 %', '3', '100 %']);
    expect(rows.at(-1)).toEqual(['Situations connues (taux de réponse)', '2', '50 %', '3', '75 %', '3', '100 %']);
    expect(decodeHtml(page.body)).toContain('Définition « cohortes-jeunes@1 »');
  });
});

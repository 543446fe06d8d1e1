import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCombination } from '../../../server/features/shared-time/checker.js';
import { resolveSettings } from '../../../server/features/shared-time/engine/settings.js';
import type { Combination } from '../../../server/features/shared-time/engine/types.js';
import { REGULATED_DIPLOMAS } from '../../../server/features/shared-time/licences.js';
import { engineNeed } from '../../../server/features/shared-time/needs.js';
import { needsByIds } from '../../../server/features/shared-time/repository.js';
import { withTenant } from '../../../server/db/tenant-db.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { csrfOf, FormClient, mailbox } from '../../helpers/accounts.js';
import { apiClient, apiToken, type Api } from '../../helpers/company-space.js';
import { drain, GE, seededNeed, sharedTimeWorker } from '../../helpers/shared-time.js';
import { SHARED_TIME_CATCH_UP } from '../../../server/jobs/shared-time.js';
import type { Worker } from '../../../server/jobs/worker.js';

const need = (key: string) => seededNeed('ge-occitanie', key);

/** The GE board from its seed: the worker proposes, staff validate, draft the shared CDI, publish, fill. */
describe('shared time on the GE board, from needs to a filled shared CDI', () => {
  let t: TestApp;
  let worker: Worker;
  let staff: Api;
  let anonymous: Api;

  beforeAll(async () => {
    t = await createTestApp();
    worker = sharedTimeWorker(t.app);
    staff = apiClient(t.app, GE, await apiToken(t.app, GE, 'admin@ge-occitanie.demo'));
    anonymous = apiClient(t.app, GE);
  });
  afterAll(async () => t?.close());

  const proposals = async () => (await staff('GET', '/api/v1/shared-time/proposals')).json() as { computing: boolean; proposals: { id: string; need_ids: string[]; status: string; regime: string; annual_hours: number; fill: number; gap: { summary: string } | null; checks: string[] }[] };
  const byNeeds = (list: Awaited<ReturnType<typeof proposals>>['proposals'], ...keys: string[]) => list.find((p) => keys.every((k) => p.need_ids.includes(need(k))) && p.need_ids.length === keys.length);

  it('computes the seeded territory in the background: every stored combination passes the independent checker', async () => {
    expect((await proposals()).computing).toBe(true);
    // What the scheduled catch-up does every minute: the seed queued no job, the state says « to compute ».
    await worker.enqueue(SHARED_TIME_CATCH_UP);
    await drain(worker);
    const { computing, proposals: list } = await proposals();
    expect(computing).toBe(false);
    // The shared nurses make a 35 h week; the social workers 28 h (a gap card); the evening shows + the tourist desk 34.5 h.
    expect(byNeeds(list, 'ehpad-nurse', 'ssiad-nurse')).toMatchObject({ regime: 'weekly', annual_hours: 35 * 52, fill: 1, gap: null });
    expect(byNeeds(list, 'social-mende', 'social-marvejols')).toMatchObject({ regime: 'weekly', annual_hours: 28 * 52, fill: 0.8 });
    expect(byNeeds(list, 'social-mende', 'social-marvejols')!.gap!.summary).toBe(
      '7 h par semaine ; jours libres : vendredi, samedi, dimanche ; à moins de 19 min de Mende ; profil Assistant social',
    );
    expect(byNeeds(list, 'theatre-shows', 'tourism-desk')).toMatchObject({ regime: 'weekly', annual_hours: 34.5 * 52 });
    // Both boards with shared time were computed; each stored combination stands the independent check.
    for (const tenant of ['ge-occitanie', 'montagne']) {
      const rows = await t.db.admin.selectFrom('shared_time_proposals').selectAll().where('tenant_id', '=', tenant).execute();
      expect(rows.length, tenant).toBeGreaterThanOrEqual(tenant === 'montagne' ? 2 : 4);
      const settings = resolveSettings(t.app.tenants.get(tenant)!.config.sharedTime);
      for (const row of rows) {
        const needs = await withTenant(t.db.admin, tenant, (tdb) => needsByIds(tdb, row.need_ids));
        const report = checkCombination(needs.map(engineNeed), settings, { competitors: [], regulatedDiplomas: REGULATED_DIPLOMAS });
        expect(report.violations, row.key).toEqual([]);
        expect(report.annualMinutes).toBe((row.result as Combination).annualMinutes);
      }
    }
  });

  it('recomputes when GE staff validate two needs: the dairy and moulding lines make exactly 35 h', async () => {
    for (const key of ['laiterie-line', 'plasturgie-line']) {
      const validated = await staff('POST', `/api/v1/shared-time/needs/${need(key)}/validate`);
      expect(validated.statusCode, validated.body).toBe(200);
    }
    const queued = await t.db.admin.selectFrom('jobs').select(['name', 'singleton_key']).where('name', '=', 'shared-time.recompute').execute();
    expect(queued).toEqual([{ name: 'shared-time.recompute', singleton_key: 'shared-time.recompute:ge-occitanie' }]);
    expect((await proposals()).computing).toBe(true);
    await drain(worker);
    const pair = byNeeds((await proposals()).proposals, 'laiterie-line', 'plasturgie-line');
    expect(pair).toMatchObject({ status: 'proposed', regime: 'weekly', annual_hours: 1820, fill: 1 });
    expect(pair!.checks).toContain('Aucun chevauchement, trajets compris ; trajet le plus long entre deux sites : 27 min ≤ 45 min');
  });

  it('explains a need that fits nothing: the competitor, and the hospital need that is a job on its own', async () => {
    const client = new FormClient(t.app, GE);
    await client.logIn('admin@ge-occitanie.demo', 'cordee-demo');
    const pareloup = await client.get(`/temps-partage/besoins/${need('pareloup-line')}`);
    expect(pareloup.statusCode).toBe(200);
    expect(pareloup.body).toContain('Pourquoi ce besoin ne trouve pas de combinaison');
    expect(pareloup.body).toContain('Laiterie coopérative du Lévézou et Fromagerie du Lac de Pareloup sont concurrents');
    expect(pareloup.body).toContain('Seul, il ne fait pas un emploi complet : 14 h par semaine &lt; 24 h');
    const hospital = await client.get(`/temps-partage/besoins/${need('hospital-nurse')}`);
    expect(hospital.body).toContain('Ce besoin est à lui seul un emploi légal');
  });

  it('drafts the shared CDI from the combination, publishes it with every place in JSON-LD, and staffs the needs when filled', async () => {
    const pair = byNeeds((await proposals()).proposals, 'laiterie-line', 'plasturgie-line')!;
    const groupId = (await t.db.admin.selectFrom('companies').select('id').where('tenant_id', '=', 'ge-occitanie').where('slug', '=', 'groupement-d-employeurs-aveyron-lozere').executeTakeFirstOrThrow()).id;
    const drafted = await staff('POST', `/api/v1/shared-time/proposals/${pair.id}/offer`, { company_id: groupId });
    expect(drafted.statusCode, drafted.body).toBe(201);
    const offerId = drafted.json().offer_id as string;
    const offer = (await staff('GET', `/api/v1/offers/${offerId}`)).json();
    expect(offer).toMatchObject({ status: 'draft', contract: 'shared_time', working_time: 'full_time', hours_per_week: 35, company: { id: groupId }, rome_code: 'H2102', salary: { min: 12.9, max: 13.4, unit: 'hour' } });
    expect(offer.description_html).toContain('Laiterie coopérative du Lévézou');
    expect(offer.description_html).toContain('Plasturgie du Ruthénois');
    expect(offer.description_html).toContain('lundi 05:00–12:00 (Pont-de-Salars)');
    const needStatuses = async () => (await t.db.admin.selectFrom('shared_time_needs').select('status').where('id', 'in', pair.need_ids).execute()).map((n) => n.status);
    expect(await needStatuses()).toEqual(['combined', 'combined']);

    // The page's « Publier l'offre » goes through the offers' lifecycle.
    const client = new FormClient(t.app, GE);
    await client.logIn('admin@ge-occitanie.demo', 'cordee-demo');
    const page = await client.get(`/temps-partage/propositions/${pair.id}`);
    const published = await client.post(`/temps-partage/propositions/${pair.id}/publier`, { _csrf: csrfOf(page.body) });
    expect(published.statusCode).toBe(303);
    const publicPage = await anonymous('GET', `/offres/${offerId}`);
    expect(publicPage.statusCode).toBe(200);
    const ld = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(publicPage.body)![1]);
    expect(ld.employmentType).toEqual(['FULL_TIME']);
    expect(ld.jobLocation.map((p: { address: { addressLocality: string; postalCode: string } }) => [p.address.addressLocality, p.address.postalCode])).toEqual([
      ['Pont-de-Salars', '12290'],
      ['Onet-le-Château', '12000'],
    ]);
    expect(publicPage.body).toContain('Lieux de travail : Pont-de-Salars (12290), Onet-le-Château (12000)');

    const filled = await staff('POST', `/api/v1/offers/${offerId}/close`);
    expect(filled.statusCode, filled.body).toBe(200);
    expect(await needStatuses()).toEqual(['staffed', 'staffed']);
  });

  it('publishes a gap card on the board and e-mails the other member companies', async () => {
    const social = byNeeds((await proposals()).proposals, 'social-mende', 'social-marvejols')!;
    const client = new FormClient(t.app, GE);
    await client.logIn('admin@ge-occitanie.demo', 'cordee-demo');
    const page = await client.get(`/temps-partage/propositions/${social.id}`);
    expect(page.body).toContain('Besoin complémentaire recherché');
    const sent = await client.post(`/temps-partage/propositions/${social.id}/appel`, { _csrf: csrfOf(page.body) });
    expect(sent.statusCode).toBe(303);
    const board = await anonymous('GET', '/temps-partage/appels');
    expect(board.body).toContain('Besoin complémentaire recherché : Assistant social, autour de Mende');
    const mails = await mailbox(t.app, GE);
    const recipients = mails.filter((m) => m.subject.startsWith('Besoin complémentaire recherché')).map((m) => m.to);
    expect(recipients).toContain('employeur@ge-occitanie.demo');
    expect(recipients).not.toContain('recrutement@lozere-solidarite-domicile.example');
    expect(recipients).not.toContain('recrutement@centre-communal-d-action-sociale-de-marvejols.example');
    const again = await client.post(`/temps-partage/propositions/${social.id}/appel`, { _csrf: csrfOf((await client.get(`/temps-partage/propositions/${social.id}`)).body) });
    expect(again.statusCode).toBe(409);
  });

  it('never proposes a rejected combination again, and keeps a pinned one', async () => {
    const list = (await proposals()).proposals;
    const nurses = byNeeds(list, 'ehpad-nurse', 'ssiad-nurse')!;
    const shows = byNeeds(list, 'theatre-shows', 'tourism-desk')!;
    expect((await staff('POST', `/api/v1/shared-time/proposals/${nurses.id}/reject`)).statusCode).toBe(204);
    expect((await staff('POST', `/api/v1/shared-time/proposals/${shows.id}/pin`)).statusCode).toBe(204);
    await drain(worker);
    const after = (await proposals()).proposals;
    expect(after.find((p) => p.id === nurses.id)?.status).toBe('rejected');
    expect(after.filter((p) => p.status === 'proposed' && p.need_ids.includes(need('ehpad-nurse')) && p.need_ids.includes(need('ssiad-nurse')))).toEqual([]);
    expect(after.find((p) => p.id === shows.id)).toMatchObject({ status: 'pinned', annual_hours: 34.5 * 52 });
  });
});

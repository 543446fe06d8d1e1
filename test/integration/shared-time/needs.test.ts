import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { csrfOf, decodeHtml, FormClient } from '../../helpers/accounts.js';
import { apiClient, apiToken, type Api } from '../../helpers/company-space.js';
import { GE, needBody } from '../../helpers/shared-time.js';

/** A body full of mistakes, and what each field must say (the API and the page give the same messages). */
const WRONG = needBody({
  rome_code: 'Z9999',
  sites: [{ commune_insee: '99999' }],
  periods: [
    { from: '12-15', to: '04-15', slots: [{ day: 'mon', start: '09:00', end: '08:00' }] },
    { from: '03-01', to: '05-31', slots: [{ day: 'tue', start: '7h', end: '12:00' }] },
  ],
  hourly_wage: 9.5,
  start_date: '2027-02-30',
});
const MESSAGES = {
  rome_code: 'Le code ROME est une lettre suivie de 4 chiffres, par exemple H2102',
  site: 'Cette commune est inconnue',
  end: 'La fin doit suivre le début',
  overlap: 'Cette période chevauche la période 1',
  time: 'Heure invalide : HH:MM, par exemple 08:30',
  wage: 'Le salaire horaire ne peut pas être inférieur au SMIC (11,88 €)',
  date: 'Date invalide (AAAA-MM-JJ)',
};

describe('shared-time needs: declaration, checks, lifecycle, filters', () => {
  let t: TestApp;
  let member: Api;
  let staff: Api;

  beforeAll(async () => {
    t = await createTestApp();
    member = apiClient(t.app, GE, await apiToken(t.app, GE, 'employeur@ge-occitanie.demo'));
    staff = apiClient(t.app, GE, await apiToken(t.app, GE, 'admin@ge-occitanie.demo'));
  });
  afterAll(async () => t?.close());

  it('lets a member company declare a need through the API: a draft, with its hours worked out', async () => {
    const created = await member('POST', '/api/v1/shared-time/needs', needBody());
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      status: 'draft',
      company: { name: 'Laiterie coopérative du Lévézou' },
      rome: { code: 'H2102' },
      sites: [{ commune_insee: '12202', name: 'Rodez', label: 'Atelier' }],
      season: 'all_year',
      weekly_hours: 8,
      annual_hours: 8 * 52,
      licences: ['haccp'],
    });
    expect(created.json().month_hours[0]).toBe(40);
  });

  it('refuses a wrong need field by field, in French, and stores nothing', async () => {
    const before = await t.db.admin.selectFrom('shared_time_needs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const refused = await member('POST', '/api/v1/shared-time/needs', WRONG);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: {
        rome_code: MESSAGES.rome_code,
        'sites[0].commune_insee': MESSAGES.site,
        'periods[0].slots[0].end': MESSAGES.end,
        'periods[1].from': MESSAGES.overlap,
        'periods[1].slots[0].start': MESSAGES.time,
        hourly_wage: MESSAGES.wage,
        start_date: MESSAGES.date,
      },
    });
    const after = await t.db.admin.selectFrom('shared_time_needs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('gives the page form the same messages, next to each input, with what was typed', async () => {
    const client = new FormClient(t.app, GE);
    await client.logIn('employeur@ge-occitanie.demo', 'cordee-demo');
    const response = await client.submit('/temps-partage/besoins/nouveau', {
      title: 'Renfort de fabrication',
      rome_code: 'Z9999',
      site1_insee: '99999',
      p1_from: '15/12',
      p1_to: '15/04',
      p1_mon_1_start: '09:00',
      p1_mon_1_end: '08:00',
      p1_mon_1_site: '1',
      p2_from: '01/03',
      p2_to: '31/05',
      p2_tue_1_start: '7h',
      p2_tue_1_end: '12:00',
      'licence_haccp': 'oui',
      start_date: '2027-02-30',
      min_commitment_months: '12',
      hourly_wage: '9,50',
    });
    expect(response.statusCode).toBe(422);
    const html = decodeHtml(response.body);
    const errorOf = (id: string) => new RegExp(`id="${id}-erreur"[^>]*>(?:<span[^>]*>[^<]*</span>)?([^<]*)<`).exec(html)?.[1];
    expect(errorOf('champ-rome-code')).toBe(MESSAGES.rome_code);
    expect(errorOf('champ-site1-insee')).toBe(MESSAGES.site);
    expect(errorOf('champ-p1-mon-1-end')).toBe(MESSAGES.end);
    expect(errorOf('champ-p2-from')).toBe(MESSAGES.overlap);
    expect(errorOf('champ-p2-tue-1-start')).toBe(MESSAGES.time);
    expect(errorOf('champ-hourly-wage')).toBe(MESSAGES.wage);
    expect(errorOf('champ-start-date')).toBe(MESSAGES.date);
    expect(html).toContain('value="Renfort de fabrication"');
    expect(html).toContain('id="champ-licence-haccp" name="licence_haccp" value="oui" checked');
    expect(html).toContain('role="alert"');
  });

  it('declares a need through the page form and shows it, with its week', async () => {
    const client = new FormClient(t.app, GE);
    await client.logIn('employeur@ge-occitanie.demo', 'cordee-demo');
    const created = await client.submit('/temps-partage/besoins/nouveau', {
      title: 'Affinage du samedi',
      rome_code: 'h2102',
      site1_insee: '12185',
      site1_label: 'Caves',
      p1_from: '01/01',
      p1_to: '31/12',
      p1_sat_1_start: '06:00',
      p1_sat_1_end: '11:00',
      p1_sat_1_site: '1',
      start_date: '2027-03-01',
      min_commitment_months: '12',
      hourly_wage: '12,80',
      short_contracts_replaced: '1',
    });
    expect(created.statusCode, created.body.slice(0, 500)).toBe(303);
    const page = await client.get(created.headers.location as string);
    expect(page.body).toContain('Besoin enregistré en brouillon');
    expect(page.body).toContain('<th scope="row">samedi</th><td>06:00</td><td>11:00</td><td>Pont-de-Salars</td>');
    expect(page.body).toMatch(/12,80\s€/u);
  });

  it('checks travel between the need’s own sites', async () => {
    const refused = await member('POST', '/api/v1/shared-time/needs', needBody({
      sites: [{ commune_insee: '12202' }, { commune_insee: '12096' }],
      periods: [{ from: '01-01', to: '12-31', slots: [{ day: 'mon', start: '08:00', end: '10:00', site: 0 }, { day: 'mon', start: '10:10', end: '12:00', site: 1 }] }],
    }));
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.fields['periods[0].slots[1].start']).toBe('lundi : 10:00 + 37 min de trajet entre les deux lieux, ce créneau commence trop tôt');
  });

  it('follows the lifecycle: GE staff validate, a member cannot; a member’s change sends a validated need back to draft', async () => {
    const id = (await member('POST', '/api/v1/shared-time/needs', needBody({ title: 'Nettoyage du soir' }))).json().id as string;
    expect((await member('POST', `/api/v1/shared-time/needs/${id}/validate`)).statusCode).toBe(403);
    expect((await staff('POST', `/api/v1/shared-time/needs/${id}/validate`)).json().status).toBe('validated');
    expect((await staff('POST', `/api/v1/shared-time/needs/${id}/validate`)).statusCode).toBe(409);
    expect((await staff('PATCH', `/api/v1/shared-time/needs/${id}`, { hourly_wage: 13 })).json()).toMatchObject({ status: 'validated', hourly_wage: 13 });
    expect((await member('PATCH', `/api/v1/shared-time/needs/${id}`, { hourly_wage: 13.5 })).json()).toMatchObject({ status: 'draft', hourly_wage: 13.5 });
    expect((await member('POST', `/api/v1/shared-time/needs/${id}/withdraw`)).json().status).toBe('withdrawn');
    expect((await member('PATCH', `/api/v1/shared-time/needs/${id}`, { hourly_wage: 14 })).statusCode).toBe(409);
    expect((await member('POST', `/api/v1/shared-time/needs/${id}/reopen`)).json().status).toBe('draft');
  });

  it('filters the territory by trade, season, status and commune + radius', async () => {
    const titles = async (query: string) => (await staff('GET', `/api/v1/shared-time/needs?${query}`)).json().needs.map((n: { title: string }) => n.title).sort();
    // Within 20 km of Mende: its own need and Marvejols's (16 km), not Millau's.
    expect(await titles('near=48095&radius_km=20&status=validated')).toEqual(['Assistant(e) de service social', 'Assistant(e) de service social', 'Infirmier(ère) de jour']);
    expect(await titles('rome=J15&status=validated')).toEqual(['Infirmier(ère) de jour', 'Infirmier(ère), soins du matin', 'Infirmier(ère), tournée de fin de semaine']);
    expect(await titles('season=winter')).toEqual(['Préparation de commandes, pic de fin d’année']);
    const unknown = await staff('GET', '/api/v1/shared-time/needs?near=99999');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.fields.commune).toMatch(/Cette commune est inconnue/);
    const montagne = apiClient(t.app, MONTAGNE, await apiToken(t.app, MONTAGNE, 'admin@montagne.demo'));
    const winter = (await montagne('GET', '/api/v1/shared-time/needs?season=winter')).json().needs.map((n: { title: string }) => n.title).sort();
    expect(winter).toEqual(['Agent de déneigement', 'Agent d’exploitation des remontées', 'Conducteur de télésiège', 'Mécanicien, révision des remontées']);
  });

  it('shows the needs list with its 12-month heat strip and its data table', async () => {
    const client = new FormClient(t.app, GE);
    await client.logIn('admin@ge-occitanie.demo', 'cordee-demo');
    const page = await client.get('/temps-partage/besoins?saison=winter');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--heat"');
    expect(page.body).toContain('aria-labelledby="bande-besoins-titre bande-besoins-desc"');
    // The Nov–Dec peak alone: 5 h on each of the 22 weekdays of November and the 20 of December (to the 30th) in the model year.
    const months = [...decodeHtml(page.body).matchAll(/<tr><th scope="row">([a-zéû]+)<\/th><td>(\d+) h<\/td><\/tr>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(months).toEqual(['janvier 0', 'février 0', 'mars 0', 'avril 0', 'mai 0', 'juin 0', 'juillet 0', 'août 0', 'septembre 0', 'octobre 0', 'novembre 110', 'décembre 100']);
    const wrong = await client.get('/temps-partage/besoins?commune=99999');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Cette commune est inconnue');
  });

  it('is not there where the tenant has shared time off: 404 for pages and API, and when an admin switches it off', async () => {
    const dijon = apiClient(t.app, DIJON, await apiToken(t.app, DIJON, 'admin@dijon.demo'));
    expect((await dijon('GET', '/api/v1/shared-time/needs')).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/temps-partage/appels', headers: { host: DIJON } })).statusCode).toBe(404);
    const montagne = apiClient(t.app, MONTAGNE, await apiToken(t.app, MONTAGNE, 'admin@montagne.demo'));
    expect((await montagne('GET', '/api/v1/shared-time/needs')).statusCode).toBe(200);
    await t.db.admin.insertInto('tenant_settings').values({ tenant_id: 'montagne', feature_shared_time: false }).execute();
    await t.app.tenants.reloadSettings('montagne');
    expect((await montagne('GET', '/api/v1/shared-time/needs')).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/temps-partage/appels', headers: { host: MONTAGNE } })).statusCode).toBe(404);
  });

  it('documents the API in OpenAPI', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json', headers: { host: GE } })).json();
    for (const path of ['/api/v1/shared-time/needs', '/api/v1/shared-time/needs/{id}', '/api/v1/shared-time/needs/{id}/validate', '/api/v1/shared-time/proposals', '/api/v1/shared-time/proposals/{id}/offer']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/api/v1/shared-time/needs'].post.tags).toEqual(['temps partagé']);
  });

  it('turns a part-time offer of the board into a draft need for GE staff', async () => {
    const client = new FormClient(t.app, GE);
    await client.logIn('admin@ge-occitanie.demo', 'cordee-demo');
    const page = await client.get('/temps-partage/suggestions');
    expect(page.statusCode).toBe(200);
    const offerId = /action="\/temps-partage\/suggestions\/([0-9a-f-]{36})"/.exec(page.body)![1];
    const created = await client.post(`/temps-partage/suggestions/${offerId}`, { _csrf: csrfOf(page.body) });
    expect(created.statusCode).toBe(303);
    const need = await t.db.admin.selectFrom('shared_time_needs').selectAll().where('source_offer_id', '=', offerId).executeTakeFirstOrThrow();
    expect(need).toMatchObject({ status: 'draft', source: 'suggested', tenant_id: 'ge-occitanie' });
    const again = await client.get('/temps-partage/suggestions');
    expect(again.body).not.toContain(offerId);
  });
});

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { apiClient, apiToken, companyIdOf, createAccount, createCompany, offerBody, type Api } from '../../helpers/company-space.js';

const HOSTILE = [
  '<p>Poste <strong>sympa</strong></p>',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '<a href="javascript:alert(3)">clic</a>',
  '<a href="https://exemple.fr" onclick="alert(4)">site</a>',
  '<iframe src="https://evil.example"></iframe>',
  '<p style="color:red" onmouseover="alert(5)">Texte assez long pour passer le minimum requis.</p>',
].join('');

describe('offers API v1: create, read, change, publish', () => {
  let t: TestApp;
  let owner: Api;
  let admin: Api;
  let anonymous: Api;
  let otherEmployer: Api;
  let ownerCompany: string;

  beforeAll(async () => {
    t = await createTestApp();
    ownerCompany = await companyIdOf(t, 'montagne', 'employeur@montagne.demo');
    const otherCompany = await createCompany(t, 'montagne', 'Autre station');
    await createAccount(t, 'montagne', { email: 'autre@exemple.fr', role: 'employer', companyId: otherCompany });
    owner = apiClient(t.app, MONTAGNE, await apiToken(t.app, MONTAGNE, 'employeur@montagne.demo'));
    admin = apiClient(t.app, MONTAGNE, await apiToken(t.app, MONTAGNE, 'admin@montagne.demo'));
    otherEmployer = apiClient(t.app, MONTAGNE, await apiToken(t.app, MONTAGNE, 'autre@exemple.fr'));
    anonymous = apiClient(t.app, MONTAGNE);
  });
  afterAll(async () => t?.close());

  const offerCount = async () => (await t.db.admin.selectFrom('offers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

  it('creates a draft for the employer’s company, with the place filled from the INSEE code', async () => {
    const response = await owner('POST', '/api/v1/offers', offerBody());
    expect(response.statusCode, response.body).toBe(201);
    const offer = response.json();
    expect(response.headers.location).toBe(`/api/v1/offers/${offer.id}`);
    expect(offer).toMatchObject({
      status: 'draft',
      company: { id: ownerCompany, name: 'Remontées mécaniques des Houches' },
      place: { insee: '74056', postal_code: '74400', name: 'Chamonix-Mont-Blanc' },
      salary: { min: 1850, max: 2100, unit: 'month', currency: 'EUR' },
      rome_code: 'G1204',
      published_at: null,
      expires_at: null,
      url: null,
    });
    expect(offer.place.lat).toBeCloseTo(45.92, 1);
    // A draft is not public.
    expect((await anonymous('GET', `/api/v1/offers/${offer.id}`)).statusCode).toBe(404);
    expect((await otherEmployer('GET', `/api/v1/offers/${offer.id}`)).statusCode).toBe(404);
    expect((await owner('GET', `/api/v1/offers/${offer.id}`)).json().status).toBe('draft');
    expect((await admin('GET', `/api/v1/offers/${offer.id}`)).statusCode).toBe(200);
  });

  it('stores a hostile description sanitised, and returns it so through the API and the page', async () => {
    const created = (await owner('POST', '/api/v1/offers', offerBody({ description_html: HOSTILE }))).json();
    for (const html of [created.description_html, (await owner('GET', `/api/v1/offers/${created.id}`)).json().description_html]) {
      expect(html).toContain('<strong>sympa</strong>');
      expect(html).not.toMatch(/<script|onerror|onclick|onmouseover|javascript:|<iframe|style=|<img/i);
      expect(html).toContain('<a href="https://exemple.fr" rel="nofollow noopener noreferrer ugc">site</a>');
    }
    const stored = await t.db.admin.selectFrom('offers').select('description_html').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(stored.description_html).not.toMatch(/script|onerror|javascript:/i);
    // Published by the admin, the public page shows the same clean HTML.
    expect((await admin('POST', `/api/v1/offers/${created.id}/publish`)).statusCode).toBe(200);
    const page = await t.app.inject({ url: `/offres/${created.id}`, headers: { host: MONTAGNE } });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/alert\(|onerror|javascript:/);
    // A PATCH goes through the same sanitiser.
    const patched = await owner('PATCH', `/api/v1/offers/${created.id}`, { description_html: `<p>Nouvelle version du texte du poste</p>${HOSTILE}` });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().description_html).not.toMatch(/<script|onerror|javascript:/i);
  });

  it('refuses bad input with field-level errors (400 schema, 422 rules) and creates nothing', async () => {
    const before = await offerCount();
    const schema = await owner('POST', '/api/v1/offers', { ...offerBody(), title: 'x', contract: 'freelance', commune_insee: 'Chamonix' });
    expect(schema.statusCode).toBe(400);
    expect(schema.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Certains paramètres sont invalides' });
    expect(Object.keys(schema.json().error.fields).length).toBeGreaterThan(0);

    const rules = await owner(
      'POST',
      '/api/v1/offers',
      offerBody({ rome_code: 'A9999', commune_insee: '99999', sector: 'peche-en-mer', salary_min: 3000, salary_max: 2000, end_date: '2026-01-01', description_html: '<script>x</script>' }),
    );
    expect(rules.statusCode).toBe(422);
    expect(rules.json().error.fields).toEqual({
      rome_code: 'Ce code ROME n’existe pas',
      commune_insee: 'Aucune commune ne porte ce code INSEE',
      sector: 'Choisissez un secteur de la liste',
      salary_max: 'Le salaire maximum doit être supérieur ou égal au minimum',
      end_date: 'La date de fin doit suivre la date de début',
      description_html: 'La description doit contenir au moins 20 caractères de texte',
    });
    const apply = await owner('POST', '/api/v1/offers', offerBody({ apply_method: 'url', apply_url: 'javascript:alert(1)' }));
    expect(apply.statusCode).toBe(422);
    expect(apply.json().error.fields).toEqual({ apply_url: 'Indiquez une adresse web commençant par https://' });
    expect(await offerCount()).toBe(before);
  });

  it('changes nothing on a refused PATCH, and ignores fields it does not know (tenant_id, status)', async () => {
    const offer = (await owner('POST', '/api/v1/offers', offerBody())).json();
    const refused = await owner('PATCH', `/api/v1/offers/${offer.id}`, { title: 'Nouveau titre', salary_max: 10 });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.fields).toHaveProperty('salary_max');
    const row = await t.db.admin.selectFrom('offers').select(['title', 'salary_max', 'updated_at']).where('id', '=', offer.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ title: offer.title, salary_max: 2100 });
    const sneaky = await owner('PATCH', `/api/v1/offers/${offer.id}`, { title: 'Titre modifié', tenant_id: 'dijon', status: 'published', company_id: '00000000-0000-4000-8000-000000000000' });
    expect(sneaky.statusCode).toBe(200);
    expect(sneaky.json()).toMatchObject({ title: 'Titre modifié', status: 'draft', company: { id: ownerCompany } });
    expect((await owner('PATCH', `/api/v1/offers/${offer.id}`, {})).statusCode).toBe(400);
  });

  it('publishes through moderation: submit → pending, admin publish → published with published_at and expires_at (+ lifetime)', async () => {
    const offer = (await owner('POST', '/api/v1/offers', offerBody({ title: 'Pisteur secouriste' }))).json();
    // Montagne moderates: the owner cannot skip the review.
    const skip = await owner('POST', `/api/v1/offers/${offer.id}/publish`);
    expect(skip.statusCode).toBe(403);
    expect(skip.json().error.code).toBe('OFFER_REVIEW_REQUIRED');
    expect((await owner('POST', `/api/v1/offers/${offer.id}/submit`)).json().status).toBe('pending_review');
    const before = Date.now();
    const published = await admin('POST', `/api/v1/offers/${offer.id}/publish`);
    expect(published.statusCode).toBe(200);
    const body = published.json();
    expect(body.status).toBe('published');
    const publishedAt = Date.parse(body.published_at);
    expect(publishedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(body.expires_at) - publishedAt).toBe(60 * 86_400_000);
    expect(body.url).toBe(`http://${MONTAGNE}/offres/${offer.id}`);
    // Now public: anyone reads it, another company still cannot change it.
    expect((await anonymous('GET', `/api/v1/offers/${offer.id}`)).statusCode).toBe(200);
    expect((await otherEmployer('PATCH', `/api/v1/offers/${offer.id}`, { title: 'Piraté' })).statusCode).toBe(403);
    // Renew extends expires_at by the lifetime.
    const renewed = (await owner('POST', `/api/v1/offers/${offer.id}/renew`)).json();
    expect(Date.parse(renewed.expires_at) - Date.parse(body.expires_at)).toBe(60 * 86_400_000);
    expect(renewed.published_at).toBe(body.published_at);
  });

  it('shows a newly published offer with valid JSON-LD, in the public list, the sitemap and the feed', async () => {
    const offer = (await owner('POST', '/api/v1/offers', offerBody({ title: 'Nivoculteur confirmé' }))).json();
    await owner('POST', `/api/v1/offers/${offer.id}/submit`);
    const published = (await admin('POST', `/api/v1/offers/${offer.id}/publish`)).json();

    const page = await t.app.inject({ url: `/offres/${offer.id}`, headers: { host: MONTAGNE } });
    expect(page.statusCode).toBe(200);
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page.body)![1]);
    expect(jsonLd).toMatchObject({
      '@type': 'JobPosting',
      title: 'Nivoculteur confirmé',
      employmentType: expect.arrayContaining(['TEMPORARY', 'FULL_TIME']),
      hiringOrganization: { '@type': 'Organization', name: 'Remontées mécaniques des Houches' },
      jobLocation: { address: { addressLocality: 'Chamonix-Mont-Blanc', postalCode: '74400', addressCountry: 'FR' }, geo: { '@type': 'GeoCoordinates' } },
      baseSalary: { currency: 'EUR', value: { minValue: 1850, maxValue: 2100, unitText: 'MONTH' } },
    });
    expect(jsonLd.datePosted).toBe(published.published_at);
    expect(jsonLd.validThrough).toBe(published.expires_at);
    expect(jsonLd.description).toContain('Accueil des skieurs');

    const list = await anonymous('GET', '/api/v1/offers?sort=date&per_page=5');
    expect(list.json().hits.map((h: { id: string }) => h.id)).toContain(offer.id);
    const htmlList = await t.app.inject({ url: '/offres?tri=date', headers: { host: MONTAGNE } });
    expect(htmlList.body).toContain(`/offres/${offer.id}`);

    const parser = new XMLParser();
    const sitemap = (await t.app.inject({ url: '/sitemap.xml', headers: { host: MONTAGNE } })).body;
    expect(XMLValidator.validate(sitemap)).toBe(true);
    expect(sitemap).toContain(`http://${MONTAGNE}/offres/${offer.id}`);
    const feed = (await t.app.inject({ url: '/offres/flux.xml', headers: { host: MONTAGNE } })).body;
    expect(XMLValidator.validate(feed)).toBe(true);
    expect(JSON.stringify(parser.parse(feed))).toContain(`/offres/${offer.id}`);
    // Not on the other tenant's board.
    expect((await t.app.inject({ url: '/sitemap.xml', headers: { host: DIJON } })).body).not.toContain(offer.id);
    expect((await apiClient(t.app, DIJON)('GET', `/api/v1/offers/${offer.id}`)).statusCode).toBe(404);
  });

  it('canPublish: a company of a billing tenant without an active membership is refused with a clear message; a free tenant publishes', async () => {
    const unpaid = await createCompany(t, 'montagne', 'Station sans adhésion');
    await createAccount(t, 'montagne', { email: 'sans.adhesion@exemple.fr', role: 'employer', companyId: unpaid });
    const employer = apiClient(t.app, MONTAGNE, await apiToken(t.app, MONTAGNE, 'sans.adhesion@exemple.fr'));
    const offer = (await employer('POST', '/api/v1/offers', offerBody())).json();
    // Submitting for review is fine (nothing public yet)…
    expect((await employer('POST', `/api/v1/offers/${offer.id}/submit`)).json().status).toBe('pending_review');
    // …publishing is not, not even by the admin.
    const refused = await admin('POST', `/api/v1/offers/${offer.id}/publish`);
    expect(refused.statusCode).toBe(402);
    expect(refused.json().error).toEqual({
      code: 'MEMBERSHIP_REQUIRED',
      message: expect.stringMatching(/^La publication est réservée aux entreprises adhérentes à jour de leur cotisation/),
      fields: {},
    });
    expect((await t.db.admin.selectFrom('offers').select('status').where('id', '=', offer.id).executeTakeFirstOrThrow()).status).toBe('pending_review');

    // An active membership covering today lets it through.
    await t.db.admin
      .insertInto('memberships')
      .values({ tenant_id: 'montagne', company_id: unpaid, tier_code: 'tpe', amount_cents: 60000, status: 'active', provider: 'manual', period_start: '2020-01-01', period_end: '2099-01-01' })
      .execute();
    expect((await admin('POST', `/api/v1/offers/${offer.id}/publish`)).json().status).toBe('published');

    // Dijon is free for employers: a brand-new company with no membership row publishes.
    const dijonCompany = await createCompany(t, 'dijon', 'Boulangerie du Port du Canal');
    await createAccount(t, 'dijon', { email: 'boulangerie@exemple.fr', role: 'employer', companyId: dijonCompany });
    const dijonEmployer = apiClient(t.app, DIJON, await apiToken(t.app, DIJON, 'boulangerie@exemple.fr'));
    const dijonAdmin = apiClient(t.app, DIJON, await apiToken(t.app, DIJON, 'admin@dijon.demo'));
    const dijonOffer = (await dijonEmployer('POST', '/api/v1/offers', offerBody({ commune_insee: '21231', sector: 'commerce-vente', rome_code: 'D1102' }))).json();
    await dijonEmployer('POST', `/api/v1/offers/${dijonOffer.id}/submit`);
    expect((await dijonAdmin('POST', `/api/v1/offers/${dijonOffer.id}/publish`)).json().status).toBe('published');
  });

  it('DELETE removes a never-published draft, archives anything else, and refuses twice', async () => {
    const draft = (await owner('POST', '/api/v1/offers', offerBody())).json();
    const deleted = await owner('DELETE', `/api/v1/offers/${draft.id}`);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.headers['x-offer-outcome']).toBe('deleted');
    expect(await t.db.admin.selectFrom('offers').select('id').where('id', '=', draft.id).executeTakeFirst()).toBeUndefined();

    const live = (await owner('POST', '/api/v1/offers', offerBody())).json();
    await owner('POST', `/api/v1/offers/${live.id}/submit`);
    await admin('POST', `/api/v1/offers/${live.id}/publish`);
    const archived = await owner('DELETE', `/api/v1/offers/${live.id}`);
    expect(archived.statusCode).toBe(204);
    expect(archived.headers['x-offer-outcome']).toBe('archived');
    expect((await owner('GET', `/api/v1/offers/${live.id}`)).json().status).toBe('archived');
    expect((await anonymous('GET', `/api/v1/offers/${live.id}`)).statusCode).toBe(404);
    const again = await owner('DELETE', `/api/v1/offers/${live.id}`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('OFFER_TRANSITION_REFUSED');
  });

  it('duplicates an offer as a new draft of the same company', async () => {
    const source = (await owner('POST', '/api/v1/offers', offerBody({ title: 'Serveur en altitude' }))).json();
    const copy = await owner('POST', `/api/v1/offers/${source.id}/duplicate`);
    expect(copy.statusCode).toBe(201);
    expect(copy.json()).toMatchObject({ title: 'Serveur en altitude (copie)', status: 'draft', company: { id: ownerCompany }, published_at: null });
    expect(copy.json().id).not.toBe(source.id);
  });

  it('serves a company’s public profile, and its offers in every status to its members and the admin only', async () => {
    const profile = await anonymous('GET', `/api/v1/companies/${ownerCompany}`);
    expect(profile.statusCode).toBe(200);
    expect(profile.json()).toMatchObject({ id: ownerCompany, name: 'Remontées mécaniques des Houches', url: `http://${MONTAGNE}/entreprises/remontees-mecaniques-des-houches` });
    expect((await apiClient(t.app, DIJON)('GET', `/api/v1/companies/${ownerCompany}`)).statusCode).toBe(404);
    expect((await anonymous('GET', `/api/v1/companies/${ownerCompany}/offers`)).statusCode).toBe(401);
    expect((await otherEmployer('GET', `/api/v1/companies/${ownerCompany}/offers`)).statusCode).toBe(403);
    const mine = await owner('GET', `/api/v1/companies/${ownerCompany}/offers`);
    expect(mine.statusCode).toBe(200);
    const statuses = new Set(mine.json().offers.map((o: { status: string }) => o.status));
    expect(statuses.has('draft')).toBe(true);
    expect(statuses.has('published')).toBe(true);
    expect((await admin('GET', `/api/v1/companies/${ownerCompany}/offers`)).statusCode).toBe(200);
  });

  it('documents every /api/v1 route in an OpenAPI 3 document at /api/docs', async () => {
    const json = await anonymous('GET', '/api/docs/json');
    expect(json.statusCode).toBe(200);
    const doc = JSON.parse(json.body);
    expect(doc.openapi).toMatch(/^3\./);
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/token',
        'GET /api/v1/offers',
        'POST /api/v1/offers',
        'GET /api/v1/offers/{id}',
        'PATCH /api/v1/offers/{id}',
        'DELETE /api/v1/offers/{id}',
        'POST /api/v1/offers/{id}/submit',
        'POST /api/v1/offers/{id}/publish',
        'POST /api/v1/offers/{id}/close',
        'GET /api/v1/companies/{id}',
        'GET /api/v1/companies/{id}/offers',
      ]),
    );
    // Only the API: no page, asset or health route.
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/api/v1/'))).toBe(true);
    // Every registered /api/v1 route is documented.
    for (const [method, path] of [['GET', '/api/v1/me'], ['GET', '/api/v1/places'], ['POST', '/api/v1/auth/revoke'], ['POST', '/api/v1/offers/:id/withdraw']] as const) {
      expect(t.app.hasRoute({ method, url: path })).toBe(true);
      expect(operations).toContain(`${method} ${path.replace(':id', '{id}')}`);
    }
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ui = await anonymous('GET', '/api/docs');
    expect([200, 302]).toContain(ui.statusCode);
    const page = ui.statusCode === 302 ? await anonymous('GET', ui.headers.location as string) : ui;
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { ROOT } from '../../helpers/tenant-fixtures.js';

const decoded = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/&#x27;/g, "'");
// With a chosen place, cards link to `/offres/<id>?depuis=<INSEE>` (the offer page says how far it is).
const offerLinks = (html: string) => [...html.matchAll(/href="\/offres\/([0-9a-f-]{36})(?:\?depuis=[0-9AB]{5})?"/g)].map((m) => m[1]);

describe('search API and page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());
  const get = (url: string, host = MONTAGNE) => t.app.inject({ url, headers: { host } });

  it('GET /api/v1/offers answers the documented shape', async () => {
    const response = await get('/api/v1/offers?q=moniteur%20ski&near=74056&per_page=3');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ total: expect.any(Number), page: 1, per_page: 3 });
    expect(body.groups).toBe(body.total);
    expect(body.hits).toHaveLength(3);
    expect(body.hits[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: 'Moniteur de ski H/F',
      company: expect.any(String),
      contract: expect.any(String),
      sector: 'ecoles-de-ski',
      housing: expect.any(String),
      working_time: expect.any(String),
      place: { name: expect.any(String), postal_code: expect.stringMatching(/^\d{5}$/), insee: expect.any(String), lat: expect.any(Number), lon: expect.any(Number) },
      published_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      url: `http://${MONTAGNE}/offres/${body.hits[0].id}`,
      distance_km: expect.any(Number),
      salary: expect.objectContaining({ min: expect.any(Number), unit: 'hour' }),
      hours_per_week: expect.any(Number),
      positions: 1,
    });
    expect(Object.keys(body.facets)).toEqual(['sector', 'contract', 'housing', 'department']);
    expect(body.facets.sector[0]).toEqual({ value: 'ecoles-de-ski', label: 'Écoles de ski et encadrement', count: expect.any(Number) });
    expect(body.facets.department.map((d: { label: string }) => d.label)).toContain('Haute-Savoie');
    expect(body.facets.contract.find((c: { value: string }) => c.value === 'seasonal').label).toBe('Saisonnier');
  });

  it('accepts near as lat,lon and sorts by distance', async () => {
    const body = (await get('/api/v1/offers?near=45.92959,6.9291&radius_km=10&sort=distance&per_page=50')).json();
    expect(body.total).toBeGreaterThan(0);
    const distances = body.hits.map((h: { distance_km: number }) => h.distance_km);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);
    expect(Math.max(...distances)).toBeLessThanOrEqual(10);
  });

  it.each([
    ['page=0', 'page'],
    ['per_page=500', 'per_page'],
    // Ajv coerces these to ±Infinity and skips its range checks: refused after validation (fault suite finding).
    ['per_page=1e309', 'per_page'],
    ['page=-1e309', 'page'],
    ['radius_km=1e400&near=74056', 'radius_km'],
    ['radius_km=abc', 'radius_km'],
    ['radius_km=10', 'radius_km'],
    ['near=99999', 'near'],
    ['near=95.1,6.2', 'near'],
    ['near=chamonix', 'near'],
    ['sort=distance', 'sort'],
    ['sort=popularite', 'sort'],
    ['contract=esclavage', 'contract'],
    ['housing=chateau', 'housing'],
    ['sector=Secteur%20!', 'sector'],
    ['rome=ZZ', 'rome'],
    ['department=999999', 'department'],
    ['published_within_days=0', 'published_within_days'],
    [`q=${'a'.repeat(201)}`, 'q'],
  ])('a bad parameter (%s) is a 400 naming %s, in French', async (params, name) => {
    const response = await get(`/api/v1/offers?${params}`);
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(error.fields)).toContain(name);
    expect(error.fields[name]).not.toMatch(/must |should /);
  });

  it('ranks offers that have the typed word itself before those that only extend it ("ski" before "Skiman")', async () => {
    const titles = (await get('/api/v1/offers?q=ski&per_page=100')).json().hits.map((h: { title: string }) => h.title) as string[];
    const withWord = titles.flatMap((title, i) => (/\bski\b/i.test(title) ? [i] : []));
    const skiman = titles.flatMap((title, i) => (/\bskiman\b/i.test(title) ? [i] : []));
    // Both kinds are in the demo data, and every title with "ski" comes before the first "Skiman".
    expect(withWord.length).toBeGreaterThan(0);
    expect(skiman.length).toBeGreaterThan(0);
    expect(Math.max(...withWord)).toBeLessThan(Math.min(...skiman));
    // Still a prefix while typing: "skim" finds Skiman.
    expect((await get('/api/v1/offers?q=skim')).json().hits[0].title).toBe('Skiman H/F');
  });

  it('ignores empty and unknown parameters instead of failing', async () => {
    const response = await get('/api/v1/offers?sector=&contract=&utm_source=lettre');
    expect(response.statusCode).toBe(200);
  });

  it('GET /api/v1/places completes communes by name (accents, case, hyphens ignored) or postal code', async () => {
    const byName = (await get('/api/v1/places?q=chamonix%20mont')).json();
    expect(byName.places[0]).toEqual({ insee: '74056', name: 'Chamonix-Mont-Blanc', postal_code: '74400', department: '74', lat: expect.any(Number), lon: expect.any(Number), label: 'Chamonix-Mont-Blanc (74400)' });
    expect((await get('/api/v1/places?q=VAL%20D%27ISERE')).json().places[0].name).toBe('Val-d’Isère'.replace('’', "'"));
    const accented = (await get('/api/v1/places?q=h%C3%A9ry')).json().places.map((p: { name: string }) => p.name);
    const plain = (await get('/api/v1/places?q=hery')).json().places.map((p: { name: string }) => p.name);
    expect(accented).toEqual(plain);
    expect((await get('/api/v1/places?q=74400')).json().places[0].insee).toBe('74056');
    expect((await get('/api/v1/places?q=21')).json().places.length).toBeGreaterThan(0);
    expect((await get('/api/v1/places?q=x')).statusCode).toBe(400);
  });

  it('the search page shows facet counts next to each choice, equal to the results of choosing it', async () => {
    const page = decoded((await get('/offres?q=moniteur')).body);
    const options = [...page.matchAll(/<option value="([a-z0-9-]+)"[^>]*>([^<]+) \((\d+)\)<\/option>/g)].filter((m) => m.index! > page.indexOf('name="contrat"') && m.index! < page.indexOf('name="logement"'));
    expect(options.length).toBeGreaterThan(0);
    for (const [, value, , count] of options.filter((o) => o[3] !== '0')) {
      const chosen = decoded((await get(`/offres?q=moniteur&contrat=${value}`)).body);
      expect(chosen).toContain(count === '1' ? '1 offre trouvée' : `${count} offres trouvées`);
    }
  });

  it('the search page works without JavaScript: a plain GET form whose empty fields are fine', async () => {
    const response = await get('/offres?q=moniteur+ski&lieu=Chamonix&rayon=20&secteur=&contrat=&logement=&departement=&publiee=&tri=distance');
    expect(response.statusCode).toBe(200);
    const html = decoded(response.body);
    expect(html).toMatch(/<form[^>]*action="\/offres" method="get"/);
    expect(html).toContain('value="Chamonix-Mont-Blanc (74400)"');
    expect(html).toContain('autour de Chamonix-Mont-Blanc (74400)');
    expect(html).toMatch(/<option value="20" selected>20 km<\/option>/);
    expect(html).toMatch(/<option value="distance" selected>/);
    expect(html).toContain('<script src="/assets/js/search.js" defer></script>');
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script (CSP script-src 'self')
    expect(offerLinks(html).length).toBeGreaterThan(0);
    expect(html).toContain('href="/offres?q=moniteur+ski&lieu=Chamonix-Mont-Blanc+%2874400%29&rayon=20&tri=distance"');
  });

  it('the place of a shared URL resolves again, and an unknown place says so without failing', async () => {
    const unknown = decoded((await get('/offres?lieu=Nulle-Part-sur-Mer')).body);
    expect(unknown).toContain('Lieu « Nulle-Part-sur-Mer » introuvable');
    const shared = decoded((await get('/offres?lieu=Les%20Houches%20(74310)&rayon=5&tri=distance')).body);
    expect(shared).toContain('autour de Les Houches (74310)');
  });

  it('serves the progressive-enhancement script, which calls the place API and keeps the form usable', async () => {
    const response = await get('/assets/js/search.js');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    const script = readFileSync(path.join(ROOT, 'views/assets/js/search.js'), 'utf8');
    expect(response.body).toBe(script);
    expect(script).toContain('/api/v1/places?q=');
    expect(script).toContain('history.replaceState');
  });

  it('filters by housing only where the tenant enables it', async () => {
    expect((await get('/offres')).body).toContain('name="logement"');
    expect((await get('/offres', DIJON)).body).not.toContain('name="logement"');
  });
});

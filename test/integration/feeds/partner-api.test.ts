import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { csrfOf, decodeHtml, FormClient } from '../../helpers/accounts.js';
import { DEMO_PASSWORD } from '../../helpers/company-space.js';

/**
 * The partner API: keys made and revoked by the tenant admin, shown once, scoped to their board,
 * read-only, rate-limited, documented; only public offers whose employer agreed go out.
 */
describe('partner API', () => {
  let t: TestApp;
  let admin: FormClient;
  let key: string;
  let withheld: string;

  /** A key created through the admin page; the page shows it once. */
  async function createKey(client: FormClient, name: string): Promise<string> {
    const response = await client.submit('/admin/cles-api', { name });
    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    return /(cdk_[A-Za-z0-9_-]{43})/.exec(response.body)![1];
  }

  const get = (url: string, headers: Record<string, string> = {}, host = MONTAGNE) => t.app.inject({ url, headers: { host, ...headers } });

  const diffusable = () =>
    t.db.admin
      .selectFrom('offers')
      .select('id')
      .where('tenant_id', '=', 'montagne')
      .where('status', '=', 'published')
      .where('expires_at', '>', new Date())
      .where('export_consent', '=', true)
      .execute();

  beforeAll(async () => {
    t = await createTestApp();
    admin = new FormClient(t.app, MONTAGNE);
    await admin.logIn('admin@montagne.demo', DEMO_PASSWORD);
    key = await createKey(admin, 'Office de tourisme');
    withheld = (await t.db.admin.selectFrom('offers').select('id').where('tenant_id', '=', 'montagne').where('status', '=', 'published').where('expires_at', '>', new Date()).orderBy('id').executeTakeFirstOrThrow()).id;
    await t.db.admin.updateTable('offers').set({ export_consent: false }).where('id', '=', withheld).execute();
  });
  afterAll(async () => t?.close());

  it('keeps only the key’s hash, and lists the key by its first characters', async () => {
    const row = await t.db.admin.selectFrom('partner_api_keys').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ tenant_id: 'montagne', name: 'Office de tourisme', key_prefix: key.slice(0, 12), revoked_at: null });
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(key);
    const page = decodeHtml((await admin.get('/admin/cles-api')).body);
    expect(page).toContain(`${key.slice(0, 12)}…`);
    expect(page).not.toContain(key);
  });

  it('answers the diffusable offers to a valid key, paged, most recently changed first', async () => {
    const response = await get('/api/v1/partner/offers?per_page=10', { 'x-api-key': key });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    const expected = await diffusable();
    expect(body.total).toBe(expected.length);
    expect(body.offers).toHaveLength(10);
    const all: string[] = [];
    for (let page = 1; (page - 1) * 100 < body.total; page++) {
      all.push(...(await get(`/api/v1/partner/offers?per_page=100&page=${page}`, { 'x-api-key': key })).json().offers.map((o: { id: string }) => o.id));
    }
    expect(all.sort()).toEqual(expected.map((o) => o.id).sort());
    expect(all).not.toContain(withheld);
    const first = body.offers[0];
    expect(first).toMatchObject({ status: 'published', export_consent: true, url: `http://montagne.localhost/offres/${first.id}` });
    expect((await get(`/api/v1/partner/offers/${first.id}`, { 'x-api-key': key })).json().title).toBe(first.title);
    const since = new Date(Date.now() + 60_000).toISOString();
    expect((await get(`/api/v1/partner/offers?updated_since=${encodeURIComponent(since)}`, { 'x-api-key': key })).json().total).toBe(0);
  });

  it('hides an offer whose employer did not agree, and another board’s offers', async () => {
    expect((await get(`/api/v1/partner/offers/${withheld}`, { 'x-api-key': key })).statusCode).toBe(404);
    const dijonOffer = await t.db.admin.selectFrom('offers').select('id').where('tenant_id', '=', 'dijon').where('status', '=', 'published').limit(1).executeTakeFirstOrThrow();
    expect((await get(`/api/v1/partner/offers/${dijonOffer.id}`, { 'x-api-key': key })).statusCode).toBe(404);
  });

  it('refuses a missing, unknown, revoked or other board’s key with 401', async () => {
    const expect401 = async (headers: Record<string, string>, host = MONTAGNE) => {
      const response = await get('/api/v1/partner/offers', headers, host);
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toMatchObject({ code: 'INVALID_API_KEY', message: 'Clé d’API absente, inconnue ou révoquée (en-tête X-Api-Key)' });
    };
    await expect401({});
    await expect401({ 'x-api-key': `cdk_${'A'.repeat(43)}` });
    await expect401({ 'x-api-key': 'n’importe quoi' });
    // A session token is not a partner key.
    await expect401({ authorization: 'Bearer abc.def.ghi' });
    const dijonAdmin = new FormClient(t.app, DIJON);
    await dijonAdmin.logIn('admin@dijon.demo', DEMO_PASSWORD);
    const dijonKey = await createKey(dijonAdmin, 'Partenaire dijonnais');
    await expect401({ 'x-api-key': dijonKey });
    expect((await get('/api/v1/partner/offers', { 'x-api-key': dijonKey }, DIJON)).statusCode).toBe(200);
    const doomed = await createKey(admin, 'Ancien partenaire');
    expect((await get('/api/v1/partner/offers', { 'x-api-key': doomed })).statusCode).toBe(200);
    const page = await admin.get('/admin/cles-api');
    const id = (await t.db.admin.selectFrom('partner_api_keys').select('id').where('name', '=', 'Ancien partenaire').executeTakeFirstOrThrow()).id;
    expect((await admin.post(`/admin/cles-api/${id}/revoquer`, { _csrf: csrfOf(page.body) })).statusCode).toBe(303);
    await expect401({ 'x-api-key': doomed });
    expect((await get('/api/v1/partner/offers', { 'x-api-key': key })).statusCode).toBe(200);
  });

  it('is read-only', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const response = await t.app.inject({ method, url: '/api/v1/partner/offers', headers: { host: MONTAGNE, 'x-api-key': key }, payload: {} });
      expect(response.statusCode).toBe(404);
    }
  });

  it('limits each key to 120 requests a minute', async () => {
    const busy = await createKey(admin, 'Partenaire pressé');
    for (let i = 0; i < 120; i++) expect((await get('/api/v1/partner/offers?per_page=1', { 'x-api-key': busy })).statusCode).toBe(200);
    const refused = await get('/api/v1/partner/offers?per_page=1', { 'x-api-key': busy });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another key is not held back.
    expect((await get('/api/v1/partner/offers?per_page=1', { 'x-api-key': key })).statusCode).toBe(200);
  });

  it('keeps the keys page to the tenant admin', async () => {
    const employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('employeur@montagne.demo', DEMO_PASSWORD);
    expect((await employer.get('/admin/cles-api')).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/admin/cles-api', headers: { host: MONTAGNE } })).statusCode).toBe(303);
    const refused = await admin.submit('/admin/cles-api', { name: '' });
    expect(refused.statusCode).toBe(400);
    expect(decodeHtml(refused.body)).toContain('Indiquez le nom du partenaire');
  });

  it('is documented in the OpenAPI document with its key scheme', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json', headers: { host: MONTAGNE } })).json();
    expect(doc.components.securitySchemes.partnerKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Api-Key' });
    expect(doc.paths['/api/v1/partner/offers'].get.security).toEqual([{ partnerKey: [] }]);
    expect(doc.paths['/api/v1/partner/offers/{id}'].get.tags).toEqual(['partenaires']);
    expect(Object.keys(doc.paths['/api/v1/partner/offers'].get.responses)).toEqual(['200', '400', '401', '429']);
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../server/db/tenant-db.js';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { decodeHtml, FormClient } from '../../helpers/accounts.js';
import { apiClient, apiToken, DEMO_PASSWORD, offerBody } from '../../helpers/company-space.js';

const DAY_MS = 24 * 3600_000;

/** Every field of the settings form: empty text and « valeur du fichier » unless given. */
const settings = (fields: Record<string, string> = {}) => ({
  contact_email: '',
  contact_phone: '',
  contact_address: '',
  offer_lifetime_days: '',
  offer_moderation: 'fichier',
  feature_billing: 'fichier',
  feature_messaging: 'fichier',
  feature_housing_filter: 'fichier',
  feature_shared_time: 'fichier',
  ...fields,
});

describe('tenant settings in the admin space (/admin/parametres)', () => {
  let t: TestApp;
  let admin: FormClient;

  beforeAll(async () => {
    t = await createTestApp();
    admin = new FormClient(t.app, MONTAGNE);
    await admin.logIn('admin@montagne.demo', DEMO_PASSWORD);
  });
  afterAll(async () => t?.close());

  const stored = () => t.db.admin.selectFrom('tenant_settings').selectAll().where('tenant_id', '=', 'montagne').executeTakeFirst();
  const footer = async (host = MONTAGNE) => {
    const html = decodeHtml((await t.app.inject({ url: '/', headers: { host } })).body);
    return html.slice(html.lastIndexOf('<footer'));
  };
  /** Creates an offer as the montagne employer and submits it; returns its status and expiry. */
  const submitOffer = async (title: string) => {
    const owner = apiClient(t.app, MONTAGNE, await apiToken(t.app, MONTAGNE, 'employeur@montagne.demo'));
    const id = (await owner('POST', '/api/v1/offers', offerBody({ title }))).json().id as string;
    const submitted = await owner('POST', `/api/v1/offers/${id}/submit`);
    expect(submitted.statusCode, submitted.body).toBeLessThan(300);
    return t.db.admin.selectFrom('offers').select(['status', 'expires_at']).where('id', '=', id).executeTakeFirstOrThrow();
  };

  it('is for the tenant admin only, and each admin sees only their own tenant', async () => {
    const visitor = await t.app.inject({ url: '/admin/parametres', headers: { host: MONTAGNE } });
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe('/compte/connexion?retour=%2Fadmin%2Fparametres');
    const employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('employeur@montagne.demo', DEMO_PASSWORD);
    const refused = await employer.get('/admin/parametres');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Vous n’avez pas accès à cette page');
    expect(refused.body).not.toContain('Valeur du fichier');
    const forged = await employer.post('/admin/parametres', { ...settings({ contact_phone: '0 800 00 00 01' }) });
    expect(forged.statusCode).toBe(403);
    expect(await stored()).toBeUndefined();

    const page = decodeHtml((await admin.get('/admin/parametres')).body);
    expect(page).toContain('<h1>Paramètres du site</h1>');
    expect(page).toContain('04 79 00 00 00');
    expect(page).toContain('60 jours');
    expect(page).toContain('aria-current="page">Paramètres du site');

    const dijon = new FormClient(t.app, DIJON);
    await dijon.logIn('admin@dijon.demo', DEMO_PASSWORD);
    const dijonPage = decodeHtml((await dijon.get('/admin/parametres')).body);
    expect(dijonPage).toContain('0 800 21 00 00');
    expect(dijonPage).not.toContain('04 79 00 00 00');
    // Dijon's admin changes Dijon only.
    expect((await dijon.submit('/admin/parametres', settings({ contact_phone: '0 800 99 99 99' }))).statusCode).toBe(303);
    expect(await footer(DIJON)).toContain('0 800 99 99 99');
    expect(await footer(MONTAGNE)).toContain('04 79 00 00 00');
    expect(await stored()).toBeUndefined();
    // A Dijon session means nothing on montagne's host.
    const crossHost = await t.app.inject({ url: '/admin/parametres', headers: { host: MONTAGNE, cookie: [...dijon.cookies].map(([n, v]) => `${n}=${v}`).join('; ') } });
    expect(crossHost.statusCode).toBe(303);
  });

  it('changes the phone shown in the footer at once, audits it, and shows file and current values', async () => {
    const response = await admin.submit('/admin/parametres', settings({ contact_phone: '0 800 73 73 73' }));
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/admin/parametres?info=enregistres');
    expect(await footer()).toContain('0 800 73 73 73');
    expect(await stored()).toMatchObject({ contact_phone: '0 800 73 73 73', offer_lifetime_days: null, feature_billing: null });

    const page = decodeHtml((await admin.get(response.headers.location as string)).body);
    expect(page).toContain('Les paramètres sont enregistrés');
    expect(page).toMatch(/<td>04 79 00 00 00<\/td><td>0 800 73 73 73 <span class="small">\(modifiée ici\)<\/span><\/td>/);
    expect(page).toContain('value="0 800 73 73 73"');

    const log = await t.db.admin.selectFrom('admin_audit_log').selectAll().where('tenant_id', '=', 'montagne').where('action', '=', 'settings.update').execute();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ actor_email: 'admin@montagne.demo', target_type: 'settings', target_id: null, details: { 'contact.phone': { before: null, after: '0 800 73 73 73' } } });
    const journal = decodeHtml((await admin.get('/admin/journal')).body);
    expect(journal).toContain('Paramètres du site modifiés');
    expect(journal).toContain('contact.phone : valeur du fichier → 0 800 73 73 73');
  });

  it('gives a newly published offer the new lifetime, and switches moderation off and on', async () => {
    expect((await admin.submit('/admin/parametres', settings({ contact_phone: '0 800 73 73 73', offer_lifetime_days: '10', offer_moderation: 'non' }))).statusCode).toBe(303);
    const direct = await submitOffer('Pisteur secouriste');
    expect(direct.status).toBe('published');
    expect(Math.abs(direct.expires_at!.getTime() - (Date.now() + 10 * DAY_MS))).toBeLessThan(60_000);

    expect((await admin.submit('/admin/parametres', settings({ contact_phone: '0 800 73 73 73', offer_lifetime_days: '10', offer_moderation: 'oui' }))).statusCode).toBe(303);
    expect((await submitOffer('Nivoculteur')).status).toBe('pending_review');
  });

  it('refuses invalid values with a French message naming the field, and changes nothing', async () => {
    const before = await stored();
    const auditLines = async () => (await t.db.admin.selectFrom('admin_audit_log').select('id').where('tenant_id', '=', 'montagne').execute()).length;
    const lines = await auditLines();
    const cases: [Record<string, string>, string][] = [
      [{ offer_lifetime_days: '0' }, 'Durée de publication des offres : indiquez un nombre entier de jours entre 1 et 365.'],
      [{ offer_lifetime_days: '366' }, 'Durée de publication des offres : indiquez un nombre entier de jours entre 1 et 365.'],
      [{ offer_lifetime_days: 'trente' }, 'Durée de publication des offres : indiquez un nombre entier de jours entre 1 et 365.'],
      [{ contact_email: 'contact-at-montagne' }, 'Adresse e-mail de contact : saisissez une adresse valide'],
      [{ contact_phone: 'appelez-nous' }, 'Numéro de téléphone : de 6 à 20 caractères'],
    ];
    for (const [fields, message] of cases) {
      const response = await admin.submit('/admin/parametres', settings({ contact_phone: '0 800 12 12 12', ...fields }));
      expect(response.statusCode, JSON.stringify(fields)).toBe(400);
      const html = decodeHtml(response.body);
      expect(html).toContain(message);
      expect(html).toContain('aria-invalid="true"');
      // The page keeps what was typed and still shows the file's values.
      expect(html).toContain(`value="${Object.values(fields)[0]}"`);
      expect(html).toContain('Valeur du fichier (tenant.json)');
    }
    expect(await stored()).toEqual(before);
    expect(await auditLines()).toBe(lines);

    // Billing needs a membership grid: Dijon is free for employers.
    const dijon = new FormClient(t.app, DIJON);
    await dijon.logIn('admin@dijon.demo', DEMO_PASSWORD);
    const billing = await dijon.submit('/admin/parametres', settings({ feature_billing: 'oui' }));
    expect(billing.statusCode).toBe(400);
    expect(decodeHtml(billing.body)).toContain('Adhésions et paiement : ne peut pas être activé sur ce site, gratuit pour les employeurs');
    const dijonRow = await t.db.admin.selectFrom('tenant_settings').select('feature_billing').where('tenant_id', '=', 'dijon').executeTakeFirst();
    expect(dijonRow?.feature_billing ?? null).toBeNull();
    // A CSRF-less post is refused before anything.
    expect((await admin.post('/admin/parametres', settings({ offer_lifetime_days: '5' }))).statusCode).toBe(403);
    expect(await stored()).toEqual(before);
  });

  it('turns a feature off for every reader of the configuration (admin menu, search filter)', async () => {
    const searchPage = async () => (await t.app.inject({ url: '/offres', headers: { host: MONTAGNE } })).body;
    expect(decodeHtml((await admin.get('/admin/moderation')).body)).toContain('href="/admin/adhesions"');
    expect(await searchPage()).toContain('name="logement"');
    expect((await admin.submit('/admin/parametres', settings({ contact_phone: '0 800 73 73 73', feature_billing: 'non', feature_housing_filter: 'non' }))).statusCode).toBe(303);
    expect(decodeHtml((await admin.get('/admin/moderation')).body)).not.toContain('href="/admin/adhesions"');
    expect(await searchPage()).not.toContain('name="logement"');
  });

  it('goes back to the file values, field by field or all at once', async () => {
    // One field: emptied.
    expect((await admin.submit('/admin/parametres', settings({ offer_lifetime_days: '12' }))).statusCode).toBe(303);
    expect(await stored()).toMatchObject({ contact_phone: null, offer_lifetime_days: 12, feature_billing: null });
    expect(await footer()).toContain('04 79 00 00 00');
    // Everything.
    const page = await admin.get('/admin/parametres');
    expect(decodeHtml(page.body)).toContain('Tout remettre aux valeurs du fichier');
    const reset = await admin.submit('/admin/parametres', {}, '/admin/parametres/reinitialiser');
    expect(reset.statusCode).toBe(303);
    expect(reset.headers.location).toBe('/admin/parametres?info=reinitialises');
    expect(await stored()).toMatchObject({ offer_lifetime_days: null, contact_phone: null });
    expect(t.app.tenants.get('montagne')!.config).toEqual(t.app.tenants.fileTenant('montagne')!.config);
    const log = await t.db.admin.selectFrom('admin_audit_log').select('details').where('action', '=', 'settings.reset').executeTakeFirstOrThrow();
    expect(log.details).toEqual({ 'offers.lifetimeDays': { before: 12, after: null } });
    expect(decodeHtml((await admin.get('/admin/parametres')).body)).not.toContain('Tout remettre aux valeurs du fichier');
  });

  it('keeps tenant_settings rows to their tenant in PostgreSQL (RLS)', async () => {
    await t.db.admin.insertInto('tenant_settings').values({ tenant_id: 'dijon', contact_phone: '0 800 55 55 55' }).onConflict((oc) => oc.column('tenant_id').doUpdateSet({ contact_phone: '0 800 55 55 55' })).execute();
    const fromMontagne = await withTenant(t.app.db, 'montagne', (m) => m.trx.selectFrom('tenant_settings').select('tenant_id').execute());
    expect(fromMontagne).toEqual([{ tenant_id: 'montagne' }]);
    expect(await t.app.db.selectFrom('tenant_settings').selectAll().execute()).toEqual([]);
    await expect(
      withTenant(t.app.db, 'montagne', (m) => m.trx.insertInto('tenant_settings').values({ tenant_id: 'dijon', offer_lifetime_days: 5 }).execute()),
    ).rejects.toThrow(/row-level security|duplicate key/);
    const updated = await withTenant(t.app.db, 'montagne', (m) => sql`update tenant_settings set offer_lifetime_days = 1`.execute(m.trx));
    expect(Number(updated.numAffectedRows)).toBe(1);
    expect((await t.db.admin.selectFrom('tenant_settings').select('offer_lifetime_days').where('tenant_id', '=', 'dijon').executeTakeFirstOrThrow()).offer_lifetime_days).toBeNull();
  });
});

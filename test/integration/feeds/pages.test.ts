import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, MONTAGNE, testConfig, type TestApp } from '../../helpers/app.js';
import { decodeHtml, FormClient } from '../../helpers/accounts.js';
import { companyIdOf, createAccount, createCompany, DEMO_PASSWORD } from '../../helpers/company-space.js';
import { csvFile, partnerFile } from '../../helpers/feed-fixtures.js';
import { postMultipart } from '../../helpers/multipart-form.js';

/**
 * The feed pages as companies and the tenant admin use them: adding a URL source, sending files,
 * the health page with counts and refused records, the buttons; and who may do what (members of the
 * company, the admin, nobody else, never across tenants).
 */
describe('feed pages', () => {
  let t: TestApp;
  let owner: FormClient;
  let admin: FormClient;
  let companyId: string;
  let sourceId: string;

  const csv = (rows: Record<string, string>[]) => ({ filename: 'offres.csv', data: Buffer.from(csvFile(rows)), type: 'text/csv' });
  const ROWS: Record<string, string>[] = [
    { reference: 'CSV-1', titre: 'Vendeur skiset', description: 'Conseil et location de skis aux vacanciers.\n\nMatériel de qualité.', contrat: 'Saisonnier', code_postal: '74400', commune: 'Chamonix', salaire_min: '1 800', salaire_unite: 'mois', logement: 'oui' },
    { reference: 'CSV-2', titre: 'Agent d’accueil', description: 'Accueil des skieurs et vente des forfaits de remontées.', contrat: 'CDD', code_postal: '74310', commune: 'Les Houches' },
    { reference: 'CSV-3', titre: 'Cuisinier', description: 'Trop court', contrat: 'Bénévole', code_postal: '99999' },
  ];

  beforeAll(async () => {
    // A 1 MB ceiling instead of 10: the oversized upload is refused just the same, without pushing 10 MB.
    t = await createTestApp({ feeds: { ...testConfig('').feeds, maxBytes: 1024 * 1024 } });
    companyId = await companyIdOf(t, 'montagne', 'employeur@montagne.demo');
    owner = new FormClient(t.app, MONTAGNE);
    await owner.logIn('employeur@montagne.demo', DEMO_PASSWORD);
    admin = new FormClient(t.app, MONTAGNE);
    await admin.logIn('admin@montagne.demo', DEMO_PASSWORD);
  });
  afterAll(async () => t?.close());

  it('lets a member add a URL source, refusing private addresses and other schemes with the values kept', async () => {
    expect((await owner.get('/compte/flux')).statusCode).toBe(200);
    const refused = await owner.submit('/compte/flux/nouveau', { name: 'Intranet', format: 'aggregator_xml', url: 'http://10.0.0.12/offres.xml', polls_per_day: '2' });
    expect(refused.statusCode).toBe(422);
    const page = decodeHtml(refused.body);
    expect(page).toContain('Cette adresse désigne un réseau privé ou ce serveur : un flux doit être publié sur Internet');
    expect(page).toContain('value="http://10.0.0.12/offres.xml"');
    for (const url of ['http://localhost:8080/flux', 'http://[::ffff:169.254.169.254]/', 'http://127.0.0.1/']) {
      expect((await owner.submit('/compte/flux/nouveau', { name: 'Local', format: 'csv', url, polls_per_day: '1' })).statusCode).toBe(422);
    }
    const badScheme = await owner.submit('/compte/flux/nouveau', { name: 'FTP', format: 'csv', url: 'ftp://ats.example/offres.csv', polls_per_day: '1' });
    expect(badScheme.statusCode).toBe(400);
    expect(decodeHtml(badScheme.body)).toContain('Indiquez une adresse web commençant par https://');
    const created = await owner.submit('/compte/flux/nouveau', { name: 'Page carrières', format: 'json_ld', url: 'https://carrieres.houches.example/offres', polls_per_day: '4' });
    expect(created.statusCode).toBe(303);
    sourceId = /\/compte\/flux\/([0-9a-f-]{36})/.exec(created.headers.location as string)![1];
    const row = await t.db.admin.selectFrom('feed_sources').selectAll().where('id', '=', sourceId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ tenant_id: 'montagne', company_id: companyId, kind: 'url', format: 'json_ld', polls_per_day: 4, active: true });
    expect(row.next_poll_at!.getTime()).toBeLessThanOrEqual(Date.now());
    const health = decodeHtml((await owner.get(`/compte/flux/${sourceId}`)).body);
    expect(health).toContain('Page carrières');
    expect(health).toContain('Jamais relevé');
  });

  it('pauses, resumes and asks for a poll now', async () => {
    const page = await owner.get(`/compte/flux/${sourceId}`);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    expect((await owner.post(`/compte/flux/${sourceId}/suspendre`, { _csrf: token })).statusCode).toBe(303);
    expect((await t.db.admin.selectFrom('feed_sources').select('active').where('id', '=', sourceId).executeTakeFirstOrThrow()).active).toBe(false);
    expect((await owner.post(`/compte/flux/${sourceId}/relever`, { _csrf: token })).statusCode).toBe(409);
    expect((await owner.post(`/compte/flux/${sourceId}/reprendre`, { _csrf: token })).statusCode).toBe(303);
    await t.db.admin.updateTable('feed_sources').set({ next_poll_at: new Date(Date.now() + 3_600_000) }).where('id', '=', sourceId).execute();
    expect((await owner.post(`/compte/flux/${sourceId}/relever`, { _csrf: token })).statusCode).toBe(303);
    const row = await t.db.admin.selectFrom('feed_sources').select(['next_poll_at', 'poll_requested']).where('id', '=', sourceId).executeTakeFirstOrThrow();
    expect(row.poll_requested).toBe(true);
    expect(row.next_poll_at!.getTime()).toBeLessThanOrEqual(Date.now());
    // Without the form's token: refused, nothing changed.
    expect((await owner.post(`/compte/flux/${sourceId}/suspendre`, {})).statusCode).toBe(403);
  });

  it('imports an uploaded CSV and shows the counts and the refused records with their reasons in French', async () => {
    const response = await postMultipart(t.app, owner, '/compte/flux/fichier', '/compte/flux/fichier', { format: 'csv' }, csv(ROWS), true, 'file');
    expect(response.statusCode).toBe(303);
    const location = response.headers.location as string;
    expect(location).toMatch(/\/compte\/flux\/[0-9a-f-]{36}\?info=fichier$/);
    const page = decodeHtml((await owner.get(location)).body);
    expect(page).toContain('Fichier importé');
    expect(page).toContain('3 offre(s) reçue(s)');
    expect(page).toContain('2 créée(s)');
    expect(page).toContain('1 rejetée(s)');
    expect(page).toContain('Type de contrat absent ou inconnu (« Bénévole »)');
    expect(page).toContain('Code postal 99999 inconnu et commune non indiquée');
    const offers = await t.db.admin
      .selectFrom('feed_items')
      .innerJoin('offers', 'offers.id', 'feed_items.offer_id')
      .select(['feed_items.reference', 'offers.status', 'offers.housing', 'offers.salary_min', 'offers.description_html', 'offers.company_id'])
      .orderBy('feed_items.reference')
      .execute();
    expect(offers.map((o) => [o.reference, o.status, o.company_id])).toEqual([
      ['CSV-1', 'pending_review', companyId],
      ['CSV-2', 'pending_review', companyId],
    ]);
    expect(offers[0]).toMatchObject({ housing: 'provided', salary_min: 1800, description_html: '<p>Conseil et location de skis aux vacanciers.</p><p>Matériel de qualité.</p>' });
  });

  it('imports a gzipped France Travail partner file, and reports an unreadable file without closing anything', async () => {
    const file = partnerFile([
      { Par_ref_offre: 'FT-1', Libelle_metier_OGR: 'Pisteur / Pisteuse secouriste', Code_OGR: '17803', Description: 'Sécurité des pistes et secours aux skieurs blessés sur le domaine.', TCO_cle: 'SAI', NTC_cle: 'E1', Off_travail_hebdo_nb_hh: '39', Off_travail_hebdo_nb_mi: '0', CPO_cle: '74400', COM_cle: '74056', Mode_diffusion: 'N' },
    ]);
    const sent = await postMultipart(t.app, owner, '/compte/flux/fichier', '/compte/flux/fichier', { format: 'partner_file' }, { filename: 'ft.txt.gz', data: zlib.gzipSync(file), type: 'application/gzip' }, true, 'file');
    expect(sent.headers.location).toMatch(/info=fichier$/);
    const offer = await t.db.admin
      .selectFrom('feed_items')
      .innerJoin('offers', 'offers.id', 'feed_items.offer_id')
      .select(['offers.title', 'offers.contract', 'offers.rome_code', 'offers.hours_per_week', 'offers.commune_insee', 'offers.export_consent'])
      .where('feed_items.reference', '=', 'FT-1')
      .executeTakeFirstOrThrow();
    expect(offer).toEqual({ title: 'Pisteur / Pisteuse secouriste', contract: 'seasonal', rome_code: 'K1726', hours_per_week: 39, commune_insee: '74056', export_consent: false });
    const broken = await postMultipart(t.app, owner, '/compte/flux/fichier', '/compte/flux/fichier', { format: 'partner_file' }, { filename: 'ft.txt', data: Buffer.from('ceci|nest|pas\nun|fichier|partenaire\n'), type: 'text/plain' }, true, 'file');
    expect(broken.headers.location).toMatch(/info=fichier-refuse$/);
    const page = decodeHtml((await owner.get(broken.headers.location as string)).body);
    expect(page).toContain('Le document n’a pas pu être lu : colonnes obligatoires absentes de l’en-tête : Par_ref_offre, Libelle_metier_OGR, Description, TCO_cle');
    const still = await t.db.admin.selectFrom('feed_items').select('closed_at').where('reference', '=', 'FT-1').executeTakeFirstOrThrow();
    expect(still.closed_at).toBeNull();
  });

  it('refuses an upload without a file, with a path in its name, or too large', async () => {
    const missing = await postMultipart(t.app, owner, '/compte/flux/fichier', '/compte/flux/fichier', { format: 'csv' }, undefined, true, 'file');
    expect(missing.statusCode).toBe(400);
    expect(decodeHtml(missing.body)).toContain('Choisissez un fichier');
    const pathName = await postMultipart(t.app, owner, '/compte/flux/fichier', '/compte/flux/fichier', { format: 'csv' }, { filename: '../../etc/passwd', data: Buffer.from('x') }, true, 'file');
    expect(pathName.statusCode).toBe(400);
    const big = await postMultipart(t.app, owner, '/compte/flux/fichier', '/compte/flux/fichier', { format: 'csv' }, { filename: 'gros.csv', data: Buffer.alloc(t.app.config.feeds.maxBytes + 10, 'a') }, true, 'file');
    expect(big.statusCode).toBe(413);
    expect(decodeHtml(big.body)).toContain('Le fichier est trop volumineux');
  });

  it('lets the admin add a source for any company, lists every source, and shows the exports', async () => {
    const other = await createCompany(t, 'montagne', 'Refuge du Goûter');
    const form = decodeHtml((await admin.get('/admin/flux/nouveau')).body);
    expect(form).toContain('Refuge du Goûter');
    const noCompany = await admin.submit('/admin/flux/nouveau', { name: 'ATS', format: 'aggregator_xml', url: 'https://ats.example/flux.xml', polls_per_day: '1' });
    expect(noCompany.statusCode).toBe(422);
    expect(decodeHtml(noCompany.body)).toContain('Refuge du Goûter');
    const created = await admin.submit('/admin/flux/nouveau', { company_id: other, name: 'ATS du refuge', format: 'aggregator_xml', url: 'https://ats.example/flux.xml', polls_per_day: '1' });
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toMatch(/^\/admin\/flux\/[0-9a-f-]{36}\?info=ajoute$/);
    const list = decodeHtml((await admin.get('/admin/flux')).body);
    expect(list).toContain('ATS du refuge');
    expect(list).toContain('Page carrières');
    expect(list).toContain('/flux/offres.xml');
    expect(list).toContain('Fichiers partenaire France Travail');
    const audit = await t.db.admin.selectFrom('admin_audit_log').select('action').where('action', '=', 'feed.create').execute();
    expect(audit).toHaveLength(1);
  });

  it('lets the employer refuse the diffusion of an offer in the offer form (yes by default)', async () => {
    const form = decodeHtml((await owner.get('/compte/offres/nouvelle')).body);
    expect(form).toContain('Diffuser cette offre auprès de France Travail, des agrégateurs et des sites partenaires');
    expect(form).toMatch(/name="export_consent" value="oui" checked/);
    const fields = {
      title: 'Dameur de pistes',
      description_html: 'Préparation des pistes la nuit au volant d’une dameuse, en équipe.',
      contract: 'seasonal',
      working_time: 'full_time',
      commune_insee: '74143',
      housing: 'none',
      driving_licence: 'oui',
      apply_method: 'platform',
    };
    expect((await owner.submit('/compte/offres/nouvelle', { ...fields, export_consent: 'non' })).statusCode).toBe(303);
    expect((await owner.submit('/compte/offres/nouvelle', { ...fields, title: 'Dameur de pistes (2)' })).statusCode).toBe(303);
    const rows = await t.db.admin.selectFrom('offers').select(['title', 'export_consent']).where('title', 'like', 'Dameur de pistes%').orderBy('title').execute();
    expect(rows).toEqual([
      { title: 'Dameur de pistes', export_consent: false },
      { title: 'Dameur de pistes (2)', export_consent: true },
    ]);
  });

  describe('who may see and change a source', () => {
    let other: FormClient;
    let candidate: FormClient;
    let dijonAdmin: FormClient;
    beforeAll(async () => {
      const rival = await createCompany(t, 'montagne', 'Concurrent de la vallée');
      await createAccount(t, 'montagne', { email: 'rival@exemple.fr', role: 'employer', companyId: rival });
      other = new FormClient(t.app, MONTAGNE);
      await other.logIn('rival@exemple.fr', DEMO_PASSWORD);
      candidate = new FormClient(t.app, MONTAGNE);
      await candidate.logIn('candidat@montagne.demo', DEMO_PASSWORD);
      dijonAdmin = new FormClient(t.app, DIJON);
      await dijonAdmin.logIn('admin@dijon.demo', DEMO_PASSWORD);
    });

    it('shows the health page to the company’s members and the admin only', async () => {
      expect((await owner.get(`/compte/flux/${sourceId}`)).statusCode).toBe(200);
      expect((await admin.get(`/admin/flux/${sourceId}`)).statusCode).toBe(200);
      expect((await other.get(`/compte/flux/${sourceId}`)).statusCode).toBe(404);
      expect((await candidate.get(`/compte/flux/${sourceId}`)).statusCode).toBe(403);
      expect((await candidate.get('/admin/flux')).statusCode).toBe(403);
      expect((await owner.get('/admin/flux')).statusCode).toBe(403);
      const anonymous = await t.app.inject({ url: `/compte/flux/${sourceId}`, headers: { host: MONTAGNE } });
      expect(anonymous.statusCode).toBe(303);
      expect((await dijonAdmin.get(`/admin/flux/${sourceId}`)).statusCode).toBe(404);
      // The rival's list does not show it.
      expect(decodeHtml((await other.get('/compte/flux')).body)).not.toContain('Page carrières');
    });

    it('refuses the buttons to anyone else, changing nothing', async () => {
      const before = await t.db.admin.selectFrom('feed_sources').selectAll().where('id', '=', sourceId).executeTakeFirstOrThrow();
      for (const action of ['suspendre', 'relever', 'supprimer']) {
        const token = /name="_csrf" value="([^"]+)"/.exec((await other.get('/compte/flux/nouveau')).body)![1];
        expect((await other.post(`/compte/flux/${sourceId}/${action}`, { _csrf: token })).statusCode).toBe(404);
        const dijonToken = /name="_csrf" value="([^"]+)"/.exec((await dijonAdmin.get('/admin/flux')).body)![1];
        expect((await dijonAdmin.post(`/compte/flux/${sourceId}/${action}`, { _csrf: dijonToken })).statusCode).toBe(404);
      }
      const after = await t.db.admin.selectFrom('feed_sources').selectAll().where('id', '=', sourceId).executeTakeFirstOrThrow();
      expect(after).toEqual(before);
    });

    it('lets the admin delete it; the imported offers stay', async () => {
      const page = await admin.get(`/admin/flux/${sourceId}`);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
      expect((await admin.post(`/compte/flux/${sourceId}/supprimer`, { _csrf: token })).headers.location).toBe('/admin/flux?info=supprime');
      expect(await t.db.admin.selectFrom('feed_sources').select('id').where('id', '=', sourceId).executeTakeFirst()).toBeUndefined();
    });
  });
});

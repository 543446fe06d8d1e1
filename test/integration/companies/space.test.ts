import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { csrfOf, decodeHtml, FormClient, lastMailTo, pathOf } from '../../helpers/accounts.js';
import { createAccount, DEMO_PASSWORD } from '../../helpers/company-space.js';

const HOSTILE = '<p>Entreprise <em>familiale</em></p><script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">lien</a>';

describe('company space: create the company, edit it, invite and remove colleagues; offer form', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await createAccount(t, 'dijon', { email: 'gerante@exemple.fr', role: 'employer', name: 'Inès Garnier' });
  });
  afterAll(async () => t?.close());

  const companyOf = (email: string) =>
    t.db.admin
      .selectFrom('company_members')
      .innerJoin('users', 'users.id', 'company_members.user_id')
      .innerJoin('companies', 'companies.id', 'company_members.company_id')
      .selectAll('companies')
      .select('company_members.member_role')
      .where('users.email', '=', email)
      .executeTakeFirst();

  it('sends an employer without a company to the creation form', async () => {
    const browser = new FormClient(t.app, DIJON);
    await browser.logIn('gerante@exemple.fr', DEMO_PASSWORD);
    for (const path of ['/compte/entreprise', '/compte/offres']) {
      const response = await browser.get(path);
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/compte/entreprise/nouvelle');
    }
    const form = await browser.get('/compte/entreprise/nouvelle');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<label class="field__label" for="champ-siret">SIRET');
  });

  it('refuses a bad profile with French messages by each field, keeps what was typed, creates nothing', async () => {
    const browser = new FormClient(t.app, DIJON);
    await browser.logIn('gerante@exemple.fr', DEMO_PASSWORD);
    const response = await browser.submit('/compte/entreprise/nouvelle', {
      name: 'Fromagerie Garnier',
      siret: '732 829 320 00075',
      naf_code: '99.99Z',
      headcount: '12',
      commune_insee: '99999',
      website: 'ftp://fromagerie.example',
      description: 'Affineurs depuis 1950',
    });
    expect(response.statusCode).toBe(422);
    const html = decodeHtml(response.body);
    expect(html).toContain('Le formulaire contient des erreurs');
    expect(html).toContain('Ce SIRET n’est pas valide : vérifiez les 14 chiffres');
    expect(html).toContain('Ce code NAF n’existe pas');
    expect(html).toContain('Aucune commune ne porte ce code INSEE');
    expect(html).toContain('Indiquez une adresse web commençant par https://');
    expect(html).toContain('value="Fromagerie Garnier"');
    expect(html).toContain('value="732 829 320 00075"');
    expect(html).toContain('Affineurs depuis 1950</textarea>');
    expect(html).toMatch(/id="champ-siret"[^>]*aria-invalid="true"/);
    expect(await companyOf('gerante@exemple.fr')).toBeUndefined();

    // Schema-level problems (letters in the headcount) come back the same way, with status 400.
    const schema = await browser.post('/compte/entreprise/nouvelle', { _csrf: csrfOf(response.body), name: 'F', headcount: 'douze' });
    expect(schema.statusCode).toBe(400);
    expect(decodeHtml(schema.body)).toContain('Indiquez un nombre entier de salariés');
    expect(await companyOf('gerante@exemple.fr')).toBeUndefined();
  });

  it('creates the company (owner), sanitises its description, and shows it on the public page', async () => {
    const browser = new FormClient(t.app, DIJON);
    await browser.logIn('gerante@exemple.fr', DEMO_PASSWORD);
    const response = await browser.submit('/compte/entreprise/nouvelle', {
      name: 'Fromagerie Garnier',
      siret: '732 829 320 00074',
      naf_code: '1051c',
      headcount: '12',
      commune_insee: '21231',
      website: 'https://fromagerie.example',
      description: HOSTILE,
    });
    expect(response.statusCode, response.body.slice(0, 500)).toBe(303);
    expect(response.headers.location).toBe('/compte/entreprise?info=creee');
    const company = (await companyOf('gerante@exemple.fr'))!;
    expect(company).toMatchObject({ name: 'Fromagerie Garnier', slug: 'fromagerie-garnier', siret: '73282932000074', naf_code: '10.51C', headcount: 12, commune_insee: '21231', member_role: 'owner' });
    // Script, image with its handler and the javascript: link are gone; the structure stays.
    expect(company.description).toBe('<p>Entreprise <em>familiale</em></p>');
    const space = await browser.get(response.headers.location as string);
    expect(space.statusCode).toBe(200);
    expect(decodeHtml(space.body)).toContain('La fiche de l’entreprise est créée');
    const page = await t.app.inject({ url: '/entreprises/fromagerie-garnier', headers: { host: DIJON } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<em>familiale</em>');
    expect(page.body).not.toMatch(/alert\(|onerror|javascript:/);
    // One company per account: the creation form now leads to the company space, and a post is refused.
    expect((await browser.get('/compte/entreprise/nouvelle')).headers.location).toBe('/compte/entreprise');
    const again = await browser.post('/compte/entreprise/nouvelle', { _csrf: csrfOf((await browser.get('/compte')).body), name: 'Autre entreprise' });
    expect(again.statusCode).toBe(409);
    expect(decodeHtml(again.body)).toContain('Votre compte est déjà rattaché à une entreprise');
  });

  it('edits the profile (La Poste’s SIRET exception accepted)', async () => {
    const browser = new FormClient(t.app, DIJON);
    await browser.logIn('gerante@exemple.fr', DEMO_PASSWORD);
    const form = await browser.get('/compte/entreprise/profil');
    expect(decodeHtml(form.body)).toContain('value="Fromagerie Garnier"');
    const response = await browser.post('/compte/entreprise/profil', { _csrf: csrfOf(form.body), name: 'Fromagerie Garnier & fils', siret: '35600000049837', headcount: '14', commune_insee: '21231' });
    expect(response.statusCode).toBe(303);
    expect(await companyOf('gerante@exemple.fr')).toMatchObject({ name: 'Fromagerie Garnier & fils', siret: '35600000049837', headcount: 14, naf_code: null });
  });

  it('invites a colleague by e-mail; only an employer account of that address can join, once', async () => {
    const owner = new FormClient(t.app, DIJON);
    await owner.logIn('gerante@exemple.fr', DEMO_PASSWORD);
    expect((await owner.submit('/compte/entreprise/inviter', { email: 'Paul.Garnier@exemple.fr', member_role: 'member' })).statusCode).toBe(303);
    const mail = await lastMailTo(t.app, DIJON, 'paul.garnier@exemple.fr');
    expect(mail.subject).toBe('Inès Garnier vous invite à rejoindre Fromagerie Garnier & fils – Jeunes & Emploi Dijon');
    const link = pathOf(mail.links.find((l) => l.includes('/compte/invitation?jeton='))!);

    // Visitors are asked to log in; another account cannot accept.
    const visitor = new FormClient(t.app, DIJON);
    expect(decodeHtml((await visitor.get(link)).body)).toContain('Connectez-vous avec le compte employeur de l’adresse paul.garnier@exemple.fr');
    const stranger = new FormClient(t.app, DIJON);
    await stranger.logIn('jeune@dijon.demo', DEMO_PASSWORD);
    const token = new URL(`http://x${link}`).searchParams.get('jeton')!;
    expect(decodeHtml((await stranger.get(link)).body)).toContain('Vous êtes connecté(e) avec un autre compte');
    const refused = await stranger.post('/compte/invitation', { _csrf: csrfOf((await stranger.get('/compte')).body), jeton: token });
    expect(refused.statusCode).toBe(403);
    expect(decodeHtml(refused.body)).toContain('Cette invitation a été envoyée à une autre adresse');

    await createAccount(t, 'dijon', { email: 'paul.garnier@exemple.fr', role: 'employer', name: 'Paul Garnier' });
    const colleague = new FormClient(t.app, DIJON);
    await colleague.logIn('paul.garnier@exemple.fr', DEMO_PASSWORD);
    const page = await colleague.get(link);
    expect(decodeHtml(page.body)).toContain('Rejoindre Fromagerie Garnier & fils');
    const joined = await colleague.post('/compte/invitation', { _csrf: csrfOf(page.body), jeton: token });
    expect(joined.statusCode).toBe(303);
    expect(await companyOf('paul.garnier@exemple.fr')).toMatchObject({ name: 'Fromagerie Garnier & fils', member_role: 'member' });
    // Single use.
    expect((await colleague.get(link)).statusCode).toBe(400);

    // The colleague leaves; the owner, last owner, cannot.
    const space = await colleague.get('/compte/entreprise');
    const paulId = (await t.db.admin.selectFrom('users').select('id').where('email', '=', 'paul.garnier@exemple.fr').executeTakeFirstOrThrow()).id;
    expect((await colleague.post(`/compte/entreprise/membres/${paulId}/retirer`, { _csrf: csrfOf(space.body) })).statusCode).toBe(303);
    expect(await companyOf('paul.garnier@exemple.fr')).toBeUndefined();
  });

  it('offer form: refused input keeps the typed values with messages; a valid one creates a draft listed with its actions', async () => {
    const browser = new FormClient(t.app, DIJON);
    await browser.logIn('gerante@exemple.fr', DEMO_PASSWORD);
    const count = async () => (await t.db.admin.selectFrom('offers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = await count();
    const fields = {
      title: 'Vendeur·se en fromagerie',
      description_html: '<p>Conseil et vente au comptoir, mise en rayon, découpe.</p><script>alert(1)</script>',
      contract: 'apprenticeship',
      working_time: 'part_time',
      hours_per_week: '24,5',
      commune_insee: '21231',
      rome_code: 'D1106',
      sector: 'commerce-vente',
      salary_min: '1 200',
      salary_max: '900',
      salary_unit: 'month',
      housing: 'none',
      driving_licence: 'non',
      apply_method: 'email',
      apply_email: '',
    };
    const refused = await browser.submit('/compte/offres/nouvelle', fields);
    expect(refused.statusCode).toBe(422);
    const html = decodeHtml(refused.body);
    expect(html).toContain('Le salaire maximum doit être supérieur ou égal au minimum');
    expect(html).toContain('Indiquez l’adresse e-mail où envoyer les candidatures');
    expect(html).toContain('value="Vendeur·se en fromagerie"');
    expect(html).toContain('value="24,5"');
    expect(html).toMatch(/<option value="apprenticeship" selected>/);
    expect(await count()).toBe(before);

    const created = await browser.post('/compte/offres/nouvelle', { ...fields, _csrf: csrfOf(refused.body), salary_max: '1 400', apply_email: 'emploi@fromagerie.example' });
    expect(created.statusCode, decodeHtml(created.body).slice(0, 2000)).toBe(303);
    expect(await count()).toBe(before + 1);
    const offer = await t.db.admin.selectFrom('offers').selectAll().where('title', '=', 'Vendeur·se en fromagerie').executeTakeFirstOrThrow();
    expect(offer).toMatchObject({ status: 'draft', hours_per_week: 24.5, salary_min: 1200, salary_max: 1400, place_name: 'Dijon', postal_code: '21000' });
    expect(offer.description_html).toBe('<p>Conseil et vente au comptoir, mise en rayon, découpe.</p>');

    const list = decodeHtml((await browser.get('/compte/offres?info=creee')).body);
    expect(list).toContain('Vendeur·se en fromagerie');
    expect(list).toContain('Brouillon');
    expect(list).toContain(`action="/compte/offres/${offer.id}/soumettre"`);
    expect(list).toContain('Soumettre à la relecture');
    // Submit from the list: dijon moderates.
    expect((await browser.post(`/compte/offres/${offer.id}/soumettre`, { _csrf: csrfOf(list) })).statusCode).toBe(303);
    expect((await t.db.admin.selectFrom('offers').select('status').where('id', '=', offer.id).executeTakeFirstOrThrow()).status).toBe('pending_review');
  });

  it('shows employers and admins their links in the header', async () => {
    const employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('employeur@montagne.demo', DEMO_PASSWORD);
    const home = (await employer.get('/')).body;
    expect(home).toContain('href="/compte/offres"');
    expect(home).toContain('href="/compte/entreprise"');
    const admin = new FormClient(t.app, MONTAGNE);
    await admin.logIn('admin@montagne.demo', DEMO_PASSWORD);
    expect((await admin.get('/')).body).toContain('href="/admin/moderation"');
  });
});

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/db/seed/demo-seed.js';
import { hashPassword } from '../../../server/features/accounts/passwords.js';
import { csrfOf, decodeHtml, FormClient, lastMailTo, mailbox, pathOf } from '../../helpers/accounts.js';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { livePlatformOffer } from '../../helpers/applications.js';
import { multipart, PDF, postMultipart, type Part } from '../../helpers/multipart-form.js';

describe('applying to an offer with a CV', () => {
  let t: TestApp;
  let offerId: string;
  let offerTitle: string;
  let otherCompanyEmployer: string;

  beforeAll(async () => {
    t = await createTestApp();
    // A live platform offer of the demo employer's company (montagne).
    const offer = await livePlatformOffer(t.db.admin, 'montagne', 'employeur@montagne.demo');
    offerId = offer.id;
    offerTitle = offer.title;
    // An employer of another montagne company.
    const other = await t.db.admin
      .selectFrom('companies')
      .select('id')
      .where('tenant_id', '=', 'montagne')
      .where('id', '!=', offer.company_id)
      .executeTakeFirstOrThrow();
    otherCompanyEmployer = 'autre-employeur@montagne.example';
    const user = await t.db.admin
      .insertInto('users')
      .values({
        tenant_id: 'montagne',
        email: otherCompanyEmployer,
        display_name: 'Autre employeur',
        role: 'employer',
        password_hash: await hashPassword(DEMO_PASSWORD),
        email_verified_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db.admin.insertInto('company_members').values({ tenant_id: 'montagne', company_id: other.id, user_id: user.id, member_role: 'owner' }).execute();
  });
  afterAll(async () => t?.close());

  /** GET the apply page as this client, then POST the multipart form with its CSRF token. */
  const applyAs = (client: FormClient, fields: Record<string, string>, file?: Part['file'], withToken = true) =>
    postMultipart(t.app, client, `/offres/${offerId}/candidater`, `/offres/${offerId}/candidater`, fields, file, withToken);

  const fields = (email: string) => ({ full_name: 'Camille Martin', email, phone: '06 12 34 56 78', message: 'Disponible dès décembre.', consent: 'oui' });
  const storedFiles = async () => Number((await sql<{ n: string }>`select count(*) as n from stored_files`.execute(t.db.admin)).rows[0].n);
  const applicationsOf = (email: string) => t.db.admin.selectFrom('applications').selectAll().where('email', '=', email).execute();

  it('shows an apply link on the offer page and a form with a consent linked to the privacy page', async () => {
    const client = new FormClient(t.app, MONTAGNE);
    const offer = await client.get(`/offres/${offerId}`);
    expect(decodeHtml(offer.body)).toContain(`href="/offres/${offerId}/candidater"`);
    const form = await client.get(`/offres/${offerId}/candidater`);
    expect(form.body).toContain('enctype="multipart/form-data"');
    expect(form.body).toContain('href="/confidentialite"');
    expect((await client.get('/confidentialite')).statusCode).toBe(200);
  });

  it('accepts a real PDF without an account, and e-mails the employer', async () => {
    const client = new FormClient(t.app, MONTAGNE);
    const response = await applyAs(client, fields('camille@exemple.fr'), { filename: 'CV Camille Été.pdf', data: PDF });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toMatch(new RegExp(`^/offres/${offerId}/candidater/envoyee`));
    const [row] = await applicationsOf('camille@exemple.fr');
    expect(row).toMatchObject({ status: 'new', user_id: null, full_name: 'Camille Martin', cv_file_name: 'CV Camille Été.pdf' });
    const mail = await lastMailTo(t.app, MONTAGNE, 'employeur@montagne.demo');
    expect(mail.subject).toContain(offerTitle);
    expect(mail.text).toContain('Camille Martin');
    expect(mail.links.map(pathOf)).toContain(`/compte/candidatures/${row.id}`);
  });

  it('answers a second application to the same offer with a friendly message, storing nothing', async () => {
    const before = await storedFiles();
    const client = new FormClient(t.app, MONTAGNE);
    const response = await applyAs(client, fields('CAMILLE@exemple.fr'), { filename: 'cv.pdf', data: PDF });
    expect(response.statusCode).toBe(409);
    expect(decodeHtml(response.body)).toContain('Vous avez déjà postulé à cette offre');
    expect(await storedFiles()).toBe(before);
  });

  it.each([
    ['a renamed executable', { filename: 'cv.pdf', data: Buffer.concat([Buffer.from('MZ'), randomBytes(2000)]) }, 400, 'n’est pas un PDF, un DOCX ou un ODT'],
    ['an empty file', { filename: 'cv.pdf', data: Buffer.alloc(0) }, 400, 'Le fichier envoyé est vide'],
    ['a 6 MB file', { filename: 'cv.pdf', data: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(6 * 1024 * 1024, 0x20)]) }, 413, 'dépasse 5 Mo'],
    ['a path as name', { filename: '../../etc/passwd', data: PDF }, 400, 'caractères non autorisés'],
    ['a control character in the name', { filename: 'cv\u0007.pdf', data: PDF }, 400, 'caractères non autorisés'],
    ['a bidi override in the name', { filename: 'cv\u202Efdp.exe', data: PDF }, 400, 'caractères non autorisés'],
    ['a zip that is not a document', { filename: 'cv.docx', data: Buffer.from('504b0506' + '00'.repeat(18), 'hex') }, 400, 'n’est pas un PDF'],
  // 60 s: the 6 MB body is slow to push through inject() when the whole suite loads the machine.
  ])('refuses %s with a clear French message and stores nothing', { timeout: 60_000 }, async (_label, file, status, message) => {
    const before = await storedFiles();
    const email = `refus-${randomBytes(4).toString('hex')}@exemple.fr`;
    const client = new FormClient(t.app, MONTAGNE);
    const response = await applyAs(client, fields(email), file);
    expect(response.statusCode).toBe(status);
    expect(decodeHtml(response.body)).toContain(message);
    // The form comes back with what was typed.
    expect(decodeHtml(response.body)).toContain(`value="${email}"`);
    expect(await storedFiles()).toBe(before);
    expect(await applicationsOf(email)).toHaveLength(0);
  });

  it('refuses a missing consent and a post without CSRF token', async () => {
    const client = new FormClient(t.app, MONTAGNE);
    const noConsent = await applyAs(client, { ...fields('sans-consentement@exemple.fr'), consent: '' }, { filename: 'cv.pdf', data: PDF });
    expect(noConsent.statusCode).toBe(400);
    expect(decodeHtml(noConsent.body)).toContain('Cochez la case');
    const forged = await applyAs(client, fields('sans-jeton@exemple.fr'), { filename: 'cv.pdf', data: PDF }, false);
    expect(forged.statusCode).toBe(403);
    expect(await applicationsOf('sans-consentement@exemple.fr')).toHaveLength(0);
    expect(await applicationsOf('sans-jeton@exemple.fr')).toHaveLength(0);
  });

  it('takes applications through the API too, with JSON errors', async () => {
    const post = (email: string, file: { filename: string; data: Buffer }) => {
      const { body, contentType } = multipart([
        { name: 'full_name', value: 'Client API' },
        { name: 'email', value: email },
        { name: 'consent', value: 'oui' },
        { name: 'cv', file },
      ]);
      return t.app.inject({ method: 'POST', url: `/api/v1/offers/${offerId}/applications`, headers: { host: MONTAGNE, 'content-type': contentType }, payload: body });
    };
    const created = await post('api@exemple.fr', { filename: 'cv.pdf', data: PDF });
    expect(created.statusCode).toBe(201);
    expect(created.json().id).toMatch(/^[0-9a-f-]{36}$/);
    const duplicate = await post('api@exemple.fr', { filename: 'cv.pdf', data: PDF });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('ALREADY_APPLIED');
    const wrong = await post('api2@exemple.fr', { filename: 'cv.pdf', data: Buffer.from('GIF89a') });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.fields.cv).toContain('n’est pas un PDF');
  });

  it('rate-limits applications per address', async () => {
    const client = new FormClient(t.app, MONTAGNE);
    const statuses: number[] = [];
    // Same address, distinct (refused) files: each attempt counts.
    for (let i = 0; i < 11; i++) statuses.push((await applyAs(client, fields('insistant@exemple.fr'), { filename: 'x.pdf', data: Buffer.from('nope') })).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('sends offers that use an external URL back to the offer page', async () => {
    const url = await t.db.admin
      .selectFrom('offers')
      .select('id')
      .where('tenant_id', '=', 'montagne')
      .where('status', '=', 'published')
      .where('apply_method', '=', 'url')
      .where('expires_at', '>', new Date())
      .executeTakeFirst();
    if (!url) return;
    const response = await new FormClient(t.app, MONTAGNE).get(`/offres/${url.id}/candidater`);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/offres/${url.id}`);
  });

  describe('CV downloads and the pipeline', () => {
    let applicationId: string;
    let candidate: FormClient;

    beforeAll(async () => {
      candidate = new FormClient(t.app, MONTAGNE);
      await candidate.logIn('candidat@montagne.demo', DEMO_PASSWORD);
      const response = await applyAs(candidate, fields('candidat@montagne.demo'), { filename: 'Mon CV « final » été.pdf', data: PDF });
      expect(response.statusCode).toBe(303);
      applicationId = (await applicationsOf('candidat@montagne.demo'))[0].id;
    });

    const cvUrl = () => `/compte/candidatures/${applicationId}/cv`;

    it('lets the candidate download their CV as an attachment with a safe name', async () => {
      const response = await candidate.get(cvUrl());
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-disposition']).toBe(`attachment; filename="Mon CV _ final _ ete.pdf"; filename*=UTF-8''Mon%20CV%20%C2%AB%20final%20%C2%BB%20%C3%A9t%C3%A9.pdf`);
      expect(response.rawPayload.equals(PDF)).toBe(true);
    });

    it('lets the owning company and the tenant admin download it', async () => {
      const employer = new FormClient(t.app, MONTAGNE);
      await employer.logIn('employeur@montagne.demo', DEMO_PASSWORD);
      expect((await employer.get(cvUrl())).statusCode).toBe(200);
      const admin = new FormClient(t.app, MONTAGNE);
      await admin.logIn('admin@montagne.demo', DEMO_PASSWORD);
      expect((await admin.get(cvUrl())).statusCode).toBe(200);
    });

    it('answers 404 to another company, to anonymous visitors and on another tenant', async () => {
      const other = new FormClient(t.app, MONTAGNE);
      await other.logIn(otherCompanyEmployer, DEMO_PASSWORD);
      expect((await other.get(cvUrl())).statusCode).toBe(404);
      expect((await other.get(`/compte/candidatures/${applicationId}`)).statusCode).toBe(404);
      expect((await new FormClient(t.app, MONTAGNE).get(cvUrl())).statusCode).toBe(404);
      const dijon = new FormClient(t.app, DIJON);
      await dijon.logIn('employeur@dijon.demo', DEMO_PASSWORD);
      expect((await dijon.get(cvUrl())).statusCode).toBe(404);
      expect((await dijon.get(`/compte/offres/${offerId}/candidatures`)).statusCode).toBe(404);
      expect((await other.get(`/compte/offres/${offerId}/candidatures`)).statusCode).toBe(404);
      const dijonAdmin = new FormClient(t.app, DIJON);
      await dijonAdmin.logIn('admin@dijon.demo', DEMO_PASSWORD);
      expect((await dijonAdmin.get(cvUrl())).statusCode).toBe(404);
    });

    it('moves the application along the pipeline, tells the candidate, records the hire', async () => {
      const employer = new FormClient(t.app, MONTAGNE);
      await employer.logIn('employeur@montagne.demo', DEMO_PASSWORD);
      expect((await employer.get('/compte/offres')).body).toContain(`/compte/offres/${offerId}/candidatures`);
      const list = await employer.get(`/compte/offres/${offerId}/candidatures`);
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain(`/compte/candidatures/${applicationId}`);
      // Opening it marks it viewed.
      const page = await employer.get(`/compte/candidatures/${applicationId}`);
      expect(page.statusCode).toBe(200);
      expect((await applicationsOf('candidat@montagne.demo'))[0].status).toBe('viewed');

      const token = csrfOf(page.body);
      expect((await employer.post(`/compte/candidatures/${applicationId}/statut`, { _csrf: token, status: 'interview' })).statusCode).toBe(303);
      const mail = await lastMailTo(t.app, MONTAGNE, 'candidat@montagne.demo');
      expect(mail.text).toContain('souhaite vous rencontrer');

      // The candidate sees the new status in their space.
      const mine = await candidate.get('/compte/candidat');
      expect(mine.statusCode).toBe(200);
      expect(mine.body).toContain('Entretien');

      // A private note, visible to the company only.
      expect((await employer.post(`/compte/candidatures/${applicationId}/notes`, { _csrf: token, body: 'Très bon échange au téléphone.' })).statusCode).toBe(303);
      expect(decodeHtml((await employer.get(`/compte/candidatures/${applicationId}`)).body)).toContain('Très bon échange au téléphone.');
      expect((await candidate.get(`/compte/candidatures/${applicationId}`)).statusCode).toBe(403);

      expect((await employer.post(`/compte/candidatures/${applicationId}/statut`, { _csrf: token, status: 'hired' })).statusCode).toBe(303);
      const [row] = await applicationsOf('candidat@montagne.demo');
      expect(row.status).toBe('hired');
      expect(row.hired_at).toBeInstanceOf(Date);
      // Hired is final.
      expect((await employer.post(`/compte/candidatures/${applicationId}/statut`, { _csrf: token, status: 'rejected' })).statusCode).toBe(409);
    });

    it('sends a respectful message on rejection', async () => {
      const client = new FormClient(t.app, MONTAGNE);
      await applyAs(client, fields('refusee@exemple.fr'), { filename: 'cv.pdf', data: PDF });
      const [row] = await applicationsOf('refusee@exemple.fr');
      const employer = new FormClient(t.app, MONTAGNE);
      await employer.logIn('employeur@montagne.demo', DEMO_PASSWORD);
      const page = await employer.get(`/compte/candidatures/${row.id}`);
      expect((await employer.post(`/compte/candidatures/${row.id}/statut`, { _csrf: csrfOf(page.body), status: 'rejected' })).statusCode).toBe(303);
      const mail = await lastMailTo(t.app, MONTAGNE, 'refusee@exemple.fr');
      expect(mail.text).toContain('Merci pour l’intérêt');
      expect(mail.text).not.toMatch(/rejet|refus/i);
      expect((await mailbox(t.app, MONTAGNE)).filter((m) => m.to === 'refusee@exemple.fr')).toHaveLength(1);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/db/seed/demo-seed.js';
import { csrfOf, decodeHtml, FormClient } from '../../helpers/accounts.js';
import { createTestApp, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { livePlatformOffer } from '../../helpers/applications.js';
import { PDF, postMultipart } from '../../helpers/multipart-form.js';

describe('candidate space', () => {
  let t: TestApp;
  let candidate: FormClient;
  let offerId: string;

  beforeAll(async () => {
    t = await createTestApp();
    candidate = new FormClient(t.app, MONTAGNE);
    await candidate.logIn('candidat@montagne.demo', DEMO_PASSWORD);
    offerId = (await livePlatformOffer(t.db.admin, 'montagne')).id;
  });
  afterAll(async () => t?.close());

  it('is for signed-in candidates only', async () => {
    expect((await new FormClient(t.app, MONTAGNE).get('/compte/candidat')).statusCode).toBe(303);
    const employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('employeur@montagne.demo', DEMO_PASSWORD);
    expect((await employer.get('/compte/candidat')).statusCode).toBe(403);
  });

  it('edits the profile', async () => {
    const response = await candidate.submit('/compte/candidat/profil', { phone: '06 00 00 00 01', headline: 'Perchman, saison d’hiver' });
    expect(response.statusCode).toBe(303);
    const space = decodeHtml((await candidate.get('/compte/candidat')).body);
    expect(space).toContain('06 00 00 00 01');
    expect(space).toContain('Perchman, saison d’hiver');
    const refused = await candidate.submit('/compte/candidat/profil', { phone: '<script>', headline: '' });
    expect(refused.statusCode).toBe(400);
  });

  it('saves a CV (checked by content) and applies with it without attaching a file', async () => {
    const bad = await postMultipart(t.app, candidate, '/compte/candidat', '/compte/candidat/cv', {}, { filename: 'cv.pdf', data: Buffer.from('MZ not a pdf') });
    expect(bad.statusCode).toBe(400);
    expect(decodeHtml(bad.body)).toContain('n’est pas un PDF');
    const ok = await postMultipart(t.app, candidate, '/compte/candidat', '/compte/candidat/cv', {}, { filename: 'Mon CV.pdf', data: PDF });
    expect(ok.statusCode).toBe(303);
    const download = await candidate.get('/compte/candidat/cv');
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(PDF)).toBe(true);

    const applied = await postMultipart(t.app, candidate, `/offres/${offerId}/candidater`, `/offres/${offerId}/candidater`, {
      full_name: 'Candidat Démo',
      email: 'candidat@montagne.demo',
      consent: 'oui',
    });
    expect(applied.statusCode).toBe(303);
    const row = await t.db.admin.selectFrom('applications').selectAll().where('email', '=', 'candidat@montagne.demo').executeTakeFirstOrThrow();
    expect(row.cv_file_name).toBe('Mon CV.pdf');
    expect(decodeHtml((await candidate.get('/compte/candidat')).body)).toContain('Envoyée');
  });

  it('saves and removes offers', async () => {
    const confirm = await candidate.get(`/offres/${offerId}/sauvegarder`);
    expect(confirm.statusCode).toBe(200);
    expect((await candidate.post(`/offres/${offerId}/sauvegarder`, { _csrf: csrfOf(confirm.body) })).statusCode).toBe(303);
    const space = await candidate.get('/compte/candidat');
    expect(space.body).toContain(`action="/compte/candidat/offres/${offerId}/retirer"`);
    expect((await candidate.post(`/compte/candidat/offres/${offerId}/retirer`, { _csrf: csrfOf(space.body) })).statusCode).toBe(303);
    expect((await candidate.get('/compte/candidat')).body).not.toContain(`/compte/candidat/offres/${offerId}/retirer`);
  });
});

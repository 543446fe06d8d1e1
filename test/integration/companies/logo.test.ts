import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { csrfOf, decodeHtml, FormClient } from '../../helpers/accounts.js';
import { createAccount, createCompany, DEMO_PASSWORD } from '../../helpers/company-space.js';
import { multipart, PDF, type Part } from '../../helpers/multipart-form.js';

/** A real (1×1) PNG: signature, IHDR, IDAT, IEND. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5d6e3b50000000049454e44ae426082',
  'hex',
);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF\0 un petit logo'), Buffer.from([0xff, 0xd9])]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const HTML = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');

describe('company logo: upload by members, checks by content, public serving, JSON-LD', () => {
  let t: TestApp;
  let companyId: string;
  let slug: string;
  let offerId: string;
  let member: FormClient;

  const logoOf = async (id: string) =>
    (await t.db.admin.selectFrom('companies').select('logo_file_id').where('id', '=', id).executeTakeFirstOrThrow()).logo_file_id;
  const storedFiles = async () => (await t.db.admin.selectFrom('stored_files').select('id').execute()).map((r) => r.id);

  /** POST the logo form of the space page (with its CSRF token unless told otherwise). */
  async function upload(client: FormClient, file: Part['file'], options: { token?: string | null; target?: string } = {}) {
    let token = options.token;
    if (token === undefined) token = csrfOf((await client.get('/compte/entreprise')).body);
    const parts: Part[] = token === null ? [] : [{ name: '_csrf', value: token }];
    if (file) parts.push({ name: 'logo', file });
    const { body, contentType } = multipart(parts);
    const cookie = [...client.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
    return t.app.inject({
      method: 'POST',
      url: `/compte/entreprise/${options.target ?? companyId}/logo`,
      headers: { host: client.host, cookie, 'content-type': contentType },
      payload: body,
      remoteAddress: client.ip,
    });
  }

  beforeAll(async () => {
    t = await createTestApp();
    const offer = await t.db.admin
      .selectFrom('offers')
      .innerJoin('companies', 'companies.id', 'offers.company_id')
      .select(['offers.id', 'companies.id as company_id', 'companies.slug'])
      .where('offers.tenant_id', '=', 'montagne')
      .where('offers.status', '=', 'published')
      .where('offers.expires_at', '>', new Date())
      .executeTakeFirstOrThrow();
    ({ id: offerId, company_id: companyId, slug } = offer);
    await t.db.admin.updateTable('companies').set({ logo_file_id: null }).where('id', '=', companyId).execute();
    await createAccount(t, 'montagne', { email: 'logo-membre@exemple.fr', role: 'employer', companyId, memberRole: 'member' });
    const other = await createCompany(t, 'montagne', 'Autre Station Logo');
    await createAccount(t, 'montagne', { email: 'logo-autre@exemple.fr', role: 'employer', companyId: other });
    member = new FormClient(t.app, MONTAGNE);
    await member.logIn('logo-membre@exemple.fr', DEMO_PASSWORD);
  });
  afterAll(async () => t?.close());

  it('shows the logo form on the company space (PNG, JPEG or WebP only)', async () => {
    const page = await member.get('/compte/entreprise');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`action="/compte/entreprise/${companyId}/logo"`);
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toContain('accept="image/png,image/jpeg,image/webp"');
    const anonymous = await new FormClient(t.app, MONTAGNE).get(`/entreprises/${slug}/logo`);
    expect(anonymous.statusCode).toBe(404);
  });

  it('stores a PNG uploaded by a member and serves it publicly with its sniffed type', async () => {
    const response = await upload(member, { filename: 'logo.png', data: PNG, type: 'image/png' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/compte/entreprise?info=logo');
    expect(await logoOf(companyId)).not.toBeNull();

    const served = await t.app.inject({ url: `/entreprises/${slug}/logo`, headers: { host: MONTAGNE } });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['cache-control']).toBe('public, max-age=3600');
    expect(served.rawPayload.equals(PNG)).toBe(true);

    const page = await t.app.inject({ url: `/entreprises/${slug}`, headers: { host: MONTAGNE } });
    // Versioned by the stored file, so that a new logo is not hidden by caches.
    expect(decodeHtml(page.body)).toMatch(new RegExp(`src="/entreprises/${slug}/logo\\?v=[0-9a-f]{8}"`));
  });

  it('uses the logo as hiringOrganization.logo in the offer JSON-LD', async () => {
    const page = await t.app.inject({ url: `/offres/${offerId}`, headers: { host: MONTAGNE } });
    expect(page.statusCode).toBe(200);
    // …and on the offer page itself (header and company block), instead of the initials.
    expect(decodeHtml(page.body)).toContain(`src="/entreprises/${slug}/logo?v=`);
    const json = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page.body)![1];
    const posting = JSON.parse(json.replace(/\\u003c/g, '<'));
    expect(posting.hiringOrganization.logo).toBe(`http://${MONTAGNE}/entreprises/${slug}/logo`);
  });

  it('is not served on another tenant’s host', async () => {
    const response = await t.app.inject({ url: `/entreprises/${slug}/logo`, headers: { host: DIJON } });
    expect(response.statusCode).toBe(404);
  });

  it('refuses renamed non-images, SVG, empty and oversize files with a French message, storing nothing', async () => {
    const before = await logoOf(companyId);
    const files = await storedFiles();
    const cases: [Part['file'], number, string][] = [
      [{ filename: 'logo.png', data: PDF, type: 'image/png' }, 400, 'Ce fichier n’est pas une image PNG, JPEG ou WebP.'],
      [{ filename: 'logo.png', data: HTML, type: 'image/png' }, 400, 'Ce fichier n’est pas une image PNG, JPEG ou WebP.'],
      [{ filename: 'logo.svg', data: SVG, type: 'image/svg+xml' }, 400, 'Ce fichier n’est pas une image PNG, JPEG ou WebP.'],
      [{ filename: 'logo.png', data: Buffer.alloc(0), type: 'image/png' }, 400, 'Ce fichier est vide.'],
      [{ filename: 'logo.png', data: Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]), type: 'image/png' }, 413, 'L’image dépasse 1 Mo.'],
      [undefined, 400, 'Choisissez une image pour le logo.'],
    ];
    for (const [file, status, message] of cases) {
      const response = await upload(member, file);
      expect(response.statusCode, file?.filename).toBe(status);
      const html = decodeHtml(response.body);
      expect(html).toContain(message);
      expect(html).toMatch(/id="champ-logo"[^>]*aria-invalid="true"/);
    }
    expect(await logoOf(companyId)).toBe(before);
    expect((await storedFiles()).sort()).toEqual(files.sort());
  });

  it('refuses another company’s employer, anonymous visitors and a missing CSRF token, changing nothing', async () => {
    const before = await logoOf(companyId);
    const files = await storedFiles();
    const outsider = new FormClient(t.app, MONTAGNE);
    await outsider.logIn('logo-autre@exemple.fr', DEMO_PASSWORD);
    const foreign = await upload(outsider, { filename: 'logo.png', data: PNG });
    expect(foreign.statusCode).toBe(404);
    const foreignRemove = await outsider.post(`/compte/entreprise/${companyId}/logo/retirer`, { _csrf: csrfOf((await outsider.get('/compte/entreprise')).body) });
    expect(foreignRemove.statusCode).toBe(404);

    const anonymous = await upload(new FormClient(t.app, MONTAGNE), { filename: 'logo.png', data: PNG }, { token: 'x' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/compte\/connexion/);

    const noToken = await upload(member, { filename: 'logo.png', data: PNG }, { token: null });
    expect(noToken.statusCode).toBe(403);
    expect(await logoOf(companyId)).toBe(before);
    expect((await storedFiles()).sort()).toEqual(files.sort());
  });

  it('lets the tenant admin set a company’s logo (back to the public page)', async () => {
    await createAccount(t, 'montagne', { email: 'logo-admin@exemple.fr', role: 'admin' });
    const admin = new FormClient(t.app, MONTAGNE);
    await admin.logIn('logo-admin@exemple.fr', DEMO_PASSWORD);
    const token = csrfOf((await admin.get('/compte/deconnexion')).body);
    const response = await upload(admin, { filename: 'logo.png', data: PNG, type: 'image/png' }, { token });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/entreprises/${slug}`);
    const served = await t.app.inject({ url: `/entreprises/${slug}/logo`, headers: { host: MONTAGNE } });
    expect(served.headers['content-type']).toBe('image/png');
  });

  it('replaces the logo (the old file is deleted), then removes it', async () => {
    const first = await logoOf(companyId);
    expect(first).not.toBeNull();
    const response = await upload(member, { filename: 'logo.jpg', data: JPEG, type: 'image/jpeg' });
    expect(response.statusCode).toBe(303);
    const second = await logoOf(companyId);
    expect(second).not.toBe(first);
    const files = await storedFiles();
    expect(files).toContain(second);
    expect(files).not.toContain(first);
    const served = await t.app.inject({ url: `/entreprises/${slug}/logo`, headers: { host: MONTAGNE } });
    expect(served.headers['content-type']).toBe('image/jpeg');

    const space = await member.get('/compte/entreprise');
    const removed = await member.post(`/compte/entreprise/${companyId}/logo/retirer`, { _csrf: csrfOf(space.body) });
    expect(removed.statusCode).toBe(303);
    expect(await logoOf(companyId)).toBeNull();
    expect(await storedFiles()).not.toContain(second);
    expect((await t.app.inject({ url: `/entreprises/${slug}/logo`, headers: { host: MONTAGNE } })).statusCode).toBe(404);
    const page = await t.app.inject({ url: `/offres/${offerId}`, headers: { host: MONTAGNE } });
    expect(decodeHtml(page.body)).not.toContain('/logo?v=');
  });
});

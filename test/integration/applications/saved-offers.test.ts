import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHtml, FormClient } from '../../helpers/accounts.js';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { createAccount, createCompany, DEMO_PASSWORD } from '../../helpers/company-space.js';
import { insertLiveOffer } from '../../helpers/offers.js';

const heartOf = (html: string, id: string) => {
  const form = new RegExp(`<form class="save-form" method="post" action="([^"]+)" data-save-form data-offer="${id}"[\\s\\S]*?</form>`).exec(html);
  return form ? { action: form[1], csrf: /name="_csrf" value="([^"]+)"/.exec(form[0])![1], returnTo: /name="retour" value="([^"]+)"/.exec(form[0])![1] } : undefined;
};

describe('saved offers: hearts on cards and offer pages, the browser’s list added to the account after log-in', () => {
  let t: TestApp;
  let candidate: FormClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    const company = await createCompany(t, 'montagne', 'Cœurs Alpins');
    for (const name of ['one', 'two', 'three']) {
      ids[name] = await insertLiveOffer(t.db.admin, 'montagne', company, { title: `Offre à garder ${name} H/F`, commune: '74056' });
    }
    ids.closed = await insertLiveOffer(t.db.admin, 'montagne', company, { title: 'Offre à garder close H/F', commune: '74056' });
    await t.db.admin.updateTable('offers').set({ status: 'filled' }).where('id', '=', ids.closed).execute();
    const dijonCompany = await createCompany(t, 'dijon', 'Cœurs Bourguignons');
    ids.dijon = await insertLiveOffer(t.db.admin, 'dijon', dijonCompany, { title: 'Offre de Dijon H/F', commune: '21231' });
    await createAccount(t, 'montagne', { email: 'coeur@example.org', role: 'candidate' });
    candidate = new FormClient(t.app, MONTAGNE);
    await candidate.logIn('coeur@example.org', DEMO_PASSWORD);
  });
  afterAll(async () => t?.close());

  const saved = async () =>
    (await t.db.admin.selectFrom('saved_offers').innerJoin('users', 'users.id', 'saved_offers.user_id').select('offer_id').where('users.email', '=', 'coeur@example.org').execute()).map((r) => r.offer_id).sort();

  it('visitors get a link to the save page (log in first without JavaScript), and no CSRF cookie on public pages', async () => {
    const response = await t.app.inject({ url: '/offres?q=garder', headers: { host: MONTAGNE } });
    const html = decodeHtml(response.body);
    expect(html).toContain(`<a class="save-toggle" href="/offres/${ids.one}/sauvegarder" data-save-offer="${ids.one}"`);
    expect(html).not.toContain('data-save-form');
    expect(response.headers['set-cookie']).toBeUndefined();
    const follow = await t.app.inject({ url: `/offres/${ids.one}/sauvegarder`, headers: { host: MONTAGNE } });
    expect(follow.statusCode).toBe(303);
    expect(follow.headers.location).toBe(`/compte/connexion?retour=${encodeURIComponent(`/offres/${ids.one}/sauvegarder`)}`);
    expect((await t.app.inject({ url: '/offres/sauvegardees', headers: { host: MONTAGNE } })).statusCode).toBe(200);
  });

  it('a candidate’s heart is a form: saving comes back to the page, which then offers to remove', async () => {
    const list = await candidate.get('/offres?q=garder');
    const heart = heartOf(list.body, ids.one)!;
    expect(heart.action).toBe(`/offres/${ids.one}/sauvegarder`);
    expect(decodeHtml(heart.returnTo)).toBe('/offres?q=garder');
    const response = await candidate.post(heart.action, { _csrf: heart.csrf, retour: decodeHtml(heart.returnTo) });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/offres?q=garder');
    expect(await saved()).toEqual([ids.one]);
    const again = heartOf((await candidate.get('/offres?q=garder')).body, ids.one)!;
    expect(again.action).toBe(`/compte/candidat/offres/${ids.one}/retirer`);
    // The offer page's heart knows too.
    expect(heartOf((await candidate.get(`/offres/${ids.one}`)).body, ids.one)!.action).toBe(`/compte/candidat/offres/${ids.one}/retirer`);
  });

  it('answers scripts in JSON, refuses a foreign return path, and needs the CSRF token', async () => {
    const page = await candidate.get(`/offres/${ids.two}`);
    const heart = heartOf(page.body, ids.two)!;
    const json = await t.app.inject({
      method: 'POST',
      url: heart.action,
      headers: { host: MONTAGNE, cookie: [...candidate.cookies].map(([k, v]) => `${k}=${v}`).join('; '), accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: heart.csrf }).toString(),
      remoteAddress: candidate.ip,
    });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual({ saved: true });
    const foreign = await candidate.post(`/compte/candidat/offres/${ids.two}/retirer`, { _csrf: heart.csrf, retour: '//evil.example/x' });
    expect(foreign.statusCode).toBe(303);
    expect(foreign.headers.location).toBe('/compte/candidat?info=retiree#offres-sauvegardees');
    expect((await candidate.post(`/offres/${ids.two}/sauvegarder`, {})).statusCode).toBe(403);
    expect(await saved()).toEqual([ids.one]);
  });

  it('adds the offers kept in the browser to the account: open ones of this tenant only, each once', async () => {
    const token = /<meta name="csrf-token" content="([^"]+)">/.exec((await candidate.get('/compte')).body)![1];
    const post = (body: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/compte/candidat/offres/importer',
        headers: { host: MONTAGNE, cookie: [...candidate.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/json', accept: 'application/json' },
        payload: JSON.stringify(body),
        remoteAddress: candidate.ip,
      });
    const response = await post({ _csrf: token, ids: [ids.one, ids.two, ids.three, ids.three, ids.closed, ids.dijon, '00000000-0000-4000-8000-000000000000'] });
    expect(response.statusCode).toBe(200);
    // ids.one was saved already: two are new.
    expect(response.json()).toEqual({ imported: 2 });
    expect(await saved()).toEqual([ids.one, ids.two, ids.three].sort());
    expect((await post({ ids: [ids.one] })).statusCode).toBe(403);
    expect((await post({ _csrf: token, ids: ['pas-un-id'] })).statusCode).toBe(400);
    const space = decodeHtml((await candidate.get('/compte/candidat')).body);
    for (const name of ['one', 'two', 'three']) expect(space).toContain(`Offre à garder ${name} H/F`);
    expect(space).not.toContain('Offre de Dijon');
  });

  it('visitors and candidates see the saved list page; employers and staff get no heart', async () => {
    const page = await candidate.get('/offres/sauvegardees');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/compte/candidat#offres-sauvegardees');
    const employer = new FormClient(t.app, DIJON);
    await employer.logIn('employeur@dijon.demo', DEMO_PASSWORD);
    const html = (await employer.get('/offres')).body;
    expect(html).not.toContain('save-toggle');
    expect(html).not.toContain('name="csrf-token"');
  });
});

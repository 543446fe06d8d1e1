import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/db/seed/demo-seed.js';
import { withTenant } from '../../../server/db/tenant-db.js';
import { openDueWindows } from '../../../server/features/alerts/repository.js';
import { sendDigests, type DigestDeps } from '../../../server/features/alerts/service.js';
import { decodeHtml, FormClient, lastMailTo, pathOf } from '../../helpers/accounts.js';
import { createTestApp, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { decodeQp, emls } from '../../helpers/mail.js';

const DAY = 24 * 3600_000;
const WORD = 'Zorglubeur';

describe('e-mail alerts', () => {
  let t: TestApp;
  let deps: DigestDeps;
  const digestsTo = async (to: string) =>
    (await emls(t.app.config.mail.dir, 'montagne')).filter((m) => m.headers.get('to') === to && m.headers.has('list-unsubscribe'));

  /** A published offer copied from a seeded one of the tenant, with our title and publication time. */
  async function addOffer(tenant: string, title: string, publishedAt: Date) {
    await sql`
      insert into offers (tenant_id, company_id, title, description_html, contract, working_time, status, published_at, expires_at,
                          commune_insee, postal_code, place_name, latitude, longitude, sector, apply_method)
      select tenant_id, company_id, ${title}, description_html, contract, working_time, 'published', ${publishedAt}, now() + interval '30 days',
             commune_insee, postal_code, place_name, latitude, longitude, sector, 'platform'
      from offers where tenant_id = ${tenant} and status = 'published' limit 1`.execute(t.db.admin);
  }

  beforeAll(async () => {
    t = await createTestApp();
    deps = {
      db: t.app.db,
      tenants: t.app.tenants,
      mail: t.app.mail,
      search: t.app.offerSearch,
      tokens: t.app.alertTokens,
      themeT: (tenant) => (key, params) => t.app.theme(tenant).t(key, params),
    };
    // Matching, but published long before any alert: never in a digest.
    await addOffer('montagne', `${WORD} ancien`, new Date(Date.now() - 20 * DAY));
  });
  afterAll(async () => t?.close());

  it('offers to save the current search from the search page', async () => {
    const page = await new FormClient(t.app, MONTAGNE).get(`/offres?q=${WORD}&tri=date`);
    expect(decodeHtml(page.body)).toContain(`href="/alertes/nouvelle?q=${WORD}"`);
  });

  it('needs a double opt-in for an anonymous alert, then sends only new, matching offers of this tenant, once', async () => {
    const visitor = new FormClient(t.app, MONTAGNE);
    const created = await visitor.submit(`/alertes/nouvelle?q=${WORD}`, { email: 'veille@exemple.fr', frequency: 'weekly', q: WORD }, '/alertes/nouvelle');
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/alertes/creee?etat=a-confirmer');

    // Not confirmed: nothing is sent, whatever the time.
    await addOffer('montagne', `${WORD} avant confirmation`, new Date());
    expect((await sendDigests(deps, new Date(Date.now() + 30 * DAY))).opened).toBe(0);

    const confirm = await lastMailTo(t.app, MONTAGNE, 'veille@exemple.fr');
    const link = confirm.links.find((l) => l.includes('/alertes/confirmer'))!;
    expect((await visitor.get(pathOf(link))).statusCode).toBe(200);
    // A link works once.
    expect((await visitor.get(pathOf(link))).statusCode).toBe(400);

    await new Promise((resolve) => setTimeout(resolve, 20));
    await addOffer('montagne', `${WORD} pisteur`, new Date());
    await addOffer('montagne', `${WORD} nivoculteur`, new Date());
    await addOffer('montagne', 'Serveur en salle', new Date());
    await addOffer('dijon', `${WORD} à Dijon`, new Date());

    // Not due before a week.
    expect((await sendDigests(deps, new Date(Date.now() + 2 * DAY))).opened).toBe(0);
    const weekLater = new Date(Date.now() + 8 * DAY);
    const report = await sendDigests(deps, weekLater);
    expect(report).toMatchObject({ opened: 1, sent: 1, failed: 0 });

    const digests = await digestsTo('veille@exemple.fr');
    expect(digests).toHaveLength(1);
    const body = decodeQp(digests[0].raw);
    expect(body).toContain(`${WORD} pisteur`);
    expect(body).toContain(`${WORD} nivoculteur`);
    expect(body).not.toContain(`${WORD} ancien`);
    expect(body).not.toContain(`${WORD} avant confirmation`);
    expect(body).not.toContain('Serveur en salle');
    expect(body).not.toContain('à Dijon');

    // RFC 8058 headers and a link in the body.
    const header = digests[0].headers.get('list-unsubscribe')!;
    expect(header).toMatch(/^<http:\/\/montagne\.localhost[^>]*\/alertes\/desabonnement\?jeton=[^>]+>$/);
    expect(digests[0].headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const unsubscribeUrl = header.slice(1, -1);
    expect(body).toContain(unsubscribeUrl);

    // Run again at the same time: nothing new is due, nothing is sent twice.
    expect(await sendDigests(deps, weekLater)).toMatchObject({ opened: 0, sent: 0 });
    expect(await digestsTo('veille@exemple.fr')).toHaveLength(1);

    // One-click unsubscribe: one POST, no cookie, no CSRF token.
    const unsubscribed = await t.app.inject({
      method: 'POST',
      url: pathOf(unsubscribeUrl),
      headers: { host: MONTAGNE, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribed.statusCode).toBe(200);
    await addOffer('montagne', `${WORD} après désabonnement`, new Date());
    await sendDigests(deps, new Date(Date.now() + 30 * DAY));
    expect(await digestsTo('veille@exemple.fr')).toHaveLength(1);
  });

  it('refuses forged or foreign unsubscribe tokens', async () => {
    const [alert] = await t.db.admin.selectFrom('alerts').select('id').execute();
    const foreign = t.app.alertTokens.sign('dijon', alert.id, 'unsubscribe');
    for (const jeton of [foreign, `${alert.id}.${'A'.repeat(43)}`, 'x']) {
      const response = await t.app.inject({ method: 'POST', url: `/alertes/desabonnement?jeton=${encodeURIComponent(jeton)}`, headers: { host: MONTAGNE } });
      expect(response.statusCode).toBe(400);
    }
  });

  it('sends a window left pending by a crash exactly once, and skips none', async () => {
    const candidate = new FormClient(t.app, MONTAGNE);
    await candidate.logIn('candidat@montagne.demo', DEMO_PASSWORD);
    const created = await candidate.submit(`/alertes/nouvelle?q=${WORD}`, { email: 'candidat@montagne.demo', frequency: 'daily', q: WORD }, '/alertes/nouvelle');
    // The account's own address: active at once.
    expect(created.headers.location).toBe('/alertes/creee?etat=active');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await addOffer('montagne', `${WORD} perchman`, new Date());

    // Listed in the candidate space, with its own unsubscribe button.
    expect(decodeHtml((await candidate.get('/compte/candidat')).body)).toMatch(/action="\/alertes\/desabonnement\?jeton=[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}"/);

    // A run that recorded its window, then died before sending.
    const crashAt = new Date(Date.now() + 2 * DAY);
    expect(await withTenant(t.app.db, 'montagne', (tdb) => openDueWindows(tdb, crashAt, 10))).toBe(1);
    expect(await digestsTo('candidat@montagne.demo')).toHaveLength(0);

    // After the restart: the pending window is sent, once; a new window is not opened over it.
    expect(await sendDigests(deps, crashAt)).toMatchObject({ opened: 0, sent: 1 });
    expect(await sendDigests(deps, crashAt)).toMatchObject({ opened: 0, sent: 0 });
    const digests = await digestsTo('candidat@montagne.demo');
    expect(digests).toHaveLength(1);
    expect(decodeQp(digests[0].raw)).toContain(`${WORD} perchman`);
    const sends = await t.db.admin.selectFrom('alert_sends').selectAll().where('status', '=', 'pending').execute();
    expect(sends).toHaveLength(0);
  });
});

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../helpers/app.js';

const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'url' || name === 'item' });

function parseXml(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml);
}

describe('robots.txt, sitemap.xml and the RSS feed', () => {
  let t: TestApp;
  let visible: Record<string, Set<string>>;

  beforeAll(async () => {
    t = await createTestApp();
    const rows = await t.db.admin
      .selectFrom('offers')
      .select(['id', 'tenant_id'])
      .where('status', '=', 'published')
      .where('expires_at', '>', new Date())
      .execute();
    visible = { montagne: new Set(), dijon: new Set(), 'ge-occitanie': new Set() };
    for (const row of rows) visible[row.tenant_id].add(row.id);
  });
  afterAll(async () => t?.close());

  const get = (host: string, url: string) => t.app.inject({ url, headers: { host } });
  const offerIds = (urls: string[]) => urls.map((u) => /\/offres\/([0-9a-f-]{36})$/.exec(u)?.[1]).filter((id): id is string => Boolean(id));

  it('robots.txt points at the tenant’s sitemap and keeps crawlers out of private spaces', async () => {
    const response = await get(MONTAGNE, '/robots.txt');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain(`Sitemap: http://${MONTAGNE}/sitemap.xml`);
    expect(response.body).toMatch(/^Disallow: \/api\/$/m);
  });

  it.each([
    ['montagne', MONTAGNE],
    ['dijon', DIJON],
  ])('sitemap of %s lists exactly its live offers', async (tenant, host) => {
    const response = await get(host, '/sitemap.xml');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/xml');
    const urls: string[] = parseXml(response.body).urlset.url.map((u: { loc: string }) => u.loc);
    expect(urls.every((u) => u.startsWith(`http://${host}/`))).toBe(true);
    expect(new Set(offerIds(urls))).toEqual(visible[tenant]);
    expect(urls).toContain(`http://${host}/offres`);
    expect(urls.some((u) => u.includes('/entreprises/'))).toBe(true);
  });

  it('drops an offer from the sitemap and the feed as soon as it expires', async () => {
    const feed = parseXml((await get(DIJON, '/offres/flux.xml')).body);
    const newest = offerIds(feed.rss.channel.item.map((i: { link: string }) => i.link))[0];
    await t.db.admin.updateTable('offers').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', newest).execute();
    const sitemap = (await get(DIJON, '/sitemap.xml')).body;
    expect(sitemap).not.toContain(newest);
    expect((await get(DIJON, '/offres/flux.xml')).body).not.toContain(newest);
  });

  it('feed: RSS 2.0, newest first, only live offers of this board, HTML carried as escaped text', async () => {
    const hostile = '<p>Ski & neige</p><script>alert(1)</script>]]><b>fin</b>';
    const target = [...visible.montagne][0];
    await t.db.admin.updateTable('offers').set({ description_html: hostile, published_at: new Date() }).where('id', '=', target).execute();

    const response = await get(MONTAGNE, '/offres/flux.xml');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/rss+xml');
    const channel = parseXml(response.body).rss.channel;
    expect(channel.title).toBe('Emploi Montagne – dernières offres d’emploi');
    expect(channel['atom:link']['@_href']).toBe(`http://${MONTAGNE}/offres/flux.xml`);
    const items: { link: string; pubDate: string; description: string }[] = channel.item;
    expect(items).toHaveLength(50);
    for (const id of offerIds(items.map((i) => i.link))) expect(visible.montagne.has(id), id).toBe(true);
    const dates = items.map((i) => new Date(i.pubDate).getTime());
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);
    expect(items[0].link).toBe(`http://${MONTAGNE}/offres/${target}`);
    expect(response.body).not.toContain('<script>');
    expect(new XMLParser({ processEntities: true, htmlEntities: false }).parse(response.body).rss.channel.item[0].description).toBe(hostile);
  });

  it('advertises the feed in every page head', async () => {
    expect((await get(DIJON, '/')).body).toContain('<link rel="alternate" type="application/rss+xml"');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHtml, FormClient } from '../../helpers/accounts.js';
import { createTestApp, DIJON, middayClock, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { apiClient, apiToken, DEMO_PASSWORD } from '../../helpers/company-space.js';
import { GE } from '../../helpers/shared-time.js';

/**
 * Every report page, CSV, drill-down and API answer of each demo board (a cluster with seasons, a
 * mission locale, a groupement), on the demo history: what a funder's auditor opens first.
 */
const BOARDS = [
  { host: MONTAGNE, admin: 'admin@montagne.demo', seasons: true },
  { host: DIJON, admin: 'admin@dijon.demo', seasons: false },
  { host: GE, admin: 'admin@ge-occitanie.demo', seasons: false },
];

const NOW = middayClock();

describe('reports of the demo boards', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { clock: () => NOW });
  });
  afterAll(async () => t?.close());

  it.for(BOARDS)('$host: the report, each table’s CSV, a count’s rows, the API and the public bilan answer', async ({ host, admin, seasons }) => {
    const staff = new FormClient(t.app, host);
    await staff.logIn(admin, DEMO_PASSWORD);
    // The current year is the default, and may have begun yesterday; the two years of demo history
    // always fill the previous one (a clock pinned at midday, so that it is the same year in Paris).
    expect((await staff.get('/admin/rapports')).statusCode).toBe(200);
    const lastYear = NOW.getUTCFullYear() - 1;
    const page = await staff.get(`/admin/rapports?periode=${lastYear}`);
    expect(page.statusCode).toBe(200);
    const html = decodeHtml(page.body);
    expect(html).toMatch(/<h1[^>]*>Rapport/);
    expect(html).toContain('role="img"');

    const csvLinks = [...new Set([...html.matchAll(/href="(\/admin\/rapports\/csv\/([a-z0-9-]+)\?periode=[^"]+)"/g)].map((m) => m[1]))];
    expect(csvLinks.length).toBeGreaterThan(3);
    for (const link of csvLinks) {
      const csv = await staff.get(link);
      expect(csv.statusCode, link).toBe(200);
      expect(csv.headers['content-type'], link).toContain('text/csv');
      expect(csv.body.startsWith('\uFEFF'), link).toBe(true);
      expect(csv.body, link).toContain(';');
    }

    // A count opens to its rows (page and CSV); the total of hires by contract has rows on every demo board.
    const drill = /href="(\/admin\/rapports\/lignes\?[^"]*tableau=embauches-contrat[^"]*ligne=total[^"]*colonne=total[^"]*)"/.exec(html);
    expect(drill, 'a link from the hires’ total to its rows').not.toBeNull();
    const rows = await staff.get(drill![1]);
    expect(rows.statusCode).toBe(200);
    expect(rows.body).toMatch(/\/compte\/embauches\/[0-9a-f-]{36}/);
    expect((await staff.get(drill![1].replace('/lignes?', '/lignes/csv?'))).statusCode).toBe(200);

    // The API gives the same tables as the page's CSV links.
    const api = apiClient(t.app, host, await apiToken(t.app, host, admin));
    const json = await api('GET', '/api/v1/reports');
    expect(json.statusCode).toBe(200);
    const tableIds = (json.json().tables as { id: string }[]).map((table) => table.id);
    const csvTables = new Set(csvLinks.map((link) => /\/csv\/([a-z0-9-]+)/.exec(link)![1]));
    expect(tableIds.filter((id) => !csvTables.has(id))).toEqual([]);

    // Seasons exist on mountain boards only.
    const season = /<option value="(hiver-\d{4}-\d{4})"/.exec(html);
    if (seasons) {
      expect(season).not.toBeNull();
      expect((await staff.get(`/admin/rapports?periode=${season![1]}`)).statusCode).toBe(200);
    } else {
      expect(season).toBeNull();
      expect((await staff.get('/admin/rapports?periode=hiver-2025-2026')).statusCode).toBe(400);
    }

    expect((await staff.get('/admin/embauches')).statusCode).toBe(200);
    const bilan = await new FormClient(t.app, host).get('/bilan');
    expect(bilan.statusCode).toBe(200);
    expect(decodeHtml(bilan.body)).toMatch(/<h1[^>]*>/);
  });
});

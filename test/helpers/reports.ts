import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../server/app.js';
import { createTenant } from '../../server/tenancy/create.js';
import { decodeHtml } from './accounts.js';
import { testConfig, type TestApp } from './app.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { multipart, PDF } from './multipart-form.js';
import { copyTenants, editTenantJson } from './tenant-fixtures.js';

/**
 * A fresh board, forked from a demo tenant (its configuration, none of its data), in a copy of the
 * tenants folder, on the demo database: its host is `<slug>.localhost`. `edit` changes its tenant.json
 * (and `rebuild` gives another app over the same database with another edit: a definition switch).
 */
export async function freshBoard(from: string, slug: string, edit: (config: any) => void = () => {}, clock?: () => Date) {
  const db: TestDatabase = await createTestDatabase();
  const tenantsDir = copyTenants(['montagne', 'dijon', 'ge-occitanie']);
  await createTenant(db.admin, { tenantsDir, slug, from, name: `Tableau de test ${slug}`, hostnames: [] });
  editTenantJson(tenantsDir, slug, edit);
  const build = async (dir: string) => {
    const app = await buildApp(testConfig(db.url, { tenantsDir: dir }), { clock });
    await app.ready();
    return app;
  };
  const app = await build(tenantsDir);
  const apps: FastifyInstance[] = [app];
  const board: TestApp & { host: string; rebuild(edit: (config: any) => void): Promise<FastifyInstance> } = {
    app,
    db,
    host: `${slug}.localhost`,
    async rebuild(change) {
      const dir = copyTenants(['montagne', 'dijon', 'ge-occitanie']);
      await createTenant(undefined, { tenantsDir: dir, slug, from, name: `Tableau de test ${slug}`, hostnames: [] });
      editTenantJson(dir, slug, (config) => {
        edit(config);
        change(config);
      });
      const other = await build(dir);
      apps.push(other);
      return other;
    },
    async close() {
      for (const a of apps) await a.close();
      await db.drop();
    },
  };
  return board;
}

/** Applies to an offer through the API (multipart, a one-page PDF), as anyone; returns the application's id. */
export async function applyThroughApi(app: FastifyInstance, host: string, offerId: string, person: { name: string; email: string }): Promise<string> {
  const { body, contentType } = multipart([
    { name: 'full_name', value: person.name },
    { name: 'email', value: person.email },
    { name: 'consent', value: 'oui' },
    { name: 'cv', file: { filename: 'cv.pdf', data: PDF } },
  ]);
  const response = await app.inject({ method: 'POST', url: `/api/v1/offers/${offerId}/applications`, headers: { host, 'content-type': contentType }, payload: body });
  if (response.statusCode !== 201) throw new Error(`application: ${response.statusCode} ${response.body}`);
  return response.json().id as string;
}

/** The rows of a report table on the page, as text (label, then each cell), and its total row. */
export function tableOnPage(page: LightMyRequestResponse, tableId: string): string[][] {
  const html = decodeHtml(page.body);
  const section = html.slice(html.indexOf(`id="${tableId}"`));
  const table = section.slice(section.indexOf('<tbody>'), section.indexOf('</tbody>'));
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      cell[1]
        .replace(/<span class="visually-hidden">[\s\S]*?<\/span>/g, '')
        .replace(/<[^>]+>/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}

/** A CSV of the reports (`;`, BOM, CRLF) as rows of cells (no quoted separators in these files). */
export function csvRows(body: string): string[][] {
  return body
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => line.split(';').map((cell) => cell.replace(/^"|"$/g, '').replace(/""/g, '"')));
}

import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeilisearchEngine, toDocument } from '../../../server/features/search/engines/meilisearch.js';
import type { OfferDocumentSource, SearchQuery } from '../../../server/features/search/port.js';

/**
 * The Meilisearch adapter's collapsed searches and map, against a local server speaking Meilisearch's
 * HTTP API (the real engine runs in engines.contract.test.ts when MEILI_HOST or a container runtime is
 * there). It checks what the adapter asks (distinct, counts without distinct, the group sizes) and how
 * it reads the answers.
 */
interface Recorded {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

const source = (id: string, duplicateKey: string): OfferDocumentSource => ({
  id,
  tenantId: 'montagne',
  title: 'Perchman H/F',
  descriptionHtml: '<p>x</p>',
  rome: 'N4402',
  trade: null,
  companyName: 'Glisse',
  companySlug: 'glisse',
  contract: 'seasonal',
  workingTime: 'full_time',
  sector: 'remontees-mecaniques',
  housing: 'none',
  season: 'winter',
  department: '74',
  placeName: 'Chamonix-Mont-Blanc',
  postalCode: '74400',
  insee: '74056',
  lat: 45.9,
  lon: 6.9,
  salaryMin: 12.3,
  salaryMax: 13.8,
  salaryUnit: 'hour',
  hoursPerWeek: 35,
  experience: 'none',
  withoutDiploma: false,
  openToMinors: false,
  companyLogo: null,
  duplicateKey,
  publishedAt: new Date('2031-03-01T08:00:00Z'),
  expiresAt: new Date('2031-05-01T08:00:00Z'),
});

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

describe('Meilisearch adapter: collapsed searches, the map and the rebuild, on the wire', () => {
  let server: Server;
  let requests: Recorded[] = [];
  let answer: (request: Recorded) => unknown;
  let engine: MeilisearchEngine;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk) => (raw += chunk));
      request.on('end', () => {
        const recorded = { method: request.method ?? 'GET', path: request.url ?? '', body: raw ? JSON.parse(raw) : {} };
        requests.push(recorded);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(recorded)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    engine = new MeilisearchEngine({ host: `http://127.0.0.1:${port}`, apiKey: 'test', index: 'offers', timeoutMs: 5000 });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const query = (overrides: Partial<SearchQuery> = {}): SearchQuery => ({ tenantId: 'montagne', text: 'perchman', filters: { housing: 'none' }, collapseDuplicates: true, sort: 'date', page: 1, perPage: 20, ...overrides });
  const page = (hits: OfferDocumentSource[], totalHits: number, facetDistribution?: Record<string, Record<string, number>>) => ({
    indexUid: 'offers',
    hits: hits.map((h) => toDocument(h)),
    query: 'perchman',
    processingTimeMs: 1,
    hitsPerPage: 20,
    page: 1,
    totalPages: 1,
    totalHits,
    ...(facetDistribution ? { facetDistribution } : {}),
  });

  it('asks for one hit per duplicate key, counts offers without `distinct`, then sizes the page’s groups', async () => {
    requests = [];
    answer = (request) => {
      if (request.path === '/multi-search') {
        return {
          results: [
            page([source(A, 'k1'), source(B, 'k2')], 2),
            page([], 4, { contract: { seasonal: 3, cdi: 1 }, sector: { 'remontees-mecaniques': 4 } }),
            page([], 5, { housing: { none: 4, provided: 1 } }),
          ],
        };
      }
      return page([], 3, { duplicateKey: { k1: 3 } });
    };
    const result = await engine.search(query());
    expect(requests.map((r) => r.path)).toEqual(['/multi-search', '/indexes/offers/search']);
    const [main, counts, housing] = requests[0].body.queries as Record<string, unknown>[];
    expect(main).toMatchObject({ indexUid: 'offers', q: 'perchman', distinct: 'duplicateKey', page: 1, hitsPerPage: 20 });
    expect(main.facets).toBeUndefined();
    expect(counts).toMatchObject({ limit: 0, facets: ['sector', 'contract', 'department'] });
    expect(counts.distinct).toBeUndefined();
    expect(housing).toMatchObject({ limit: 0, facets: ['housing'] });
    expect(requests[1].body).toMatchObject({ q: 'perchman', limit: 0, facets: ['duplicateKey'] });
    expect((requests[1].body.filter as string[]).at(-1)).toBe('duplicateKey IN ["k1", "k2"]');
    expect((requests[1].body.filter as string[])[0]).toBe('tenantId = "montagne"');
    expect(result).toMatchObject({ total: 4, groups: 2 });
    expect(result.hits.map((h) => [h.id, h.positions])).toEqual([
      [A, 3],
      [B, 1],
    ]);
    expect(result.facets.housing).toEqual([{ value: 'none', count: 4 }, { value: 'provided', count: 1 }]);
    expect(result.facets.contract).toEqual([{ value: 'seasonal', count: 3 }, { value: 'cdi', count: 1 }]);
  });

  it('skips the sizing request when no group has several offers, and lists every offer when not collapsing', async () => {
    requests = [];
    answer = () => ({ results: [page([source(A, 'k1')], 1), page([], 1, { contract: { seasonal: 1 } }), page([], 1, { housing: { none: 1 } })] });
    expect(await engine.search(query())).toMatchObject({ total: 1, groups: 1 });
    expect(requests.map((r) => r.path)).toEqual(['/multi-search']);

    requests = [];
    answer = () => ({ results: [page([source(A, 'k1'), source(B, 'k1')], 2, { contract: { seasonal: 2 } }), page([], 2, { housing: { none: 2 } })] });
    const plain = await engine.search(query({ collapseDuplicates: false }));
    const [main] = requests[0].body.queries as Record<string, unknown>[];
    expect(main.distinct).toBeUndefined();
    expect(main.facets).toEqual(['sector', 'contract', 'department']);
    expect(plain).toMatchObject({ total: 2, groups: 2 });
    expect(plain.hits.map((h) => h.positions)).toEqual([1, 1]);
  });

  it('map: offers counted per INSEE code with the list’s filters, the commune filter by its code', async () => {
    requests = [];
    answer = () => page([], 7, { insee: { '74056': 5, '74143': 2, '74001': 0 } });
    const points = await engine.map(query({ commune: { insee: '74056', lat: 45.9, lon: 6.9 }, openToMinors: true }));
    expect(points).toEqual([
      { insee: '74056', count: 5 },
      { insee: '74143', count: 2 },
    ]);
    expect(requests[0].body).toMatchObject({ limit: 0, facets: ['insee'] });
    expect(requests[0].body.filter).toEqual(expect.arrayContaining(['insee = "74056"', 'openToMinors = true', 'housing = "none"']));
  });

  it('rebuilds a new index in batches of 1 000 documents, reporting progress, then swaps it in and deletes the old one', async () => {
    requests = [];
    let task = 0;
    answer = (request) => {
      if (request.method === 'GET' && request.path.startsWith('/tasks/')) return { uid: Number(request.path.slice(7)), status: 'succeeded', type: 'x' };
      if (request.method === 'GET' && request.path.startsWith('/indexes/')) return { uid: request.path.slice(9), primaryKey: 'id' };
      return { taskUid: ++task, indexUid: 'offers', status: 'enqueued', type: 'x', enqueuedAt: new Date().toISOString() };
    };
    const ids = Array.from({ length: 2_500 }, (_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
    const pageSizes: number[] = [];
    const messages: string[] = [];
    const count = await engine.rebuild(
      {
        tenantIds: () => ['montagne'],
        async *pages(_tenant, pageSize) {
          pageSizes.push(pageSize);
          for (let i = 0; i < ids.length; i += pageSize) yield ids.slice(i, i + pageSize).map((id) => source(id, id));
        },
      },
      { log: (message) => messages.push(message) },
    );
    expect(count).toBe(2_500);
    expect(pageSizes).toEqual([1_000]);
    const writes = requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(/offers_\d+/, 'offers_<new>')}`);
    // (This stand-in reports every index as existing, so the new one is not created first.)
    expect(writes).toEqual([
      'PATCH /indexes/offers_<new>/settings',
      'POST /indexes/offers_<new>/documents?primaryKey=id',
      'POST /indexes/offers_<new>/documents?primaryKey=id',
      'POST /indexes/offers_<new>/documents?primaryKey=id',
      'PATCH /indexes/offers/settings',
      'POST /swap-indexes',
      'DELETE /indexes/offers_<new>',
    ]);
    const batches = requests.filter((r) => r.method === 'POST' && r.path.includes('/documents')).map((r) => (r.body as unknown as unknown[]).length);
    expect(batches).toEqual([1_000, 1_000, 500]);
    expect(messages.at(-1)).toBe('index offers remplacé (2500 documents)');
    expect(messages).toContain('montagne : 2500 offre(s) indexée(s) dans Meilisearch (' + requests.find((r) => r.path.includes('/documents'))!.path.split('/')[2] + ')');
  });
});

import { describe, expect, it } from 'vitest';
import { buildFilter, buildSort, filterString, offerDocumentId, plainText, toDocument, toHit } from '../../server/features/search/engines/meilisearch.js';
import { distanceKm } from '../../server/geo/distance.js';
import type { OfferDocumentSource, SearchQuery } from '../../server/features/search/port.js';

const OFFER = '0f6fff68-e8b9-5c52-91f4-244d90f4c894';
const NOW = new Date('2026-11-23T10:00:00Z');

const source: OfferDocumentSource = {
  id: OFFER,
  tenantId: 'montagne',
  title: 'Monitrice de ski H/F',
  descriptionHtml: '<p>École &amp; <strong>glisse</strong></p><ul><li>Cours enfants</li></ul>',
  rome: 'G1204',
  trade: 'Enseignement des sports',
  companyName: 'Glisse & Sommets',
  companySlug: 'glisse-sommets',
  contract: 'seasonal',
  workingTime: 'full_time',
  sector: 'ecoles-de-ski',
  housing: 'provided',
  season: 'winter',
  department: '74',
  placeName: 'Chamonix-Mont-Blanc',
  postalCode: '74400',
  insee: '74056',
  lat: 45.92959,
  lon: 6.9291,
  salaryMin: 26,
  salaryMax: 42,
  salaryUnit: 'hour',
  hoursPerWeek: 35,
  experience: 'experienced',
  withoutDiploma: false,
  openToMinors: false,
  companyLogo: null,
  duplicateKey: '-4242424242424242',
  publishedAt: new Date('2026-11-20T08:00:00Z'),
  expiresAt: new Date('2027-01-19T08:00:00Z'),
};

const query = (overrides: Partial<SearchQuery> = {}): SearchQuery => ({ tenantId: 'montagne', filters: {}, sort: 'relevance', page: 1, perPage: 20, ...overrides });

describe('Meilisearch document keys', () => {
  it('carry the tenant, so two tenants can never share or overwrite a document', () => {
    expect(offerDocumentId('montagne', OFFER)).toBe(`montagne_${OFFER}`);
    expect(offerDocumentId('dijon', OFFER)).not.toBe(offerDocumentId('montagne', OFFER));
  });

  it('refuse anything that is not a tenant slug and an offer uuid', () => {
    expect(() => offerDocumentId('Montagne', OFFER)).toThrow();
    expect(() => offerDocumentId('montagne_x', OFFER)).toThrow();
    expect(() => offerDocumentId('montagne', `${OFFER}"`)).toThrow();
  });
});

describe('Meilisearch document mapping', () => {
  it('maps an offer to a document with tenant, plain text, unix times, _geo and gender forms', () => {
    const doc = toDocument(source, NOW);
    expect(doc).toMatchObject({
      id: `montagne_${OFFER}`,
      offerId: OFFER,
      tenantId: 'montagne',
      title: 'Monitrice de ski H/F',
      company: 'Glisse & Sommets',
      description: 'École & glisse Cours enfants',
      rome: 'G1204',
      sector: 'ecoles-de-ski',
      department: '74',
      _geo: { lat: 45.92959, lng: 6.9291 },
      publishedAt: Math.floor(source.publishedAt.getTime() / 1000),
      expiresAt: Math.floor(source.expiresAt.getTime() / 1000),
      indexedAt: Math.floor(NOW.getTime() / 1000),
    });
    expect(doc).toMatchObject({ salaryMin: 26, salaryMax: 42, salaryUnit: 'hour', hoursPerWeek: 35, duplicateKey: '-4242424242424242', withoutDiploma: false });
    expect(doc.titleVariants.split(' ')).toEqual(expect.arrayContaining(['monitrice', 'moniteur', 'ski']));
    expect(toDocument({ ...source, lat: null, lon: null })._geo).toBeNull();
  });

  it('turns a document back into a hit, with the distance from `near`', () => {
    const doc = toDocument(source, NOW);
    const hit = toHit(doc, query({ near: { lat: 45.9, lon: 6.8 } }));
    expect(hit).toMatchObject({ id: OFFER, title: source.title, companySlug: 'glisse-sommets', place: { insee: '74056', lat: 45.92959, lon: 6.9291 } });
    expect(hit.publishedAt.getTime()).toBe(Math.floor(source.publishedAt.getTime() / 1000) * 1000);
    expect(hit).toMatchObject({ salary: { min: 26, max: 42, unit: 'hour' }, hoursPerWeek: 35, duplicateKey: '-4242424242424242', positions: 1 });
    expect(hit.distanceKm).toBeCloseTo(distanceKm({ lat: 45.9, lon: 6.8 }, { lat: 45.92959, lon: 6.9291 }), 1);
    expect(toHit({ ...doc, _geoDistance: 12_345 }, query({ near: { lat: 0, lon: 0 } })).distanceKm).toBe(12.3);
    expect(toHit(doc, query()).distanceKm).toBeUndefined();
  });

  it('strips markup from descriptions', () => {
    expect(plainText('<p>Un&nbsp;<em>beau</em> poste &lt;3</p>')).toBe('Un beau poste <3');
  });

  it('computes great-circle distances (Chamonix → Les Houches ≈ 6 km, → Grenoble ≈ 96 km)', () => {
    const chamonix = { lat: 45.92959, lon: 6.9291 };
    expect(distanceKm(chamonix, { lat: 45.8908, lon: 6.7995 })).toBeGreaterThan(5);
    expect(distanceKm(chamonix, { lat: 45.8908, lon: 6.7995 })).toBeLessThan(12);
    expect(distanceKm(chamonix, { lat: 45.1842, lon: 5.7155 })).toBeGreaterThan(90);
  });
});

describe('Meilisearch filters', () => {
  it('quote and escape every user value', () => {
    expect(filterString('ecoles-de-ski')).toBe('"ecoles-de-ski"');
    expect(filterString('a"b')).toBe('"a\\"b"');
    expect(filterString('a\\"b')).toBe('"a\\\\\\"b"');
    expect(filterString('x" OR tenantId = "dijon')).toBe('"x\\" OR tenantId = \\"dijon"');
  });

  it('an injected value stays one string literal: the tenant condition cannot be escaped from', () => {
    const hostile = 'x" OR tenantId = "dijon';
    const filter = buildFilter(query({ filters: { sector: hostile } }), NOW);
    const sector = filter.find((f) => f.startsWith('sector'))!;
    // Unescaped, the literal reads back exactly as the hostile value.
    const literal = /^sector = "((?:[^"\\]|\\.)*)"$/.exec(sector)![1].replace(/\\(.)/g, '$1');
    expect(literal).toBe(hostile);
  });

  it('always filter on the tenant first and on live offers, then on the chosen facets', () => {
    const filter = buildFilter(
      query({ filters: { sector: 'ecoles-de-ski', contract: 'seasonal' }, rome: 'G1204', publishedWithinDays: 7, near: { lat: 45.9, lon: 6.9, radiusKm: 20 } }),
      NOW,
    );
    const now = Math.floor(NOW.getTime() / 1000);
    expect(filter).toEqual([
      'tenantId = "montagne"',
      `expiresAt > ${now}`,
      'sector = "ecoles-de-ski"',
      'contract = "seasonal"',
      'rome = "G1204"',
      `publishedAt >= ${now - 7 * 86_400}`,
      '_geoRadius(45.9, 6.9, 20000)',
    ]);
  });

  it('leave out the counted facet’s own filter (disjunctive facet counts)', () => {
    const filter = buildFilter(query({ filters: { sector: 'ecoles-de-ski', contract: 'seasonal' } }), NOW, 'sector');
    expect(filter).toContain('contract = "seasonal"');
    expect(filter.some((f) => f.startsWith('sector'))).toBe(false);
    expect(filter[0]).toBe('tenantId = "montagne"');
  });

  it('filter a commune by its INSEE code and apply the youth boards’ filters', () => {
    const filter = buildFilter(query({ commune: { insee: '74056', lat: 45.9, lon: 6.9 }, beginnerWelcome: true, withoutDiploma: true, openToMinors: true }), NOW);
    expect(filter.slice(2)).toEqual(['insee = "74056"', 'experience = "none"', 'withoutDiploma = true', 'openToMinors = true']);
  });

  it('refuse coordinates that are not finite numbers', () => {
    expect(() => buildFilter(query({ near: { lat: Number.NaN, lon: 6, radiusKm: 5 } }), NOW)).toThrow();
  });

  it('sort by relevance, date or distance', () => {
    expect(buildSort(query(), true)).toBeUndefined();
    expect(buildSort(query(), false)).toEqual(['publishedAt:desc']);
    expect(buildSort(query({ sort: 'date' }), true)).toEqual(['publishedAt:desc']);
    expect(buildSort(query({ sort: 'distance', near: { lat: 45.9, lon: 6.9 } }), true)).toEqual(['_geoPoint(45.9, 6.9):asc', 'publishedAt:desc']);
  });
});

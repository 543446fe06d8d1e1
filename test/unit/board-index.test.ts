import { describe, expect, it } from 'vitest';
import { BoardIndex, type IndexedOffer, type IndexQuery } from '../../server/features/search/board-index.js';
import { FACETS, type FacetName } from '../../server/features/search/port.js';
import { distanceKm } from '../../server/geo/distance.js';
import { createRandom, stableUuid, type Random } from '../../server/db/seed/random.js';

/**
 * The board index against a reference written the obvious way (filter every offer, sort them all):
 * the same totals, groups, facet counts and pages for thousands of generated boards and queries, also
 * after offers change, leave and the index is renumbered, and when the clock retires offers.
 */

const NOW = Date.UTC(2026, 5, 15, 10, 30);
const DAY = 86_400_000;
const LEXEMES = ['moniteur', 'monitric', 'ski', 'skiman', 'skieur', 'serveur', 'cuisin', 'saison', 'log', 'perchman', 'hotel', 'hoteller'];
const PLACES = [
  { insee: '74056', lat: 45.9237, lon: 6.8694 },
  { insee: '74143', lat: 45.8907, lon: 6.7993 },
  { insee: '73054', lat: 45.3766, lon: 6.5928 },
  { insee: '38185', lat: 45.1885, lon: 5.7245 },
  { insee: '05061', lat: 44.5594, lon: 6.0786 },
];
const SECTORS = ['ecoles-de-ski', 'hotellerie-restauration', 'remontees-mecaniques', null];
const CONTRACTS = ['cdi', 'cdd', 'seasonal'];
const HOUSING = ['provided', 'help', 'none'];

function offer(random: Random, n: number, revision = 1): IndexedOffer {
  const place = random.chance(0.9) ? random.pick(PLACES) : null;
  const terms = new Map<string, number>();
  for (let k = random.int(1, 5); k > 0; k--) terms.set(random.pick(LEXEMES), random.int(0, 3));
  // Few titles, companies and places: plenty of near-duplicates.
  const sector = random.pick(SECTORS);
  const contract = random.pick(CONTRACTS);
  const housing = random.pick(HOUSING);
  return {
    id: stableUuid(`board-index:${n}`),
    revision,
    publishedAt: NOW - random.int(0, 40) * DAY - (random.chance(0.2) ? 0 : random.int(0, 86_000) * 1000),
    expiresAt: NOW + random.int(-2, 30) * DAY + random.int(1, 1000) * 1000,
    sector,
    contract,
    housing,
    // As offers.duplicate_key: company, title, commune, contract, housing, sector (so the department too).
    department: place ? place.insee.slice(0, 2) : null,
    duplicateKey: `${random.int(0, 3)}|${place?.insee}|${sector}|${contract}|${housing}`,
    lat: place?.lat ?? null,
    lon: place?.lon ?? null,
    insee: place?.insee ?? null,
    rome: random.pick(['G1204', 'G1602', null]),
    experience: random.pick(['none', 'one_year', null]),
    withoutDiploma: random.chance(0.3),
    openToMinors: random.chance(0.3),
    terms,
  };
}

function query(random: Random): IndexQuery {
  const text = random.chance(0.5)
    ? Array.from({ length: random.int(0, 2) }, () =>
        Array.from({ length: random.int(1, 2) }, () => ({ lexeme: random.pick([...LEXEMES, 'sk', 'ho']), prefix: random.chance(0.3), correction: random.chance(0.2) })),
      )
    : null;
  const filters: Partial<Record<FacetName, string>> = {};
  if (random.chance(0.3)) filters.sector = random.pick(SECTORS.filter((s) => s !== null)) as string;
  if (random.chance(0.3)) filters.contract = random.pick([...CONTRACTS, 'interim']);
  if (random.chance(0.2)) filters.housing = random.pick(HOUSING);
  if (random.chance(0.2)) filters.department = random.pick(['74', '73', '38', '05']);
  const place = random.pick(PLACES);
  const near = random.chance(0.35) ? { lat: place.lat + random.next() * 0.1, lon: place.lon, radiusKm: random.chance(0.8) ? random.pick([5, 20, 50, 200]) : undefined } : undefined;
  const sort = random.pick(['relevance', 'date', 'distance'] as const);
  return {
    text,
    titleWords: text?.map((word) => word.filter((t) => !t.correction).map((t) => t.lexeme)) ?? null,
    filters,
    rome: random.chance(0.15) ? random.pick(['G1204', 'G1602', 'Z9999']) : undefined,
    publishedWithinDays: random.chance(0.15) ? random.pick([1, 7, 30]) : undefined,
    publishedAfter: random.chance(0.05) ? new Date(NOW - 10 * DAY) : undefined,
    publishedBefore: random.chance(0.05) ? new Date(NOW - 2 * DAY) : undefined,
    near,
    commune: !near && random.chance(0.1) ? place : undefined,
    beginnerWelcome: random.chance(0.1),
    withoutDiploma: random.chance(0.1),
    openToMinors: random.chance(0.1),
    collapseDuplicates: random.chance(0.5),
    sort: sort === 'distance' && !near ? 'date' : sort,
    offset: random.pick([0, 0, 0, 3, 20]),
    limit: random.pick([1, 5, 20, 200]),
    now: NOW + random.int(0, 3) * DAY,
  };
}

const WEIGHT = [0.1, 0.2, 0.4, 1];

/** What a query should find, computed the obvious way. */
function reference(offers: IndexedOffer[], q: IndexQuery) {
  const byDate = [...offers].sort((a, b) => b.publishedAt - a.publishedAt || (a.id < b.id ? -1 : 1));
  const rank = new Map(byDate.map((o, i) => [o.id, i]));
  const metres = (o: IndexedOffer) => (q.near && o.lat !== null && o.lon !== null ? distanceKm(q.near, { lat: o.lat, lon: o.lon }) * 1000 : null);
  const score = (o: IndexedOffer): number | null => {
    if (!q.text) return 0;
    if (q.text.length === 0) return null;
    let sum = 0;
    for (const word of q.text) {
      let best = -1;
      for (const term of word) {
        for (const [lexeme, weight] of o.terms) {
          if (term.prefix ? lexeme.startsWith(term.lexeme) : lexeme === term.lexeme) best = Math.max(best, WEIGHT[weight] * (term.correction ? 0.5 : 1));
        }
      }
      if (best < 0) return null;
      sum += best;
    }
    const inTitle = q.titleWords!.every((lexemes) => lexemes.some((l) => o.terms.get(l) === 3));
    return sum / q.text.length + (q.sort === 'relevance' && inTitle ? 1 : 0);
  };
  const conditions = (o: IndexedOffer) => {
    if (o.expiresAt <= q.now) return false;
    if (q.rome !== undefined && o.rome !== q.rome) return false;
    if (q.publishedWithinDays && o.publishedAt < q.now - q.publishedWithinDays * DAY) return false;
    if (q.publishedAfter && o.publishedAt < q.publishedAfter.getTime()) return false;
    if (q.publishedBefore && o.publishedAt >= q.publishedBefore.getTime()) return false;
    if (q.near?.radiusKm) {
      const d = metres(o);
      if (d === null || d > q.near.radiusKm * 1000) return false;
    }
    if (q.commune && (o.lat !== q.commune.lat || o.lon !== q.commune.lon)) return false;
    if (q.beginnerWelcome && o.experience !== 'none') return false;
    if (q.withoutDiploma && !o.withoutDiploma) return false;
    if (q.openToMinors && !o.openToMinors) return false;
    return score(o) !== null;
  };
  const value = (o: IndexedOffer, f: FacetName) => ({ sector: o.sector, contract: o.contract, housing: o.housing, department: o.department })[f];
  const passes = (o: IndexedOffer, except?: FacetName) => FACETS.every((f) => f === except || q.filters[f] === undefined || value(o, f) === q.filters[f]);
  const candidates = offers.filter(conditions);
  const matching = candidates.filter((o) => passes(o));
  const facets = Object.fromEntries(
    FACETS.map((f) => {
      const counts = new Map<string, number>();
      for (const o of candidates) if (passes(o, f) && value(o, f) !== null) counts.set(value(o, f)!, (counts.get(value(o, f)!) ?? 0) + 1);
      return [f, [...counts].map(([v, count]) => ({ value: v, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))];
    }),
  );
  const groupOf = new Map<string, IndexedOffer[]>();
  for (const o of matching) groupOf.set(o.duplicateKey, [...(groupOf.get(o.duplicateKey) ?? []), o]);
  const shown = q.collapseDuplicates ? [...groupOf.values()].map((g) => g.reduce((a, b) => (rank.get(a.id)! < rank.get(b.id)! ? a : b))) : matching;
  const key = (o: IndexedOffer): number[] => {
    if (q.sort === 'distance' && q.near) return [metres(o) === null ? Infinity : Math.round(metres(o)!), rank.get(o.id)!];
    if (q.sort === 'relevance' && q.text) return [-Math.round(score(o)! * 100_000), rank.get(o.id)!];
    return [rank.get(o.id)!];
  };
  const sorted = [...shown].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return ka[0] - kb[0] || (ka[1] ?? 0) - (kb[1] ?? 0);
  });
  return {
    total: matching.length,
    groups: groupOf.size,
    facets,
    page: sorted.slice(q.offset, q.offset + q.limit).map((o) => ({ id: o.id, positions: q.collapseDuplicates ? groupOf.get(o.duplicateKey)!.length : 1 })),
  };
}

function compare(index: BoardIndex, offers: IndexedOffer[], q: IndexQuery, label: string) {
  const found = index.search(q);
  const expected = reference(offers, q);
  expect({ ...found, page: found.page.map(({ id, positions }) => ({ id, positions })) }, label).toEqual(expected);
  for (const hit of found.page) {
    const o = offers.find((x) => x.id === hit.id)!;
    if (q.near && o.lat !== null) expect(hit.distanceM! / 1000, label).toBeCloseTo(distanceKm(q.near, { lat: o.lat, lon: o.lon! }), 6);
    else expect(hit.distanceM, label).toBeNull();
  }
  // The map: matching offers with coordinates per commune.
  const counts = new Map<string, number>();
  for (const o of offers) if (o.insee && o.lat !== null && reference([o], { ...q, collapseDuplicates: false, offset: 0, limit: 1 }).total === 1) counts.set(o.insee, (counts.get(o.insee) ?? 0) + 1);
  expect(new Map(index.communeCounts(q).map((p) => [p.insee, p.count])), `${label} map`).toEqual(counts);
}

describe('board index (in-memory search of one tenant)', () => {
  it('finds what a plain filter and sort of every offer finds, for 3 000 generated queries on 60 boards', () => {
    for (let board = 0; board < 60; board++) {
      const random = createRandom(`board-index:board:${board}`);
      const offers = Array.from({ length: random.int(0, 150) }, (_, n) => offer(random, board * 1000 + n));
      const index = new BoardIndex();
      for (const o of offers) index.upsert(o);
      expect(index.size).toBe(offers.length);
      for (let n = 0; n < 50; n++) {
        const q = query(random);
        compare(index, offers, q, `board ${board} query ${n} ${JSON.stringify(q)}`);
      }
    }
  });

  it('stays right while offers change and leave, and after it renumbers them', () => {
    const random = createRandom('board-index:changes');
    let offers = Array.from({ length: 3000 }, (_, n) => offer(random, n));
    const index = new BoardIndex();
    for (const o of offers) index.upsert(o);
    for (let round = 0; round < 6; round++) {
      // A third of the offers change, a tenth leave, a few arrive.
      const next: IndexedOffer[] = [];
      for (const o of offers) {
        if (random.chance(0.1)) index.remove(o.id);
        else if (random.chance(0.33)) {
          const changed = { ...offer(random, offers.indexOf(o) + 10_000 * (round + 1)), id: o.id, revision: o.revision + 1 };
          index.upsert(changed);
          next.push(changed);
        } else next.push(o);
      }
      for (let n = 0; n < 50; n++) {
        const added = offer(random, 100_000 + round * 100 + n);
        index.upsert(added);
        next.push(added);
      }
      offers = next;
      index.compactIfWorthIt();
      expect(index.size).toBe(offers.length);
      for (const o of offers.slice(0, 20)) expect(index.revisionOf(o.id)).toBe(o.revision);
      for (let n = 0; n < 40; n++) compare(index, offers, query(random), `round ${round} query ${n}`);
    }
  });

  it('answers place-and-facet queries from aggregates that the clock retires with the first expiry', () => {
    const random = createRandom('board-index:expiry');
    const offers = Array.from({ length: 400 }, (_, n) => offer(random, n));
    const index = new BoardIndex();
    for (const o of offers) index.upsert(o);
    const browse = (now: number): IndexQuery => ({ ...query(random), text: null, titleWords: null, rome: undefined, publishedWithinDays: undefined, publishedAfter: undefined, publishedBefore: undefined, beginnerWelcome: false, withoutDiploma: false, openToMinors: false, now });
    const firstExpiry = Math.min(...offers.filter((o) => o.expiresAt > NOW).map((o) => o.expiresAt));
    for (const now of [NOW, firstExpiry - 1, firstExpiry, firstExpiry + DAY, NOW + 20 * DAY]) {
      for (let n = 0; n < 30; n++) compare(index, offers, browse(now), `now ${new Date(now).toISOString()} query ${n}`);
    }
  });

  it('ranks an offer whose title has every typed word first, then by the weight of the fields the words are in', () => {
    const index = new BoardIndex();
    const base = offer(createRandom('board-index:rank'), 0);
    const make = (n: number, terms: [string, number][], daysAgo: number): IndexedOffer => ({ ...base, id: stableUuid(`rank:${n}`), duplicateKey: `${n}`, publishedAt: NOW - daysAgo * DAY, expiresAt: NOW + DAY, terms: new Map(terms) });
    index.upsert(make(1, [['skiman', 3]], 0)); // "ski" extends its title word only
    index.upsert(make(2, [['ski', 3], ['moniteur', 3]], 5)); // "Moniteur de ski"
    index.upsert(make(3, [['ski', 0]], 1)); // the description mentions skis
    index.upsert(make(4, [['ski', 2]], 2)); // the trade
    const q: IndexQuery = { ...query(createRandom('x')), text: [[{ lexeme: 'ski', prefix: true, correction: false }]], titleWords: [['ski']], filters: {}, rome: undefined, publishedWithinDays: undefined, publishedAfter: undefined, publishedBefore: undefined, near: undefined, commune: undefined, beginnerWelcome: false, withoutDiploma: false, openToMinors: false, collapseDuplicates: false, sort: 'relevance', offset: 0, limit: 10, now: NOW };
    expect(index.search(q).page.map((h) => h.id)).toEqual([2, 1, 4, 3].map((n) => stableUuid(`rank:${n}`)));
  });
});

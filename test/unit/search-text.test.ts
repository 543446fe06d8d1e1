import { describe, expect, it } from 'vitest';
import { buildTsQuery, groupFacets } from '../../server/features/search/engines/postgres.js';
import { analyze, fold, genderVariants, masculine } from '../../server/features/search/text.js';

describe('French query analysis', () => {
  it('folds case and accents the way unaccent does', () => {
    expect(fold('Hôtellerie Œnologie Élève À')).toBe('hotellerie oenologie eleve a');
  });

  it('keeps meaningful words only: no stop words, no "H/F", at most 8', () => {
    expect(analyze('Moniteur de ski H/F').words).toEqual(['moniteur', 'ski']);
    expect(analyze('  ').words).toEqual([]);
    expect(analyze(undefined).words).toEqual([]);
    expect(analyze('a b c d e f g h i j k l m n o p q r s t u v w x').words).toHaveLength(8);
  });

  it('treats the last word as a prefix while it is being typed, not after a space', () => {
    expect(analyze('moniteur sk').lastIsPrefix).toBe(false); // too short to be a useful prefix
    expect(analyze('moniteur ski').lastIsPrefix).toBe(true);
    expect(analyze('moniteur ski ').lastIsPrefix).toBe(false);
  });

  it('brings feminine and masculine trade names together', () => {
    expect(masculine('monitrice')).toBe('moniteur');
    expect(masculine('serveuse')).toBe('serveur');
    expect(masculine('cuisiniere')).toBe('cuisinier');
    expect(masculine('technicienne')).toBe('technicien');
    expect(masculine('ski')).toBe('ski');
    expect(genderVariants('moniteur')).toEqual(expect.arrayContaining(['moniteur', 'monitrice']));
    expect(genderVariants('monitrice')).toEqual(expect.arrayContaining(['monitrice', 'moniteur']));
    expect(genderVariants('vendeur')).toContain('vendeuse');
  });
});

describe('PostgreSQL tsquery building', () => {
  it('ANDs the words, ORs each with its gender forms, prefixes the word being typed', () => {
    expect(buildTsQuery(analyze('ski'))).toBe('ski:*');
    expect(buildTsQuery(analyze('monitrice ski '))).toBe('(monitrice | moniteur | moniteuse) & ski');
  });

  it('restricts every term to title words (weight A) for the ranking bonus', () => {
    expect(buildTsQuery(analyze('monitrice ski'), new Map(), { titleOnly: true })).toBe('(monitrice:A | moniteur:A | moniteuse:A) & ski:*A');
    expect(buildTsQuery({ ...analyze('monitrice ski'), lastIsPrefix: false }, new Map(), { titleOnly: true })).toBe('(monitrice:A | moniteur:A | moniteuse:A) & ski:A');
  });

  it('adds the known words that look like an unknown one (typo tolerance), not for known words', () => {
    const corrections = new Map([
      ['perchmann', { known: false, similar: ['perchman'] }],
      ['ski', { known: true, similar: ['skiman'] }],
    ]);
    expect(buildTsQuery(analyze('perchmann ski '), corrections)).toBe('(perchmann | perchman) & ski');
  });

  it('never lets tsquery syntax through from the user', () => {
    const query = buildTsQuery(analyze(`a' | !b & (c:*) <-> 'd' \\ "e"`));
    expect(query).not.toBeNull();
    for (const term of query!.split(/[()&| ]+/).filter(Boolean)) expect(term).toMatch(/^[a-z0-9]+(:\*)?$/);
    expect(buildTsQuery(analyze('!!! &&& ||| :*'))).toBeNull();
  });

  it('groups facet rows by facet, largest count first', () => {
    const facets = groupFacets([
      { facet: 'contract', value: 'cdd', count: 2 },
      { facet: 'contract', value: 'cdi', count: 5 },
      { facet: 'department', value: '74', count: 1 },
    ]);
    expect(facets.contract.map((f) => f.value)).toEqual(['cdi', 'cdd']);
    expect(facets.sector).toEqual([]);
    expect(facets.department).toEqual([{ value: '74', count: 1 }]);
  });
});

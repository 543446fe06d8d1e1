import { describe, expect, it } from 'vitest';
import { parseDocument, queryWords } from '../../server/features/search/engines/postgres.js';
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

describe('PostgreSQL engine: query words and search documents', () => {
  it('ANDs the words, ORs each with its gender forms, prefixes the word being typed', () => {
    expect(queryWords(analyze('ski'))).toEqual([{ forms: ['ski'], corrections: [], prefixOf: 'ski' }]);
    expect(queryWords(analyze('monitrice ski '))).toEqual([
      { forms: expect.arrayContaining(['monitrice', 'moniteur', 'moniteuse']), corrections: [], prefixOf: null },
      { forms: ['ski'], corrections: [], prefixOf: null },
    ]);
  });

  it('adds the known words that look like an unknown one (typo tolerance), not for known words', () => {
    const corrections = new Map([
      ['perchmann', { known: false, similar: ['perchman'] }],
      ['ski', { known: true, similar: ['skiman'] }],
    ]);
    expect(queryWords(analyze('perchmann ski '), corrections).map((w) => [w.forms, w.corrections])).toEqual([
      [['perchmann'], ['perchman']],
      [['ski'], []],
    ]);
  });

  it('never lets anything but [a-z0-9] words through from the user', () => {
    const words = queryWords(analyze(`a' | !b & (c:*) <-> 'd' \\ "e"`));
    for (const form of words.flatMap((w) => [...w.forms, ...w.corrections])) expect(form).toMatch(/^[a-z0-9]+$/);
    expect(queryWords(analyze('!!! &&& ||| :*'))).toEqual([]);
  });

  it('reads a tsvector’s text form: each lexeme with the best weight of its positions (A 3 … D 0)', () => {
    const terms = parseDocument(`'caiss':3A,11B,56 'd1505':12B 'domain':16C,44 'ete':40 'l''alp':7 'a\\\\b':9A 'sans-position'`);
    expect(Object.fromEntries(terms)).toEqual({ caiss: 3, d1505: 2, domain: 1, ete: 0, "l'alp": 0, 'a\\b': 3, 'sans-position': 0 });
    expect(parseDocument('')).toEqual(new Map());
  });
});

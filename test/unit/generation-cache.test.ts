import { describe, expect, it } from 'vitest';
import { GenerationCache } from '../../server/features/search/generation-cache.js';

describe('GenerationCache', () => {
  it('answers only for the generation an entry was stored at', () => {
    const cache = new GenerationCache<string>(10, 1000);
    cache.set('q', 7, 'résultat');
    expect(cache.get('q', 7)).toBe('résultat');
    expect(cache.get('q', 8)).toBeUndefined();
    expect(cache.get('autre', 7)).toBeUndefined();
    expect([cache.hits, cache.misses]).toEqual([1, 2]);
  });

  it('forgets entries after their time limit, whatever the generation', () => {
    let now = 0;
    const cache = new GenerationCache<string>(10, 1000, undefined, () => now);
    cache.set('q', 1, 'a');
    now = 999;
    expect(cache.get('q', 1)).toBe('a');
    now = 1000;
    expect(cache.get('q', 1)).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the least recently used first', () => {
    const cache = new GenerationCache<number>(2, 1000);
    cache.set('a', 1, 1);
    cache.set('b', 1, 2);
    expect(cache.get('a', 1)).toBe(1); // a is now more recent than b
    cache.set('c', 1, 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('a', 1)).toBe(1);
    expect(cache.get('c', 1)).toBe(3);
  });

  it('weighs values when asked: heavy values push out more entries, and one too heavy is not kept', () => {
    const cache = new GenerationCache<number[]>(10, 1000, (rows) => rows.length);
    cache.set('a', 1, [1, 2, 3, 4]);
    cache.set('b', 1, [1, 2, 3, 4]);
    expect(cache.weight).toBe(8);
    cache.set('c', 1, [1, 2, 3, 4, 5, 6]);
    expect([cache.get('a', 1), cache.get('b', 1)?.length, cache.get('c', 1)?.length]).toEqual([undefined, 4, 6]);
    expect(cache.weight).toBe(10);
    cache.set('b', 1, [1]); // replacing an entry replaces its weight
    expect(cache.weight).toBe(7);
    cache.set('énorme', 1, new Array(11).fill(0));
    expect(cache.get('énorme', 1)).toBeUndefined();
    expect(cache.weight).toBe(7);
  });
});

interface Entry<T> {
  generation: number;
  value: T;
  weight: number;
  expiresAt: number;
}

/**
 * Search results (or facet counts) of the PostgreSQL engine, in memory, least recently used out first.
 * An entry answers only for the generation it was computed at (repository.ts: searchGeneration), so a
 * change of the tenant's offers makes every older entry useless at once; the time limit bounds what the
 * generation cannot see: offers that expire, or leave a "published within N days" window, by the clock.
 */
export class GenerationCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private totalWeight = 0;
  hits = 0;
  misses = 0;

  /**
   * `maxWeight`: what the entries may weigh together; each weighs `weigh(value)` (1 by default, so
   * `maxWeight` is then a number of entries): a value's size, for values whose size varies a lot.
   */
  constructor(
    private readonly maxWeight: number,
    private readonly ttlMs: number,
    private readonly weigh: (value: T) => number = () => 1,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, generation: number): T | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.generation !== generation || entry.expiresAt <= this.now()) {
      this.misses++;
      return undefined;
    }
    // Map keeps insertion order: re-inserting marks the entry as the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return entry.value;
  }

  set(key: string, generation: number, value: T): void {
    this.remove(key);
    const weight = this.weigh(value);
    if (weight > this.maxWeight) return;
    this.entries.set(key, { generation, value, weight, expiresAt: this.now() + this.ttlMs });
    this.totalWeight += weight;
    while (this.totalWeight > this.maxWeight) this.remove(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }

  get weight(): number {
    return this.totalWeight;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalWeight -= entry.weight;
  }
}

interface Entry<T> {
  generation: number;
  value: T;
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
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
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
    this.entries.delete(key);
    this.entries.set(key, { generation, value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}

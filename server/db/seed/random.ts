import { createHash } from 'node:crypto';
import { luhnValid } from '../../features/companies/siret.js';

/**
 * Deterministic randomness for the demo data: the same seed gives the same companies and offers on
 * every machine, which is what makes `npm run db:seed` idempotent (rows keep their ids).
 */
export interface Random {
  /** Uniform float in [0, 1). */
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** mulberry32, seeded from a SHA-256 of the seed text. */
export function createRandom(seed: string): Random {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick() sur une liste vide');
      return items[int(0, items.length - 1)];
    },
    chance: (probability) => next() < probability,
  };
}

/** A name-based UUID (version 5 layout over SHA-1, RFC 9562 §5.5): same name → same id. */
export function stableUuid(name: string): string {
  const bytes = createHash('sha1').update(`cordee-demo:${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Appends the digit that makes `prefix + digit` Luhn-valid. */
function withLuhnDigit(prefix: string): string {
  for (let digit = 0; digit <= 9; digit++) {
    if (luhnValid(prefix + digit)) return prefix + digit;
  }
  throw new Error('unreachable: one Luhn digit always exists');
}

/** A fictitious but well-formed SIRET: Luhn-valid SIREN (9 digits) + NIC making the 14 digits valid. */
export function fakeSiret(random: Random): string {
  const siren = withLuhnDigit(String(random.int(1, 9)) + String(random.int(0, 9_999_999)).padStart(7, '0'));
  return withLuhnDigit(siren + String(random.int(1, 9_999)).padStart(4, '0'));
}

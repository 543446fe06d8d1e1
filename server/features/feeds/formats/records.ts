import type { OfferField } from '../../../offer-fields/field-map.js';

/**
 * What every format reader produces: one record per offer, its values as the feed wrote them (text),
 * named by the field map. Turning them into an offer (contract words, commune, ROME code…) is the
 * same for every format (record-mapping.ts).
 */
export interface RawRecord {
  values: Partial<Record<OfferField, string>>;
  /** Where in the feed: « ligne 12 », « offre n° 3 », a page address. */
  position: string;
}

/** A record the reader could not even read (broken JSON-LD block, line with the wrong number of columns…). */
export interface UnreadableRecord {
  position: string;
  reason: string;
}

/** The whole document is unusable (not XML, entities declared, unknown encoding…): the poll fails, nothing is closed. */
export class FeedParseError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FeedParseError';
  }
}

/** Collects a feed's records up to a limit; a feed beyond it is refused as a whole (nothing closed). */
export class RecordSink {
  readonly records: RawRecord[] = [];
  readonly unreadable: UnreadableRecord[] = [];

  constructor(private readonly maxRecords: number) {}

  record(record: RawRecord): void {
    if (this.records.length + this.unreadable.length >= this.maxRecords) {
      throw new FeedParseError(`plus de ${this.maxRecords} offres dans le flux`);
    }
    this.records.push(record);
  }

  problem(position: string, reason: string): void {
    if (this.records.length + this.unreadable.length >= this.maxRecords) {
      throw new FeedParseError(`plus de ${this.maxRecords} offres dans le flux`);
    }
    this.unreadable.push({ position, reason });
  }
}

/** Trimmed, inner whitespace of plain values folded; '' for nothing. */
export const cleanValue = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return '';
  return String(value).replace(/\s+/g, ' ').trim();
};

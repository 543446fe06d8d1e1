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

/** A strings key (`feeds.unreadable.*`, `feeds.parse.*`) and its parameters: rendered in the tenant's French. */
export interface Reason {
  key: string;
  params?: Record<string, string | number>;
}

/** A record the reader could not even read (broken JSON-LD block, line with the wrong number of columns…). */
export interface UnreadableRecord {
  position: string;
  reason: Reason;
}

export const PARSE_ERROR_CODES = ['DTD_REFUSED', 'NOT_AGGREGATOR_FEED', 'TOO_MANY_RECORDS', 'TOO_MANY_PAGES', 'EMPTY_FILE', 'MISSING_COLUMNS', 'ENCODING'] as const;
export type ParseErrorCode = (typeof PARSE_ERROR_CODES)[number];

/**
 * The whole document is unusable (not XML, entities declared, unknown encoding…): the poll fails,
 * nothing is closed. Its message is the strings key `feeds.parse.<code>` with `params`.
 */
export class FeedParseError extends Error {
  constructor(
    readonly code: ParseErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = 'FeedParseError';
  }
}

/** Collects a feed's records up to a limit; a feed beyond it is refused as a whole (nothing closed). */
export class RecordSink {
  readonly records: RawRecord[] = [];
  readonly unreadable: UnreadableRecord[] = [];

  constructor(private readonly maxRecords: number) {}

  private count(): void {
    if (this.records.length + this.unreadable.length >= this.maxRecords) throw new FeedParseError('TOO_MANY_RECORDS', { max: this.maxRecords });
  }

  record(record: RawRecord): void {
    this.count();
    this.records.push(record);
  }

  problem(position: string, key: string, params?: Reason['params']): void {
    this.count();
    this.unreadable.push({ position, reason: { key, params } });
  }
}

/** Trimmed, inner whitespace of plain values folded; '' for nothing. */
export const cleanValue = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return '';
  return String(value).replace(/\s+/g, ' ').trim();
};

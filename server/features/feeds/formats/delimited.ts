import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { csvColumns, partnerColumns, rowsByName, rowsOf, type FieldRow } from '../../../offer-fields/field-map.js';
import { plainWords } from '../../../offer-fields/vocabulary.js';
import { FeedParseError, cleanValue, type RawRecord, type RecordSink } from './records.js';
import { formatValue, type ExportValues } from './values.js';

/**
 * The two delimited formats: the documented CSV (header of the field map's `csv` column, `;`, `,` or
 * tab, quoted fields) and France Travail's partner file (header of the `partnerFile` column, `|`, no
 * quoting). Both need a header line; columns not in the field map are ignored.
 */

/** CSV columns an import cannot do without. */
export const CSV_REQUIRED = ['reference', 'titre', 'description', 'contrat'];
/** Partner file columns an import cannot do without (the title is the job title label). */
export const PARTNER_REQUIRED = ['Par_ref_offre', 'Libelle_metier_OGR', 'Description', 'TCO_cle'];

interface Dialect {
  delimiter: string;
  quote: string | false;
  /** Header cell → field-map row and, for two-column fields, which half. */
  lookup(header: string): { row: FieldRow; part: 0 | 1 } | undefined;
  required: string[];
  normalise(header: string): string;
}

const csvRows = rowsByName('csv');
const partnerRows = rowsByName('partnerFile');

function partOf(row: FieldRow, name: string): 0 | 1 {
  return Array.isArray(row.partnerFile) && row.partnerFile[1] === name ? 1 : 0;
}

const csvHeader = (header: string) => plainWords(header).replace(/ /g, '_');

async function readDelimited(chunks: AsyncIterable<string>, sink: RecordSink, dialect: Dialect | ((firstChunk: string) => Dialect)): Promise<void> {
  const source = Readable.from(chunks);
  let chosen: Dialect | undefined = typeof dialect === 'function' ? undefined : dialect;
  const first: string[] = [];
  const iterator = source[Symbol.asyncIterator]();
  const firstChunk = await iterator.next();
  if (firstChunk.done) throw new FeedParseError('EMPTY_FILE');
  first.push(String(firstChunk.value));
  chosen ??= (dialect as (first: string) => Dialect)(first[0]);
  const parser = parse({
    delimiter: chosen.delimiter,
    quote: chosen.quote === false ? null : chosen.quote,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    bom: true,
    info: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      sink.problem(`ligne ${error?.lines ?? '?'}`, 'feeds.unreadable.line', { code: error?.code ?? 'CSV' });
      return undefined;
    },
  });
  const feed = Readable.from(
    (async function* () {
      yield* first;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield String(next.value);
    })(),
  );
  feed.on('error', (error) => parser.destroy(error));
  feed.pipe(parser);
  let columns: ({ row: FieldRow; part: 0 | 1 } | undefined)[] | undefined;
  // A quoted cell may span lines: a record is named by the line it starts on.
  let lastLine = 0;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const position = `ligne ${lastLine + 1}`;
    lastLine = info.lines;
    if (!columns) {
      const headers = record.map((cell) => chosen!.normalise(cell));
      const missing = chosen.required.filter((name) => !headers.includes(chosen!.normalise(name)));
      if (missing.length > 0) throw new FeedParseError('MISSING_COLUMNS', { columns: missing.join(', ') });
      columns = headers.map((header) => chosen!.lookup(header));
      continue;
    }
    if (record.length !== columns.length) {
      sink.problem(position, 'feeds.unreadable.columns', { found: record.length, expected: columns.length });
      continue;
    }
    const values: RawRecord['values'] = {};
    const pairs = new Map<FieldRow, [string, string]>();
    record.forEach((cell, i) => {
      const column = columns![i];
      if (!column) return;
      const text = column.row.kind === 'html' ? cell.trim() : cleanValue(cell);
      if (Array.isArray(column.row.partnerFile)) {
        const pair = pairs.get(column.row) ?? ['', ''];
        pair[column.part] = text;
        pairs.set(column.row, pair);
      } else if (text !== '') values[column.row.field] = text;
    });
    // Two-column fields of the partner file: hours and minutes; licence code and requirement.
    for (const [row, [first, second]] of pairs) {
      if (row.kind === 'hours' && first !== '') values[row.field] = `${first}h${second || '0'}`;
      if (row.kind === 'licence') values[row.field] = first !== '' ? 'oui' : 'non';
    }
    // A deletion movement says the offer is gone: it is left out, as if absent.
    if (values.movement?.toUpperCase() === 'S') continue;
    sink.record({ values, position });
  }
  if (!columns) throw new FeedParseError('EMPTY_FILE');
}

/** The documented CSV: the delimiter is the one the header line uses most (`;`, `,` or tab). */
export function readCsv(chunks: AsyncIterable<string>, sink: RecordSink): Promise<void> {
  return readDelimited(chunks, sink, (first) => {
    const line = first.split(/\r?\n/)[0];
    const count = (c: string) => line.split(c).length - 1;
    const delimiter = [';', ',', '\t'].sort((a, b) => count(b) - count(a))[0];
    return {
      delimiter,
      quote: '"',
      normalise: csvHeader,
      lookup: (header) => {
        const row = csvRows.get(header);
        return row ? { row, part: 0 } : undefined;
      },
      required: CSV_REQUIRED,
    };
  });
}

/** France Travail's partner file: `|`, no quotes, column names as France Travail spells them. */
export function readPartnerFile(chunks: AsyncIterable<string>, sink: RecordSink): Promise<void> {
  return readDelimited(chunks, sink, {
    delimiter: '|',
    quote: false,
    normalise: (header) => header.trim(),
    lookup: (header) => {
      const row = partnerRows.get(header);
      return row ? { row, part: partOf(row, header) } : undefined;
    },
    required: PARTNER_REQUIRED,
  });
}

/** A partner file cell: no `|` and no line break can survive (the format has no quoting). */
const partnerCell = (value: string) => value.replace(/\s*[|\r\n]+\s*/g, ' ').trim();

/** France Travail's partner file: the header, then one line per offer (movement and consent included in the values). */
export function writePartnerFile(offers: ExportValues[]): string {
  const rows = rowsOf('partnerFile');
  const lines = [partnerColumns().join('|')];
  for (const offer of offers) {
    const cells = rows.flatMap((row) => {
      const value = formatValue(row, 'partnerFile', offer);
      return (Array.isArray(value) ? value : [value]).map(partnerCell);
    });
    lines.push(cells.join('|'));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The documented CSV's header line (for the help text and the downloadable template). */
export const csvTemplate = () => `${csvColumns().join(';')}\r\n`;

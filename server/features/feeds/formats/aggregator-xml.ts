import { rowsByName, rowsOf } from '../../../offer-fields/field-map.js';
import { escapeXml } from '../../seo/xml.js';
import { cleanValue, FeedParseError, type RecordSink } from './records.js';
import { formatValue, type ExportValues } from './values.js';
import { parseMarkup } from './xml.js';

/**
 * The aggregator feed shape (`<source>` with publisher, publisherurl, lastBuildDate and one `<job>`
 * per offer), read and written through the field map's `xml` column.
 */

const XML_FIELDS = rowsByName('xml');

/** Reads `<source><job>…</job></source>` while it streams in. A document without `<source>` is not such a feed. */
export async function readAggregatorXml(chunks: AsyncIterable<string>, sink: RecordSink): Promise<void> {
  let sawSource = false;
  let job: Record<string, string> | undefined;
  let jobIndex = 0;
  let field: string | undefined;
  let depthInField = 0;
  let text = '';
  await parseMarkup(chunks, {
    open(name) {
      if (name === 'source') sawSource = true;
      if (name === 'job' && sawSource && !job) {
        job = {};
        jobIndex += 1;
        return;
      }
      if (!job) return;
      if (field) depthInField += 1;
      else {
        field = name;
        depthInField = 0;
        text = '';
      }
    },
    text(chunk) {
      if (field) text += chunk;
    },
    close(name) {
      if (!job) return;
      if (name === 'job' && !field) {
        const values: Record<string, string> = {};
        for (const [element, value] of Object.entries(job)) {
          const row = XML_FIELDS.get(element);
          if (row) values[row.field] = row.kind === 'html' ? value.trim() : cleanValue(value);
        }
        sink.record({ values, position: `offre n° ${jobIndex}` });
        job = undefined;
        return;
      }
      if (field && depthInField > 0) {
        depthInField -= 1;
        return;
      }
      if (field === name) {
        job[field] = (job[field] ?? '') + text;
        field = undefined;
      }
    },
  });
  if (!sawSource) throw new FeedParseError('NOT_AGGREGATOR_FEED');
}

const cdata = (text: string) => `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

export interface FeedMeta {
  publisher: string;
  publisherUrl: string;
  lastBuildDate: Date;
}

/** Our aggregator feed: one `<job>` per offer, every element of the field map's `xml` column that has a value. */
export function writeAggregatorXml(meta: FeedMeta, offers: ExportValues[]): string {
  const rows = rowsOf('xml');
  const jobs = offers.map((offer) => {
    const elements = rows
      .map((row) => {
        const value = formatValue(row, 'xml', offer) as string;
        if (value === '') return '';
        const body = row.kind === 'html' || row.field === 'title' || row.field === 'company_name' ? cdata(value) : escapeXml(value);
        return `    <${row.xml}>${body}</${row.xml}>`;
      })
      .filter(Boolean);
    return ['  <job>', ...elements, '  </job>'].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<source>',
    `  <publisher>${escapeXml(meta.publisher)}</publisher>`,
    `  <publisherurl>${escapeXml(meta.publisherUrl)}</publisherurl>`,
    `  <lastBuildDate>${meta.lastBuildDate.toUTCString()}</lastBuildDate>`,
    ...jobs,
    '</source>',
    '',
  ].join('\n');
}

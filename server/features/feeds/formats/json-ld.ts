import { rowsOf } from '../../../offer-fields/field-map.js';
import { cleanValue, FeedParseError, type RawRecord, type RecordSink } from './records.js';
import { parseMarkup } from './xml.js';

/**
 * schema.org JobPosting in JSON-LD (`<script type="application/ld+json">`), on a careers page or on
 * every page a sitemap lists, read through the field map's `schemaOrg` column. Postings may stand
 * alone, in an array, in `@graph`, or in an ItemList.
 */

/** Fetches one more page (a sitemap's entry) through the same guarded fetcher; its text as chunks. */
export type PageFetcher = (url: string) => Promise<{ url: string; chunks: AsyncIterable<string> }>;

export interface JsonLdOptions {
  /** Address of the document being read (the careers page or the sitemap). */
  url: string;
  fetchPage: PageFetcher;
  /** Pages read from a sitemap, at most. */
  maxPages: number;
}

/** Values found at a dotted path; arrays are walked (jobLocation may list several places: the first wins). */
function at(value: unknown, path: string[]): unknown {
  if (path.length === 0) return value;
  if (Array.isArray(value)) return at(value[0], path);
  if (value === null || typeof value !== 'object') return path[0] === 'value' && path.length === 1 ? value : undefined;
  return at((value as Record<string, unknown>)[path[0]], path.slice(1));
}

const SCHEMA_ROWS = rowsOf('schemaOrg');

function textOf(value: unknown): string {
  if (Array.isArray(value)) return value.map(textOf).filter(Boolean).join(' ');
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return textOf(object.name ?? object.value ?? object['@value'] ?? '');
  }
  return cleanValue(value);
}

const isJobPosting = (node: Record<string, unknown>) => {
  const type = node['@type'];
  return type === 'JobPosting' || (Array.isArray(type) && type.includes('JobPosting'));
};

/** Every JobPosting object in a parsed JSON-LD block. */
export function jobPostingsIn(data: unknown, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(data)) {
    for (const item of data) jobPostingsIn(item, found);
    return found;
  }
  if (data === null || typeof data !== 'object') return found;
  const node = data as Record<string, unknown>;
  if (isJobPosting(node)) found.push(node);
  else {
    if (node['@graph']) jobPostingsIn(node['@graph'], found);
    if (node.itemListElement) jobPostingsIn(node.itemListElement, found);
    if (node.item) jobPostingsIn(node.item, found);
  }
  return found;
}

/** One JobPosting → the board's field names, as written. */
export function postingValues(posting: Record<string, unknown>, pageUrl: string): RawRecord['values'] {
  const values: RawRecord['values'] = {};
  for (const row of SCHEMA_ROWS) {
    const raw = at(posting, row.schemaOrg!.split('.'));
    const text = row.kind === 'html' ? (typeof raw === 'string' ? raw.trim() : '') : textOf(raw);
    if (text !== '') values[row.field] = text;
  }
  // A single figure is written as value.value; an identifier may be a plain string.
  values.salary_min ??= textOf(at(posting, ['baseSalary', 'value', 'value'])) || undefined;
  if (!values.reference) values.reference = textOf(posting.identifier) || values.offer_url || undefined;
  values.offer_url ??= pageUrl;
  return values;
}

async function head(chunks: AsyncIterable<string>): Promise<{ start: string; rest: AsyncIterable<string> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const seen: string[] = [];
  let length = 0;
  let done = false;
  while (length < 1024) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    seen.push(next.value);
    length += next.value.length;
  }
  async function* rest() {
    yield* seen;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { start: seen.join(''), rest: rest() };
}

/** The JSON-LD blocks of an HTML page, each parsed; an unparsable block is reported, the others kept. */
async function readPage(chunks: AsyncIterable<string>, url: string, sink: RecordSink): Promise<void> {
  const blocks: string[] = [];
  let inScript = false;
  let current = '';
  await parseMarkup(
    chunks,
    {
      open(name, attributes) {
        if (name === 'script' && (attributes.type ?? '').toLowerCase().split(';')[0].trim() === 'application/ld+json') {
          inScript = true;
          current = '';
        }
      },
      text(text) {
        if (inScript) current += text;
      },
      close(name) {
        if (name === 'script' && inScript) {
          inScript = false;
          blocks.push(current);
        }
      },
    },
    { html: true },
  );
  let index = 0;
  for (const block of blocks) {
    let data: unknown;
    try {
      data = JSON.parse(block);
    } catch {
      sink.problem(url, 'feeds.unreadable.jsonLd');
      continue;
    }
    for (const posting of jobPostingsIn(data)) {
      index += 1;
      sink.record({ values: postingValues(posting, url), position: index > 1 ? `${url} (offre n° ${index})` : url });
    }
  }
}

/** The page addresses of a sitemap (`<urlset>`), or the child sitemaps of a sitemap index. */
async function readSitemap(chunks: AsyncIterable<string>): Promise<{ pages: string[]; sitemaps: string[] }> {
  const pages: string[] = [];
  const sitemaps: string[] = [];
  let parent = '';
  let inLoc = false;
  let loc = '';
  await parseMarkup(chunks, {
    open(name) {
      if (name === 'url' || name === 'sitemap') parent = name;
      if (name === 'loc') {
        inLoc = true;
        loc = '';
      }
    },
    text(text) {
      if (inLoc) loc += text;
    },
    close(name) {
      if (name === 'loc') {
        inLoc = false;
        (parent === 'sitemap' ? sitemaps : pages).push(loc.trim());
      }
    },
  });
  return { pages, sitemaps };
}

/**
 * A careers page, or a sitemap whose pages carry JobPostings. Pages that cannot be fetched are
 * reported through `pageFailed`: the offers last seen on them are not counted as gone.
 */
export async function readJsonLd(chunks: AsyncIterable<string>, sink: RecordSink, options: JsonLdOptions, pageFailed: (url: string) => void): Promise<void> {
  const { start, rest } = await head(chunks);
  if (!/<(urlset|sitemapindex)[\s>]/i.test(start)) return readPage(rest, options.url, sink);
  let { pages, sitemaps } = await readSitemap(rest);
  // One level of sitemap index: its sitemaps' pages.
  for (const child of sitemaps.slice(0, 20)) {
    try {
      const fetched = await options.fetchPage(child);
      pages = pages.concat((await readSitemap(fetched.chunks)).pages);
    } catch {
      pageFailed(child);
    }
  }
  if (pages.length > options.maxPages) throw new FeedParseError('TOO_MANY_PAGES', { max: options.maxPages });
  for (const page of pages) {
    try {
      const fetched = await options.fetchPage(page);
      await readPage(fetched.chunks, fetched.url, sink);
    } catch (error) {
      if (error instanceof FeedParseError && error.code === 'TOO_MANY_RECORDS') throw error;
      pageFailed(page);
    }
  }
}

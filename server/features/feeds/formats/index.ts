import { readAggregatorXml } from './aggregator-xml.js';
import { readCsv, readPartnerFile } from './delimited.js';
import { readJsonLd, type PageFetcher } from './json-ld.js';
import type { RecordSink } from './records.js';

/** The formats a company's source may be in (feed_sources.format). */
export const FEED_FORMATS = ['json_ld', 'aggregator_xml', 'partner_file', 'csv'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

export interface ReadContext {
  /** Address of the document (URL sources), for JSON-LD pages and sitemaps. */
  url?: string;
  /** Further pages of a sitemap (URL sources only; an upload cannot make the server fetch anything). */
  fetchPage?: PageFetcher;
  maxPages: number;
  /** A sitemap page that could not be read: offers last seen there are not counted as gone. */
  pageFailed(url: string): void;
}

/** Reads a whole document of `format` into `sink`, as its text streams in. */
export async function readFeed(format: FeedFormat, chunks: AsyncIterable<string>, sink: RecordSink, context: ReadContext): Promise<void> {
  switch (format) {
    case 'aggregator_xml':
      return readAggregatorXml(chunks, sink);
    case 'csv':
      return readCsv(chunks, sink);
    case 'partner_file':
      return readPartnerFile(chunks, sink);
    case 'json_ld': {
      const fetchPage: PageFetcher =
        context.fetchPage ??
        (async (url) => {
          throw new Error(`page non lue (${url}) : un fichier déposé ne peut pas renvoyer vers d’autres pages`);
        });
      return readJsonLd(chunks, sink, { url: context.url ?? 'fichier', fetchPage, maxPages: context.maxPages }, context.pageFailed);
    }
  }
}

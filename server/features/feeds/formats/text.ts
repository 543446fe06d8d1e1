import type { Readable } from 'node:stream';
import { FeedParseError } from './records.js';

/** Encodings feeds come in: UTF-8 by default; Latin-1 and Windows-1252 still appear in French ATS exports. */
const LABELS: Record<string, string> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'iso-8859-1': 'windows-1252',
  'iso-8859-15': 'iso-8859-15',
  latin1: 'windows-1252',
  'windows-1252': 'windows-1252',
  'us-ascii': 'utf-8',
};

function charsetOf(text: string): string | undefined {
  return /charset\s*=\s*["']?([A-Za-z0-9_-]+)/i.exec(text)?.[1]?.toLowerCase();
}

/** The encoding declared by the XML prolog or an HTML meta tag within the first bytes. */
function declaredInContent(head: Buffer): string | undefined {
  const ascii = head.toString('latin1', 0, Math.min(head.length, 1024));
  return /<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_-]+)["']/i.exec(ascii)?.[1]?.toLowerCase() ?? /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)/i.exec(ascii)?.[1]?.toLowerCase();
}

/**
 * The body as text chunks, decoded as the HTTP header says, else as the document declares, else UTF-8
 * (a UTF-8 BOM is dropped). An unknown encoding is refused rather than guessed.
 */
export async function* textChunks(body: Readable | AsyncIterable<Buffer>, contentType = ''): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (!decoder) {
      const label = charsetOf(contentType) ?? declaredInContent(chunk) ?? 'utf-8';
      const encoding = LABELS[label];
      if (!encoding) throw new FeedParseError('ENCODING', { encoding: label });
      decoder = new TextDecoder(encoding, { ignoreBOM: false });
    }
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder?.decode();
  if (rest) yield rest;
}

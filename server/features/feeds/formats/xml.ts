import { Parser } from 'htmlparser2';
import { FeedParseError } from './records.js';

export interface XmlHandlers {
  open?(name: string, attributes: Record<string, string>): void;
  /** Text and CDATA content, decoded (only the five XML entities and character references). */
  text?(text: string): void;
  close?(name: string): void;
}

/**
 * Streaming XML (or HTML, `html: true`) through htmlparser2, which never expands entities other than
 * the five of XML and character references, and never fetches anything. On top of that, a document
 * that declares entities or an internal DTD subset (XXE, « billion laughs ») is refused outright:
 * no feed needs one, and refusing says so instead of silently parsing something else.
 * Element names are lower-cased in XML mode too, as aggregator feeds vary in case.
 */
export async function parseMarkup(chunks: AsyncIterable<string>, handlers: XmlHandlers, options: { html?: boolean } = {}): Promise<void> {
  let refused: FeedParseError | undefined;
  const parser = new Parser(
    {
      onprocessinginstruction(name, data) {
        const lower = name.toLowerCase();
        if (lower === '!entity' || (lower === '!doctype' && (data.includes('[') || /<!ENTITY/i.test(data)))) {
          refused ??= new FeedParseError('DTD_REFUSED');
        }
      },
      onopentag(name, attributes) {
        if (!refused) handlers.open?.(name.toLowerCase(), attributes);
      },
      ontext(text) {
        if (!refused) handlers.text?.(text);
      },
      onclosetag(name) {
        if (!refused) handlers.close?.(name.toLowerCase());
      },
    },
    { xmlMode: !options.html, decodeEntities: true, recognizeCDATA: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  for await (const chunk of chunks) {
    parser.write(chunk);
    if (refused) throw refused;
  }
  parser.end();
  if (refused) throw refused;
}

import sanitizeHtml from 'sanitize-html';

/**
 * The only HTML an offer description may hold: text structure and links. Everything else is dropped
 * (script, style, iframes, event handlers, inline styles, classes), and links may only point to
 * http(s) or mailto, open with rel="nofollow noopener noreferrer ugc".
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'b', 'em', 'i', 'u', 'ul', 'ol', 'li', 'h3', 'h4', 'blockquote', 'a'],
  // rel is always overwritten by the transform below.
  allowedAttributes: { a: ['href', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // Content of these is dropped with the tag (not kept as text).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'template', 'iframe', 'object'],
  disallowedTagsMode: 'discard',
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer ugc' }),
    // Employers paste titles from Word: keep them below the page's own h1/h2.
    h1: 'h3',
    h2: 'h3',
  },
  exclusiveFilter: (frame) => frame.tag === 'a' && !frame.attribs.href,
};

export function sanitizeDescription(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

/** The description as plain text (length checks, search documents, feed summaries). */
export function descriptionText(html: string): string {
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }).replace(/\s+/g, ' ').trim();
}

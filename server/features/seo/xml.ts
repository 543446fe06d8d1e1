/** Escapes text for XML element content and double-quoted attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export interface SitemapEntry {
  loc: string;
  lastmod?: Date;
}

/** sitemaps.org 0.9 urlset. */
export function sitemapXml(entries: SitemapEntry[]): string {
  const urls = entries.map(
    (e) => `  <url><loc>${escapeXml(e.loc)}</loc>${e.lastmod ? `<lastmod>${e.lastmod.toISOString()}</lastmod>` : ''}</url>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}

export interface FeedItem {
  title: string;
  link: string;
  /** HTML, carried as escaped text as RSS 2.0 expects. */
  descriptionHtml: string;
  published: Date;
  category?: string;
}

/** RSS 2.0 channel with an atom:link to itself (what feed validators ask for). */
export function rssXml(channel: { title: string; link: string; selfLink: string; description: string; language: string }, items: FeedItem[]): string {
  const lastBuild = items[0]?.published ?? new Date(0);
  const body = items.map((item) =>
    [
      '    <item>',
      `      <title>${escapeXml(item.title)}</title>`,
      `      <link>${escapeXml(item.link)}</link>`,
      `      <guid isPermaLink="true">${escapeXml(item.link)}</guid>`,
      `      <pubDate>${item.published.toUTCString()}</pubDate>`,
      item.category ? `      <category>${escapeXml(item.category)}</category>` : '',
      `      <description>${escapeXml(item.descriptionHtml)}</description>`,
      '    </item>',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    '  <channel>',
    `    <title>${escapeXml(channel.title)}</title>`,
    `    <link>${escapeXml(channel.link)}</link>`,
    `    <atom:link href="${escapeXml(channel.selfLink)}" rel="self" type="application/rss+xml"/>`,
    `    <description>${escapeXml(channel.description)}</description>`,
    `    <language>${escapeXml(channel.language)}</language>`,
    `    <lastBuildDate>${lastBuild.toUTCString()}</lastBuildDate>`,
    ...body,
    '  </channel>',
    '</rss>',
    '',
  ].join('\n');
}

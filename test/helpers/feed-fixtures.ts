/**
 * Fixture feeds for the import tests, written the way real emitters write them: an ATS's aggregator
 * XML, a careers page with JSON-LD, France Travail's partner file, the documented CSV. Each builder
 * takes the same simple job description, so a test can serve one list in every format.
 */
export interface FixtureJob {
  ref: string;
  title: string;
  description?: string;
  /** As the emitter writes it: « CDI », « Saisonnier », « TEMPORARY »… */
  contract?: string;
  city?: string;
  postalCode?: string;
  salary?: string;
  url?: string;
  date?: string;
  validThrough?: string;
  company?: string;
  /** Extra elements or properties, written as given (hostile or odd feeds). */
  extra?: Record<string, string>;
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const DEFAULT_DESCRIPTION = 'Au sein de notre équipe, vous accueillez la clientèle et participez à la bonne marche du service tout au long de la saison.';

/** `<source><job>…</job></source>` as ATS and job boards publish it for aggregators. */
export function aggregatorXml(jobs: FixtureJob[], publisher = 'ATS Exemple'): string {
  const job = (j: FixtureJob) =>
    [
      '  <job>',
      `    <title><![CDATA[${j.title}]]></title>`,
      `    <date><![CDATA[${j.date ?? 'Mon, 02 Mar 2026 08:00:00 GMT'}]]></date>`,
      `    <referencenumber><![CDATA[${j.ref}]]></referencenumber>`,
      j.url ? `    <url><![CDATA[${j.url}]]></url>` : '',
      `    <company><![CDATA[${j.company ?? 'Entreprise'}]]></company>`,
      j.city ? `    <city><![CDATA[${j.city}]]></city>` : '',
      '    <country>FR</country>',
      j.postalCode ? `    <postalcode>${j.postalCode}</postalcode>` : '',
      `    <description><![CDATA[<p>${j.description ?? DEFAULT_DESCRIPTION}</p>]]></description>`,
      j.salary ? `    <salary><![CDATA[${j.salary}]]></salary>` : '',
      j.contract ? `    <jobtype><![CDATA[${j.contract}]]></jobtype>` : '',
      j.validThrough ? `    <expirationdate>${j.validThrough}</expirationdate>` : '',
      ...Object.entries(j.extra ?? {}).map(([k, v]) => `    <${k}>${esc(v)}</${k}>`),
      '  </job>',
    ]
      .filter(Boolean)
      .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<source>\n  <publisher>${publisher}</publisher>\n  <publisherurl>https://ats.example</publisherurl>\n  <lastBuildDate>Mon, 02 Mar 2026 08:00:00 GMT</lastBuildDate>\n${jobs.map(job).join('\n')}\n</source>\n`;
}

/** One JobPosting as schema.org and Google describe it. */
export function jobPosting(j: FixtureJob): Record<string, unknown> {
  return {
    '@context': 'https://schema.org/',
    '@type': 'JobPosting',
    title: j.title,
    description: `<p>${j.description ?? DEFAULT_DESCRIPTION}</p>`,
    identifier: { '@type': 'PropertyValue', name: j.company ?? 'Entreprise', value: j.ref },
    datePosted: j.date ?? '2026-03-02',
    ...(j.validThrough ? { validThrough: j.validThrough } : {}),
    employmentType: j.contract ?? 'FULL_TIME',
    hiringOrganization: { '@type': 'Organization', name: j.company ?? 'Entreprise' },
    jobLocation: { '@type': 'Place', address: { '@type': 'PostalAddress', addressLocality: j.city, postalCode: j.postalCode, addressCountry: 'FR' } },
    ...(j.url ? { url: j.url } : {}),
    ...j.extra,
  };
}

/** A careers page carrying its offers as JSON-LD (one block per offer, or one ItemList). */
export function careersPage(jobs: FixtureJob[], options: { itemList?: boolean; extraBlocks?: string[] } = {}): string {
  const blocks = options.itemList
    ? [JSON.stringify({ '@context': 'https://schema.org', '@type': 'ItemList', itemListElement: jobs.map((j, i) => ({ '@type': 'ListItem', position: i + 1, item: jobPosting(j) })) })]
    : jobs.map((j) => JSON.stringify(jobPosting(j)));
  return [
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Nous rejoindre</title>',
    ...blocks.map((b) => `<script type="application/ld+json">${b.replace(/</g, '\\u003c')}</script>`),
    ...(options.extraBlocks ?? []).map((b) => `<script type="application/ld+json">${b}</script>`),
    '</head><body><h1>Nos offres</h1>',
    ...jobs.map((j) => `<article><h2>${esc(j.title)}</h2></article>`),
    '</body></html>',
  ].join('\n');
}

export function sitemap(urls: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.map((u) => `  <url><loc>${esc(u)}</loc></url>`).join('\n')}\n</urlset>\n`;
}

/** The documented CSV (`;`, quoted when needed), header of the field map. */
export function csvFile(rows: Record<string, string>[]): string {
  const header = ['reference', 'titre', 'description', 'contrat', 'temps_travail', 'heures_hebdo', 'code_postal', 'commune', 'code_rome', 'salaire_min', 'salaire_max', 'salaire_unite', 'logement', 'diffusion'];
  const cell = (value = '') => (/[;"\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return [header.join(';'), ...rows.map((row) => header.map((h) => cell(row[h])).join(';'))].join('\r\n') + '\r\n';
}

/** France Travail's partner file as a partner sends it: `|`, header line, the mandatory columns. */
export function partnerFile(rows: Record<string, string>[]): string {
  const header = ['Par_ref_offre', 'Par_cle', 'Par_nom', 'Par_URL_offre', 'Code_rome', 'Code_OGR', 'Libelle_metier_OGR', 'Description', 'Exp_cle', 'Off_travail_hebdo_nb_hh', 'Off_travail_hebdo_nb_mi', 'NTC_cle', 'TCO_cle', 'CPO_cle', 'COM_cle', 'COM_libelle', 'Off_date_creation', 'Type_mouvement', 'Mode_diffusion'];
  return [header.join('|'), ...rows.map((row) => header.map((h) => row[h] ?? '').join('|'))].join('\n') + '\n';
}

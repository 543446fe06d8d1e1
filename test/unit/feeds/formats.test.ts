import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readAggregatorXml, writeAggregatorXml } from '../../../server/features/feeds/formats/aggregator-xml.js';
import { readCsv, readPartnerFile, writePartnerFile } from '../../../server/features/feeds/formats/delimited.js';
import { jobPostingsIn, postingValues, readJsonLd } from '../../../server/features/feeds/formats/json-ld.js';
import { FeedParseError, RecordSink } from '../../../server/features/feeds/formats/records.js';
import { textChunks } from '../../../server/features/feeds/formats/text.js';
import { partnerColumns } from '../../../server/offer-fields/field-map.js';
import { aggregatorXml, careersPage, csvFile, partnerFile, sitemap } from '../../helpers/feed-fixtures.js';
import { ROOT } from '../../helpers/tenant-fixtures.js';

const fixture = (name: string) => readFileSync(path.join(ROOT, 'test/fixtures/feeds', name), 'utf8');
/** Text as it arrives over the network: in small pieces. */
async function* pieces(text: string, size = 64) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function read(reader: (chunks: AsyncIterable<string>, sink: RecordSink) => Promise<void>, text: string, max = 100) {
  const sink = new RecordSink(max);
  await reader(pieces(text), sink);
  return sink;
}

describe('aggregator XML', () => {
  it('reads every job with the field map’s names, CDATA and entities decoded, while the text streams in', async () => {
    const sink = await read(readAggregatorXml, aggregatorXml([{ ref: 'R1', title: 'Chef & second de cuisine', city: 'Chamonix', postalCode: '74400', contract: 'CDI', salary: '2 400 €' }]));
    expect(sink.records).toEqual([
      {
        position: 'offre n° 1',
        values: expect.objectContaining({ reference: 'R1', title: 'Chef & second de cuisine', place_name: 'Chamonix', postal_code: '74400', contract: 'CDI', salary: '2 400 €', country: 'FR', company_name: 'Entreprise' }),
      },
    ]);
    expect(sink.records[0].values.description_html).toContain('<p>');
  });

  it('refuses an external entity (XXE) without reading the file, and a parameter entity pointing at the metadata service', async () => {
    for (const name of ['xxe-file.xml', 'xxe-parameter.xml']) {
      const error = await read(readAggregatorXml, fixture(name)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FeedParseError);
      expect((error as FeedParseError).code).toBe('DTD_REFUSED');
    }
  });

  it('refuses the billion laughs at once, without expanding anything', async () => {
    const started = process.hrtime.bigint();
    const error = await read(readAggregatorXml, fixture('billion-laughs.xml')).catch((e: unknown) => e);
    expect((error as FeedParseError).code).toBe('DTD_REFUSED');
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1_000);
  });

  it('never expands an undeclared entity either: it stays as text', async () => {
    const sink = await read(readAggregatorXml, '<source><job><title>A &lol; B</title><referencenumber>1</referencenumber></job></source>');
    expect(sink.records[0].values.title).toBe('A &lol; B');
  });

  it('refuses a document that is not such a feed (an HTML error page served with 200)', async () => {
    const error = await read(readAggregatorXml, '<html><body><h1>Maintenance</h1></body></html>').catch((e: unknown) => e);
    expect((error as FeedParseError).code).toBe('NOT_AGGREGATOR_FEED');
  });

  it('refuses a feed beyond the record limit as a whole', async () => {
    const jobs = Array.from({ length: 6 }, (_, i) => ({ ref: `R${i}`, title: 'Perchman' }));
    await expect(read(readAggregatorXml, aggregatorXml(jobs), 5)).rejects.toMatchObject({ code: 'TOO_MANY_RECORDS', params: { max: 5 } });
  });

  it('writes what it reads: title and description in CDATA, even with ]]> inside', async () => {
    const xml = writeAggregatorXml({ publisher: 'Emploi <Montagne>', publisherUrl: 'https://x.example', lastBuildDate: new Date('2026-03-02T08:00:00Z') }, [
      { reference: 'o1', title: 'Moniteur ]]> de ski', description_html: '<p>Cours & stages</p>', contract: 'seasonal', postal_code: '74400', salary_min: 1800, salary_max: 2000, salary_unit: 'month' },
    ]);
    expect(xml).toContain('<publisher>Emploi &lt;Montagne&gt;</publisher>');
    const back = await read(readAggregatorXml, xml);
    expect(back.records[0].values).toMatchObject({ reference: 'o1', title: 'Moniteur ]]> de ski', description_html: '<p>Cours & stages</p>', contract: 'Saisonnier', postal_code: '74400', salary: '1 800 – 2 000 € par mois' });
  });
});

describe('JSON-LD', () => {
  it('finds postings alone, in arrays, in @graph and in an ItemList, and reads the schema.org paths of the field map', async () => {
    const page = careersPage([{ ref: 'A', title: 'Cuisinier', city: 'Les Houches', postalCode: '74310', contract: 'FULL_TIME' }], {
      extraBlocks: [
        JSON.stringify({ '@context': 'https://schema.org', '@graph': [{ '@type': 'Organization', name: 'X' }, { '@type': ['JobPosting'], title: 'Serveur', identifier: 'B', employmentType: ['PART_TIME', 'TEMPORARY'] }] }),
        '{ pas du json',
      ],
    });
    const sink = new RecordSink(10);
    await readJsonLd(pieces(page), sink, { url: 'https://x.example/carrieres', fetchPage: async () => { throw new Error('no'); }, maxPages: 5 }, () => {});
    expect(sink.records.map((r) => r.values.reference)).toEqual(['A', 'B']);
    expect(sink.records[0].values).toMatchObject({ title: 'Cuisinier', place_name: 'Les Houches', postal_code: '74310', contract: 'FULL_TIME', working_time: 'FULL_TIME', company_name: 'Entreprise', offer_url: 'https://x.example/carrieres' });
    expect(sink.records[1].values).toMatchObject({ contract: 'PART_TIME TEMPORARY', offer_url: 'https://x.example/carrieres' });
    expect(sink.unreadable).toEqual([{ position: 'https://x.example/carrieres', reason: { key: 'feeds.unreadable.jsonLd' } }]);
  });

  it('reads a sitemap’s pages through the fetcher it is given and reports the pages that fail', async () => {
    const pages: Record<string, string> = { 'https://x.example/o1': careersPage([{ ref: 'o1', title: 'Perchman' }]) };
    const failed: string[] = [];
    const sink = new RecordSink(10);
    await readJsonLd(
      pieces(sitemap(['https://x.example/o1', 'https://x.example/o2'])),
      sink,
      {
        url: 'https://x.example/sitemap.xml',
        maxPages: 5,
        fetchPage: async (url) => {
          if (!pages[url]) throw new Error('HTTP 404');
          return { url, chunks: pieces(pages[url]) };
        },
      },
      (url) => failed.push(url),
    );
    expect(sink.records.map((r) => [r.values.reference, r.position])).toEqual([['o1', 'https://x.example/o1']]);
    expect(failed).toEqual(['https://x.example/o2']);
  });

  it('takes the identifier, else the posting’s url, as the reference', () => {
    const [posting] = jobPostingsIn({ '@type': 'JobPosting', title: 'X', url: 'https://x.example/offre/9', baseSalary: { value: { value: 12.5, unitText: 'HOUR' } } });
    expect(postingValues(posting, 'https://x.example/')).toMatchObject({ reference: 'https://x.example/offre/9', salary_min: '12.5', salary_unit: 'HOUR' });
  });
});

describe('delimited files', () => {
  it('reads the documented CSV whatever its delimiter, quoted fields and line breaks included', async () => {
    const rows = [{ reference: 'C1', titre: 'Vendeur; conseil', description: 'Ligne 1\nLigne "2"', contrat: 'CDD', code_postal: '74400', commune: 'Chamonix' }];
    const semicolon = await read(readCsv, csvFile(rows));
    expect(semicolon.records[0]).toMatchObject({ position: 'ligne 2', values: { reference: 'C1', title: 'Vendeur; conseil', description_html: 'Ligne 1\nLigne "2"', contract: 'CDD', postal_code: '74400' } });
    const comma = await read(readCsv, 'Reference,Titre,Description,Contrat,Code postal\nC2,Serveur,"Service, bar",CDI,74400\n');
    expect(comma.records[0].values).toMatchObject({ reference: 'C2', title: 'Serveur', description_html: 'Service, bar', contract: 'CDI', postal_code: '74400' });
  });

  it('refuses a CSV without the mandatory columns, and lists lines with the wrong number of cells', async () => {
    await expect(read(readCsv, 'ref;nom\n1;2\n')).rejects.toMatchObject({ code: 'MISSING_COLUMNS', params: { columns: 'reference, titre, description, contrat' } });
    const sink = await read(readCsv, 'reference;titre;description;contrat\nA;B;C;D\nX;Y\n');
    expect(sink.records).toHaveLength(1);
    expect(sink.unreadable).toEqual([{ position: 'ligne 3', reason: { key: 'feeds.unreadable.columns', params: { found: 2, expected: 4 } } }]);
  });

  it('reads France Travail’s partner file: hours and minutes joined, deletions left out', async () => {
    const text = partnerFile([
      { Par_ref_offre: 'P1', Libelle_metier_OGR: 'Cuisinier / Cuisinière', Description: 'Cuisine "maison", desserts', TCO_cle: 'CDD', NTC_cle: 'E2', Off_travail_hebdo_nb_hh: '35', Off_travail_hebdo_nb_mi: '30', CPO_cle: '74400', Mode_diffusion: 'N' },
      { Par_ref_offre: 'P2', Libelle_metier_OGR: 'Serveur', Description: 'x', TCO_cle: 'CDI', Type_mouvement: 'S' },
    ]);
    const sink = await read(readPartnerFile, text);
    expect(sink.records).toHaveLength(1);
    expect(sink.unreadable).toEqual([]);
    expect(sink.records[0].values).toMatchObject({ reference: 'P1', ogr_label: 'Cuisinier / Cuisinière', contract: 'CDD', contract_nature: 'E2', hours_per_week: '35h30', postal_code: '74400', export_consent: 'N' });
  });

  it('writes a partner file whose every line has the header’s columns, without pipes or line breaks in cells', async () => {
    const text = writePartnerFile([{ reference: 'o1', description_html: 'Une | deux\ntrois', hours_per_week: 39.5, driving_licence: true, movement: 'C', export_consent: true, start_date: '2026-12-05' }]);
    const [header, line] = text.trimEnd().split('\r\n');
    expect(header.split('|')).toEqual(partnerColumns());
    const cells = Object.fromEntries(header.split('|').map((name, i) => [name, line.split('|')[i]]));
    expect(cells).toMatchObject({ Par_ref_offre: 'o1', Description: 'Une deux trois', Off_travail_hebdo_nb_hh: '35', Off_travail_hebdo_nb_mi: '0', PCO_cle_1: 'B', PCO_exi_cle_1: 'E', Type_mouvement: 'C', Mode_diffusion: 'O', Date_debut_contrat: '05/12/2026' });
  });
});

describe('text decoding', () => {
  it('decodes Latin-1 as the XML prolog declares it, and UTF-8 with or without BOM', async () => {
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><source><job><title>Réceptionniste</title></job></source>', 'latin1');
    let text = '';
    for await (const chunk of textChunks(Readable.from([latin1]))) text += chunk;
    expect(text).toContain('Réceptionniste');
    text = '';
    for await (const chunk of textChunks(Readable.from([Buffer.from('\uFEFFréf;titre', 'utf8')]), 'text/csv; charset=utf-8')) text += chunk;
    expect(text).toBe('réf;titre');
    await expect(async () => {
      for await (const _ of textChunks(Readable.from([Buffer.from('x')]), 'text/xml; charset=shift_jis'));
    }).rejects.toMatchObject({ code: 'ENCODING', params: { encoding: 'shift_jis' } });
  });
});

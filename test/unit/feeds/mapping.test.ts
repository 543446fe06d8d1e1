import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { descriptionHtml, parseAmount, parseFeedDate, parseHours, parseSalaryText } from '../../../server/features/feeds/record-mapping.js';
import { appellationForms, RomeMatcher, tradeWords } from '../../../server/features/feeds/rome-matcher.js';
import { formatValue, monthsBetween, salaryText, splitHours } from '../../../server/features/feeds/formats/values.js';
import { plainDescription } from '../../../server/features/feeds/export-service.js';
import { FIELD_MAP, OFFER_FIELDS, csvColumns, partnerColumns, rowsOf } from '../../../server/offer-fields/field-map.js';
import { booleanFromWords, contractFromFranceTravail, contractFromWords, experienceFromWords, housingFromWords, salaryUnitFromWords, workingTimeFromWords } from '../../../server/offer-fields/vocabulary.js';
import { CONTRACTS } from '../../../server/db/database.js';
import { ROOT } from '../../helpers/tenant-fixtures.js';

describe('vocabulary of feeds', () => {
  it.each([
    ['CDI', 'cdi'],
    ['Contrat à durée indéterminée', 'cdi'],
    ['CDD de 6 mois', 'cdd'],
    ['TEMPORARY', 'cdd'],
    ['CDD saisonnier', 'seasonal'],
    ['Saison d’hiver', 'seasonal'],
    ['Intérim', 'interim'],
    ['CONTRACTOR', 'interim'],
    ['Alternance (CDD)', 'apprenticeship'],
    ['Contrat de professionnalisation', 'apprenticeship'],
    ['Stage de fin d’études', 'internship'],
    ['INTERN', 'internship'],
    ['CDI à temps partagé (groupement d’employeurs)', 'shared_time'],
    ['Bénévolat', undefined],
    ['', undefined],
  ])('reads « %s » as %s', (text, contract) => {
    expect(contractFromWords(text)).toBe(contract);
  });

  it('reads France Travail’s contract codes, natures first', () => {
    expect(contractFromFranceTravail('CDD', 'E2')).toBe('apprenticeship');
    expect(contractFromFranceTravail('CDD', 'FS')).toBe('apprenticeship');
    expect(contractFromFranceTravail('SAI', 'E1')).toBe('seasonal');
    expect(contractFromFranceTravail('MIS', 'E1')).toBe('interim');
    expect(contractFromFranceTravail('CDI', 'E1')).toBe('cdi');
    expect(contractFromFranceTravail('LIB', 'E1')).toBeUndefined();
  });

  it('reads working time, units, experience, housing and yes/no', () => {
    expect(workingTimeFromWords('PART_TIME')).toBe('part_time');
    expect(workingTimeFromWords('Temps plein')).toBe('full_time');
    expect(salaryUnitFromWords('MONTH')).toBe('month');
    expect(salaryUnitFromWords('H')).toBe('hour');
    expect(salaryUnitFromWords('brut annuel')).toBe('year');
    expect(salaryUnitFromWords('€')).toBeUndefined();
    expect(experienceFromWords('E')).toBe('experienced');
    expect(experienceFromWords('24')).toBe('experienced');
    expect(experienceFromWords('Débutant accepté')).toBe('none');
    expect(housingFromWords('Logement fourni')).toBe('provided');
    expect(housingFromWords('aide au logement')).toBe('help');
    expect(booleanFromWords('O')).toBe(true);
    expect(booleanFromWords('non')).toBe(false);
    expect(booleanFromWords('peut-être')).toBeUndefined();
  });
});

describe('values in feeds', () => {
  it.each([
    ['1 850,50', 1850.5],
    ['1850.5', 1850.5],
    ['1.850', 1850],
    ['2 100 €', 2100],
    ['32k€', 32000],
    ['12,50 €/h', 12.5],
    ['sans', undefined],
  ])('reads the amount « %s »', (text, value) => {
    expect(parseAmount(text)).toBe(value);
  });

  it('reads salary texts, hours and dates the way emitters write them', () => {
    expect(parseSalaryText('1 900 – 2 200 € par mois')).toEqual({ min: 1900, max: 2200, unit: 'month' });
    expect(parseSalaryText("12,50 € de l'heure")).toEqual({ min: 12.5, max: undefined, unit: 'hour' });
    expect(parseHours('35h30')).toBeCloseTo(35.5);
    expect(parseHours('24,5 heures')).toBe(24.5);
    expect(parseHours('39')).toBe(39);
    expect(parseFeedDate('31/01/2027')).toMatchObject({ day: '2027-01-31' });
    expect(parseFeedDate('2027-01-31T10:00:00+01:00')).toMatchObject({ day: '2027-01-31' });
    expect(parseFeedDate('Mon, 02 Mar 2026 08:00:00 GMT')).toMatchObject({ day: '2026-03-02' });
    expect(parseFeedDate('demain')).toBeUndefined();
  });

  it('turns plain text into paragraphs, decodes escaped HTML, keeps HTML', () => {
    expect(descriptionHtml('Première ligne\nsuite <sans balise>\n\nDeuxième paragraphe')).toBe('<p>Première ligne<br>suite &lt;sans balise&gt;</p><p>Deuxième paragraphe</p>');
    expect(descriptionHtml('&lt;p&gt;Cuisine &amp; service&lt;/p&gt;')).toBe('<p>Cuisine & service</p>');
    expect(descriptionHtml('<ul><li>a</li></ul>')).toBe('<ul><li>a</li></ul>');
  });

  it('writes France Travail’s hours split in hours and minutes (at most 35), dates DD/MM/YYYY and durations in months', () => {
    expect(splitHours(24.5)).toEqual([24, 30]);
    expect(splitHours(35)).toEqual([35, 0]);
    expect(splitHours(39)).toEqual([35, 0]);
    const row = FIELD_MAP.find((r) => r.field === 'published_at')!;
    expect(formatValue(row, 'partnerFile', { published_at: new Date('2026-12-31T23:30:00Z') })).toBe('01/01/2027');
    expect(monthsBetween('2026-12-12', '2027-04-18')).toBe(4);
    expect(salaryText(1800, null, 'month')).toMatch(/^1\s800 € par mois$/);
    expect(plainDescription('<h3>Missions</h3><ul><li>Damer</li><li>Baliser</li></ul><p>Logé<br>nourri</p>')).toBe('Missions Damer Baliser Logé nourri');
  });
});

describe('the field map', () => {
  it('has one row per field, each field of the list mapped, each name used once per format', () => {
    expect(FIELD_MAP.map((r) => r.field).sort()).toEqual([...OFFER_FIELDS].sort());
    for (const format of ['xml', 'csv', 'schemaOrg'] as const) {
      const names = rowsOf(format).map((r) => r[format]);
      // schema.org's employmentType carries both the contract and the working time.
      const expectedDuplicates = format === 'schemaOrg' ? ['employmentType'] : [];
      expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual(expectedDuplicates);
    }
    expect(new Set(partnerColumns()).size).toBe(partnerColumns().length);
    expect(csvColumns()).toContain('reference');
  });

  it('gives every contract a word that reads back as itself and a France Travail code (internships aside)', () => {
    for (const contract of CONTRACTS) {
      expect(contractFromWords(formatValue(FIELD_MAP.find((r) => r.field === 'contract')!, 'xml', { contract }) as string)).toBe(contract);
    }
  });
});

describe('ROME from the title', () => {
  const rows = parse(readFileSync(path.join(ROOT, 'data/rome-appellations.csv')), { columns: true }) as Record<string, string>[];
  const matcher = new RomeMatcher(rows.map((r) => ({ ogr: Number(r.code_ogr), label: r.libelle_appellation_long, shortLabel: r.libelle_appellation_court, romeCode: r.code_rome, isMain: r.classification === 'PRINCIPALE' })));

  it('expands appellations into their masculine and feminine forms', () => {
    expect(appellationForms('Conseiller vendeur / Conseillère vendeuse croisières')).toEqual(['Conseiller vendeur croisières', 'Conseillère vendeuse croisières']);
    expect(tradeWords('Moniteurs de ski (H/F)')).toEqual(['moniteur', 'ski', 'h', 'f']);
  });

  it.each([
    ['Pisteur secouriste H/F', 'K1726', true],
    ['Cuisinier (H/F) CDI', 'G1609', true],
    ['Réceptionniste hôtel', 'G1703', true],
    ['Conducteur de télésiège saison hiver 2026', 'N4402', true],
    ['Skiwoman', 'D1211', true],
    ['Serveuse saisonnière - restaurant d’altitude', 'G1803', true],
    ['Technicien de maintenance remontées mécaniques', 'I1301', true],
    ['Moniteur de ski', 'G1204', false],
    ['Assistant RH en alternance', 'M1501', false],
  ])('finds « %s » → %s (sure: %s)', (title, rome, sure) => {
    expect(matcher.match(title)).toMatchObject({ romeCode: rome, sure });
  });

  it('finds nothing in words that name no trade, and looks within one ROME code when asked', () => {
    expect(matcher.match('Super opportunité à saisir !')).toBeUndefined();
    expect(matcher.match('Plongeur', 'G1605')).toMatchObject({ romeCode: 'G1605', label: 'Plongeur / Plongeuse en restauration' });
    expect(matcher.mainAppellation('G1204')?.romeCode).toBe('G1204');
  });
});

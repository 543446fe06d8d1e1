import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.js';

type Row = Record<string, string>;

interface Dataset {
  /** Name recorded in reference_data_loads. */
  name: string;
  files: string[];
  load(trx: Transaction<Database>, rows: Row[][]): Promise<number>;
}

const emptyToNull = (value: string | undefined) => (value === undefined || value === '' ? null : value);

interface Column {
  /** Element type of the array parameter. */
  type: string;
  values: unknown[];
  /** SQL applied to the unnested value, e.g. to split a joined list. */
  transform?: (value: ReturnType<typeof sql.ref>) => ReturnType<typeof sql>;
}

/** Bulk insert, one statement per chunk: `insert … select … from unnest($1::text[], …)`. */
async function insertColumns(trx: Transaction<Database>, table: string, columns: Record<string, Column>): Promise<void> {
  const names = Object.keys(columns);
  const length = columns[names[0]].values.length;
  const chunk = 10_000;
  for (let start = 0; start < length; start += chunk) {
    const arrays = names.map((name) => sql`${columns[name].values.slice(start, start + chunk)}::${sql.raw(columns[name].type)}[]`);
    const selected = names.map((name) => {
      const value = sql.ref(`u.${name}`);
      return columns[name].transform?.(value) ?? value;
    });
    await sql`insert into ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))})
      select ${sql.join(selected)} from unnest(${sql.join(arrays)}) as u(${sql.join(names.map((n) => sql.ref(n)))})`.execute(trx);
  }
}

const DATASETS: Dataset[] = [
  {
    name: 'regions-departements',
    files: ['regions-fr.csv', 'departements-fr.csv'],
    async load(trx, [regions, departments]) {
      await trx.deleteFrom('departments').execute();
      await trx.deleteFrom('regions').execute();
      await trx.insertInto('regions').values(regions.map((r) => ({ code: r.code_region, name: r.nom }))).execute();
      await trx
        .insertInto('departments')
        .values(departments.map((d) => ({ code: d.code_departement, name: d.nom, region_code: d.code_region })))
        .execute();
      return regions.length + departments.length;
    },
  },
  {
    name: 'communes',
    files: ['communes-fr.csv'],
    async load(trx, [communes]) {
      await trx.deleteFrom('communes').execute();
      await insertColumns(trx, 'communes', {
        insee_code: { type: 'text', values: communes.map((c) => c.code_insee) },
        name: { type: 'text', values: communes.map((c) => c.nom) },
        kind: { type: 'text', values: communes.map((c) => c.type) },
        parent_insee_code: { type: 'text', values: communes.map((c) => emptyToNull(c.code_commune_parente)) },
        department_code: { type: 'text', values: communes.map((c) => c.code_departement) },
        region_code: { type: 'text', values: communes.map((c) => c.code_region) },
        // unnest would flatten an array of arrays: postal codes travel '|'-joined and are split in SQL.
        postal_codes: {
          type: 'text',
          values: communes.map((c) => c.codes_postaux),
          transform: (value) => sql`coalesce(string_to_array(nullif(${value}, ''), '|'), '{}')`,
        },
        population: { type: 'integer', values: communes.map((c) => emptyToNull(c.population)) },
        latitude: { type: 'double precision', values: communes.map((c) => emptyToNull(c.latitude)) },
        longitude: { type: 'double precision', values: communes.map((c) => emptyToNull(c.longitude)) },
      });
      return communes.length;
    },
  },
  {
    name: 'rome',
    files: ['rome-arborescence.csv', 'rome-appellations.csv'],
    async load(trx, [codes, appellations]) {
      await trx.deleteFrom('rome_appellations').execute();
      await trx.deleteFrom('rome_codes').execute();
      await insertColumns(trx, 'rome_codes', {
        code: { type: 'text', values: codes.map((r) => r.code_rome) },
        label: { type: 'text', values: codes.map((r) => r.libelle_rome) },
        domain_code: { type: 'text', values: codes.map((r) => r.code_domaine_professionel) },
        domain_label: { type: 'text', values: codes.map((r) => r.libelle_domaine_professionel) },
        grand_domain_code: { type: 'text', values: codes.map((r) => r.code_grand_domaine) },
        grand_domain_label: { type: 'text', values: codes.map((r) => r.libelle_grand_domaine) },
      });
      await insertColumns(trx, 'rome_appellations', {
        ogr_code: { type: 'integer', values: appellations.map((a) => a.code_ogr) },
        label: { type: 'text', values: appellations.map((a) => a.libelle_appellation_long) },
        short_label: { type: 'text', values: appellations.map((a) => a.libelle_appellation_court) },
        rome_code: { type: 'text', values: appellations.map((a) => a.code_rome) },
        is_main: { type: 'boolean', values: appellations.map((a) => a.classification === 'PRINCIPALE') },
      });
      return codes.length + appellations.length;
    },
  },
  {
    name: 'naf',
    files: ['naf-sous-classes.csv'],
    async load(trx, [naf]) {
      await trx.deleteFrom('naf_codes').execute();
      await insertColumns(trx, 'naf_codes', {
        code: { type: 'text', values: naf.map((n) => n.code_sous_classe) },
        label: { type: 'text', values: naf.map((n) => n.libelle_sous_classe) },
        division_code: { type: 'text', values: naf.map((n) => n.code_division) },
        section_code: { type: 'text', values: naf.map((n) => n.code_section) },
      });
      return naf.length;
    },
  },
];

export interface ReferenceLoadReport {
  dataset: string;
  rows: number;
  skipped: boolean;
}

/**
 * Loads the committed open-data files (data/) into the reference tables. A dataset is reloaded only
 * when its files' checksum changed, in one transaction, so a failed load leaves the previous one.
 * Runs with the privileged connection (the app role may only read these tables).
 */
export async function loadReferenceData(db: Kysely<Database>, dataDir: string): Promise<ReferenceLoadReport[]> {
  const reports: ReferenceLoadReport[] = [];
  for (const dataset of DATASETS) {
    const contents = dataset.files.map((file) => readFileSync(path.join(dataDir, file)));
    const hash = createHash('sha256');
    for (const content of contents) hash.update(content);
    const checksum = hash.digest('hex');
    const previous = await db
      .selectFrom('reference_data_loads')
      .select('checksum')
      .where('dataset', '=', dataset.name)
      .executeTakeFirst();
    if (previous?.checksum === checksum) {
      reports.push({ dataset: dataset.name, rows: 0, skipped: true });
      continue;
    }
    const parsed = contents.map((content) => parse(content, { columns: true, skip_empty_lines: true }) as Row[]);
    const rows = await db.transaction().execute(async (trx) => {
      // Serialise concurrent loaders (two app nodes starting at once).
      await sql`select pg_advisory_xact_lock(hashtext(${'reference:' + dataset.name}))`.execute(trx);
      const count = await dataset.load(trx, parsed);
      await trx
        .insertInto('reference_data_loads')
        .values({ dataset: dataset.name, checksum, row_count: count })
        .onConflict((oc) => oc.column('dataset').doUpdateSet({ checksum, row_count: count, loaded_at: new Date() }))
        .execute();
      return count;
    });
    reports.push({ dataset: dataset.name, rows, skipped: false });
  }
  return reports;
}

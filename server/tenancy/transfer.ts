import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import { APP_ROLE } from '../db/pool.js';
import { assertFreeHostnames, assertSlug, insertTenantRow, listFiles, stageTenantFolder, tenantRowExists, TenantToolError } from './create.js';
import { readTenantConfig, type TenantConfig } from './tenant-config.js';
import { TENANT_SCHEMA_REF } from './tenant-schema.js';

/**
 * Moving a board between deployments: `npm run tenant -- export <slug> > board.jsonl`, then
 * `npm run tenant -- import < board.jsonl` on the other side. JSON lines, so that neither side holds
 * the whole board in memory:
 *
 *   1. a header: format and version, the tenant row, its tenant.json and the other files of its folder
 *      (base64), so the importing deployment can recreate tenants/<slug>/;
 *   2. one line per row, `{"table": …, "row": {…}}`, table by table in foreign-key order;
 *   3. a trailer `{"end": true, "counts": {…}}`: a file cut short is refused, not half imported.
 */
export const EXPORT_FORMAT = 'cordee-tenant';
export const EXPORT_VERSION = 1;

/** Tenant tables carried by an export, parents before children. */
export const EXPORTED_TABLES = [
  'users',
  'tenant_settings',
  'stored_files',
  'companies',
  'shared_time_members',
  'company_members',
  'memberships',
  'membership_payments',
  'receipt_counters',
  'membership_reminders',
  'billing_events',
  'offers',
  'offer_places',
  'offer_views_daily',
  'shared_time_needs',
  'shared_time_proposals',
  'shared_time_gap_calls',
  'applications',
  'application_notes',
  'candidate_profiles',
  'saved_offers',
  'alerts',
  'alert_sends',
  'parental_consents',
  'accompaniments',
  'accompaniment_delegates',
  'follow_up_events',
  'accompaniment_notes',
  'cv_bank_entries',
  'offer_suggestions',
  'candidate_recommendations',
  'hires',
  'hire_follow_ups',
  'threads',
  'messages',
  'thread_reads',
  'abuse_reports',
  'user_blocks',
  'notification_settings',
  'admin_audit_log',
  'feed_sources',
  'feed_runs',
  'feed_items',
  'partner_api_keys',
  'france_travail_states',
] as const satisfies readonly (keyof Database)[];
export type ExportedTable = (typeof EXPORTED_TABLES)[number];

/** Tenant tables left out on purpose, and why (the README repeats this list). */
export const NOT_EXPORTED: Record<string, string> = {
  sessions: 'connexions en cours : chacun se reconnecte sur le nouveau déploiement',
  account_tokens: 'liens e-mail à usage unique (vérification, mot de passe) : à redemander',
  company_invitations: 'invitations en attente, liens e-mail à usage unique : à renvoyer',
  search_outbox: 'file d’indexation : les déclencheurs la remplissent à l’import',
  search_lexicon: 'vocabulaire de recherche : recalculé par les déclencheurs à l’import',
  search_changes: 'générations du cache de recherche : recalculées par les déclencheurs à l’import',
  shared_time_state: 'état du calcul des combinaisons (temps partagé) : le moteur recalcule après l’import',
  offer_exports: 'fichiers d’export générés (flux agrégateur, fichiers France Travail) : régénérés par le nouveau déploiement',
  accompaniment_invitations: 'invitations à être accompagné, liens e-mail à usage unique : à renvoyer',
  notification_states: 'e-mails de messages en attente : les prochains messages les recréent',
  notification_sends: 'historique des e-mails de notification déjà partis',
};

/** Columns kept by triggers (migrations 0002, 0016) or generated (0013, 0015): never exported, recomputed on insert. */
const DERIVED_COLUMNS: Partial<Record<ExportedTable, string[]>> = { offers: ['search_vector', 'department_code', 'duplicate_key', 'search_revision'], hires: ['start_on'] };

/** Top-level entries of a tenant folder an import may write (tenant.json comes from the header's config). */
const FOLDER_ENTRIES = ['strings.fr.json', 'assets', 'views', 'README.md'];

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: string;
  tenant: { id: string; name: string; createdAt: string };
  config: TenantConfig;
  files: { path: string; base64: string }[];
  /** Password hashes included (otherwise every imported account resets its password). */
  withCredentials: boolean;
  /** CV contents included (otherwise applications and profiles lose their CV; company logos are always kept). */
  withCvs: boolean;
  tables: readonly string[];
}

export interface ExportOptions {
  tenantsDir: string;
  slug: string;
  withCredentials?: boolean;
  withCvs?: boolean;
}

type Row = Record<string, unknown>;

const ROWS_PER_FETCH = 500;

function selectRows(table: ExportedTable, slug: string, withCvs: boolean) {
  const where = sql`tenant_id = ${slug}`;
  // Without --with-cvs, only the files companies show (their logos) travel.
  if (table === 'stored_files' && !withCvs) {
    return sql`select * from stored_files where ${where} and id in (select logo_file_id from companies where ${where})`;
  }
  // A CV-bank entry is the validation of one CV file: it travels with the CVs only.
  if (table === 'cv_bank_entries' && !withCvs) return sql`select * from cv_bank_entries where false`;
  return sql`select * from ${sql.table(table)} where ${where}`;
}

function exportRow(table: ExportedTable, row: Row, options: ExportOptions): Row {
  for (const column of DERIVED_COLUMNS[table] ?? []) delete row[column];
  if (table === 'users' && !options.withCredentials) row.password_hash = null;
  if ((table === 'applications' || table === 'candidate_profiles') && !options.withCvs) {
    row.cv_file_id = null;
    row.cv_file_name = null;
  }
  // Message attachments are files like CVs: the message keeps the name (« pièce jointe supprimée »).
  if (table === 'messages' && !options.withCvs) row.attachment_file_id = null;
  for (const [key, value] of Object.entries(row)) if (Buffer.isBuffer(value)) row[key] = value.toString('base64');
  return row;
}

/**
 * Writes one tenant as JSON lines through `write` (which should wait for the stream to drain). Reads
 * in one repeatable-read transaction, so the rows are a consistent snapshot, through cursors of
 * ROWS_PER_FETCH rows. Returns the row count per table.
 */
export async function exportTenant(db: Kysely<Database>, options: ExportOptions, write: (line: string) => Promise<void>): Promise<Record<string, number>> {
  const { slug, tenantsDir } = options;
  assertSlug(slug);
  const dir = path.join(tenantsDir, slug);
  if (!existsSync(path.join(dir, 'tenant.json'))) throw new TenantToolError(`dossier du tenant introuvable : ${dir}`);
  const config = readTenantConfig(dir);
  const tenant = await db.selectFrom('tenants').selectAll().where('id', '=', slug).executeTakeFirst();
  if (!tenant) throw new TenantToolError(`le tenant ${slug} n’est pas enregistré dans la base (npm run db:migrate l’enregistre)`);
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    tenant: { id: tenant.id, name: tenant.name, createdAt: tenant.created_at.toISOString() },
    config,
    files: listFiles(dir)
      .filter((file) => file !== 'tenant.json')
      .map((file) => ({ path: file, base64: readFileSync(path.join(dir, file)).toString('base64') })),
    withCredentials: options.withCredentials === true,
    withCvs: options.withCvs === true,
    tables: EXPORTED_TABLES,
  };
  await write(JSON.stringify(header));
  const counts: Record<string, number> = {};
  await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      // RLS for an owner role under FORCE, the explicit filter for a superuser (whom RLS skips).
      await sql`select set_config('app.tenant_id', ${slug}, true)`.execute(trx);
      await sql`set transaction read only`.execute(trx).catch(() => {});
      for (const table of EXPORTED_TABLES) {
        counts[table] = 0;
        await sql`declare tenant_export no scroll cursor for ${selectRows(table, slug, options.withCvs === true)}`.execute(trx);
        for (;;) {
          const { rows } = await sql<Row>`fetch forward ${sql.raw(String(ROWS_PER_FETCH))} from tenant_export`.execute(trx);
          for (const row of rows) await write(JSON.stringify({ table, row: exportRow(table, row, options) }));
          counts[table] += rows.length;
          if (rows.length < ROWS_PER_FETCH) break;
        }
        await sql`close tenant_export`.execute(trx);
      }
    });
  await write(JSON.stringify({ end: true, counts }));
  return counts;
}

export interface ImportOptions {
  tenantsDir: string;
  /** false: do not write tenants/<slug>/ (a read-only tenants folder, deployed separately). */
  writeFolder?: boolean;
  /**
   * Accepts a tenants row that already exists when it holds no data at all: the row a start registers
   * from the deployed folder before the data arrives (that folder is then kept as it is). Still refused
   * as soon as one row hangs from the tenant.
   */
  intoEmpty?: boolean;
}

/** Rows of each exported table that hang from the tenant (app.tenant_id set: an owner role is under FORCE RLS). */
async function tenantRows(trx: Transaction<Database>, slug: string): Promise<Record<string, number>> {
  await sql`select set_config('app.tenant_id', ${slug}, true)`.execute(trx);
  const counts = EXPORTED_TABLES.map((table) => sql`(select count(*)::int from ${sql.table(table)} where tenant_id = ${slug}) as ${sql.ref(table)}`);
  const { rows } = await sql<Record<string, number>>`select ${sql.join(counts)}`.execute(trx);
  return rows[0];
}

export interface ImportReport {
  slug: string;
  counts: Record<string, number>;
  folder?: string;
}

function parseLine(line: string, number: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new TenantToolError(`ligne ${number} : JSON illisible`);
}

function readHeader(value: Record<string, unknown>): ExportHeader {
  if (value.format !== EXPORT_FORMAT) throw new TenantToolError(`en-tête : ce n’est pas un export de tenant Cordée (format « ${String(value.format)} »)`);
  if (value.version !== EXPORT_VERSION) throw new TenantToolError(`en-tête : version d’export ${String(value.version)} non prise en charge (attendue : ${EXPORT_VERSION})`);
  const header = value as unknown as ExportHeader;
  if (!header.tenant || typeof header.tenant.id !== 'string' || typeof header.tenant.name !== 'string') throw new TenantToolError('en-tête : tenant manquant');
  assertSlug(header.tenant.id);
  if (Number.isNaN(Date.parse(header.tenant.createdAt))) throw new TenantToolError('en-tête : tenant.createdAt n’est pas une date');
  if (!header.config || header.config.slug !== header.tenant.id) throw new TenantToolError('en-tête : config.slug ne correspond pas au tenant exporté');
  if (!Array.isArray(header.files)) throw new TenantToolError('en-tête : files manquant');
  return header;
}

/** A file of the export may only land inside the new tenant folder, in the places a tenant folder has. */
function folderFile(relative: string): string {
  const parts = relative.split('/');
  if (!FOLDER_ENTRIES.includes(parts[0]) || parts.some((part) => part === '' || part === '.' || part === '..' || part.includes('\\'))) {
    throw new TenantToolError(`en-tête : fichier refusé « ${relative} » (seuls ${FOLDER_ENTRIES.join(', ')} sont admis)`);
  }
  return path.join(...parts);
}

/** True when the folder holds exactly the export's tenant.json (but for "$schema") and files. */
function folderMatchesExport(dir: string, header: ExportHeader): boolean {
  try {
    const { $schema: _onDisk, ...onDisk } = JSON.parse(readFileSync(path.join(dir, 'tenant.json'), 'utf8')) as Record<string, unknown>;
    const { $schema: _exported, ...exported } = header.config as unknown as Record<string, unknown>;
    if (!isDeepStrictEqual(onDisk, exported)) return false;
    // listFiles lists in the same order on both sides.
    const files = listFiles(dir).filter((file) => file !== 'tenant.json');
    if (!isDeepStrictEqual(files, header.files.map((file) => file.path))) return false;
    return header.files.every((file) => readFileSync(path.join(dir, file.path)).equals(Buffer.from(file.base64, 'base64')));
  } catch {
    return false;
  }
}

interface ColumnInfo {
  types: Map<string, string>;
}

async function tableColumns(trx: Transaction<Database>): Promise<Map<string, ColumnInfo>> {
  const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
    select table_name, column_name, data_type from information_schema.columns
    where table_schema = current_schema() and table_name in (${sql.join([...EXPORTED_TABLES])})`.execute(trx);
  const tables = new Map<string, ColumnInfo>();
  for (const row of rows) {
    if (DERIVED_COLUMNS[row.table_name as ExportedTable]?.includes(row.column_name)) continue;
    if (!tables.has(row.table_name)) tables.set(row.table_name, { types: new Map() });
    tables.get(row.table_name)!.types.set(row.column_name, row.data_type);
  }
  return tables;
}

/** JSON values back into what pg expects: base64 → bytes, jsonb as text (pg would turn a JS array into a PostgreSQL array). */
function importRow(row: Row, columns: ColumnInfo, table: string, number: number): Row {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) {
    const type = columns.types.get(column);
    if (!type) throw new TenantToolError(`ligne ${number} : colonne inconnue ${table}.${column}`);
    if (value === null) out[column] = null;
    else if (type === 'bytea') out[column] = Buffer.from(String(value), 'base64');
    else if (type === 'jsonb' || type === 'json') out[column] = JSON.stringify(value);
    else out[column] = value;
  }
  return out;
}

const MAX_BATCH_ROWS = 500;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Imports an export into this deployment: refuses a slug or a host name that already exists, writes
 * every row in one transaction running as the app's role with the tenant set (so row-level security
 * refuses a row of any other tenant, on top of the check of each line's tenant_id), then puts the
 * tenant folder in place. Inserted offers fill the search outbox through their triggers, so the
 * worker indexes them (Meilisearch) without a separate reindex.
 */
export async function importTenant(db: Kysely<Database>, lines: AsyncIterable<string>, options: ImportOptions): Promise<ImportReport> {
  const iterator = lines[Symbol.asyncIterator]();
  let number = 0;
  const next = async (): Promise<string | undefined> => {
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) return undefined;
      number += 1;
      if (value.trim() !== '') return value;
    }
  };
  let first = await next();
  // `npm run tenant -- export x > file` puts npm's own banner ("> cordee@… tenant", "> tsx …") before the header.
  while (first !== undefined && first.startsWith('> ')) first = await next();
  if (first === undefined) throw new TenantToolError('entrée vide : attendu un export produit par « npm run tenant -- export <slug> »');
  const header = readHeader(parseLine(first, number));
  const slug = header.tenant.id;
  const target = path.join(options.tenantsDir, slug);
  const registered = await tenantRowExists(db, slug);
  if (registered) {
    const rows = await db.transaction().execute((trx) => tenantRows(trx, slug));
    const held = Object.entries(rows).filter(([, n]) => n > 0);
    if (held.length > 0) {
      throw new TenantToolError(`le tenant ${slug} existe déjà dans la base de ce déploiement, avec ses données (${held.map(([table, n]) => `${table} ${n}`).join(', ')}) : import refusé`);
    }
    if (!options.intoEmpty) {
      throw new TenantToolError(`le tenant ${slug} existe déjà dans la base de ce déploiement (enregistré sans aucune donnée, par exemple au démarrage depuis son dossier : --into-empty pour y importer l’export)`);
    }
  }
  // A folder already in place stays: the one deployed before the empty row was registered, or the same
  // repository on both sides (identical to the export). Any other folder would be overwritten: refused.
  const keepFolder = existsSync(target) && (registered || folderMatchesExport(target, header));
  const writeFolder = options.writeFolder !== false && !keepFolder;
  if (writeFolder && existsSync(target)) {
    throw new TenantToolError(`le dossier ${target} existe déjà et diffère de celui de l’export (--skip-folder pour importer seulement les données et garder ce dossier)`);
  }
  assertFreeHostnames(header.config.hostnames, slug, options.tenantsDir);

  const stage = writeFolder
    ? stageTenantFolder(options.tenantsDir, slug, (dir) => {
        mkdirSync(dir, { recursive: true });
        const { $schema: _ignored, ...config } = header.config;
        writeFileSync(path.join(dir, 'tenant.json'), `${JSON.stringify({ $schema: TENANT_SCHEMA_REF, ...config }, null, 2)}\n`);
        for (const file of header.files) {
          const destination = path.join(dir, folderFile(file.path));
          mkdirSync(path.dirname(destination), { recursive: true });
          writeFileSync(destination, Buffer.from(file.base64, 'base64'));
        }
      })
    : undefined;

  const counts: Record<string, number> = Object.fromEntries(EXPORTED_TABLES.map((table) => [table, 0]));
  let committedFolder = false;
  try {
    await db.transaction().execute(async (trx) => {
      if (registered) {
        // Locked, then counted again: a row written since the check above refuses the import.
        await trx.selectFrom('tenants').select('id').where('id', '=', slug).forUpdate().executeTakeFirstOrThrow();
        if (Object.values(await tenantRows(trx, slug)).some((n) => n > 0)) throw new TenantToolError(`le tenant ${slug} a reçu des données pendant l’import : import refusé`);
        await trx.updateTable('tenants').set({ name: header.tenant.name, created_at: new Date(header.tenant.createdAt) }).where('id', '=', slug).execute();
      } else {
        await insertTenantRow(trx, { id: slug, name: header.tenant.name, created_at: new Date(header.tenant.createdAt) });
      }
      const columns = await tableColumns(trx);
      // From here on, the app's role: no BYPASSRLS, and the policies' WITH CHECK refuses any other tenant.
      await sql`set local role ${sql.raw(APP_ROLE)}`.execute(trx);
      await sql`select set_config('app.tenant_id', ${slug}, true)`.execute(trx);

      let batch: Row[] = [];
      let batchBytes = 0;
      let current = -1;
      const flush = async () => {
        if (batch.length === 0) return;
        await (trx as unknown as Kysely<Record<string, Row>>).insertInto(EXPORTED_TABLES[current]).values(batch).execute();
        batch = [];
        batchBytes = 0;
      };
      let trailer: Record<string, unknown> | undefined;
      for (let line = await next(); line !== undefined; line = await next()) {
        const value = parseLine(line, number);
        if (value.end === true) {
          trailer = value;
          break;
        }
        const index = EXPORTED_TABLES.indexOf(value.table as ExportedTable);
        if (index < 0) throw new TenantToolError(`ligne ${number} : table non importable « ${String(value.table)} »`);
        if (index < current) throw new TenantToolError(`ligne ${number} : ${String(value.table)} après ${EXPORTED_TABLES[current]} (ordre des tables de l’export non respecté)`);
        const row = value.row as Row | undefined;
        if (!row || typeof row !== 'object') throw new TenantToolError(`ligne ${number} : ligne sans « row »`);
        if (row.tenant_id !== slug) throw new TenantToolError(`ligne ${number} : tenant_id « ${String(row.tenant_id)} » au lieu de « ${slug} » (refusé)`);
        if (index !== current) {
          await flush();
          current = index;
        }
        batch.push(importRow(row, columns.get(EXPORTED_TABLES[index])!, EXPORTED_TABLES[index], number));
        batchBytes += line.length;
        counts[EXPORTED_TABLES[index]] += 1;
        if (batch.length >= MAX_BATCH_ROWS || batchBytes >= MAX_BATCH_BYTES) await flush();
      }
      await flush();
      if (!trailer) throw new TenantToolError(`export incomplet : la dernière ligne attendue {"end": true, …} manque (fichier tronqué ?)`);
      if ((await next()) !== undefined) throw new TenantToolError(`ligne ${number} : des lignes suivent la fin de l’export`);
      const expected = (trailer.counts ?? {}) as Record<string, number>;
      const wrong = EXPORTED_TABLES.filter((table) => (expected[table] ?? 0) !== counts[table]);
      if (wrong.length > 0) {
        throw new TenantToolError(`export incohérent : ${wrong.map((t) => `${t} ${counts[t]} ligne(s) lue(s) pour ${expected[t] ?? 0} annoncée(s)`).join(', ')}`);
      }
      // Last step of the transaction: a folder that cannot be put in place rolls the rows back.
      stage?.commit();
      committedFolder = stage !== undefined;
    });
  } catch (error) {
    if (committedFolder) rmSync(target, { recursive: true, force: true });
    else stage?.discard();
    throw error;
  }
  return { slug, counts, folder: stage ? target : undefined };
}

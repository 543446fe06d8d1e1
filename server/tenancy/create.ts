import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { declaredHostnames, hostnameOwner } from './check.js';
import { HOSTNAME_PATTERN, readTenantConfig, SLUG_PATTERN, TenantConfigError, type TenantConfig } from './tenant-config.js';
import { TENANT_SCHEMA_REF } from './tenant-schema.js';

/** A refused tenant operation (bad slug, taken host, unknown source…): a French sentence for the operator. */
export class TenantToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantToolError';
  }
}

export const SKELETON = '_skeleton';

/**
 * What a new board takes from its source: the look and the wording, never data (data lives in the
 * database) nor the source's README (its team's notes; the skeleton's documentation stays in _skeleton).
 */
const COPIED_ENTRIES = ['tenant.json', 'strings.fr.json', 'assets', 'views'];

export function assertSlug(slug: string): void {
  if (!new RegExp(SLUG_PATTERN).test(slug)) {
    throw new TenantToolError(`slug invalide « ${slug} » : 2 à 40 caractères, minuscules, chiffres et tirets, commençant par une lettre`);
  }
}

/** Lower-cases and validates host names, and refuses those another tenant folder of `tenantsDir` already answers on. */
export function assertFreeHostnames(hostnames: string[], slug: string, tenantsDir: string): string[] {
  const owners = declaredHostnames(tenantsDir, slug);
  return hostnames.map((raw) => {
    const host = raw.trim().toLowerCase().replace(/\.$/, '');
    if (!new RegExp(HOSTNAME_PATTERN).test(host)) {
      throw new TenantToolError(`nom d’hôte invalide « ${raw} » : un nom de domaine sans schéma ni port, par exemple emploi.ml-besancon.fr`);
    }
    const owner = hostnameOwner(host, slug, owners);
    if (owner) throw new TenantToolError(`le nom d’hôte « ${host} » est déjà utilisé par le tenant ${owner}`);
    return host;
  });
}

/**
 * Builds a tenant folder in a hidden staging folder of `tenantsDir` (ignored by the registry), lets
 * `fill` write it, validates its tenant.json with the app's own schema, then moves it into place in one
 * rename. Nothing is left behind on failure.
 */
export function stageTenantFolder(tenantsDir: string, slug: string, fill: (dir: string) => void): { dir: string; config: TenantConfig; commit(): void; discard(): void } {
  const target = path.join(tenantsDir, slug);
  if (existsSync(target)) throw new TenantToolError(`${target} existe déjà`);
  const staging = mkdtempSync(path.join(tenantsDir, `.staging-${slug}-`));
  const discard = () => rmSync(staging, { recursive: true, force: true });
  const staged = path.join(staging, slug);
  try {
    fill(staged);
    const config = readTenantConfig(staged);
    return {
      dir: target,
      config,
      commit() {
        if (existsSync(target)) throw new TenantToolError(`${target} existe déjà`);
        renameSync(staged, target);
        discard();
      },
      discard,
    };
  } catch (error) {
    discard();
    if (error instanceof TenantConfigError) {
      throw new TenantToolError(`le tenant.json obtenu est invalide :\n${error.problems.map((p) => `  - ${p.field || '(racine)'} : ${p.message}`).join('\n')}`);
    }
    throw error;
  }
}

export interface CreateTenantInput {
  tenantsDir: string;
  slug: string;
  /** Folder name of the source: `_skeleton` or a live tenant. */
  from: string;
  /** Defaults to the source's name (the `fork` alias). */
  name?: string;
  hostnames: string[];
}

export interface CreatedTenant {
  dir: string;
  config: TenantConfig;
  /** Entries of the source folder that were copied / left out. */
  copied: string[];
  skipped: string[];
  commit(): void;
  discard(): void;
}

/**
 * Prepares tenants/<slug>/ from a source folder (theme, wording and config; never data) with its own
 * slug, name and host names. The caller commits it once the database side is done, or discards it.
 */
export function prepareTenantFolder(input: CreateTenantInput): CreatedTenant {
  const { tenantsDir, slug, from } = input;
  assertSlug(slug);
  if (!existsSync(tenantsDir)) throw new TenantToolError(`dossier des tenants introuvable : ${tenantsDir}`);
  const source = path.join(tenantsDir, from);
  if (from.includes('/') || from.includes('\\') || from.startsWith('.') || !existsSync(path.join(source, 'tenant.json'))) {
    throw new TenantToolError(`source introuvable : ${source} (attendu : ${SKELETON} ou le slug d’un tenant existant)`);
  }
  let sourceConfig: TenantConfig;
  try {
    sourceConfig = readTenantConfig(source);
  } catch (error) {
    if (error instanceof TenantConfigError) throw new TenantToolError(`la source ${from} est invalide, corrigez-la d’abord :\n${error.message}`);
    throw error;
  }
  const hostnames = assertFreeHostnames(input.hostnames, slug, tenantsDir);
  const name = input.name?.trim() ?? sourceConfig.name;
  const entries = readdirSync(source);
  const copied = entries.filter((entry) => COPIED_ENTRIES.includes(entry));
  const skipped = entries.filter((entry) => !COPIED_ENTRIES.includes(entry));
  const stage = stageTenantFolder(tenantsDir, slug, (dir) => {
    for (const entry of copied) cpSync(path.join(source, entry), path.join(dir, entry), { recursive: true });
    const file = path.join(dir, 'tenant.json');
    const { $schema: _ignored, ...config } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, `${JSON.stringify({ $schema: TENANT_SCHEMA_REF, ...config, slug, name, hostnames }, null, 2)}\n`);
  });
  return { ...stage, copied, skipped };
}

/** Files of a folder, relative paths with `/`, sorted (for export and reports). */
export function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? listFiles(full, `${prefix}${name}/`) : [`${prefix}${name}`];
    });
}

/** True when the database already holds a tenants row with this id (possibly the data of a removed folder). */
export async function tenantRowExists(db: Kysely<Database>, slug: string): Promise<boolean> {
  const row = await db.selectFrom('tenants').select('id').where('id', '=', slug).executeTakeFirst();
  return row !== undefined;
}

/** Registers a new tenant in the database (the tenants row its data hangs from); refuses an existing id. */
export async function insertTenantRow(db: Kysely<Database>, tenant: { id: string; name: string; created_at?: Date }): Promise<void> {
  const result = await db.insertInto('tenants').values(tenant).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) throw new TenantToolError(`le tenant ${tenant.id} existe déjà dans la base`);
}

/** Whether the database has been migrated (the tenants table exists). */
export async function hasTenantsTable(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ exists: boolean }>`select to_regclass('public.tenants') is not null as exists`.execute(db);
  return rows[0]?.exists === true;
}

/**
 * `npm run tenant -- create`: the folder (see prepareTenantFolder) and, when a database is given, its
 * tenants row, both or neither. An id already in the database is refused: its rows may be the data of
 * a removed board, which the new one must not inherit.
 */
export async function createTenant(db: Kysely<Database> | undefined, input: CreateTenantInput): Promise<CreatedTenant> {
  assertSlug(input.slug);
  if (db && (await tenantRowExists(db, input.slug))) {
    throw new TenantToolError(`le slug ${input.slug} existe déjà dans la base (les données d’un ancien tenant ?) : choisissez-en un autre`);
  }
  const created = prepareTenantFolder(input);
  let inserted = false;
  try {
    if (db) {
      await insertTenantRow(db, { id: input.slug, name: created.config.name });
      inserted = true;
    }
    created.commit();
  } catch (error) {
    created.discard();
    if (inserted) await db!.deleteFrom('tenants').where('id', '=', input.slug).execute();
    throw error;
  }
  return created;
}

import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { LiveTenantRegistry, SettingsSource, Tenant } from '../../tenancy/registry.js';
import { configProblems, type TenantConfig } from '../../tenancy/tenant-config.js';
import type { AuthUser } from '../accounts/service.js';
import { recordAdminAction } from '../admin/audit.js';
import { findSettings, saveSettings } from './repository.js';
import { SETTINGS, SWITCH, type Setting, type SettingField, type SettingsFormBody, type SettingsOverrides } from './schemas.js';

/**
 * How long a node trusts the settings it read before reading them again. A change made on this node
 * applies at once (the cache is reloaded after the write); other nodes see it within this delay.
 */
export const SETTINGS_TTL_MS = 10_000;

type SettingValue = string | number | boolean | undefined;

const valueAt = (config: TenantConfig, path: string): SettingValue =>
  path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], config) as SettingValue;

/** tenant.json with the stored overrides laid over it (null = keep the file's value). */
export function applySettings(config: TenantConfig, overrides: SettingsOverrides): TenantConfig {
  const next: Record<string, unknown> = { ...config };
  for (const { field, path } of SETTINGS) {
    const value = overrides[field];
    if (value === null || value === undefined) continue;
    const [group, key] = path.split('.');
    next[group] = { ...(next[group] as object), [key]: value };
  }
  return next as TenantConfig;
}

/** The settings a configuration gets wrong, by the rules of tenant.json (configProblems). */
function invalidSettings(config: TenantConfig): Map<SettingField, 'invalid' | 'billingFree'> {
  const invalid = new Map<SettingField, 'invalid' | 'billingFree'>();
  for (const problem of configProblems(config, config.slug)) {
    const setting = SETTINGS.find((s) => s.path === problem.field);
    if (!setting || invalid.has(setting.field)) continue;
    // The one rule between two settings: billing needs a membership grid (the file's, never a setting).
    invalid.set(setting.field, setting.field === 'feature_billing' && config.membership.mode === 'free' ? 'billingFree' : 'invalid');
  }
  return invalid;
}

/**
 * The effective configuration of a tenant. Overrides were valid when written, but tenant.json may
 * have changed since (a board made free for employers while billing was forced on): an override that
 * no longer fits is ignored, and said in the log, rather than taking the site down.
 */
export function effectiveConfig(tenant: Tenant, overrides: SettingsOverrides, log?: FastifyBaseLogger): TenantConfig {
  const config = applySettings(tenant.config, overrides);
  const invalid = invalidSettings(config);
  if (invalid.size === 0) return config;
  log?.warn({ tenant: tenant.id, ignored: [...invalid.keys()] }, 'runtime settings that no longer fit tenant.json are ignored');
  const kept = { ...overrides };
  for (const field of invalid.keys()) kept[field] = null;
  return applySettings(tenant.config, kept);
}

/** What the registry uses to overlay each tenant's stored settings (see LiveTenantRegistry). */
export function settingsSource(db: Kysely<Database>, log: FastifyBaseLogger): SettingsSource<SettingsOverrides> {
  return {
    ttlMs: SETTINGS_TTL_MS,
    fetch: (tenantId) => withTenant(db, tenantId, (t) => findSettings(t)),
    apply: (tenant, overrides) => effectiveConfig(tenant, overrides, log),
    onError: (error, tenantId) => log.warn({ err: error, tenant: tenantId }, 'runtime settings could not be read: previous values kept'),
  };
}

const EMPTY: Required<SettingsOverrides> = Object.fromEntries(SETTINGS.map((s) => [s.field, null])) as Required<SettingsOverrides>;

/** Form strings → overrides: '' and « valeur du fichier » are null; a lifetime that is not a whole number becomes NaN (refused by the schema). */
export function formOverrides(body: SettingsFormBody): Required<SettingsOverrides> {
  const overrides: Record<string, string | number | boolean | null> = {};
  for (const { field, kind } of SETTINGS) {
    const raw = body[field];
    if (kind === 'switch') overrides[field] = raw === SWITCH.on ? true : raw === SWITCH.off ? false : null;
    else if (raw === '') overrides[field] = null;
    else overrides[field] = kind === 'integer' ? (/^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN) : raw;
  }
  return overrides as Required<SettingsOverrides>;
}

/** Overrides → what the form shows (the inverse of formOverrides). */
export function formValues(overrides: SettingsOverrides): Record<SettingField, string> {
  const values = {} as Record<SettingField, string>;
  for (const { field, kind } of SETTINGS) {
    const value = overrides[field];
    if (kind === 'switch') values[field] = value === true ? SWITCH.on : value === false ? SWITCH.off : SWITCH.file;
    else values[field] = value === null || value === undefined ? '' : String(value);
  }
  return values;
}

function invalidFields(invalid: Map<SettingField, string>): AppError {
  return new AppError('VALIDATION_FAILED', 400, Object.fromEntries([...invalid].map(([field, kind]) => [field, `form.settings.${field}.${kind}`])));
}

export interface SettingsContext {
  db: Kysely<Database>;
  tenants: LiveTenantRegistry;
  tenantId: string;
}

function fileTenant(ctx: SettingsContext): Tenant {
  const tenant = ctx.tenants.fileTenant(ctx.tenantId);
  if (!tenant) throw notFound();
  return tenant;
}

export interface SettingState {
  setting: Setting;
  /** tenant.json's value (undefined: not set there). */
  file: SettingValue;
  /** What the site runs with now. */
  current: SettingValue;
  overridden: boolean;
}

/** Each setting: the file's value, the stored override, the value in force. Read from the database, not the cache. */
export async function readSettings(ctx: SettingsContext): Promise<{ stored: SettingsOverrides; states: SettingState[] }> {
  const tenant = fileTenant(ctx);
  const stored = (await withTenant(ctx.db, ctx.tenantId, (t) => findSettings(t))) ?? {};
  const current = effectiveConfig(tenant, stored);
  const states = SETTINGS.map((setting) => ({
    setting,
    file: valueAt(tenant.config, setting.path),
    current: valueAt(current, setting.path),
    overridden: stored[setting.field] !== null && stored[setting.field] !== undefined,
  }));
  return { stored, states };
}

/** Before/after of each changed setting, for the audit log (null = the file's value). */
function changes(before: SettingsOverrides, after: Required<SettingsOverrides>): Record<string, { before: unknown; after: unknown }> {
  const diff: Record<string, { before: unknown; after: unknown }> = {};
  for (const { field, path } of SETTINGS) {
    const was = before[field] ?? null;
    if (was !== after[field]) diff[path] = { before: was, after: after[field] };
  }
  return diff;
}

/**
 * Stores the admin's settings when the configuration they give is valid by tenant.json's rules
 * (nothing is written otherwise: 400 naming each wrong field), audits the before/after in the same
 * transaction, then reloads this node's cache so that the next request runs with them.
 */
export async function updateSettings(ctx: SettingsContext, actor: AuthUser, overrides: Required<SettingsOverrides>): Promise<boolean> {
  const tenant = fileTenant(ctx);
  const invalid = invalidSettings(applySettings(tenant.config, overrides));
  if (invalid.size > 0) throw invalidFields(invalid);
  return write(ctx, actor, overrides, 'settings.update');
}

/** Every setting back to tenant.json's value (audited). */
export async function resetSettings(ctx: SettingsContext, actor: AuthUser): Promise<boolean> {
  fileTenant(ctx);
  return write(ctx, actor, EMPTY, 'settings.reset');
}

async function write(ctx: SettingsContext, actor: AuthUser, overrides: Required<SettingsOverrides>, action: string): Promise<boolean> {
  const changed = await withTenant(ctx.db, ctx.tenantId, async (t) => {
    const before = (await findSettings(t, { forUpdate: true })) ?? {};
    const diff = changes(before, overrides);
    if (Object.keys(diff).length === 0) return false;
    await saveSettings(t, overrides, actor.id);
    await recordAdminAction(t, actor, action, { type: 'settings', id: null }, diff);
    return true;
  });
  if (changed) await ctx.tenants.reloadSettings(ctx.tenantId);
  return changed;
}

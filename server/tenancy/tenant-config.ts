import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FormatRegistry, Type, type Static } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';

const Slug = Type.String({ pattern: '^[a-z][a-z0-9-]{1,39}$' });
const Code = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 60 });
const Colour = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' });
const Hostname = Type.String({ pattern: '^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$' });

const Tier = Type.Object(
  {
    code: Code,
    label: Type.String({ minLength: 1 }),
    minHeadcount: Type.Integer({ minimum: 0 }),
    /** Inclusive upper bound; null for the open-ended last band. */
    maxHeadcount: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    yearlyPriceCents: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

const FreeMembership = Type.Object({ mode: Type.Literal('free') }, { additionalProperties: false });
const TierMembership = Type.Object(
    {
      mode: Type.Literal('tiers'),
      currency: Type.Literal('EUR'),
      /** Publishing needs an active membership. */
      required: Type.Boolean(),
      graceDays: Type.Integer({ minimum: 0, maximum: 120 }),
      tiers: Type.Array(Tier, { minItems: 1 }),
    },
    { additionalProperties: false },
);
const Membership = Type.Union([FreeMembership, TierMembership]);

/** Schema of tenants/<slug>/tenant.json. Unknown keys are errors: a typo must not pass silently. */
export const TenantConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    slug: Slug,
    name: Type.String({ minLength: 2, maxLength: 80 }),
    tagline: Type.String({ maxLength: 200 }),
    kind: Type.Union([Type.Literal('cluster'), Type.Literal('youth'), Type.Literal('employer-group')]),
    hostnames: Type.Array(Hostname, { uniqueItems: true }),
    locale: Type.Literal('fr-FR'),
    timezone: Type.Literal('Europe/Paris'),
    contact: Type.Object(
      {
        email: Type.String({ format: 'email' }),
        phone: Type.Optional(Type.String({ pattern: '^[0-9 +().-]{6,20}$' })),
        address: Type.Optional(Type.String({ maxLength: 200 })),
      },
      { additionalProperties: false },
    ),
    theme: Type.Object(
      {
        primaryColor: Colour,
        accentColor: Colour,
        /** File under the tenant's assets/ folder. */
        logo: Type.Optional(Type.String({ pattern: '^[a-z0-9._-]+\\.(svg|png|webp)$' })),
      },
      { additionalProperties: false },
    ),
    sectors: Type.Array(Type.Object({ code: Code, label: Type.String({ minLength: 2 }) }, { additionalProperties: false }), {
      minItems: 1,
    }),
    membership: Membership,
    offers: Type.Object(
      {
        lifetimeDays: Type.Integer({ minimum: 1, maximum: 365 }),
        moderation: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    features: Type.Object(
      {
        billing: Type.Boolean(),
        messaging: Type.Boolean(),
        housingFilter: Type.Boolean(),
        sharedTime: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    /** Personal data: candidate data is deleted after this many months without activity (default 24, CNIL). */
    privacy: Type.Optional(
      Type.Object({ retentionMonths: Type.Integer({ minimum: 1, maximum: 120 }) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export const DEFAULT_RETENTION_MONTHS = 24;

/** Months of inactivity after which a tenant's candidate data is deleted. */
export const retentionMonths = (config: Pick<TenantConfig, 'privacy'>): number => config.privacy?.retentionMonths ?? DEFAULT_RETENTION_MONTHS;

export type TenantConfig = Static<typeof TenantConfigSchema>;
export type MembershipTier = Static<typeof Tier>;

export class TenantConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { field: string; message: string }[],
  ) {
    super(`${file} est invalide :\n` + problems.map((p) => `  - ${p.field || '(racine)'} : ${p.message}`).join('\n'));
    this.name = 'TenantConfigError';
  }
}

/** `/membership/tiers/0/code` → `membership.tiers[0].code` */
function fieldName(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : (i ? '.' : '') + part))
    .join('');
}

/** TypeBox needs a checker for `format: email`; a light one is enough (the address is only displayed). */
function registerFormats(): void {
  if (!FormatRegistry.Has('email')) FormatRegistry.Set('email', (value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value));
}

/** TypeBox speaks English; operators read French. The usual cases, with the English as fallback. */
function frenchMessage(error: ValueError): string {
  const schema = error.schema as Record<string, unknown>;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty: return 'champ obligatoire manquant';
    case ValueErrorType.ObjectAdditionalProperties: return 'champ inconnu (faute de frappe ?)';
    case ValueErrorType.String: return 'doit être une chaîne de caractères';
    case ValueErrorType.StringPattern: return `format invalide (attendu : ${String(schema.pattern)})`;
    case ValueErrorType.StringFormat: return `format ${String(schema.format)} invalide`;
    case ValueErrorType.StringMinLength: return `au moins ${String(schema.minLength)} caractère(s)`;
    case ValueErrorType.StringMaxLength: return `au plus ${String(schema.maxLength)} caractères`;
    case ValueErrorType.Integer: return 'doit être un nombre entier';
    case ValueErrorType.IntegerMinimum: return `doit être supérieur ou égal à ${String(schema.minimum)}`;
    case ValueErrorType.IntegerMaximum: return `doit être inférieur ou égal à ${String(schema.maximum)}`;
    case ValueErrorType.Boolean: return 'doit valoir true ou false';
    case ValueErrorType.Literal: return `doit valoir ${JSON.stringify(schema.const)}`;
    case ValueErrorType.Array: return 'doit être une liste';
    case ValueErrorType.ArrayMinItems: return `au moins ${String(schema.minItems)} élément(s)`;
    case ValueErrorType.ArrayUniqueItems: return 'contient des doublons';
    case ValueErrorType.Object: return 'doit être un objet';
    case ValueErrorType.Union: return 'valeur non autorisée';
    default: return error.message;
  }
}

/**
 * Schema errors, one per field. A union only says "no variant matched", so the membership block is
 * checked against the variant its `mode` names, which points at the faulty field inside it.
 */
function schemaProblems(raw: unknown): { field: string; message: string }[] {
  const errors = [...Value.Errors(TenantConfigSchema, raw)];
  const membership = (raw as { membership?: { mode?: unknown } } | null)?.membership;
  const variant = membership?.mode === 'tiers' ? TierMembership : membership?.mode === 'free' ? FreeMembership : undefined;
  const detailed = errors.flatMap((error) =>
    error.path === '/membership' && variant
      ? [...Value.Errors(variant, membership)].map((inner) => ({ ...inner, path: `/membership${inner.path}` }))
      : [error],
  );
  const byField = new Map<string, string>();
  for (const error of detailed) {
    const field = fieldName(error.path);
    if (!byField.has(field)) byField.set(field, frenchMessage(error));
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}

/** Rules the schema cannot express. */
function semanticProblems(config: TenantConfig, folderSlug: string): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (config.slug !== folderSlug) {
    problems.push({ field: 'slug', message: `doit être égal au nom du dossier (« ${folderSlug} »)` });
  }
  const sectorCodes = new Set<string>();
  config.sectors.forEach((sector, i) => {
    if (sectorCodes.has(sector.code)) problems.push({ field: `sectors[${i}].code`, message: `code en double « ${sector.code} »` });
    sectorCodes.add(sector.code);
  });
  if (config.membership.mode === 'tiers') {
    const tiers = config.membership.tiers;
    if (tiers[0].minHeadcount !== 0 && tiers[0].minHeadcount !== 1) {
      problems.push({ field: 'membership.tiers[0].minHeadcount', message: 'la première tranche doit commencer à 0 ou 1 salarié' });
    }
    tiers.forEach((tier, i) => {
      if (tier.maxHeadcount !== null && tier.maxHeadcount < tier.minHeadcount) {
        problems.push({ field: `membership.tiers[${i}].maxHeadcount`, message: 'doit être supérieur ou égal à minHeadcount' });
      }
      const next = tiers[i + 1];
      if (next && (tier.maxHeadcount === null || next.minHeadcount !== tier.maxHeadcount + 1)) {
        problems.push({ field: `membership.tiers[${i + 1}].minHeadcount`, message: 'les tranches doivent se suivre sans trou ni chevauchement' });
      }
      if (!next && tier.maxHeadcount !== null) {
        problems.push({ field: `membership.tiers[${i}].maxHeadcount`, message: 'la dernière tranche doit être ouverte (null)' });
      }
    });
  }
  if (config.features.billing && config.membership.mode === 'free') {
    problems.push({ field: 'features.billing', message: 'ne peut pas être activé quand membership.mode vaut « free »' });
  }
  return problems;
}

/** Reads and validates one tenant.json; throws TenantConfigError naming the file and each bad field. */
export function readTenantConfig(tenantDir: string): TenantConfig {
  const file = path.join(tenantDir, 'tenant.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const message = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'fichier introuvable' : `JSON illisible (${(error as Error).message})`;
    throw new TenantConfigError(file, [{ field: '', message }]);
  }
  registerFormats();
  const invalid = schemaProblems(raw);
  if (invalid.length > 0) throw new TenantConfigError(file, invalid);
  const config = raw as TenantConfig;
  // `_skeleton` (a template folder) declares `skeleton`: the underscore only keeps it from going live.
  const problems = semanticProblems(config, path.basename(tenantDir).replace(/^_/, ''));
  if (problems.length > 0) throw new TenantConfigError(file, problems);
  return config;
}

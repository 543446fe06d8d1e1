import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FormatRegistry, Type, type Static } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';

// Every field carries a `description`: the schema is also published as tenants/tenant.schema.json
// (npm run tenant -- schema), which editors use for completion and hover help in tenant.json.
export const SLUG_PATTERN = '^[a-z][a-z0-9-]{1,39}$';
export const HOSTNAME_PATTERN = '^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$';

const Slug = Type.String({
  pattern: SLUG_PATTERN,
  description: 'Identifier of the board: the folder name and the tenant_id of its rows. 2–40 characters: lower-case letters, digits and hyphens, starting with a letter. Chosen once.',
});
const Code = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 60 });
const Colour = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' });
const Hostname = Type.String({
  pattern: HOSTNAME_PATTERN,
  description: 'A public host name, lower case, without scheme or port, e.g. emploi.ml-besancon.fr.',
});

const Tier = Type.Object(
  {
    code: Type.String({ ...Code, description: 'Stable kebab-case code of the band, e.g. "10-49". Memberships and Stripe prices refer to it.' }),
    label: Type.String({ minLength: 1, description: 'Label shown to companies, e.g. "10 à 49 salariés".' }),
    minHeadcount: Type.Integer({ minimum: 0, description: 'Smallest headcount of the band. The first band starts at 0 or 1; each band starts right after the previous one ends.' }),
    maxHeadcount: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description: 'Largest headcount of the band (inclusive); null for the open-ended last band.',
    }),
    yearlyPriceCents: Type.Integer({ minimum: 0, description: 'Yearly price in euro cents (60000 = 600 €).' }),
  },
  { additionalProperties: false, description: 'One band of the membership grid, by company headcount.' },
);

const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
const Weight = (term: string) => Type.Number({ minimum: 0, maximum: 1, description: `Weight of the score term « ${term} » (0–1).` });

/**
 * The shared-time engine's rules and score weights (features/shared-time/engine/settings.ts holds the
 * defaults; every key is optional). Hard constraints of a combination and the score are shown to GE
 * staff with these figures, so a tenant can follow its collective agreement.
 */
const SharedTimeSettings = Type.Object(
  {
    weeklyHours: Type.Optional(
      Type.Object(
        {
          min: Type.Optional(Type.Number({ minimum: 1, maximum: 48, description: 'Weekly regime: fewest hours of every week (default 24, the part-time floor).' })),
          max: Type.Optional(Type.Number({ minimum: 1, maximum: 48, description: 'Weekly regime: most hours of every week (default 35).' })),
        },
        { additionalProperties: false, description: 'Bounds of the weekly regime: every week of the year within them (work + travel between sites).' },
      ),
    ),
    annualHours: Type.Optional(Type.Integer({ minimum: 100, maximum: 2200, description: 'Annualised regime: most hours a year (default 1607, an annualised full time).' })),
    minAnnualShare: Type.Optional(Share('Annualised regime: fewest hours as a share of annualHours (default 0.7).')),
    maxDailyHours: Type.Optional(Type.Number({ minimum: 1, maximum: 24, description: 'Most hours of work + travel in a day (default 10).' })),
    minDailyRestHours: Type.Optional(Type.Number({ minimum: 0, maximum: 24, description: 'Least rest between two working days (default 11).' })),
    minWeeklyRestHours: Type.Optional(Type.Number({ minimum: 0, maximum: 72, description: 'Least consecutive rest in each week (default 35: 24 h + 11 h).' })),
    maxWeeklyHours: Type.Optional(Type.Number({ minimum: 1, maximum: 60, description: 'Most hours in any single week (default 48).' })),
    maxAverageWeeklyHours: Type.Optional(Type.Number({ minimum: 1, maximum: 60, description: 'Most hours a week on average over any 12 consecutive weeks (default 44).' })),
    travel: Type.Optional(
      Type.Object(
        {
          detourFactor: Type.Optional(Type.Number({ minimum: 1, maximum: 3, description: 'Road distance / great-circle distance (default 1.3).' })),
          averageSpeedKmh: Type.Optional(Type.Number({ minimum: 5, maximum: 130, description: 'Average road speed in km/h (default 50).' })),
          maxMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 240, description: 'Longest trip allowed between two sites of a combination, in minutes (default 45).' })),
        },
        { additionalProperties: false, description: 'Travel time between sites, estimated without a routing service.' },
      ),
    ),
    maxEmployers: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'Most employers sharing one employee (default 4).' })),
    maxNeeds: Type.Optional(Type.Integer({ minimum: 2, maximum: 4, description: 'Most needs in one combination (2–4, default 4).' })),
    maxRegulatedDiplomas: Type.Optional(Type.Integer({ minimum: 0, maximum: 5, description: 'Most different regulated State diplomas one combination may require (default 1).' })),
    publicEmployerMaxShare: Type.Optional(
      Type.Union([Share('Largest share of the time a public member may use.'), Type.Null()], { description: 'Largest share of the time a public member may use (e.g. 0.5); null: no rule (default, the figure is to be checked).' }),
    ),
    minTradeProximity: Type.Optional(Share('Least trade proximity between the needs of a combination (0: any, 0.75: same ROME domain; default 0).')),
    compatibleTrades: Type.Optional(
      Type.Array(Type.Tuple([Type.String({ pattern: '^[A-N][0-9]{2}([0-9]{2})?$' }), Type.String({ pattern: '^[A-N][0-9]{2}([0-9]{2})?$' })]), {
        description: 'Pairs of ROME codes (A1203) or domains (A12) the tenant deems close trades, e.g. [["A1203", "N4402"]].',
      }),
    ),
    gapCard: Type.Optional(
      Type.Object(
        {
          minFill: Type.Optional(Share('Least fill of a combination that gets a gap card (default 0.7).')),
          maxFill: Type.Optional(Share('Fill from which a combination is complete (default 0.95).')),
        },
        { additionalProperties: false, description: '« Besoin complémentaire recherché »: combinations filled between minFill and maxFill of their target.' },
      ),
    ),
    managementFeeRate: Type.Optional(Type.Number({ minimum: 0, maximum: 0.5, description: 'The GE’s fee on each member’s invoice (default 0.07 = 7 %).' })),
    minimumHourlyWage: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Least reference hourly wage of a need, in euros (default 11.88, the SMIC horaire brut: update it each year).' })),
    weights: Type.Optional(
      Type.Object(
        {
          hours: Type.Optional(Weight('heures (annual hours / full year, weeks under 24 h or over 40 h)')),
          stability: Type.Optional(Weight('stabilité sur l’année')),
          travel: Type.Optional(Weight('trajets')),
          idle: Type.Optional(Weight('temps morts dans la journée')),
          trade: Type.Optional(Weight('proximité des métiers (ROME)')),
          employers: Type.Optional(Weight('nombre d’employeurs (2–3 au mieux)')),
          certainty: Type.Optional(Weight('engagements de 12 mois ou plus')),
        },
        { additionalProperties: false, description: 'Weights of the score terms (defaults 0.35, 0.20, 0.15, 0.10, 0.10, 0.05, 0.05).' },
      ),
    ),
  },
  { additionalProperties: false, description: 'Shared time (groupements d’employeurs): rules of a lawful combination and score weights; every key optional.' },
);

const FreeMembership = Type.Object(
  { mode: Type.Literal('free', { description: '"free": employers publish without a membership.' }) },
  { additionalProperties: false, description: 'Free for employers (e.g. a mission locale board).' },
);
const TierMembership = Type.Object(
    {
      mode: Type.Literal('tiers', { description: '"tiers": a yearly membership priced by company size.' }),
      currency: Type.Literal('EUR', { description: 'Currency of the prices; only "EUR" today.' }),
      required: Type.Boolean({ description: 'true: publishing an offer needs an active membership.' }),
      graceDays: Type.Integer({ minimum: 0, maximum: 120, description: 'Days after expiry during which publishing is still allowed (0–120).' }),
      tiers: Type.Array(Tier, { minItems: 1, description: 'The bands, from the smallest companies to the largest; the last one has maxHeadcount null.' }),
    },
    { additionalProperties: false, description: 'A paid membership grid by company size.' },
);
const Membership = Type.Union([FreeMembership, TierMembership], {
  description: 'How employers pay: { "mode": "free" } or a tier grid { "mode": "tiers", … }.',
});

/** Schema of tenants/<slug>/tenant.json. Unknown keys are errors: a typo must not pass silently. */
export const TenantConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'Path of this JSON schema, for editors: "../tenant.schema.json". Ignored by the app.' })),
    slug: Slug,
    name: Type.String({ minLength: 2, maxLength: 80, description: 'Site name shown in the header, page titles, e-mails and feeds (2–80 characters).' }),
    tagline: Type.String({ maxLength: 200, description: 'One sentence under the name: home page, footer, RSS feed, meta description (≤ 200 characters).' }),
    kind: Type.Union([Type.Literal('cluster'), Type.Literal('youth'), Type.Literal('employer-group')], {
      description: '"cluster" (industry cluster, paying members), "youth" (mission locale) or "employer-group" (groupement d’employeurs).',
    }),
    hostnames: Type.Array(Hostname, {
      uniqueItems: true,
      description: 'Public host names of the board. No two tenants may share one. In development <slug>.localhost always works, so [] is fine until go-live.',
    }),
    locale: Type.Literal('fr-FR', { description: 'Language of the board; only "fr-FR" today.' }),
    timezone: Type.Literal('Europe/Paris', { description: 'Time zone of dates; only "Europe/Paris" today.' }),
    contact: Type.Object(
      {
        email: Type.String({ format: 'email', description: 'Contact address shown in the footer.' }),
        phone: Type.Optional(Type.String({ pattern: '^[0-9 +().-]{6,20}$', description: 'Optional phone number, e.g. a free number "0 800 21 00 00" (digits, spaces and +().-, 6–20 characters).' })),
        address: Type.Optional(Type.String({ maxLength: 200, description: 'Optional postal address (≤ 200 characters).' })),
        openingHours: Type.Optional(
          Type.Array(Type.String({ minLength: 1, maxLength: 120 }), {
            maxItems: 7,
            description: 'Optional opening hours, one line each (≤ 7 lines of ≤ 120 characters), e.g. "Du lundi au vendredi : 8 h 30 – 12 h, 13 h 30 – 17 h". Youth boards show them with the phone and address on their home page.',
          }),
        ),
      },
      { additionalProperties: false, description: 'How to reach the team running the board.' },
    ),
    theme: Type.Object(
      {
        primaryColor: Type.String({
          ...Colour,
          description: '#rrggbb. Header, buttons and links; it carries white text, so it needs a contrast of at least 4.5:1 with white (checked by npm run tenant -- check).',
        }),
        accentColor: Type.String({
          ...Colour,
          description: '#rrggbb. Focus outlines and highlights on white: at least 3:1 with white (4.5:1 if tenant.css uses it as a text colour).',
        }),
        logo: Type.Optional(Type.String({ pattern: '^[a-z0-9._-]+\\.(svg|png|webp)$', description: 'Optional file name inside the tenant’s assets/ folder (.svg, .png or .webp, lower case), e.g. "logo.svg".' })),
      },
      { additionalProperties: false, description: 'Colours and logo; the colours are served by /theme.css as --color-primary and --color-accent.' },
    ),
    sectors: Type.Array(
      Type.Object(
        {
          code: Type.String({ ...Code, description: 'Kebab-case code, unique in the list; offers and the sector filter use it, so do not rename it once offers use it.' }),
          label: Type.String({ minLength: 2, description: 'Label shown in filters and on offers.' }),
        },
        { additionalProperties: false, description: 'One sector of the board’s taxonomy.' },
      ),
      { minItems: 1, description: 'The board’s sector taxonomy (at least one), e.g. { "code": "hotellerie-restauration", "label": "Hôtellerie-restauration" }.' },
    ),
    membership: Membership,
    offers: Type.Object(
      {
        lifetimeDays: Type.Integer({ minimum: 1, maximum: 365, description: 'How long an offer stays published (1–365 days).' }),
        moderation: Type.Boolean({ description: 'true: new offers wait for review by the tenant’s staff before publication.' }),
      },
      { additionalProperties: false, description: 'Offer publication rules.' },
    ),
    features: Type.Object(
      {
        billing: Type.Boolean({ description: 'Membership payments (manual or Stripe). Cannot be true with membership.mode "free".' }),
        messaging: Type.Boolean({ description: 'Messages between counsellors, young people and companies.' }),
        housingFilter: Type.Boolean({ description: 'The housing filter on the search page (seasonal jobs with housing).' }),
        sharedTime: Type.Boolean({ description: 'Shared-time needs of groupements d’employeurs.' }),
      },
      { additionalProperties: false, description: 'Feature switches, all true/false.' },
    ),
    sharedTime: Type.Optional(SharedTimeSettings),
    privacy: Type.Optional(
      Type.Object(
        {
          retentionMonths: Type.Integer({
            minimum: 1,
            maximum: 120,
            description: 'Candidate data is deleted after this many months without activity (default 24, as the CNIL recommends).',
          }),
        },
        { additionalProperties: false, description: 'Personal data retention (optional).' },
      ),
    ),
    recommendations: Type.Optional(
      Type.Object(
        {
          autoCloseDays: Type.Integer({
            minimum: 14,
            maximum: 180,
            description:
              'A young person recommended by a counsellor: without an answer from the employer after this many days, the application closes as « sans réponse » (14–180, default 45). The employer is reminded after 7 days.',
          }),
        },
        { additionalProperties: false, description: 'Recommended applications of a youth board (optional, with features.messaging).' },
      ),
    ),
  },
  { additionalProperties: false, title: 'Cordée tenant (tenants/<slug>/tenant.json)', description: 'Configuration of one job board. Unknown keys are errors.' },
);

export const DEFAULT_RETENTION_MONTHS = 24;

/** Months of inactivity after which a tenant's candidate data is deleted. */
export const retentionMonths = (config: Pick<TenantConfig, 'privacy'>): number => config.privacy?.retentionMonths ?? DEFAULT_RETENTION_MONTHS;

export const DEFAULT_RECOMMENDATION_AUTO_CLOSE_DAYS = 45;

/** Days after which a recommended application still unanswered closes as « sans réponse ». */
export const recommendationAutoCloseDays = (config: Pick<TenantConfig, 'recommendations'>): number =>
  config.recommendations?.autoCloseDays ?? DEFAULT_RECOMMENDATION_AUTO_CLOSE_DAYS;

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
    case ValueErrorType.Number: return 'doit être un nombre';
    case ValueErrorType.NumberMinimum: return `doit être supérieur ou égal à ${String(schema.minimum)}`;
    case ValueErrorType.NumberMaximum: return `doit être inférieur ou égal à ${String(schema.maximum)}`;
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
  const shared = config.sharedTime;
  if (shared?.weeklyHours?.min !== undefined && shared.weeklyHours.max !== undefined && shared.weeklyHours.min > shared.weeklyHours.max) {
    problems.push({ field: 'sharedTime.weeklyHours.min', message: 'doit être inférieur ou égal à max' });
  }
  if (shared?.gapCard?.minFill !== undefined && shared.gapCard.maxFill !== undefined && shared.gapCard.minFill >= shared.gapCard.maxFill) {
    problems.push({ field: 'sharedTime.gapCard.minFill', message: 'doit être inférieur à maxFill' });
  }
  if (config.features.billing && config.membership.mode === 'free') {
    problems.push({ field: 'features.billing', message: 'ne peut pas être activé quand membership.mode vaut « free »' });
  }
  return problems;
}

/**
 * Everything wrong with a configuration, one problem per field (`contact.email`, `sectors[2].code`…):
 * the schema first, then, for a configuration of the right shape, the rules the schema cannot say.
 * Used for tenant.json and for the runtime settings laid over it (features/tenant-settings).
 */
export function configProblems(raw: unknown, folderSlug: string): { field: string; message: string }[] {
  registerFormats();
  const invalid = schemaProblems(raw);
  return invalid.length > 0 ? invalid : semanticProblems(raw as TenantConfig, folderSlug);
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
  // `_skeleton` (a template folder) declares `skeleton`: the underscore only keeps it from going live.
  const problems = configProblems(raw, path.basename(tenantDir).replace(/^_/, ''));
  if (problems.length > 0) throw new TenantConfigError(file, problems);
  return raw as TenantConfig;
}

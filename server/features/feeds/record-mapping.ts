import { createHash } from 'node:crypto';
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { Contract, NewOffer } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';
import { AppError } from '../../errors.js';
import {
  booleanFromWords,
  contractFromFranceTravail,
  contractFromWords,
  experienceFromWords,
  housingFromWords,
  plainWords,
  salaryUnitFromWords,
  workingTimeFromWords,
  type SalaryUnit,
} from '../../offer-fields/vocabulary.js';
import type { Tenant } from '../../tenancy/registry.js';
import { OFFER_INPUT_DEFAULTS, validOffer, type OfferInput } from '../offers/manage-service.js';
import { OfferCreateBody } from '../offers/schemas.js';
import type { RawRecord } from './formats/records.js';
import * as repo from './repository.js';
import type { RomeMatcher } from './rome-matcher.js';

/**
 * One record of any format → an offer of the board, through the same rules for every format:
 * contract words, commune from postal code and name, ROME code from the title through the ROME
 * appellations (a guess is kept but flagged), salary text, dates; then the offer schema (TypeBox, the
 * API's) and the offers feature's own rules (validOffer). Problems are strings keys with parameters,
 * rendered in French with the tenant's wording (`feeds.reason.*`, `feeds.note.*`, `fields.*`).
 */

export interface Problem {
  key: string;
  params?: Record<string, string | number>;
}

export interface MappingContext {
  t: TenantDb;
  tenant: Tenant;
  matcher: RomeMatcher;
  now: Date;
  /** Department names (plain words) and codes → code. */
  departments: Map<string, string>;
  /** Communes by postal code, read once per poll (a feed repeats its few places). */
  postalCodes: Map<string, ReturnType<typeof repo.communesByPostalCode>>;
}

export type ValidOffer = Omit<NewOffer, 'tenant_id' | 'company_id'>;

export type MappedRecord =
  | { ok: true; reference: string; offer: ValidOffer; validThrough: Date | null; consentStated: boolean; notes: Problem[] }
  | { ok: false; reference: string | null; problems: Problem[] };

// The API's own validator of offer bodies (Fastify's Ajv settings, every error at once).
type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; params: { missingProperty?: string } }[] | null };
const validateOfferBody = (AjvCompiler()({}, { customOptions: { allErrors: true } } as never) as unknown as (route: object) => Validate)({
  schema: OfferCreateBody,
  method: 'POST',
  url: '/api/v1/offers',
  httpPart: 'body',
});

const MAX_REFERENCE = 200;

/** A date as feeds write it: ISO 8601, DD/MM/YYYY, or RFC 2822 (aggregator feeds). */
export function parseFeedDate(text: string | undefined): { day: string; instant: Date } | undefined {
  if (!text) return undefined;
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(text);
  if (french) {
    const day = `${french[3]}-${french[2].padStart(2, '0')}-${french[1].padStart(2, '0')}`;
    const instant = new Date(`${day}T00:00:00Z`);
    return Number.isNaN(instant.getTime()) ? undefined : { day, instant };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const instant = new Date(`${text}T00:00:00Z`);
    return Number.isNaN(instant.getTime()) ? undefined : { day: text, instant };
  }
  const instant = new Date(text);
  if (Number.isNaN(instant.getTime())) return undefined;
  return { day: /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : instant.toISOString().slice(0, 10), instant };
}

/** « 1 850,50 », « 1850.5 », « 1.850 », « 32k » → a number; undefined when there is none. */
export function parseAmount(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const match = /(\d[\d\s\u00a0\u202f.,]*)(\s*k\b)?/i.exec(text);
  if (!match) return undefined;
  let digits = match[1].replace(/[\s\u00a0\u202f]/g, '').replace(/[.,]$/, '');
  const lastComma = digits.lastIndexOf(',');
  const lastDot = digits.lastIndexOf('.');
  const decimal = Math.max(lastComma, lastDot);
  // A separator followed by exactly three digits (and no other decimal mark after) groups thousands.
  if (decimal >= 0 && digits.length - decimal - 1 === 3) digits = digits.replace(/[.,]/g, '');
  else if (decimal >= 0) digits = `${digits.slice(0, decimal).replace(/[.,]/g, '')}.${digits.slice(decimal + 1)}`;
  const value = Number(digits);
  if (!Number.isFinite(value)) return undefined;
  return match[2] ? value * 1000 : value;
}

/** « 1 850 – 2 100 € par mois » → figures and unit. */
export function parseSalaryText(text: string): { min?: number; max?: number; unit?: SalaryUnit } {
  const figures = [...text.matchAll(/\d[\d\s\u00a0\u202f.,]*(?:\s*k\b)?/gi)].map((m) => parseAmount(m[0])).filter((n): n is number => n !== undefined && n > 0);
  const [first, second] = figures;
  return { min: first, max: second, unit: salaryUnitFromWords(text.replace(/\d[\d\s.,]*/g, ' ').replace(/€|\beur(os)?\b/gi, ' ')) };
}

/** « 35 », « 35,5 », « 35h30 », « 35:30 », « 35 heures » → hours. */
export function parseHours(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const split = /(\d{1,2})\s*(?:h|:)\s*(\d{1,2})\b/i.exec(text);
  if (split) return Number(split[1]) + Number(split[2]) / 60;
  const plain = /(\d{1,2}(?:[.,]\d+)?)/.exec(text);
  return plain ? Number(plain[1].replace(',', '.')) : undefined;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') return String.fromCodePoint(name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
/** Markup of a description (the tags the offers keep, and the usual containers), not « <sans balise> » in plain text. */
const hasTags = (text: string) => /<\/?(p|br|ul|ol|li|strong|b|em|i|u|h[1-6]|div|span|a|blockquote|table|tr|td)\b[^>]*>/i.test(text);

/** HTML as is (the offers' sanitiser cleans it), escaped HTML decoded, plain text in paragraphs. */
export function descriptionHtml(raw: string): string {
  let text = raw.trim();
  if (!hasTags(text) && /&lt;\/?[a-z]/i.test(text)) text = decodeEntities(text);
  if (hasTags(text)) return text;
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\r?\n/g, '<br>')}</p>`)
    .join('');
}

/** The ROME code in a text (« G1204 Moniteur… », a CategoryCode), if any. */
const romeIn = (text: string | undefined) => /\b([A-Na-n]\d{4})\b/.exec(text ?? '')?.[1]?.toUpperCase();

/**
 * The commune: its INSEE code when the feed gives one; else the postal code, narrowed by the name
 * when several communes share it; else the name alone, narrowed by the department.
 */
async function findCommune(context: MappingContext, values: RawRecord['values'], notes: Problem[]): Promise<{ insee?: string; problem?: Problem }> {
  const { t } = context;
  const insee = values.commune_insee?.toUpperCase();
  if (insee && /^[0-9][0-9AB][0-9]{3}$/.test(insee) && (await repo.communeByInsee(t, insee))) return { insee };
  const name = plainWords(values.place_name ?? '');
  const postalCode = /\b(\d{5})\b/.exec(values.postal_code ?? '')?.[1];
  const nameMatches = (candidate: { name: string }) => {
    const plain = plainWords(candidate.name);
    return plain === name || plain.startsWith(`${name} `) || name.startsWith(`${plain} `);
  };
  if (postalCode) {
    if (!context.postalCodes.has(postalCode)) context.postalCodes.set(postalCode, repo.communesByPostalCode(t, postalCode));
    const candidates = await context.postalCodes.get(postalCode)!;
    if (candidates.length === 1) return { insee: candidates[0].insee_code };
    if (candidates.length > 1) {
      const named = name ? candidates.filter(nameMatches) : [];
      if (named.length >= 1) return { insee: named[0].insee_code };
      notes.push({ key: 'feeds.note.communeGuessed', params: { commune: candidates[0].name, postalCode } });
      return { insee: candidates[0].insee_code };
    }
  }
  if (!name) return { problem: { key: postalCode ? 'feeds.reason.postalCodeUnknown' : 'feeds.reason.placeMissing', params: { postalCode: postalCode ?? '' } } };
  let candidates = await repo.communesByName(t, name);
  const department = values.department ? context.departments.get(plainWords(values.department)) : undefined;
  if (department) candidates = candidates.filter((c) => c.department_code === department);
  if (candidates.length === 1) return { insee: candidates[0].insee_code };
  if (candidates.length === 0) return { problem: { key: 'feeds.reason.communeUnknown', params: { commune: values.place_name ?? '', postalCode: postalCode ? ` (${postalCode})` : '' } } };
  return { problem: { key: 'feeds.reason.communeAmbiguous', params: { commune: values.place_name ?? '', count: candidates.length } } };
}

function contractOf(values: RawRecord['values'], title: string, notes: Problem[]): Contract | undefined {
  if (values.contract_nature !== undefined && values.contract) {
    return contractFromFranceTravail(values.contract, values.contract_nature) ?? contractFromWords(values.contract);
  }
  const stated = contractFromWords(values.contract ?? '');
  if (stated) return stated;
  const fromTitle = contractFromWords(title);
  if (fromTitle) {
    notes.push({ key: 'feeds.note.contractFromTitle' });
    return fromTitle;
  }
  // schema.org often says only FULL_TIME: a job without an end is the likeliest reading.
  if (workingTimeFromWords(values.contract ?? values.working_time ?? '')) {
    notes.push({ key: 'feeds.note.contractAssumed' });
    return 'cdi';
  }
  return undefined;
}

function salaryOf(values: RawRecord['values'], notes: Problem[]) {
  const text = values.salary ? parseSalaryText(values.salary) : {};
  let min = parseAmount(values.salary_min) ?? text.min ?? null;
  let max = parseAmount(values.salary_max) ?? text.max ?? null;
  if (min !== null && max !== null && max < min) [min, max] = [max, min];
  let unit: SalaryUnit | null = salaryUnitFromWords(values.salary_unit ?? '') ?? text.unit ?? null;
  const figure = min ?? max;
  if (figure !== null && !unit) {
    // No unit: the order of magnitude of a French gross salary says which.
    unit = figure < 100 ? 'hour' : figure < 600 ? 'day' : figure < 15_000 ? 'month' : 'year';
    notes.push({ key: 'feeds.note.salaryUnitAssumed', params: { unit } });
  }
  return { salary_min: min, salary_max: max, salary_unit: figure === null ? null : unit };
}

function applyOf(values: RawRecord['values']): Pick<OfferInput, 'apply_method' | 'apply_url' | 'apply_email'> {
  const web = (text: string | undefined) => (text && /^https?:\/\//i.test(text) ? text : undefined);
  const url = web(values.apply_url);
  if (url) return { apply_method: 'url', apply_url: url, apply_email: null };
  if (values.apply_email) return { apply_method: 'email', apply_url: null, apply_email: values.apply_email };
  const page = web(values.offer_url);
  if (page) return { apply_method: 'url', apply_url: page, apply_email: null };
  return { apply_method: 'platform', apply_url: null, apply_email: null };
}

function romeOf(context: MappingContext, values: RawRecord['values'], title: string, notes: Problem[]): string | null {
  const stated = romeIn(values.rome_code);
  if (stated && context.matcher.romeCodes.has(stated)) return stated;
  const ogr = Number(values.ogr_code);
  const appellation = Number.isInteger(ogr) && ogr > 0 ? context.matcher.appellation(ogr) : undefined;
  if (appellation) return appellation.romeCode;
  const guess = context.matcher.match(title);
  if (!guess) {
    notes.push({ key: 'feeds.note.romeUnknown' });
    return null;
  }
  if (!guess.sure) notes.push({ key: 'feeds.note.romeGuessed', params: { label: guess.label, rome: guess.romeCode, score: Math.round(guess.score * 100) } });
  return guess.romeCode;
}

function sectorOf(tenant: Tenant, text: string | undefined): string | null {
  if (!text) return null;
  const plain = plainWords(text);
  return tenant.config.sectors.find((s) => s.code === text || plainWords(s.label) === plain)?.code ?? null;
}

/** The offer schema's problems (the API's TypeBox schema), one per field, as `fields.<name>.invalid`. */
function schemaProblems(input: OfferInput): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  if (validateOfferBody(structuredClone(input))) return problems;
  for (const error of validateOfferBody.errors ?? []) {
    const field = error.params.missingProperty ?? error.instancePath.split('/')[1] ?? 'offre';
    if (seen.has(field)) continue;
    seen.add(field);
    problems.push({ key: 'feeds.reason.field', params: { field, message: `fields.${field}.invalid` } });
  }
  return problems;
}

/**
 * The identity of a record's content: the hash of its values as the feed wrote them. Equal hashes mean
 * an unchanged record, which is neither mapped again nor rewritten.
 */
export function recordHash(values: RawRecord['values']): string {
  const entries = Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}

/** A raw record → a valid offer of the board (with what to check) or the reasons it was refused. */
export async function mapRecord(context: MappingContext, record: RawRecord): Promise<MappedRecord> {
  const { values } = record;
  const reference = values.reference?.trim() || null;
  const problems: Problem[] = [];
  const notes: Problem[] = [];
  if (!reference) problems.push({ key: 'feeds.reason.referenceMissing' });
  else if (reference.length > MAX_REFERENCE) problems.push({ key: 'feeds.reason.referenceTooLong', params: { max: MAX_REFERENCE } });
  const title = (values.title ?? values.ogr_label ?? '').trim();
  const contract = contractOf(values, title, notes);
  if (!contract) problems.push({ key: 'feeds.reason.contractUnknown', params: { value: values.contract ?? '' } });
  const place = await findCommune(context, values, notes);
  if (place.problem) problems.push(place.problem);
  const expires = parseFeedDate(values.expires_at);
  if (values.expires_at && !expires) problems.push({ key: 'feeds.reason.dateInvalid', params: { value: values.expires_at } });
  if (expires && expires.instant <= context.now) problems.push({ key: 'feeds.reason.expired', params: { date: expires.day } });
  const start = parseFeedDate(values.start_date);
  const end = parseFeedDate(values.end_date);
  const hours = parseHours(values.hours_per_week);
  const consent = values.export_consent !== undefined ? booleanFromWords(values.export_consent) : undefined;
  const input: OfferInput = {
    ...OFFER_INPUT_DEFAULTS,
    title,
    description_html: descriptionHtml(values.description_html ?? ''),
    contract: contract ?? 'cdi',
    working_time: workingTimeFromWords(values.working_time ?? '') ?? (hours !== undefined && hours < 24 ? 'part_time' : 'full_time'),
    hours_per_week: hours === undefined ? null : Math.round(hours * 10) / 10,
    start_date: start?.day ?? null,
    end_date: end?.day ?? null,
    commune_insee: place.insee ?? null,
    rome_code: romeOf(context, values, title, notes),
    sector: sectorOf(context.tenant, values.sector),
    ...salaryOf(values, notes),
    housing: housingFromWords(values.housing ?? '') ?? 'none',
    experience: experienceFromWords(values.experience ?? '') ?? null,
    driving_licence: booleanFromWords(values.driving_licence ?? '') ?? false,
    ...applyOf(values),
    export_consent: consent ?? true,
  };
  if (problems.length > 0) return { ok: false, reference, problems };
  const invalid = schemaProblems(input);
  if (invalid.length > 0) return { ok: false, reference, problems: invalid };
  let offer: ValidOffer;
  try {
    offer = await validOffer(context.t, context.tenant, input);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ok: false, reference, problems: Object.entries(error.fields).map(([field, message]) => ({ key: 'feeds.reason.field', params: { field, message } })) };
  }
  return { ok: true, reference: reference!, offer, validThrough: expires?.instant ?? null, consentStated: consent !== undefined, notes };
}

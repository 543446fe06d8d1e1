import { sql, type Insertable, type Kysely } from 'kysely';
import type { Contract, Database, MembershipStatus, NewCompany, NewOffer, OfferStatus } from '../database.js';
import { withTenant, type TenantDb } from '../tenant-db.js';
import type { Tenant, TenantRegistry } from '../../tenancy/registry.js';
import type { MembershipTier } from '../../tenancy/tenant-config.js';
import type { CompanyTemplate, DemoCatalogue, JobTemplate } from './catalogue.js';
import { dijon } from './dijon.js';
import { geOccitanie } from './ge-occitanie.js';
import { seedDijonCollaboration } from './dijon-collaboration.js';
import { montagne } from './montagne.js';
import { insertSharedTime } from './shared-time.js';
import { SHARED_TIME_SEEDS } from './shared-time-needs.js';
import { createRandom, fakeSiret, stableUuid, type Random } from './random.js';
import { hashPassword } from '../../features/accounts/passwords.js';

/** Password of every demo account (listed in the README). Only this seed creates such accounts. */
export const DEMO_PASSWORD = 'cordee-demo';

/** Demo data exists for the three demo tenants; forks and new tenants start empty. */
const CATALOGUES: Record<string, DemoCatalogue> = { montagne, dijon, 'ge-occitanie': geOccitanie };
/** Demo data of a board's features beyond companies and offers, in its own module (rows written: 0 on a second run). */
const EXTRAS: Record<string, (t: TenantDb, now: Date) => Promise<number>> = { dijon: seedDijonCollaboration };

export interface SeedReport {
  tenant: string;
  companies: number;
  offers: number;
  memberships: number;
  /** Rows actually written by this run: 0 on a second run. */
  inserted: number;
}

const DAY = 86_400_000;

/**
 * Inserts the demo companies, staff, memberships and offers of every tenant that has a catalogue.
 * Ids are derived from names and every insert is ON CONFLICT DO NOTHING, so a second run (even on
 * another day) writes nothing. Dates are relative to `now` so the board looks alive when seeded.
 *
 * Every company and every offer draws from its own random stream, seeded by its identity, and draws
 * the same values in the same order whatever the date: `now` only moves dates, never ids, titles,
 * statuses, contracts or places (test/integration/seed.test.ts seeds at a dozen dates of the year).
 */
export async function seedDemo(db: Kysely<Database>, registry: TenantRegistry, options: { now?: Date } = {}): Promise<SeedReport[]> {
  const now = options.now ?? new Date();
  const reports: SeedReport[] = [];
  for (const tenant of registry.tenants) {
    const catalogue = CATALOGUES[tenant.id];
    if (!catalogue) continue;
    const rows = buildRows(tenant, catalogue, now);
    // Shared time: the members its demo needs come from that the offer catalogue does not have.
    const shared = SHARED_TIME_SEEDS[tenant.id];
    shared?.extraCompanies.forEach((template, i) => addCompany(rows, tenant, template, catalogue.companies.length + i, now));
    await addDemoAccounts(rows, tenant, catalogue, now);
    const communes = [...new Set([...rows.companies.map((c) => c.commune_insee!), ...rows.offers.map((o) => o.commune_insee!)])];
    const places = await loadPlaces(db, communes);
    for (const offer of rows.offers) {
      const place = places.get(offer.commune_insee!)!;
      Object.assign(offer, { place_name: place.name, postal_code: place.postalCode, latitude: place.latitude, longitude: place.longitude });
    }
    const companyIds = new Map(rows.companies.map((c) => [c.name, c.id!]));
    const staffId = stableUuid(`${tenant.id}:user:${catalogue.staff.find((s) => s.role === 'admin')!.email}`);
    const inserted = await withTenant(db, tenant.id, async (tdb) => {
      const written = await insertAll(tdb, rows);
      const sharedTime = shared ? await insertSharedTime(tdb, tenant, shared, companyIds, staffId, now) : 0;
      return written + sharedTime + ((await EXTRAS[tenant.id]?.(tdb, now)) ?? 0);
    });
    reports.push({ tenant: tenant.id, companies: rows.companies.length, offers: rows.offers.length, memberships: rows.memberships.length, inserted });
  }
  // Fresh statistics, so the first searches of a new demo are planned as they will be later
  // (autovacuum would analyse the tables only a while after).
  if (reports.some((r) => r.inserted > 0)) await sql`analyze offers`.execute(db);
  return reports;
}

interface Place {
  name: string;
  postalCode: string;
  latitude: number;
  longitude: number;
}

async function loadPlaces(db: Kysely<Database>, inseeCodes: string[]): Promise<Map<string, Place>> {
  const rows = await db
    .selectFrom('communes')
    .select(['insee_code', 'name', 'postal_codes', 'latitude', 'longitude'])
    .where('insee_code', 'in', inseeCodes)
    .execute();
  const places = new Map(
    rows.map((r) => [r.insee_code, { name: r.name, postalCode: r.postal_codes[0], latitude: r.latitude!, longitude: r.longitude! }]),
  );
  const missing = inseeCodes.filter((code) => !places.get(code)?.postalCode || places.get(code)?.latitude == null);
  if (missing.length > 0) throw new Error(`Communes absentes des données de référence : ${missing.join(', ')}`);
  return places;
}

interface SeedRows {
  users: Insertable<Database['users']>[];
  companies: NewCompany[];
  members: Insertable<Database['company_members']>[];
  memberships: Insertable<Database['memberships']>[];
  offers: NewOffer[];
}

function buildRows(tenant: Tenant, catalogue: DemoCatalogue, now: Date): SeedRows {
  const rows: SeedRows = { users: [], companies: [], members: [], memberships: [], offers: [] };
  for (const staff of catalogue.staff) {
    rows.users.push({ id: stableUuid(`${tenant.id}:user:${staff.email}`), tenant_id: tenant.id, email: staff.email, display_name: staff.name, role: staff.role });
  }
  const lifetimeDays = tenant.config.offers.lifetimeDays;
  catalogue.companies.forEach((template, index) => {
    // The company's stream goes on with its number of offers.
    const { slug, companyId, ownerEmail, membershipStatus, random } = addCompany(rows, tenant, template, index, now);
    const [min, max] = catalogue.offersPerCompany;
    const count = random.int(min, max);
    const jobs = catalogue.jobs[template.sector];
    if (!jobs) throw new Error(`${tenant.id} : aucun métier de démonstration pour le secteur ${template.sector}`);
    // A company posts a title at most once per commune: repeats would show as one grouped card ("3 postes").
    const placed = new Set<string>();
    for (let n = 0; n < count; n++) {
      const offerRandom = createRandom(`seed:${tenant.id}:offer:${slug}:${n}`);
      const job = jobs[n % jobs.length];
      const status = membershipStatus === 'pending_payment' ? offerRandom.pick<OfferStatus>(['draft', 'draft', 'pending_review']) : offerStatus(offerRandom);
      const offer = offerRow({ tenant, catalogue, template, companyId, slug, job, n, status, now, lifetimeDays, random: offerRandom, ownerEmail, placed });
      if (offer) rows.offers.push(offer);
    }
  });
  return rows;
}

/**
 * A demo company with its owner account and, on a paying board, its membership (most up to date, a few
 * late or unpaid, by position in the catalogue). Draws from the company's own random stream.
 */
export function addCompany(rows: SeedRows, tenant: Tenant, template: CompanyTemplate, index: number, now: Date) {
  const slug = slugify(template.name);
  const random = createRandom(`seed:${tenant.id}:company:${slug}`);
  const companyId = stableUuid(`${tenant.id}:company:${slug}`);
  rows.companies.push({
    id: companyId,
    tenant_id: tenant.id,
    name: template.name,
    slug,
    siret: fakeSiret(random),
    naf_code: template.naf,
    headcount: template.headcount,
    commune_insee: template.commune,
    website: `https://www.${slug}.example`,
    description: template.description,
  });
  const ownerEmail = `recrutement@${slug}.example`;
  const ownerId = stableUuid(`${tenant.id}:user:${ownerEmail}`);
  rows.users.push({ id: ownerId, tenant_id: tenant.id, email: ownerEmail, display_name: `Recrutement ${template.name}`, role: 'employer' });
  rows.members.push({ tenant_id: tenant.id, company_id: companyId, user_id: ownerId, member_role: 'owner' });

  // Paying tenants: most members are up to date, a few are late or have not paid yet.
  let membershipStatus: MembershipStatus = 'active';
  const membership = tenant.config.membership;
  const membershipAgeDays = membershipAge(random);
  if (membership.mode === 'tiers') {
    membershipStatus = index % 12 === 5 ? 'past_due' : index % 17 === 8 ? 'pending_payment' : 'active';
    rows.memberships.push(membershipRow(tenant.id, companyId, tierFor(membership.tiers, template.headcount), membershipStatus, now, membershipAgeDays));
  }
  return { slug, companyId, ownerEmail, membershipStatus, random };
}

/**
 * The README's demo accounts: verified, password DEMO_PASSWORD, employers owners of their company.
 * Each run hashes anew (random salt) but inserts with ON CONFLICT DO NOTHING, so an existing account
 * keeps its row untouched. Seven argon2 hashes in parallel take well under a second.
 */
async function addDemoAccounts(rows: SeedRows, tenant: Tenant, catalogue: DemoCatalogue, now: Date): Promise<void> {
  const hashes = await Promise.all(catalogue.demoAccounts.map(() => hashPassword(DEMO_PASSWORD)));
  catalogue.demoAccounts.forEach((account, i) => {
    const id = stableUuid(`${tenant.id}:user:${account.email}`);
    rows.users.push({
      id,
      tenant_id: tenant.id,
      email: account.email,
      display_name: account.name,
      role: account.role,
      password_hash: hashes[i],
      email_verified_at: now,
    });
    if (account.company) {
      const company = rows.companies.find((c) => c.name === account.company);
      if (!company) throw new Error(`${tenant.id} : entreprise de démonstration inconnue « ${account.company} » (${account.email})`);
      rows.members.push({ tenant_id: tenant.id, company_id: company.id!, user_id: id, member_role: 'owner' });
    }
  });
}

function tierFor(tiers: MembershipTier[], headcount: number): MembershipTier {
  return tiers.find((t) => headcount >= t.minHeadcount && (t.maxHeadcount === null || headcount <= t.maxHeadcount)) ?? tiers[tiers.length - 1];
}

/** How long ago the membership year started: past due ones are over a year old. Drawn for every company. */
function membershipAge(random: Random): { current: number; lapsed: number } {
  return { current: random.int(5, 320), lapsed: random.int(366, 380) };
}

function membershipRow(tenantId: string, companyId: string, tier: MembershipTier, status: MembershipStatus, now: Date, ageDays: { current: number; lapsed: number }) {
  const start = new Date(now.getTime() - (status === 'past_due' ? ageDays.lapsed : ageDays.current) * DAY);
  const end = new Date(start);
  end.setUTCFullYear(end.getUTCFullYear() + 1);
  const dated = status !== 'pending_payment';
  return {
    id: stableUuid(`${tenantId}:membership:${companyId}`),
    tenant_id: tenantId,
    company_id: companyId,
    tier_code: tier.code,
    amount_cents: tier.yearlyPriceCents,
    status,
    provider: 'manual' as const,
    period_start: dated ? isoDate(start) : null,
    period_end: dated ? isoDate(end) : null,
  };
}

/** ~85 % of offers are live; the rest show the other states of the lifecycle. */
function offerStatus(random: Random): OfferStatus {
  const roll = random.next();
  if (roll < 0.86) return 'published';
  if (roll < 0.91) return 'pending_review';
  if (roll < 0.94) return 'draft';
  if (roll < 0.98) return 'expired';
  return 'filled';
}

interface OfferInput {
  tenant: Tenant;
  catalogue: DemoCatalogue;
  template: CompanyTemplate;
  companyId: string;
  slug: string;
  job: JobTemplate;
  n: number;
  status: OfferStatus;
  now: Date;
  lifetimeDays: number;
  random: Random;
  ownerEmail: string;
  /** `title|commune` pairs this company already posted. */
  placed: Set<string>;
}

/**
 * The commune drawn for the offer, or, when the company already posts this title there, the first
 * free one of its department's list (no extra draw: the random stream stays the same). Null when none is free.
 */
function freeCommune(drawn: string, title: string, candidates: string[], placed: Set<string>): string | null {
  const start = Math.max(0, candidates.indexOf(drawn));
  const rotation = [drawn, ...candidates.slice(start), ...candidates.slice(0, start)];
  const commune = rotation.find((code) => !placed.has(`${title}|${code}`)) ?? null;
  if (commune) placed.add(`${title}|${commune}`);
  return commune;
}

/** The offer's row, or null when the company already posts this title in every commune it could use. */
function offerRow(input: OfferInput): NewOffer | null {
  const { tenant, catalogue, template, job, random, now, lifetimeDays, status } = input;
  const contract = random.pick(job.contracts);
  const partTime = random.chance(job.partTime ?? 0.05);
  const hours = partTime ? random.pick([20, 24, 25, 28, 30]) : random.pick([35, 35, 35, 39, 42]);
  // Outside the mountain, a seasonal contract is a summer job (the youth board's "job d'été").
  const season = catalogue.seasonal && contract === 'seasonal' ? (random.chance(0.7) ? 'winter' : 'summer') : catalogue.seasonal ? 'all_year' : contract === 'seasonal' ? 'summer' : null;
  const dateDraws = drawContractDates(contract, random);
  const salaryMin = round2(job.salary.min + random.next() * (job.salary.max - job.salary.min) * 0.5);
  const salaryMax = random.chance(0.7) ? round2(Math.max(salaryMin, job.salary.max - random.next() * (job.salary.max - job.salary.min) * 0.3)) : null;
  const housingRoll = random.next();
  const housing = housingRoll < (job.housing ?? 0) * 0.6 ? 'provided' : housingRoll < (job.housing ?? 0) ? 'help' : 'none';
  const department = template.commune.slice(0, 2);
  const nearby = catalogue.nearbyCommunes[department] ?? [template.commune];
  const commune = freeCommune(random.chance(0.7) ? template.commune : random.pick(nearby), job.title, nearby, input.placed);
  if (commune === null) return null;

  // Published offers went live within their lifetime; expired ones are past it.
  const ageDays = status === 'expired' ? lifetimeDays + random.int(1, 40) : random.int(0, Math.max(1, lifetimeDays - 3));
  const publishedSecondsEarlier = random.int(0, 20 * 3600);
  const draftDays = random.int(1, 4);
  const applyMethod = random.pick(['platform', 'platform', 'platform', 'email', 'url'] as const);
  const descriptionHtml = describe(template, job, contract, housing, catalogue, random);
  const jobNature = random.chance(0.75) ? 'creation' : 'replacement';

  // Dates last: they are the only values that depend on `now`, and they consume no randomness.
  const { start, end } = contractDates(contract, season, now, dateDraws);
  const publishedAt = status === 'draft' || status === 'pending_review' ? null : new Date(now.getTime() - ageDays * DAY - publishedSecondsEarlier * 1000);
  const expiresAt = publishedAt ? new Date(publishedAt.getTime() + lifetimeDays * DAY) : null;
  const createdAt = new Date((publishedAt ?? now).getTime() - draftDays * DAY);

  return {
    id: stableUuid(`${tenant.id}:offer:${input.slug}:${input.n}`),
    tenant_id: tenant.id,
    company_id: input.companyId,
    title: job.title,
    description_html: descriptionHtml,
    rome_code: job.rome,
    sector: template.sector,
    contract,
    working_time: partTime ? 'part_time' : 'full_time',
    hours_per_week: hours,
    start_date: start,
    end_date: end,
    season,
    commune_insee: commune,
    salary_min: salaryMin,
    salary_max: salaryMax,
    salary_unit: job.salary.unit,
    housing,
    experience: job.experience,
    driving_licence: job.drivingLicence ?? false,
    without_diploma: job.withoutDiploma ?? false,
    open_to_minors: job.minors ?? false,
    apply_method: applyMethod,
    apply_email: applyMethod === 'email' ? input.ownerEmail : null,
    apply_url: applyMethod === 'url' ? `https://www.${input.slug}.example/recrutement` : null,
    status,
    job_nature: jobNature,
    published_at: publishedAt,
    expires_at: expiresAt,
    created_at: createdAt,
    updated_at: publishedAt ?? createdAt,
  };
}

/**
 * Every random value contractDates may need, drawn in one fixed order whatever the date, so that the
 * date chooses between values but never changes how many are drawn (and so every later draw).
 */
interface ContractDateDraws {
  winterStartDay: number;
  winterEndDay: number;
  summerStartDay: number;
  summerEndDay: number;
  /** Days from now to the start when a season is already running or a contract starts soon. */
  soonDays: number;
  leadDays: number;
  months: number;
}

function drawContractDates(contract: Contract, random: Random): ContractDateDraws {
  return {
    winterStartDay: random.int(6, 13),
    winterEndDay: random.int(12, 26),
    summerStartDay: random.int(15, 30),
    summerEndDay: random.int(1, 15),
    soonDays: random.int(3, 10),
    leadDays: random.int(7, 60),
    months: contract === 'apprenticeship' ? random.pick([12, 24, 24, 36]) : contract === 'internship' ? random.int(2, 6) : random.int(2, 9),
  };
}

/**
 * Start/end dates that match the contract: the next season's dates (or within days when the season is
 * already running), a CDD of a few months, an open CDI. Pure: the same `now` and draws give the same dates.
 */
function contractDates(contract: Contract, season: string | null, now: Date, draws: ContractDateDraws): { start: string; end: string | null } {
  const year = now.getUTCFullYear();
  const soon = new Date(now.getTime() + draws.soonDays * DAY);
  if (contract === 'seasonal' && season === 'winter') {
    // Winter runs mid-December → mid-April; from April on, offers are for the next winter.
    const seasonYear = now.getUTCMonth() >= 3 ? year : year - 1;
    const seasonStart = new Date(Date.UTC(seasonYear, 11, draws.winterStartDay));
    const start = seasonStart > now ? seasonStart : soon;
    const end = new Date(Date.UTC(seasonYear + 1, 3, draws.winterEndDay));
    return { start: isoDate(start), end: isoDate(end > start ? end : new Date(start.getTime() + 60 * DAY)) };
  }
  if (contract === 'seasonal') {
    // Summer runs mid-June → mid-September; from July on, offers are for the next summer.
    const summerYear = now.getUTCMonth() >= 6 ? year + 1 : year;
    const seasonStart = new Date(Date.UTC(summerYear, 5, draws.summerStartDay));
    const start = seasonStart > now ? seasonStart : soon;
    const end = new Date(Date.UTC(summerYear, 8, draws.summerEndDay));
    return { start: isoDate(start), end: isoDate(end > start ? end : new Date(start.getTime() + 60 * DAY)) };
  }
  const start = new Date(now.getTime() + draws.leadDays * DAY);
  if (contract === 'cdi') return { start: isoDate(start), end: null };
  const end = new Date(start);
  end.setUTCMonth(end.getUTCMonth() + draws.months);
  return { start: isoDate(start), end: isoDate(end) };
}

const CONTRACT_WORDS: Record<Contract, string> = {
  cdi: 'CDI',
  cdd: 'CDD',
  seasonal: 'contrat saisonnier',
  interim: 'mission d’intérim',
  apprenticeship: 'contrat d’apprentissage',
  internship: 'stage',
  shared_time: 'temps partagé',
};

function describe(template: CompanyTemplate, job: JobTemplate, contract: Contract, housing: string, catalogue: DemoCatalogue, random: Random): string {
  const list = (items: string[]) => `<ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
  const conditions = [`Poste en ${CONTRACT_WORDS[contract]}`];
  if (housing === 'provided') conditions.push('Logement fourni par l’employeur');
  if (housing === 'help') conditions.push('Aide à la recherche de logement');
  conditions.push(random.pick(catalogue.perks));
  if (random.chance(0.5)) conditions.push(random.pick(catalogue.perks));
  return [
    `<p>${escapeHtml(template.description)}</p>`,
    '<h3>Vos missions</h3>',
    list(job.missions),
    '<h3>Votre profil</h3>',
    list(job.profile),
    '<h3>Conditions</h3>',
    list([...new Set(conditions)]),
  ].join('\n');
}

async function insertAll({ trx }: TenantDb, rows: SeedRows): Promise<number> {
  let inserted = 0;
  const count = (result: { numInsertedOrUpdatedRows?: bigint }[]) =>
    result.reduce((sum, r) => sum + Number(r.numInsertedOrUpdatedRows ?? 0), 0);
  inserted += count(await trx.insertInto('users').values(rows.users).onConflict((oc) => oc.doNothing()).execute());
  inserted += count(await trx.insertInto('companies').values(rows.companies).onConflict((oc) => oc.doNothing()).execute());
  inserted += count(await trx.insertInto('company_members').values(rows.members).onConflict((oc) => oc.doNothing()).execute());
  if (rows.memberships.length > 0) {
    inserted += count(await trx.insertInto('memberships').values(rows.memberships).onConflict((oc) => oc.doNothing()).execute());
  }
  for (let i = 0; i < rows.offers.length; i += 200) {
    inserted += count(await trx.insertInto('offers').values(rows.offers.slice(i, i + 200)).onConflict((oc) => oc.doNothing()).execute());
  }
  return inserted;
}

export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’']/g, '-')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10);
const round2 = (value: number) => Math.round(value * 100) / 100;

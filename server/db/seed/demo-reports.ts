import { createHash } from 'node:crypto';
import type { Insertable } from 'kysely';
import { addDays, addMonths } from '../../calendar.js';
import type { Contract, Database, HireContract } from '../database.js';
import type { TenantDb } from '../tenant-db.js';
import type { Tenant } from '../../tenancy/registry.js';
import type { CompanyTemplate, DemoCatalogue, JobTemplate } from './catalogue.js';
import { createRandom, stableUuid, type Random } from './random.js';

/**
 * The demo boards' history, so that reports and employers' statistics are alive on a fresh clone:
 * closed offers of the past two years (last winters and summers on the mountain board), their hires
 * with contracts, dates, hours, declared natures and attributions, seasonal staff hired again the next
 * winter, the 6- and 12-month follow-up answers, the renewals paid last year, views of the live offers
 * day by day, and on the youth board young people who joined over eighteen months, some followed by
 * a counsellor, recommended, hired, or entered into training.
 *
 * As in demo-seed.ts, every company, offer and young person draws from its own random stream seeded by
 * its identity, the same values in the same order whatever the date: `now` moves dates only (each is
 * now minus a drawn offset, or a season counted back from now), never ids, contracts, statuses or
 * whether a row exists. Every insert is ON CONFLICT DO NOTHING: a second run, on any day, writes nothing.
 */

const DAY = 86_400_000;
const FIRST_NAMES = ['Léa', 'Hugo', 'Chloé', 'Lucas', 'Manon', 'Nathan', 'Camille', 'Théo', 'Inès', 'Maxime', 'Sarah', 'Enzo', 'Julie', 'Tom', 'Clara', 'Louis', 'Emma', 'Noah', 'Zoé', 'Arthur', 'Lina', 'Jules', 'Anaïs', 'Rayan', 'Margaux', 'Yanis', 'Pauline', 'Adrien', 'Elsa', 'Karim'];
const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'Roux', 'Fournier', 'Girard', 'Bonnet', 'Dupont', 'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Muller', 'Faure', 'André', 'Mercier', 'Blanc', 'Guérin'];

export interface ReportsDemoCompany {
  id: string;
  slug: string;
  template: CompanyTemplate;
}

interface Rows {
  offers: Insertable<Database['offers']>[];
  users: Insertable<Database['users']>[];
  applications: Insertable<Database['applications']>[];
  hires: Insertable<Database['hires']>[];
  followUps: Insertable<Database['hire_follow_ups']>[];
  accompaniments: Insertable<Database['accompaniments']>[];
  events: Insertable<Database['follow_up_events']>[];
  recommendations: Insertable<Database['candidate_recommendations']>[];
  payments: Insertable<Database['membership_payments']>[];
  counters: Insertable<Database['receipt_counters']>[];
  views: Insertable<Database['offer_views_daily']>[];
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const plain = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]+/g, '');

/** Calendar of the tenant as the seed sees it (dates only; Paris is never more than 2 h from UTC). */
function parisDay(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The year of the latest winter (December → April) over by `now`, and of the latest summer (June → September). */
function lastSeasons(now: Date): { winter: number; summer: number } {
  const month = now.getUTCMonth();
  const year = now.getUTCFullYear();
  return { winter: month >= 4 ? year - 1 : year - 2, summer: month >= 9 ? year : year - 1 };
}

interface Person {
  name: string;
  email: string;
}

/** A person with an address of their own (`tag` makes it unique on the board). */
function person(random: Random, tenantId: string, tag: string): Person {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const suffix = createHash('sha256').update(tag).digest('hex').slice(0, 6);
  return { name: `${first} ${last}`, email: `${plain(first)}.${plain(last)}.${suffix}@personnes.${tenantId}.example` };
}

const personKey = (tenantId: string, email: string) => createHash('sha256').update(`${tenantId}:${email}`, 'utf8').digest('hex');

function hireContract(contract: Contract): HireContract | null {
  return contract === 'shared_time' ? 'cdi' : contract === 'internship' ? null : contract;
}

interface PastOffer {
  /** Days from the contract's start to now, from the draws (never from calendar arithmetic: it decides which rows exist). */
  startDaysAgo: number;
  id: string;
  companyId: string;
  title: string;
  contract: Contract;
  hours: number;
  start: string;
  end: string | null;
  publishedAt: Date;
  filled: boolean;
  applyOnPlatform: boolean;
}

/** Every value an offer of the past needs, drawn in one fixed order. */
interface OfferDraws {
  job: JobTemplate;
  contract: Contract;
  kind: 'winter' | 'summer' | 'other';
  yearsBack: number;
  monthsAgo: number;
  offsetDays: number;
  lengthMonths: number;
  hours: number;
  status: 'filled' | 'expired' | 'archived';
  closeAfterDays: number;
  applyOnPlatform: boolean;
}

function drawOffer(random: Random, jobs: JobTemplate[], k: number, seasonal: boolean): OfferDraws {
  // On a seasonal board, the first two offers are one seasonal job posted two seasons in a row.
  const repeated = seasonal && k < 2 && jobs[0].contracts.includes('seasonal');
  const job = repeated ? jobs[0] : jobs[(k + 1) % jobs.length];
  const drawn = random.pick(job.contracts);
  const contract = repeated ? 'seasonal' : drawn;
  const roll = random.next();
  const kind = repeated ? 'winter' : seasonal && contract === 'seasonal' ? (roll < 0.65 ? 'winter' : 'summer') : 'other';
  return {
    job,
    contract,
    kind,
    // The first two seasonal offers of a company are two seasons in a row, the older first.
    yearsBack: k < 2 ? 1 - k : random.int(0, 1),
    monthsAgo: random.int(3, 22),
    offsetDays: random.int(0, 20),
    lengthMonths: contract === 'apprenticeship' ? random.pick([12, 24]) : contract === 'interim' ? random.int(1, 3) : random.int(2, 9),
    hours: random.chance(job.partTime ?? 0.1) ? random.pick([20, 24, 28, 30]) : random.pick([35, 35, 35, 39]),
    status: random.chance(0.75) ? 'filled' : random.chance(0.7) ? 'expired' : 'archived',
    closeAfterDays: random.int(8, 45),
    applyOnPlatform: random.chance(0.75),
  };
}

/** Dates of a past offer, from its draws and `now`: a past winter or summer season, or months back. */
function pastOfferDates(draws: OfferDraws, now: Date): { publishedAt: Date; start: string; end: string | null } {
  const seasons = lastSeasons(now);
  if (draws.kind === 'winter') {
    const year = seasons.winter - draws.yearsBack;
    const start = `${year}-12-${String(1 + draws.offsetDays % 14).padStart(2, '0')}`;
    return { publishedAt: new Date(Date.parse(`${year}-10-15T09:00:00Z`) + draws.offsetDays * DAY), start, end: `${year + 1}-04-${String(10 + (draws.offsetDays % 15)).padStart(2, '0')}` };
  }
  if (draws.kind === 'summer') {
    const year = seasons.summer - draws.yearsBack;
    const start = `${year}-06-${String(15 + (draws.offsetDays % 14)).padStart(2, '0')}`;
    return { publishedAt: new Date(Date.parse(`${year}-04-20T09:00:00Z`) + draws.offsetDays * DAY), start, end: `${year}-09-${String(1 + (draws.offsetDays % 14)).padStart(2, '0')}` };
  }
  const publishedAt = new Date(now.getTime() - (draws.monthsAgo * 30 + draws.offsetDays) * DAY);
  const start = addDays(isoDay(publishedAt), 21 + (draws.offsetDays % 10));
  const end = draws.contract === 'cdi' || draws.contract === 'shared_time' ? null : addMonths(start, draws.lengthMonths);
  return { publishedAt, start, end };
}

/**
 * The demo history of one board, in the seed's transaction. `companies` are the catalogue's, with
 * their ids; returns the rows written (0 on a second run).
 */
export async function seedReportsDemo(t: TenantDb, tenant: Tenant, catalogue: DemoCatalogue, companies: ReportsDemoCompany[], now: Date): Promise<number> {
  const rows: Rows = { offers: [], users: [], applications: [], hires: [], followUps: [], accompaniments: [], events: [], recommendations: [], payments: [], counters: [], views: [] };
  const places = new Map(
    (await t.trx.selectFrom('communes').select(['insee_code', 'name', 'postal_codes', 'latitude', 'longitude']).where('insee_code', 'in', companies.map((c) => c.template.commune)).execute()).map((c) => [c.insee_code, c]),
  );
  const pastOffers = new Map<string, PastOffer[]>();
  for (const company of companies) {
    pastOffers.set(company.id, addPastOffers(rows, tenant, catalogue, company, places, now));
  }
  if (tenant.id === 'dijon') addYoungPeople(rows, tenant, companies, pastOffers, now);
  await addRenewals(t, rows, tenant);
  await addViews(t, rows, tenant, now);
  return insertAll(t, rows);
}

function addPastOffers(
  rows: Rows,
  tenant: Tenant,
  catalogue: DemoCatalogue,
  company: ReportsDemoCompany,
  places: Map<string, { insee_code: string; name: string; postal_codes: string[]; latitude: number | null; longitude: number | null }>,
  now: Date,
): PastOffer[] {
  const random = createRandom(`seed:${tenant.id}:reports:${company.slug}`);
  const jobs = catalogue.jobs[company.template.sector] ?? [];
  const place = places.get(company.template.commune)!;
  const count = random.int(2, 4);
  const offers: PastOffer[] = [];
  // The person last hired for a season of each kind: hired again by the company the next one, sometimes.
  const lastSeasonal = new Map<string, Person>();
  const ownerId = stableUuid(`${tenant.id}:user:recrutement@${company.slug}.example`);
  for (let k = 0; k < count && jobs.length > 0; k++) {
    const draws = drawOffer(random, jobs, k, catalogue.seasonal);
    const hire = {
      people: [person(random, tenant.id, `${company.slug}:${k}:a`), person(random, tenant.id, `${company.slug}:${k}:b`)],
      rehire: random.chance(0.6),
      declared: random.chance(0.75),
      creation: random.chance(0.35),
      viaPlatform: random.chance(0.8),
      contact: random.chance(0.3),
      startDelay: random.int(0, 6),
      endedEarly: random.chance(0.15),
      answers: [random.next(), random.next(), random.next(), random.next()],
      secondHire: random.chance(0.3),
    };
    const dates = pastOfferDates(draws, now);
    const id = stableUuid(`${tenant.id}:past-offer:${company.slug}:${k}`);
    const closedAt = draws.status === 'expired' ? new Date(dates.publishedAt.getTime() + 60 * DAY) : new Date(dates.publishedAt.getTime() + draws.closeAfterDays * DAY);
    rows.offers.push({
      id,
      tenant_id: tenant.id,
      company_id: company.id,
      title: draws.job.title,
      description_html: `<p>${escapeHtml(company.template.description)}</p><ul>${draws.job.missions.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul>`,
      rome_code: draws.job.rome,
      sector: company.template.sector,
      contract: draws.contract,
      working_time: draws.hours < 35 ? 'part_time' : 'full_time',
      hours_per_week: draws.hours,
      start_date: dates.start,
      end_date: dates.end,
      season: catalogue.seasonal ? (draws.kind === 'other' ? 'all_year' : draws.kind) : draws.contract === 'seasonal' ? 'summer' : null,
      commune_insee: place.insee_code,
      postal_code: place.postal_codes[0],
      place_name: place.name,
      latitude: place.latitude,
      longitude: place.longitude,
      salary_min: draws.job.salary.min,
      salary_unit: draws.job.salary.unit,
      experience: draws.job.experience,
      apply_method: draws.applyOnPlatform ? 'platform' : 'email',
      apply_email: draws.applyOnPlatform ? null : `recrutement@${company.slug}.example`,
      status: draws.status,
      job_nature: hire.creation ? 'creation' : 'replacement',
      published_at: dates.publishedAt,
      expires_at: new Date(dates.publishedAt.getTime() + 60 * DAY),
      closed_at: closedAt,
      created_at: new Date(dates.publishedAt.getTime() - 2 * DAY),
      updated_at: closedAt,
    });
    const startDaysAgo = draws.kind === 'other' ? draws.monthsAgo * 30 + draws.offsetDays - 21 - (draws.offsetDays % 10) : 400;
    const offer: PastOffer = { startDaysAgo, id, companyId: company.id, title: draws.job.title, contract: draws.contract, hours: draws.hours, start: dates.start, end: dates.end, publishedAt: dates.publishedAt, filled: draws.status === 'filled', applyOnPlatform: draws.applyOnPlatform };
    offers.push(offer);
    if (!offer.filled) continue;
    const previous = lastSeasonal.get(draws.kind);
    const hired = previous && hire.rehire && draws.kind !== 'other' ? previous : hire.people[0];
    if (draws.kind !== 'other') lastSeasonal.set(draws.kind, hired);
    const hirings = hire.secondHire ? [hired, hire.people[1]] : [hired];
    hirings.forEach((who, n) => {
      const returning = who === previous;
      addHire(rows, tenant, {
        key: `${company.slug}:${k}:${n}`,
        companyId: company.id,
        offer,
        person: who,
        ownerId,
        seasonal: draws.kind !== 'other',
        // Returning staff are rarely declared: the report recognises them itself.
        nature: hire.declared && !returning ? (hire.creation ? 'creation' : 'replacement') : null,
        attribution: offer.applyOnPlatform && hire.viaPlatform ? 'platform_application' : hire.contact ? 'platform_contact' : 'declared_only',
        startDelay: hire.startDelay + n,
        endedEarly: hire.endedEarly,
        answers: hire.answers,
        now,
      });
    });
  }
  return offers;
}

interface HireInput {
  key: string;
  companyId: string;
  offer: PastOffer;
  person: Person;
  ownerId: string;
  seasonal: boolean;
  nature: 'creation' | 'replacement' | null;
  attribution: 'platform_application' | 'counsellor_recommendation' | 'platform_contact' | 'declared_only';
  startDelay: number;
  endedEarly: boolean;
  answers: number[];
  now: Date;
  candidateUserId?: string;
  recommendedBy?: string;
}

function addHire(rows: Rows, tenant: Tenant, input: HireInput): void {
  const { offer, now } = input;
  const start = addDays(offer.start, input.startDelay);
  const hiredOn = addDays(start, -7);
  const contract = hireContract(offer.contract);
  const plannedEnd = offer.end && offer.end > start ? offer.end : null;
  const startDaysAgo = offer.startDaysAgo - input.startDelay;
  // A past season is over: its contracts ended as planned. Others end early now and then.
  const actualEnd = input.seasonal ? plannedEnd : input.endedEarly && startDaysAgo > 60 ? addDays(start, 45) : null;
  const applicationId = input.attribution === 'platform_application' || input.attribution === 'counsellor_recommendation' ? stableUuid(`${tenant.id}:past-application:${input.key}`) : null;
  if (applicationId) {
    const appliedAt = new Date(offer.publishedAt.getTime() + 3 * DAY);
    rows.applications.push({
      id: applicationId,
      tenant_id: tenant.id,
      offer_id: offer.id,
      company_id: input.companyId,
      user_id: input.candidateUserId ?? null,
      full_name: input.person.name,
      email: input.person.email,
      status: 'hired',
      status_changed_at: new Date(`${hiredOn}T10:00:00Z`),
      hired_at: new Date(`${hiredOn}T10:00:00Z`),
      consent_at: appliedAt,
      created_at: appliedAt,
      recommended_by: input.recommendedBy ?? null,
      employer_answered_at: new Date(appliedAt.getTime() + 2 * DAY),
      interview_at: new Date(appliedAt.getTime() + 5 * DAY),
    });
  }
  const id = stableUuid(`${tenant.id}:hire:${input.key}`);
  rows.hires.push({
    id,
    tenant_id: tenant.id,
    company_id: input.companyId,
    offer_id: applicationId || input.attribution === 'platform_contact' ? offer.id : null,
    application_id: applicationId,
    candidate_user_id: input.candidateUserId ?? null,
    person_key: personKey(tenant.id, input.person.email),
    person_label: applicationId ? null : input.person.name,
    title: offer.title,
    contract,
    weekly_hours: offer.hours,
    hired_on: hiredOn,
    planned_start: start,
    planned_end: contract === 'cdi' ? null : plannedEnd,
    actual_start: start,
    actual_end: actualEnd,
    end_reason: actualEnd ? (input.seasonal ? 'end_of_contract' : 'trial_period') : null,
    job_nature: input.nature,
    nature_declared_at: input.nature ? new Date(`${hiredOn}T11:00:00Z`) : null,
    nature_declared_by: input.nature ? input.ownerId : null,
    attribution: input.attribution,
    recorded_by: input.ownerId,
    created_at: new Date(`${hiredOn}T11:00:00Z`),
  });
  // The follow-up questions of running contracts, well past their date (never on the edge of a
  // month-length difference: whether a row exists must not depend on the day of seeding).
  if (actualEnd) return;
  [6, 12].forEach((milestone, i) => {
    if (startDaysAgo < (milestone === 6 ? 200 : 385)) return;
    const due = addMonths(start, milestone);
    const roll = input.answers[i];
    const answer = roll < 0.6 ? 'yes' : roll < 0.75 ? 'no' : null;
    rows.followUps.push({
      id: stableUuid(`${tenant.id}:follow-up:${input.key}:${milestone}`),
      tenant_id: tenant.id,
      hire_id: id,
      milestone: milestone as 6 | 12,
      respondent: 'employer',
      due_on: due,
      status: 'sent',
      attempts: 1,
      sent_at: new Date(`${addDays(due, 1)}T08:00:00Z`),
      answer,
      answered_at: answer ? new Date(`${addDays(due, 3)}T09:00:00Z`) : null,
    });
  });
}

/**
 * Young people of the youth board who joined over the last eighteen months: ages (some minors),
 * counsellor follow-up for most, recommendations, hires (apprenticeships first) and entries into
 * training, each decided by the person's own stream.
 */
function addYoungPeople(rows: Rows, tenant: Tenant, companies: ReportsDemoCompany[], pastOffers: Map<string, PastOffer[]>, now: Date): void {
  const counsellor = stableUuid(`${tenant.id}:user:conseiller@dijon.demo`);
  for (let n = 0; n < 40; n++) {
    const random = createRandom(`seed:${tenant.id}:reports:young:${n}`);
    const who = person(random, tenant.id, `young:${n}`);
    const enteredDaysAgo = random.int(12, 540);
    const ageAtEntry = random.chance(0.25) ? random.int(16, 17) : random.int(18, 25);
    const birthOffsetDays = random.int(10, 350);
    const followed = random.chance(0.6);
    const hired = random.chance(0.5);
    const daysToHire = random.int(15, 220);
    const contract = random.pick<HireContract>(['apprenticeship', 'apprenticeship', 'cdd', 'cdd', 'seasonal', 'cdi']);
    const months = contract === 'apprenticeship' ? random.pick([12, 24]) : random.int(1, 8);
    const recommended = random.chance(0.45);
    const company = random.pick(companies);
    const training = random.chance(0.4);
    const daysToTraining = random.int(20, 160);
    const recommendationWithoutHire = random.chance(0.4);
    const answerDays = random.int(1, 12);

    const userId = stableUuid(`${tenant.id}:user:${who.email}`);
    const entered = new Date(now.getTime() - enteredDaysAgo * DAY);
    const birth = new Date(entered.getTime() - ageAtEntry * 365.25 * DAY - birthOffsetDays * DAY);
    rows.users.push({ id: userId, tenant_id: tenant.id, email: who.email, display_name: who.name, role: 'candidate', created_at: entered, birth_date: isoDay(birth) });
    if (followed) {
      rows.accompaniments.push({
        id: stableUuid(`${tenant.id}:accompaniment:${who.email}`),
        tenant_id: tenant.id,
        young_user_id: userId,
        referent_user_id: counsellor,
        status: 'active',
        consent_at: new Date(entered.getTime() + 3 * DAY),
        consent_channel: 'interview',
        started_at: new Date(entered.getTime() + 3 * DAY),
        created_at: new Date(entered.getTime() + DAY),
      });
    }
    const offer = pastOffers.get(company.id)?.[0];
    if (hired && daysToHire + 5 < enteredDaysAgo && offer) {
      const start = isoDay(new Date(entered.getTime() + daysToHire * DAY));
      addHire(rows, tenant, {
        key: `young:${n}`,
        companyId: company.id,
        offer: {
          ...offer,
          contract,
          start,
          end: contract === 'cdi' ? null : addMonths(start, months),
          publishedAt: new Date(entered.getTime() + Math.max(0, daysToHire - 20) * DAY),
          startDaysAgo: enteredDaysAgo - daysToHire,
        },
        person: who,
        ownerId: stableUuid(`${tenant.id}:user:recrutement@${company.slug}.example`),
        seasonal: false,
        nature: random.chance(0.6) ? 'replacement' : null,
        attribution: followed && recommended ? 'counsellor_recommendation' : 'platform_application',
        startDelay: 0,
        endedEarly: false,
        answers: [random.next(), random.next()],
        now,
        candidateUserId: userId,
        recommendedBy: followed && recommended ? counsellor : undefined,
      });
      if (followed && recommended) {
        const sentAt = new Date(entered.getTime() + (Math.max(0, daysToHire - 20) + 3) * DAY);
        addRecommendation(rows, tenant, `young:${n}`, offer.id, userId, counsellor, sentAt, stableUuid(`${tenant.id}:past-application:young:${n}`));
      }
    } else if (followed && recommendationWithoutHire && offer && enteredDaysAgo > 30) {
      // Recommended, not hired: answered within a few days, or (beyond a week) late.
      const sentAt = new Date(entered.getTime() + 10 * DAY);
      const applicationId = stableUuid(`${tenant.id}:recommended-application:${n}`);
      rows.applications.push({
        id: applicationId,
        tenant_id: tenant.id,
        offer_id: offer.id,
        company_id: company.id,
        user_id: userId,
        full_name: who.name,
        email: who.email,
        status: 'rejected',
        status_changed_at: new Date(sentAt.getTime() + answerDays * DAY),
        consent_at: sentAt,
        created_at: sentAt,
        recommended_by: counsellor,
        refusal_reason: 'position_filled',
        employer_answered_at: new Date(sentAt.getTime() + answerDays * DAY),
      });
      addRecommendation(rows, tenant, `rejected:${n}`, offer.id, userId, counsellor, sentAt, applicationId);
    }
    if (followed && training && !hired && daysToTraining + 3 < enteredDaysAgo) {
      rows.events.push({
        id: stableUuid(`${tenant.id}:follow-up-event:training:${n}`),
        tenant_id: tenant.id,
        accompaniment_id: stableUuid(`${tenant.id}:accompaniment:${who.email}`),
        kind: 'training_start',
        happened_on: isoDay(new Date(entered.getTime() + daysToTraining * DAY)),
        note: 'Entrée en formation qualifiante.',
        author_user_id: counsellor,
      });
    }
  }
}

function addRecommendation(rows: Rows, tenant: Tenant, key: string, offerId: string, youngId: string, counsellor: string, sentAt: Date, applicationId: string): void {
  rows.recommendations.push({
    id: stableUuid(`${tenant.id}:recommendation:${key}`),
    tenant_id: tenant.id,
    offer_id: offerId,
    young_user_id: youngId,
    counsellor_user_id: counsellor,
    status: 'sent',
    consent_at: sentAt,
    consent_channel: 'interview',
    application_id: applicationId,
    origin: 'https://jeunes-emploi-dijon.cordee.example',
    created_at: sentAt,
    decided_at: sentAt,
  });
}

/**
 * Last year's renewals of the paying board: two members in three paid the period before their
 * current one. Always in a past year, so this year's receipt numbers still start at 1; each year's
 * counter is set to the last number used.
 */
async function addRenewals(t: TenantDb, rows: Rows, tenant: Tenant): Promise<void> {
  if (tenant.config.membership.mode !== 'tiers') return;
  const memberships = await t.trx
    .selectFrom('memberships')
    .innerJoin('companies', 'companies.id', 'memberships.company_id')
    .select(['memberships.id', 'memberships.company_id', 'memberships.tier_code', 'memberships.amount_cents', 'memberships.period_start', 'companies.slug'])
    .where('memberships.tenant_id', '=', tenant.id)
    .where('memberships.period_start', 'is not', null)
    .orderBy('companies.slug')
    .execute();
  const sequences = new Map<number, number>();
  for (const membership of memberships) {
    const random = createRandom(`seed:${tenant.id}:reports:renewal:${membership.slug}`);
    if (!random.chance(2 / 3)) continue;
    // Always more than a year ago (current periods start at most 320 days back): a past year's receipts.
    const paidOn = addMonths(membership.period_start!, -12);
    const year = Number(paidOn.slice(0, 4));
    const seq = (sequences.get(year) ?? 0) + 1;
    sequences.set(year, seq);
    rows.payments.push({
      id: stableUuid(`${tenant.id}:renewal:${membership.slug}`),
      tenant_id: tenant.id,
      membership_id: membership.id,
      company_id: membership.company_id,
      method: 'bank_transfer',
      reference: `DEMO-${membership.slug.toUpperCase().slice(0, 40)}`,
      paid_on: paidOn,
      amount_cents: membership.amount_cents,
      tier_code: membership.tier_code,
      period_start: paidOn,
      period_end: addDays(membership.period_start!, -1),
      receipt_year: year,
      receipt_seq: seq,
      receipt_number: `${year}-${String(seq).padStart(5, '0')}`,
    });
  }
  for (const [year, last] of sequences) rows.counters.push({ tenant_id: tenant.id, year, last_seq: last });
}

/**
 * Views of each live offer, day by day since its publication (45 days at most), for offers that have
 * none yet: the days counted back from a later run's `now` would be new rows.
 */
async function addViews(t: TenantDb, rows: Rows, tenant: Tenant, now: Date): Promise<void> {
  const live = await t.trx
    .selectFrom('offers')
    .select(['id', 'published_at'])
    .where('tenant_id', '=', tenant.id)
    .where('status', '=', 'published')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('offer_views_daily').select('offer_id').whereRef('offer_views_daily.offer_id', '=', 'offers.id'))))
    .orderBy('id')
    .execute();
  const today = parisDay(now);
  for (const offer of live) {
    const random = createRandom(`seed:${tenant.id}:reports:views:${offer.id}`);
    const popularity = random.int(1, 12);
    const age = Math.min(45, Math.floor((now.getTime() - offer.published_at!.getTime()) / DAY));
    for (let d = 0; d <= 45; d++) {
      // At least one view on the day of publication, so an offer once done is never done again.
      const views = Math.max(d === age ? 1 : 0, Math.round(popularity * (0.4 + random.next() * 1.2)) - (d % 7 === 0 ? 1 : 0));
      if (d > age || views === 0) continue;
      rows.views.push({ tenant_id: tenant.id, offer_id: offer.id, day: addDays(today, -d), views });
    }
  }
}

async function insertAll({ trx }: TenantDb, rows: Rows): Promise<number> {
  let inserted = 0;
  const count = (result: { numInsertedOrUpdatedRows?: bigint }[]) => result.reduce((sum, r) => sum + Number(r.numInsertedOrUpdatedRows ?? 0), 0);
  const batches = async <T extends keyof typeof TABLES>(table: T, values: Rows[T]) => {
    for (let i = 0; i < values.length; i += 500) {
      inserted += count(
        await trx
          .insertInto(TABLES[table])
          .values(values.slice(i, i + 500) as never)
          .onConflict((oc) => oc.doNothing())
          .execute(),
      );
    }
  };
  for (const table of Object.keys(TABLES) as (keyof typeof TABLES)[]) await batches(table, rows[table]);
  // Receipt counters follow the numbers used (a truncated demo leaves its counters: never move them back).
  for (const counter of rows.counters) {
    const result = await trx
      .insertInto('receipt_counters')
      .values(counter)
      .onConflict((oc) => oc.columns(['tenant_id', 'year']).doUpdateSet({ last_seq: (eb) => eb.ref('excluded.last_seq') }).where('receipt_counters.last_seq', '<', (eb) => eb.ref('excluded.last_seq')))
      .execute();
    inserted += count(result);
  }
  return inserted;
}

/** Parents before children. */
const TABLES = {
  offers: 'offers',
  users: 'users',
  accompaniments: 'accompaniments',
  events: 'follow_up_events',
  applications: 'applications',
  recommendations: 'candidate_recommendations',
  hires: 'hires',
  followUps: 'hire_follow_ups',
  payments: 'membership_payments',
  views: 'offer_views_daily',
} as const satisfies Record<Exclude<keyof Rows, 'counters'>, keyof Database>;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

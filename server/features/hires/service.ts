import type { Kysely, Updateable } from 'kysely';
import type { Database } from '../../db/database.js';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { Tenant } from '../../tenancy/registry.js';
import { isUuid } from '../../ids.js';
import type { AuthUser } from '../accounts/service.js';
import { recordAdminAction } from '../admin/audit.js';
import { tenantDate } from '../billing/standing.js';
import { companiesOfUser, findById as findCompany } from '../companies/repository.js';
import { companyAccess } from '../companies/space-service.js';
import * as repo from './repository.js';
import { contractFromOffer, DECLARED_ATTRIBUTIONS, hireProblems, personKey, type DeclaredHireInput, type HireInput } from './rules.js';

/** What the hire rules need for one request or job: the tenant, its database and the clock. */
export interface HireContext {
  db: Kysely<Database>;
  tenant: Tenant;
  now: Date;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const refuse = (fields: Record<string, string>) => new AppError('VALIDATION_FAILED', 422, fields);

type Facts = Required<HireInput>;
const FACT_FIELDS = ['title', 'contract', 'weekly_hours', 'hired_on', 'planned_start', 'planned_end', 'actual_start', 'actual_end', 'end_reason', 'job_nature'] as const;

/** The stored facts with the given ones laid over; a nature left empty keeps the one declared. */
function merge(stored: Facts, input: HireInput): Facts {
  const out = { ...stored };
  for (const field of FACT_FIELDS) {
    const value = input[field];
    if (value === undefined || (field === 'job_nature' && value === null)) continue;
    (out as Record<string, unknown>)[field] = value;
  }
  if (typeof out.title === 'string') out.title = out.title.trim();
  return out;
}

/** Columns for the checked facts, the nature's declaration dated and signed when it changes. */
function factColumns(facts: Facts, storedNature: Facts['job_nature'], actor: AuthUser, now: Date): Updateable<Database['hires']> {
  const { job_nature, ...rest } = facts;
  const declared = job_nature !== storedNature && job_nature !== null ? { job_nature, nature_declared_at: now, nature_declared_by: actor.id } : {};
  return { ...rest, title: rest.title!, hired_on: rest.hired_on!, ...declared };
}

function check(facts: Facts, tenant: Tenant, now: Date): void {
  const problems = hireProblems(facts, tenantDate(tenant, now));
  if (Object.keys(problems).length > 0) throw refuse(problems);
}

export interface HiredApplication {
  id: string;
  offer_id: string;
  company_id: string;
  user_id: string | null;
  email: string;
  anonymised_at: Date | null;
  /** The counsellor who recommended the candidate (issue #13), if any. */
  recommended_by: string | null;
}

/**
 * The hire of an application the pipeline moved to « recrutée », in the caller's transaction. Its
 * first facts come from the offer (title, contract, hours, dates); `input` (the API) may give the
 * real ones at once, otherwise the company completes them on the hire's page. Returns the hire's id
 * (the existing one if the application already has its hire).
 */
export async function openHireFromApplication(t: TenantDb, tenant: Tenant, application: HiredApplication, actor: AuthUser, now: Date, input: HireInput = {}): Promise<string> {
  const offer = (await repo.offerForHire(t, application.offer_id))!;
  const today = tenantDate(tenant, now);
  const plannedStart = offer.start_date && offer.start_date >= today ? offer.start_date : null;
  const contract = contractFromOffer(offer.contract);
  const base: Facts = {
    title: offer.title,
    contract,
    weekly_hours: offer.hours_per_week !== null && offer.hours_per_week > 0 && offer.hours_per_week <= 48 ? offer.hours_per_week : null,
    hired_on: today,
    planned_start: plannedStart,
    planned_end: contract !== 'cdi' && plannedStart && offer.end_date && offer.end_date >= plannedStart ? offer.end_date : null,
    actual_start: null,
    actual_end: null,
    end_reason: null,
    job_nature: null,
  };
  const facts = merge(base, input);
  check(facts, tenant, now);
  return repo.insertHire(t, {
    ...factColumns(facts, null, actor, now),
    company_id: application.company_id,
    offer_id: application.offer_id,
    application_id: application.id,
    candidate_user_id: application.user_id,
    person_key: application.anonymised_at ? null : personKey(tenant.id, application.email),
    attribution: application.recommended_by ? 'counsellor_recommendation' : 'platform_application',
    recorded_by: actor.id,
  } as Parameters<typeof repo.insertHire>[1]);
}

/** The company a declaration is for: the one given (checked), else the employer's only company. */
async function declaringCompany(t: TenantDb, user: AuthUser, companyId: string | null | undefined): Promise<string> {
  if (companyId) {
    if (!isUuid(companyId) || !(await findCompany(t, companyId))) throw refuse({ company_id: 'fields.company_id.unknown' });
    if (!(await companyAccess(t, user, companyId))) throw new AppError('FORBIDDEN', 403);
    return companyId;
  }
  if (user.role === 'admin') throw refuse({ company_id: 'fields.company_id.required' });
  const mine = await companiesOfUser(t, user.id);
  if (mine.length === 0) throw new AppError('COMPANY_REQUIRED', 403);
  if (mine.length > 1) throw refuse({ company_id: 'fields.company_id.required' });
  return mine[0].id;
}

/** Where the tenant asks the hired person too, their address is kept for that question; otherwise only its key. */
export const asksPerson = (tenant: Tenant) => tenant.config.reports?.followUpPerson === true;

/**
 * A hire the company (or the staff, for a company) declares without an application of the pipeline:
 * met here and hired elsewhere (`platform_contact`), or only declared (`declared_only`), optionally
 * on one of the company's offers. Staff declarations go to the admin journal.
 */
export async function declareHire(ctx: HireContext, user: AuthUser, input: DeclaredHireInput): Promise<{ id: string }> {
  if (user.role !== 'employer' && user.role !== 'admin') throw new AppError('FORBIDDEN', 403);
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const companyId = await declaringCompany(t, user, input.company_id);
    const fields: Record<string, string> = {};
    let offerTitle: string | null = null;
    if (input.offer_id) {
      const offer = isUuid(input.offer_id) ? await repo.offerForHire(t, input.offer_id) : undefined;
      if (!offer || offer.company_id !== companyId) fields.offer_id = 'hires.problem.offer';
      else offerTitle = offer.title;
    }
    if (!DECLARED_ATTRIBUTIONS.includes(input.attribution)) fields.attribution = 'hires.problem.attribution';
    const email = input.person_email?.trim().toLowerCase() || null;
    if (email && (!EMAIL.test(email) || email.length > 254)) fields.person_email = 'fields.email.invalid';
    const label = input.person_label?.trim() || null;
    if (label && label.length > 120) fields.person_label = 'hires.problem.person';
    if (Object.keys(fields).length > 0) throw refuse(fields);
    const blank: Facts = { title: offerTitle, contract: null, weekly_hours: null, hired_on: tenantDate(ctx.tenant, ctx.now), planned_start: null, planned_end: null, actual_start: null, actual_end: null, end_reason: null, job_nature: null };
    const facts = merge(blank, { ...input, title: input.title?.trim() || offerTitle });
    check(facts, ctx.tenant, ctx.now);
    const id = await repo.insertHire(t, {
      ...factColumns(facts, null, user, ctx.now),
      company_id: companyId,
      offer_id: input.offer_id || null,
      person_label: label,
      person_email: email && asksPerson(ctx.tenant) ? email : null,
      person_key: email ? personKey(ctx.tenant.id, email) : null,
      attribution: input.attribution,
      recorded_by: user.id,
    } as Parameters<typeof repo.insertHire>[1]);
    await recordAdminAction(t, user, 'hire.declare', { type: 'hire', id }, { company_id: companyId, attribution: input.attribution });
    return { id };
  });
}

/** A hire and its follow-ups, for the company's members and the staff (404 for anyone else). */
export async function hireForEditor(ctx: HireContext, user: AuthUser, id: string) {
  if (!isUuid(id)) throw notFound();
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const hire = await repo.findHire(t, id);
    if (!hire || !(await companyAccess(t, user, hire.company_id))) throw notFound();
    return { hire, followUps: await repo.followUpsOf(t, id) };
  });
}

/** Changes the facts of a hire; a nature newly declared or changed is dated and signed by the user. */
export async function updateHire(ctx: HireContext, user: AuthUser, id: string, input: HireInput): Promise<void> {
  if (!isUuid(id)) throw notFound();
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const stored = await repo.lockHire(t, id);
    if (!stored || !(await companyAccess(t, user, stored.company_id))) throw notFound();
    const current: Facts = Object.fromEntries(FACT_FIELDS.map((f) => [f, stored[f]])) as unknown as Facts;
    const facts = merge(current, input);
    check(facts, ctx.tenant, ctx.now);
    const changed = FACT_FIELDS.filter((f) => facts[f] !== current[f]);
    if (changed.length === 0) return;
    await repo.updateHire(t, id, factColumns(facts, stored.job_nature, user, ctx.now));
    await recordAdminAction(t, user, 'hire.update', { type: 'hire', id }, { changed });
  });
}

export const HIRES_PER_PAGE = 50;

/**
 * Hires of the companies the user may see: an employer's own companies (or the one asked for), the
 * staff's every company (or the one asked for).
 */
export async function listHiresFor(ctx: HireContext, user: AuthUser, query: { companyId?: string; page: number; from?: string; to?: string }) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    let companyIds: string[] | undefined;
    if (query.companyId) {
      if (!isUuid(query.companyId) || !(await companyAccess(t, user, query.companyId))) throw notFound();
      companyIds = [query.companyId];
    } else if (user.role !== 'admin') {
      companyIds = (await companiesOfUser(t, user.id)).map((c) => c.id);
    }
    return repo.listHires(t, { companyIds, from: query.from, to: query.to, limit: HIRES_PER_PAGE, offset: (query.page - 1) * HIRES_PER_PAGE });
  });
}

/** The choices of the declaration form: the user's companies and each one's offers. */
export async function declarationChoices(ctx: HireContext, user: AuthUser, companyId?: string) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const companies = user.role === 'admin' ? await repo.allCompanies(t) : await companiesOfUser(t, user.id);
    // A malformed id (a refused query re-rendering the form) is no choice, like a foreign one.
    const chosen = companyId && isUuid(companyId) && (await companyAccess(t, user, companyId)) ? companyId : companies.length === 1 ? companies[0].id : undefined;
    const company = chosen ? await findCompany(t, chosen) : undefined;
    return { companies, company, offers: chosen ? await repo.offersOfCompany(t, chosen) : [] };
  });
}

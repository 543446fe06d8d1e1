import type { Kysely } from 'kysely';
import type { Database, NeedSeason, NeedStatus } from '../../db/database.js';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { Tenant, TenantRegistry } from '../../tenancy/registry.js';
import { isUuid } from '../../ids.js';
import type { AccountContext, AuthUser } from '../accounts/service.js';
import { recordAdminAction } from '../admin/audit.js';
import * as companies from '../companies/repository.js';
import { insertOffer } from '../offers/manage-repository.js';
import { changeOfferStatus } from '../offers/manage-service.js';
import { checkCombination } from './checker.js';
import { proposeCombinations } from './engine/propose.js';
import type { SetPackingSolver } from './engine/select.js';
import { resolveSettings, settingsFingerprint, type SharedTimeSettings } from './engine/settings.js';
import type { Combination, EngineNeed, Unmatched } from './engine/types.js';
import { REGULATED_DIPLOMAS } from './licences.js';
import { EDITABLE_NEED_STATUSES, nextNeedStatus, PROPOSAL_TRANSITIONS, type NeedAction, type ProposalAction } from './lifecycle.js';
import { checkNeed, engineNeed, needInput, type CommuneLookup, type NeedInput } from './needs.js';
import { combinationPlaces, sharedOfferDraft } from './offer-draft.js';
import type { Translate } from './reasons.js';
import * as repo from './repository.js';
import { gapSummary, tradeName } from './gap.js';

export interface SharedTimeContext extends AccountContext {
  /** The tenant's wording (French messages of field errors, offer drafts, e-mails). */
  t: Translate;
}

const refuse = (fields: Record<string, string>) => new AppError('VALIDATION_FAILED', 422, fields);

/** Shared time exists only where the tenant switched it on: elsewhere every page and API route is a 404. */
export function sharedTimeEnabled(tenant: Tenant): boolean {
  return tenant.config.features.sharedTime;
}

export function sharedTimeSettings(tenant: Tenant): SharedTimeSettings {
  return resolveSettings(tenant.config.sharedTime);
}

/** Who is asking: GE staff (the tenant admin) see the whole territory; a member company its own needs. */
export type Viewer = { kind: 'staff'; user: AuthUser } | { kind: 'member'; user: AuthUser; companies: { id: string; name: string }[] };

async function viewerOf(t: TenantDb, user: AuthUser): Promise<Viewer> {
  if (user.role === 'admin') return { kind: 'staff', user };
  if (user.role !== 'employer') throw new AppError('FORBIDDEN', 403);
  const mine = await companies.companiesOfUser(t, user.id);
  if (mine.length === 0) throw new AppError('COMPANY_REQUIRED', 403);
  return { kind: 'member', user, companies: mine.map((c) => ({ id: c.id, name: c.name })) };
}

function requireStaff(viewer: Viewer): void {
  if (viewer.kind !== 'staff') throw new AppError('FORBIDDEN', 403);
}

/** A need this viewer may see; another company's (or tenant's) need is a 404, as an unknown id. */
async function visibleNeed(t: TenantDb, viewer: Viewer, id: string): Promise<repo.NeedRow> {
  if (!isUuid(id)) throw notFound();
  const need = await repo.findNeed(t, id);
  if (!need) throw notFound();
  if (viewer.kind === 'member' && !viewer.companies.some((c) => c.id === need.company_id)) throw notFound();
  return need;
}

/** A combination for GE staff (locked for a change); another tenant's or an unknown id is a 404. */
async function staffProposal(t: TenantDb, user: AuthUser, id: string, options: { lock?: boolean } = {}): Promise<repo.ProposalRow> {
  requireStaff(await viewerOf(t, user));
  if (!isUuid(id)) throw notFound();
  const proposal = options.lock ? await repo.lockProposal(t, id) : await repo.findProposal(t, id);
  if (!proposal) throw notFound();
  return proposal;
}

/** A drafted combination gives its needs back to the engine: validated again, the combination forgotten. */
async function giveBackNeeds(t: TenantDb, proposal: { id: string; need_ids: string[] }): Promise<void> {
  const combined = (await repo.needsByIds(t, proposal.need_ids)).filter((n) => n.status === 'combined').map((n) => n.id);
  await repo.setNeedStatus(t, combined, 'validated');
  await repo.deleteProposal(t, proposal.id);
  await repo.markChanged(t);
}

function checkContext(t: TenantDb, ctx: SharedTimeContext) {
  return {
    t: ctx.t,
    settings: sharedTimeSettings(ctx.tenant),
    romeExists: (code: string) => repo.romeExists(t, code),
    communes: async (codes: string[]) => new Map<string, CommuneLookup>((await repo.communesByCode(t, codes)).map((c) => [c.insee_code, c])),
  };
}

async function validNeed(t: TenantDb, ctx: SharedTimeContext, input: NeedInput) {
  const { values, errors } = await checkNeed(input, checkContext(t, ctx));
  if (!values) throw refuse(errors);
  return values;
}

// Needs

export interface NeedListFilter {
  status?: NeedStatus;
  rome?: string;
  season?: NeedSeason;
  /** INSEE code of the commune at the centre, and the radius in km. */
  commune?: string;
  radiusKm?: number;
  companyId?: string;
}

/** Needs the viewer may see, with the filters of the page and the API, and the month totals of the heat strip. */
export async function listNeeds(ctx: SharedTimeContext, user: AuthUser, filter: NeedListFilter) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const viewer = await viewerOf(t, user);
    const fields: Record<string, string> = {};
    let near: repo.NeedFilter['near'];
    if (filter.commune) {
      const commune = await repo.findCommune(t, filter.commune.toUpperCase());
      if (!commune || commune.latitude === null || commune.longitude === null) fields.commune = ctx.t('sharedTime.filter.communeUnknown');
      else near = { lat: commune.latitude, lon: commune.longitude, radiusKm: filter.radiusKm ?? 30 };
    }
    if (Object.keys(fields).length > 0) throw new AppError('VALIDATION_FAILED', 400, fields);
    let companyIds = viewer.kind === 'member' ? viewer.companies.map((c) => c.id) : undefined;
    if (filter.companyId) companyIds = (companyIds ?? [filter.companyId]).filter((id) => id === filter.companyId);
    const rows = await repo.listNeeds(t, { companyIds, statuses: filter.status ? [filter.status] : undefined, rome: filter.rome?.toUpperCase(), season: filter.season, near });
    return { viewer, rows, months: repo.monthTotals(rows) };
  });
}

export async function getNeed(ctx: SharedTimeContext, user: AuthUser, id: string) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const viewer = await viewerOf(t, user);
    const need = await visibleNeed(t, viewer, id);
    const state = need.status === 'validated' ? await repo.findState(t) : undefined;
    const unmatched = ((state?.unmatched as Unmatched[] | null) ?? []).find((u) => u.needId === need.id);
    const neighbours = unmatched ? await repo.needsByIds(t, unmatched.neighbours.map((n) => n.needId)) : [];
    const proposals = await repo.listProposals(t, ['proposed', 'pinned', 'drafted']);
    const proposal = proposals.find((p) => p.need_ids.includes(need.id));
    return { viewer, need, unmatched, neighbours, proposal, upToDate: !state || state.computed_version >= state.needs_version };
  });
}

/** The companies a need may be declared for: any member for GE staff, one's own for a member. */
export async function companiesForNeeds(ctx: SharedTimeContext, user: AuthUser) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const viewer = await viewerOf(t, user);
    return viewer.kind === 'member' ? viewer.companies : (await repo.listCompanies(t)).map((c) => ({ id: c.id, name: c.name }));
  });
}

async function companyFor(t: TenantDb, viewer: Viewer, companyId: string | undefined): Promise<string> {
  if (companyId) {
    if (!isUuid(companyId) || !(await repo.findCompany(t, companyId))) throw refuse({ company_id: 'sharedTime.field.company_id.unknown' });
    if (viewer.kind === 'member' && !viewer.companies.some((c) => c.id === companyId)) throw new AppError('FORBIDDEN', 403);
    return companyId;
  }
  if (viewer.kind === 'staff' || viewer.companies.length > 1) throw refuse({ company_id: 'sharedTime.field.company_id.required' });
  return viewer.companies[0].id;
}

/** A new need, as a draft: GE staff validate it before the engine uses it. */
export async function createNeed(ctx: SharedTimeContext, user: AuthUser, input: NeedInput, companyId?: string): Promise<repo.NeedRow> {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const viewer = await viewerOf(t, user);
    const company = await companyFor(t, viewer, companyId);
    const values = await validNeed(t, ctx, input);
    const { id } = await repo.insertNeed(t, company, values, { createdBy: user.id });
    await recordAdminAction(t, user, 'need.create', { type: 'shared_time_need', id }, { companyId: company });
    return (await repo.findNeed(t, id))!;
  });
}

/**
 * Changes a need (PATCH: given fields only) while it is a draft or validated. A member's change sends
 * a validated need back to draft; GE staff's keeps it validated. The engine recomputes when a
 * validated need changed.
 */
export async function updateNeed(ctx: SharedTimeContext, user: AuthUser, id: string, patch: Partial<NeedInput>): Promise<repo.NeedRow> {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const viewer = await viewerOf(t, user);
    const need = await visibleNeed(t, viewer, id);
    const locked = (await repo.lockNeed(t, id))!;
    if (!EDITABLE_NEED_STATUSES.includes(locked.status)) throw new AppError('NEED_NOT_EDITABLE', 409);
    const merged: NeedInput = { ...needInput(need), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    const values = await validNeed(t, ctx, merged);
    const status = locked.status === 'validated' && viewer.kind === 'member' ? 'draft' : undefined;
    await repo.updateNeed(t, id, values, status);
    if (locked.status === 'validated') await repo.markChanged(t);
    await recordAdminAction(t, user, 'need.update', { type: 'shared_time_need', id }, { fields: Object.keys(patch) });
    return (await repo.findNeed(t, id))!;
  });
}

/** One step of the need's lifecycle (lifecycle.ts); the engine recomputes when the validated set changes. */
export async function changeNeedStatus(ctx: SharedTimeContext, user: AuthUser, id: string, action: NeedAction): Promise<repo.NeedRow> {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const viewer = await viewerOf(t, user);
    await visibleNeed(t, viewer, id);
    const locked = (await repo.lockNeed(t, id))!;
    const status = nextNeedStatus(action, locked.status, viewer.kind);
    await repo.setNeedStatus(t, [id], status, { validatedBy: action === 'validate' ? user.id : undefined });
    if (locked.status === 'validated' || status === 'validated') await repo.markChanged(t);
    await recordAdminAction(t, user, `need.${action}`, { type: 'shared_time_need', id }, { from: locked.status, to: status });
    ctx.log.info({ event: 'shared_time_need_status', needId: id, action, status }, 'need status changed');
    return (await repo.findNeed(t, id))!;
  });
}

// Suggestions

/** Part-time and seasonal offers published on the board, as candidate needs (GE staff). */
export async function suggestions(ctx: SharedTimeContext, user: AuthUser) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    requireStaff(await viewerOf(t, user));
    return (await repo.suggestedOffers(t)).filter((o) => o.rome_code !== null && o.commune_insee !== null);
  });
}

const SEASON_RANGES: Record<string, [string, string]> = { winter: ['12-15', '04-15'], summer: ['06-15', '09-15'] };

/**
 * A draft need from a published offer: its company, trade, place and season; a week guessed from its
 * hours (Monday to Friday from 08:00), to be confirmed with the company before validation.
 */
export async function needFromOffer(ctx: SharedTimeContext, user: AuthUser, offerId: string, today: string): Promise<repo.NeedRow> {
  if (!isUuid(offerId)) throw notFound();
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    requireStaff(await viewerOf(t, user));
    const offer = await repo.findSuggestedOffer(t, offerId);
    if (!offer || !offer.rome_code || !offer.commune_insee) throw notFound();
    const settings = sharedTimeSettings(ctx.tenant);
    const hours = offer.hours_per_week ?? (offer.working_time === 'part_time' ? 20 : settings.weeklyHours.max);
    const daily = Math.min(settings.maxDailyHours * 60, Math.round((hours * 60) / 5 / 15) * 15);
    const [from, to] =
      (offer.season && SEASON_RANGES[offer.season]) ??
      (offer.start_date && offer.end_date && offer.end_date.slice(0, 4) <= offer.start_date.slice(0, 4) + 1 ? [offer.start_date.slice(5), offer.end_date.slice(5)] : ['01-01', '12-31']);
    const hourly = offer.salary_unit === 'hour' && offer.salary_min ? offer.salary_min : offer.salary_unit === 'month' && offer.salary_min ? Math.round((offer.salary_min / ((hours * 52) / 12)) * 100) / 100 : settings.minimumHourlyWage;
    const end = 8 * 60 + daily;
    const input: NeedInput = {
      title: offer.title.slice(0, 120),
      rome_code: offer.rome_code,
      sites: [{ commune_insee: offer.commune_insee }],
      periods: [{ from, to, slots: ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day, start: '08:00', end: `${String(Math.floor(end / 60)).padStart(2, '0')}:${String(end % 60).padStart(2, '0')}`, site: 0 })) }],
      licences: offer.driving_licence ? ['permis-b'] : [],
      start_date: offer.start_date && offer.start_date > today ? offer.start_date : today,
      min_commitment_months: offer.season ? 4 : 12,
      hourly_wage: Math.max(hourly, settings.minimumHourlyWage),
      short_contracts_replaced: 0,
      notes: ctx.t('sharedTime.suggestion.notes', { title: offer.title }),
    };
    const values = await validNeed(t, ctx, input);
    const { id } = await repo.insertNeed(t, offer.company_id, values, { createdBy: user.id, source: 'suggested', sourceOfferId: offer.id });
    await recordAdminAction(t, user, 'need.suggested', { type: 'shared_time_need', id }, { offerId: offer.id });
    return (await repo.findNeed(t, id))!;
  });
}

// Combinations

export async function overview(ctx: SharedTimeContext, user: AuthUser) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    requireStaff(await viewerOf(t, user));
    const [state, proposals, rejected, calls] = await Promise.all([repo.findState(t), repo.listProposals(t, ['pinned', 'drafted', 'proposed']), repo.listProposals(t, ['rejected']), repo.liveGapCalls(t)]);
    const needIds = [...new Set(proposals.flatMap((p) => p.need_ids))];
    const needs = await repo.needsByIds(t, needIds);
    const counts = await repo.listNeeds(t, { statuses: ['draft', 'validated', 'combined', 'staffed'] });
    return { state, proposals, rejected, calls, needs, counts };
  });
}

export async function getProposal(ctx: SharedTimeContext, user: AuthUser, id: string) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const proposal = await staffProposal(t, user, id);
    const needs = await repo.needsByIds(t, proposal.need_ids);
    const offer = proposal.offer_id ? await repo.offerStatus(t, proposal.offer_id) : undefined;
    const call = await repo.gapCallForProposal(t, proposal.id);
    const groups = await repo.employerGroups(t);
    return { proposal, needs, offer, call, groups };
  });
}

/** Pin (keep it whatever the engine finds next), unpin, reject (never propose it again), restore. */
export async function decideProposal(ctx: SharedTimeContext, user: AuthUser, id: string, action: ProposalAction) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const proposal = await staffProposal(t, user, id, { lock: true });
    const transition = PROPOSAL_TRANSITIONS[action];
    if (!(transition.from as readonly string[]).includes(proposal.status)) throw new AppError('PROPOSAL_TRANSITION_REFUSED', 409);
    // A restored combination is only a candidate again: the engine decides whether to propose it.
    if (action === 'restore') await repo.deleteProposal(t, id);
    else await repo.setProposalStatus(t, id, transition.to, user.id);
    await repo.markChanged(t);
    await recordAdminAction(t, user, `proposal.${action}`, { type: 'shared_time_proposal', id }, { needs: proposal.need_ids });
    return action === 'restore' ? undefined : repo.findProposal(t, id);
  });
}

/**
 * One click from a combination to a `shared_time` CDI offer, as a draft of the groupement (the legal
 * employer), listing every employer, site, the timetable and the yearly profile, with every site as a
 * place of the offer. The needs move to `combined`; they become `staffed` when the offer is filled.
 */
export async function draftOffer(ctx: SharedTimeContext, user: AuthUser, id: string, employerCompanyId: string): Promise<{ offerId: string }> {
  const offerId = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const proposal = await staffProposal(t, user, id, { lock: true });
    if (proposal.status !== 'proposed' && proposal.status !== 'pinned') throw new AppError('PROPOSAL_TRANSITION_REFUSED', 409);
    if (proposal.broken || !proposal.result) throw new AppError('PROPOSAL_BROKEN', 409);
    const groups = await repo.employerGroups(t);
    if (!groups.some((g) => g.id === employerCompanyId)) throw refuse({ company_id: groups.length === 0 ? 'sharedTime.field.employer.none' : 'sharedTime.field.employer.unknown' });
    const needs = await repo.needsByIds(t, proposal.need_ids);
    for (const needId of proposal.need_ids) await repo.lockNeed(t, needId);
    if (needs.length !== proposal.need_ids.length || needs.some((n) => n.status !== 'validated')) throw new AppError('NEED_CHANGED', 409);
    const combination = proposal.result as Combination;
    const draft = sharedOfferDraft(needs, combination, sharedTimeSettings(ctx.tenant), ctx.t);
    const { id: offer } = await insertOffer(t, { ...draft, company_id: employerCompanyId });
    await repo.insertOfferPlaces(t, offer, combinationPlaces(needs, combination));
    await repo.setNeedStatus(t, proposal.need_ids, 'combined');
    await repo.setProposalStatus(t, id, 'drafted', user.id, offer);
    await repo.markChanged(t);
    await recordAdminAction(t, user, 'offer.create', { type: 'offer', id: offer }, { companyId: employerCompanyId, sharedTimeProposal: id });
    await recordAdminAction(t, user, 'proposal.offer', { type: 'shared_time_proposal', id }, { offerId: offer });
    return offer;
  });
  ctx.log.info({ event: 'shared_time_offer_drafted', proposalId: id, offerId }, 'shared offer drafted');
  return { offerId };
}

/** Publishes the drafted offer through the offers' lifecycle (moderation, membership rule and all). */
export async function publishDraftedOffer(ctx: SharedTimeContext, user: AuthUser, id: string) {
  const offerId = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const proposal = await staffProposal(t, user, id);
    if (proposal.status !== 'drafted' || !proposal.offer_id) throw new AppError('PROPOSAL_TRANSITION_REFUSED', 409);
    return proposal.offer_id;
  });
  return changeOfferStatus(ctx, user, offerId, 'publish');
}

/**
 * Gives a drafted combination back to the engine when its offer is not live (deleted, archived, or
 * still a draft, then archived here): its needs are validated again.
 */
export async function releaseProposal(ctx: SharedTimeContext, user: AuthUser, id: string) {
  const offerToArchive = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const proposal = await staffProposal(t, user, id, { lock: true });
    if (proposal.status !== 'drafted') throw new AppError('PROPOSAL_TRANSITION_REFUSED', 409);
    const offer = proposal.offer_id ? await repo.offerStatus(t, proposal.offer_id) : undefined;
    if (offer && !['draft', 'archived'].includes(offer.status)) throw new AppError('PROPOSAL_OFFER_LIVE', 409);
    await giveBackNeeds(t, proposal);
    await recordAdminAction(t, user, 'proposal.release', { type: 'shared_time_proposal', id }, { needs: proposal.need_ids });
    return offer?.status === 'draft' ? offer.id : undefined;
  });
  if (offerToArchive) await changeOfferStatus(ctx, user, offerToArchive, 'archive');
}

// Gap calls (« besoin complémentaire recherché »)

/**
 * Publishes a combination's gap card on the board (/temps-partage/appels) and e-mails it to the
 * member companies that are not in it yet, so one of them can declare the missing need.
 */
export async function publishGapCall(ctx: SharedTimeContext, user: AuthUser, id: string): Promise<{ callId: string; mailed: number }> {
  const { callId, recipients, title, summary } = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const proposal = await staffProposal(t, user, id, { lock: true });
    const combination = proposal.result as Combination | null;
    if (!combination?.gap || proposal.status === 'rejected') throw new AppError('GAP_CALL_NOT_AVAILABLE', 409);
    if (await repo.gapCallForProposal(t, id)) throw new AppError('GAP_CALL_EXISTS', 409);
    const needs = await repo.needsByIds(t, proposal.need_ids);
    const title = ctx.t('sharedTime.gap.title', { trades: combination.gap.trades.map((tr) => tradeName(tr.label)).join(', ') || needs[0].title, site: combination.gap.zone.siteName });
    const summary = gapSummary(combination, ctx.t);
    const { id: callId } = await repo.insertGapCall(t, {
      proposalId: id,
      needIds: proposal.need_ids,
      title,
      summary,
      details: { gap: combination.gap, regime: combination.regime, annualMinutes: combination.annualMinutes, employers: combination.employers.map((e) => e.companyName) },
      publishedBy: user.id,
    });
    const recipients = await repo.memberRecipients(t, [...new Set(needs.map((n) => n.company_id))]);
    await repo.setGapCallMailed(t, callId, recipients.length);
    await recordAdminAction(t, user, 'proposal.gap_call', { type: 'shared_time_proposal', id }, { callId, mailed: recipients.length });
    return { callId, recipients, title, summary };
  });
  for (const recipient of recipients) {
    ctx.mail.send({
      tenant: ctx.tenant,
      origin: ctx.origin,
      to: recipient.email,
      template: 'shared-time-gap-call',
      data: { displayName: recipient.display_name, company: recipient.company_name, title, summary, link: `${ctx.origin}/temps-partage/appels/${callId}`, declare: `${ctx.origin}/temps-partage/besoins/nouveau` },
    });
  }
  return { callId, mailed: recipients.length };
}

export async function closeGapCall(ctx: SharedTimeContext, user: AuthUser, id: string) {
  if (!isUuid(id)) throw notFound();
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    requireStaff(await viewerOf(t, user));
    if (!(await repo.findGapCall(t, id))) throw notFound();
    if (!(await repo.closeGapCall(t, id))) throw new AppError('GAP_CALL_CLOSED', 409);
  });
}

/** Published gap calls: public, on the board. */
export async function publicGapCalls(db: Kysely<Database>, tenant: Tenant) {
  return withTenant(db, tenant.id, (t) => repo.liveGapCalls(t));
}

export async function publicGapCall(db: Kysely<Database>, tenant: Tenant, id: string) {
  if (!isUuid(id)) throw notFound();
  const call = await withTenant(db, tenant.id, (t) => repo.findGapCall(t, id));
  if (!call || call.status !== 'published') throw notFound();
  return call;
}

// Member companies: public bodies, the groupement itself, competitors

export async function membersOverview(ctx: SharedTimeContext, user: AuthUser) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    requireStaff(await viewerOf(t, user));
    return repo.listCompanies(t);
  });
}

/** The company whose member settings this viewer may change: any for GE staff, its own for a member. */
export async function memberSettings(ctx: SharedTimeContext, user: AuthUser, companyId: string | undefined) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const viewer = await viewerOf(t, user);
    const id = companyId ?? (viewer.kind === 'member' ? viewer.companies[0].id : undefined);
    if (!id || !isUuid(id)) throw notFound();
    if (viewer.kind === 'member' && !viewer.companies.some((c) => c.id === id)) throw notFound();
    const company = await repo.findCompany(t, id);
    if (!company) throw notFound();
    const others = (await repo.listCompanies(t)).filter((c) => c.id !== id);
    return { viewer, company, others };
  });
}

export async function saveMemberSettings(
  ctx: SharedTimeContext,
  user: AuthUser,
  companyId: string,
  values: { competitorIds: string[]; publicBody?: boolean; employerGroup?: boolean },
) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const viewer = await viewerOf(t, user);
    if (!isUuid(companyId)) throw notFound();
    if (viewer.kind === 'member' && !viewer.companies.some((c) => c.id === companyId)) throw notFound();
    if (!(await repo.findCompany(t, companyId))) throw notFound();
    const known = new Set((await repo.listCompanies(t)).map((c) => c.id));
    const competitors = [...new Set(values.competitorIds)];
    if (competitors.some((c) => !known.has(c) || c === companyId)) throw refuse({ competitor_ids: 'sharedTime.field.competitors.unknown' });
    await repo.saveMember(t, companyId, {
      competitor_ids: competitors.sort(),
      ...(viewer.kind === 'staff' ? { public_body: values.publicBody ?? false, employer_group: values.employerGroup ?? false } : {}),
    });
    await repo.markChanged(t);
    await recordAdminAction(t, user, 'company.shared_time', { type: 'company', id: companyId }, { competitors: competitors.length, publicBody: values.publicBody, employerGroup: values.employerGroup });
  });
}

/** GE staff ask for a recomputation now (the worker runs it). */
export async function requestRecompute(ctx: SharedTimeContext, user: AuthUser) {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    requireStaff(await viewerOf(t, user));
    await repo.markChanged(t);
  });
}

// The background recomputation

export interface RecomputeReport {
  tenant: string;
  ran: boolean;
  version?: number;
  combinations?: number;
  droppedByChecker?: number;
  ms?: number;
}

/**
 * Runs the engine for a tenant when its input changed since the last run (or its settings did), and
 * stores the combinations. The needs are read in one transaction, the engine runs outside any, and the
 * answer is written only if no newer run got there first; if needs changed meanwhile, it runs again.
 * Every combination goes through the independent checker first: one it refuses is logged and dropped.
 */
export async function recomputeTenant(db: Kysely<Database>, tenant: Tenant, solver: SetPackingSolver | undefined, log: { error(o: object, m: string): void }): Promise<RecomputeReport> {
  if (!sharedTimeEnabled(tenant)) return { tenant: tenant.id, ran: false };
  const settings = sharedTimeSettings(tenant);
  const fingerprint = settingsFingerprint(settings);
  let report: RecomputeReport = { tenant: tenant.id, ran: false };
  for (let round = 0; round < 5; round++) {
    const snapshot = await withTenant(db, tenant.id, async (t) => {
      // Drafted combinations whose offer was deleted or archived give their needs back first.
      for (const abandoned of await repo.abandonedDrafts(t)) await giveBackNeeds(t, abandoned);
      const state = await repo.findState(t);
      const upToDate = state && state.computed_version >= state.needs_version && state.settings_fingerprint === fingerprint;
      if (upToDate) return undefined;
      const [needs, competitors, pinned, rejected] = await Promise.all([repo.validatedNeeds(t), repo.competitorPairs(t), repo.listProposals(t, ['pinned']), repo.listProposals(t, ['rejected'])]);
      if (!state && needs.length === 0 && pinned.length === 0) return undefined;
      return { version: state?.needs_version ?? 1, needs: needs.map(engineNeed), competitors, pinned, rejected };
    });
    if (!snapshot) return report;
    const started = Date.now();
    const result = proposeCombinations(
      { needs: snapshot.needs, competitors: snapshot.competitors, pinned: snapshot.pinned.map((p) => p.need_ids), rejected: snapshot.rejected.map((p) => p.need_ids), regulatedDiplomas: REGULATED_DIPLOMAS },
      settings,
      { solver },
    );
    const byId = new Map<string, EngineNeed>(snapshot.needs.map((n) => [n.id, n]));
    const lawful = result.combinations.filter((c) => {
      const check = checkCombination(c.needIds.map((id) => byId.get(id)!), settings, { competitors: snapshot.competitors, regulatedDiplomas: REGULATED_DIPLOMAS });
      if (!check.ok) log.error({ tenant: tenant.id, combination: c.key, violations: check.violations }, 'shared time: combination refused by the checker');
      return check.ok;
    });
    const ms = Date.now() - started;
    const again = await withTenant(db, tenant.id, async (t) => {
      const state = await repo.lockState(t);
      if (state && state.computed_version >= snapshot.version && state.settings_fingerprint === fingerprint) return state.needs_version > state.computed_version;
      await repo.replaceProposals(
        t,
        lawful.map((c) => ({ key: c.key, needIds: c.needIds, result: c, broken: null, annualMinutes: c.annualMinutes, score: c.score })),
        result.pinned.map((p) => ({ key: p.key, needIds: p.needIds, result: p.combination ?? null, broken: p.broken ?? null, annualMinutes: p.combination?.annualMinutes ?? 0, score: p.combination?.score ?? 0 })),
      );
      await repo.saveRun(t, { version: snapshot.version, fingerprint, stats: { ...result.stats, droppedByChecker: result.combinations.length - lawful.length, ms }, unmatched: result.unmatched, durationMs: ms });
      return (state?.needs_version ?? snapshot.version) > snapshot.version;
    });
    report = { tenant: tenant.id, ran: true, version: snapshot.version, combinations: lawful.length, droppedByChecker: result.combinations.length - lawful.length, ms };
    if (!again) return report;
  }
  return report;
}

/** Every tenant with shared time: the worker's catch-up (state-based, so missed runs are made up). */
export async function recomputeAll(db: Kysely<Database>, registry: TenantRegistry, solver: SetPackingSolver | undefined, log: { error(o: object, m: string): void }) {
  const reports: RecomputeReport[] = [];
  for (const tenant of registry.tenants) if (sharedTimeEnabled(tenant)) reports.push(await recomputeTenant(db, tenant, solver, log));
  return reports;
}

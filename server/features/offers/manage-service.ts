import type { Kysely } from 'kysely';
import type { Database, NewOffer, OfferStatus, OfferUpdate } from '../../db/database.js';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { Tenant, TenantRegistry } from '../../tenancy/registry.js';
import { isUuid } from '../../ids.js';
import type { AccountContext, AuthUser } from '../accounts/service.js';
import { recordAdminAction } from '../admin/audit.js';
import { companyAccess } from '../companies/space-service.js';
import * as companies from '../companies/repository.js';
import { canPublish } from '../memberships/can-publish.js';
import { nextStatus, nextStatusOnPublish, assertEditable, TRANSITIONS, type OfferAction, type OfferActor } from './lifecycle.js';
import * as repo from './manage-repository.js';
import { descriptionText, sanitizeDescription } from './sanitize.js';

const DAY_MS = 86_400_000;
export const DESCRIPTION_MIN_TEXT = 20;
export const DESCRIPTION_MAX_HTML = 20_000;

/** The fields of an offer as a form or an API client gives them (absent or empty → null). */
export interface OfferInput {
  title: string;
  description_html: string;
  rome_code: string | null;
  sector: string | null;
  contract: NewOffer['contract'];
  working_time: NewOffer['working_time'];
  hours_per_week: number | null;
  start_date: string | null;
  end_date: string | null;
  season: NonNullable<NewOffer['season']> | null;
  commune_insee: string | null;
  salary_min: number | null;
  salary_max: number | null;
  salary_unit: NonNullable<NewOffer['salary_unit']> | null;
  housing: NonNullable<NewOffer['housing']>;
  experience: NonNullable<NewOffer['experience']> | null;
  driving_licence: boolean;
  without_diploma: boolean;
  open_to_minors: boolean;
  apply_method: NonNullable<NewOffer['apply_method']>;
  apply_url: string | null;
  apply_email: string | null;
  job_nature: NonNullable<NewOffer['job_nature']> | null;
  /** The employer lets the offer go to France Travail, aggregators and partner sites. */
  export_consent: boolean;
}

export const OFFER_INPUT_DEFAULTS: Omit<OfferInput, 'title' | 'description_html' | 'contract' | 'working_time'> = {
  rome_code: null,
  sector: null,
  hours_per_week: null,
  start_date: null,
  end_date: null,
  season: null,
  commune_insee: null,
  salary_min: null,
  salary_max: null,
  salary_unit: null,
  housing: 'none',
  experience: null,
  driving_licence: false,
  without_diploma: false,
  open_to_minors: false,
  apply_method: 'platform',
  apply_url: null,
  apply_email: null,
  job_nature: null,
  export_consent: true,
};

const INPUT_KEYS = Object.keys({ title: 0, description_html: 0, contract: 0, working_time: 0, ...OFFER_INPUT_DEFAULTS }) as (keyof OfferInput)[];

const refuse = (fields: Record<string, string>) => new AppError('VALIDATION_FAILED', 422, fields);

/** Public: published and not past its expiry (the expiry job may not have run yet). */
export function isPubliclyVisible(offer: { status: OfferStatus; expires_at: Date | null }, now = new Date()): boolean {
  return offer.status === 'published' && offer.expires_at !== null && offer.expires_at > now;
}

/** The current values of an offer as an OfferInput (the base a PATCH is merged onto). */
function inputOf(row: repo.ManagedOfferRow): OfferInput {
  return Object.fromEntries(INPUT_KEYS.map((key) => [key, row[key as keyof repo.ManagedOfferRow] ?? null])) as unknown as OfferInput;
}

/**
 * The rules a schema cannot check: codes against the reference tables and the tenant's sectors,
 * ranges that involve two fields, where to apply. The commune fills in postal code, place name and
 * coordinates; the description is sanitised here, so no stored description skips it. Imported offers
 * (features/feeds) go through it too. Throws AppError VALIDATION_FAILED with `fields.*` keys.
 */
export async function validOffer(t: TenantDb, tenant: Tenant, input: OfferInput): Promise<Omit<NewOffer, 'tenant_id' | 'company_id'>> {
  const fields: Record<string, string> = {};
  const title = input.title.trim();
  if (title.length < 3 || title.length > 160) fields.title = 'fields.title.invalid';
  const description = sanitizeDescription(input.description_html ?? '');
  if (descriptionText(description).length < DESCRIPTION_MIN_TEXT) fields.description_html = 'fields.description_html.tooShort';
  else if (description.length > DESCRIPTION_MAX_HTML) fields.description_html = 'fields.description_html.tooLong';
  const rome = input.rome_code ? input.rome_code.trim().toUpperCase() : null;
  if (rome && !(await repo.romeExists(t, rome))) fields.rome_code = 'fields.rome_code.unknown';
  if (input.sector && !tenant.config.sectors.some((s) => s.code === input.sector)) fields.sector = 'fields.sector.unknown';
  if (input.hours_per_week !== null && !(input.hours_per_week > 0 && input.hours_per_week <= 48)) fields.hours_per_week = 'fields.hours_per_week.invalid';
  if (input.start_date && input.end_date && input.end_date < input.start_date) fields.end_date = 'fields.end_date.beforeStart';
  let place: Pick<NewOffer, 'commune_insee' | 'postal_code' | 'place_name' | 'latitude' | 'longitude'> = {
    commune_insee: null,
    postal_code: null,
    place_name: null,
    latitude: null,
    longitude: null,
  };
  if (!input.commune_insee) fields.commune_insee = 'fields.commune_insee.required';
  else {
    const commune = await companies.findCommune(t, input.commune_insee.trim().toUpperCase());
    if (!commune) fields.commune_insee = 'fields.commune_insee.unknown';
    else {
      place = {
        commune_insee: commune.insee_code,
        postal_code: commune.postal_codes[0] ?? null,
        place_name: commune.name,
        latitude: commune.latitude,
        longitude: commune.longitude,
      };
    }
  }
  if (input.salary_min !== null && input.salary_max !== null && input.salary_max < input.salary_min) fields.salary_max = 'fields.salary_max.belowMin';
  if ((input.salary_min !== null || input.salary_max !== null) && !input.salary_unit) fields.salary_unit = 'fields.salary_unit.required';
  let applyUrl: string | null = null;
  let applyEmail: string | null = null;
  if (input.apply_method === 'url') {
    try {
      const url = new URL(input.apply_url ?? '');
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
      applyUrl = url.toString();
    } catch {
      fields.apply_url = input.apply_url ? 'fields.apply_url.invalid' : 'fields.apply_url.required';
    }
  }
  if (input.apply_method === 'email') {
    const email = input.apply_email?.trim().toLowerCase() ?? '';
    if (!/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(email)) fields.apply_email = email ? 'fields.apply_email.invalid' : 'fields.apply_email.required';
    else applyEmail = email;
  }
  if (Object.keys(fields).length > 0) throw refuse(fields);
  return {
    title,
    description_html: description,
    rome_code: rome,
    sector: input.sector,
    contract: input.contract,
    working_time: input.working_time,
    hours_per_week: input.hours_per_week === null ? null : Math.round(input.hours_per_week * 10) / 10,
    start_date: input.start_date,
    end_date: input.end_date,
    season: input.season,
    ...place,
    salary_min: input.salary_min,
    salary_max: input.salary_max,
    salary_unit: input.salary_min !== null || input.salary_max !== null ? input.salary_unit : null,
    housing: input.housing,
    experience: input.experience,
    driving_licence: input.driving_licence,
    without_diploma: input.without_diploma,
    open_to_minors: input.open_to_minors,
    apply_method: input.apply_method,
    apply_url: applyUrl,
    apply_email: applyEmail,
    job_nature: input.job_nature,
    export_consent: input.export_consent,
  };
}

/** Who this user is for this offer: a member of its company (`owner` in lifecycle terms), the tenant admin, or nobody. */
async function actorFor(t: TenantDb, user: AuthUser | null, companyId: string): Promise<Exclude<OfferActor, 'system'> | null> {
  const access = await companyAccess(t, user, companyId);
  if (!access) return null;
  return access === 'admin' ? 'admin' : 'owner';
}

/**
 * The offer and the caller's role for a change. Someone who may see the offer but not change it gets
 * 403; someone who may not even see it (a draft of another company) gets 404, as for an unknown id.
 */
async function forChange(t: TenantDb, user: AuthUser, id: string) {
  if (!isUuid(id)) throw notFound();
  const offer = await repo.findOffer(t, id);
  if (!offer) throw notFound();
  const actor = await actorFor(t, user, offer.company_id);
  if (!actor) {
    if (isPubliclyVisible(offer)) throw new AppError('OFFER_ACTION_FORBIDDEN', 403);
    throw notFound();
  }
  return { offer, actor };
}

/** An offer as its reader may see it: members and admin any status, others only while public. */
export async function readOffer(ctx: AccountContext, user: AuthUser | null, id: string) {
  if (!isUuid(id)) throw notFound();
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const offer = await repo.findOffer(t, id);
    if (!offer) throw notFound();
    if (isPubliclyVisible(offer)) return offer;
    if (await actorFor(t, user, offer.company_id)) return offer;
    throw notFound();
  });
}

/** Same as readOffer, for the edit form: only those who may change it. */
export async function offerForEdit(ctx: AccountContext, user: AuthUser, id: string) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => (await forChange(t, user, id)).offer);
}

/**
 * A new draft for a company: an employer's own (their only one, or `companyId` among theirs), or any
 * company of the tenant for its admin (who must say which).
 */
export async function createOffer(ctx: AccountContext, user: AuthUser, input: OfferInput, companyId?: string): Promise<repo.ManagedOfferRow> {
  if (user.role !== 'employer' && user.role !== 'admin') throw new AppError('FORBIDDEN', 403);
  // The row is read back in the same transaction: an answer of failure then means nothing was created.
  const offer = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    let company = companyId;
    if (company) {
      if (!isUuid(company) || !(await companies.findById(t, company))) throw refuse({ company_id: 'fields.company_id.unknown' });
      if (!(await actorFor(t, user, company))) throw new AppError('FORBIDDEN', 403);
    } else if (user.role === 'admin') {
      throw refuse({ company_id: 'fields.company_id.required' });
    } else {
      const mine = await companies.companiesOfUser(t, user.id);
      if (mine.length === 0) throw new AppError('COMPANY_REQUIRED', 403);
      if (mine.length > 1) throw refuse({ company_id: 'fields.company_id.required' });
      company = mine[0].id;
    }
    const values = await validOffer(t, ctx.tenant, input);
    const { id } = await repo.insertOffer(t, { ...values, company_id: company, status: 'draft' });
    await recordAdminAction(t, user, 'offer.create', { type: 'offer', id }, { companyId: company });
    return (await repo.findOffer(t, id))!;
  });
  ctx.log.info({ event: 'offer_created', offerId: offer.id, userId: user.id }, 'offer created');
  return offer;
}

/** Changes the text and conditions (PATCH: given fields only) while the offer is still open. */
export async function updateOffer(ctx: AccountContext, user: AuthUser, id: string, patch: Partial<OfferInput>): Promise<repo.ManagedOfferRow> {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const { offer } = await forChange(t, user, id);
    assertEditable(offer.status);
    const merged: OfferInput = { ...inputOf(offer) };
    for (const key of INPUT_KEYS) if (patch[key] !== undefined) (merged as unknown as Record<string, unknown>)[key] = patch[key];
    const values = await validOffer(t, ctx.tenant, merged);
    await repo.updateOffer(t, id, values);
    await recordAdminAction(t, user, 'offer.update', { type: 'offer', id }, { fields: Object.keys(patch).filter((k) => INPUT_KEYS.includes(k as keyof OfferInput)) });
    return (await repo.findOffer(t, id))!;
  });
}

/** How long a publication lasts on this tenant (offers.lifetimeDays), in ms. */
export const lifetimeOf = (tenant: Tenant) => tenant.config.offers.lifetimeDays * DAY_MS;

/**
 * The columns a status step changes: publishing sets published_at to now and expires_at to now + the
 * lifetime; renewing extends expires_at by the lifetime from the later of its current value and now.
 * Used by the lifecycle buttons and by imported offers (features/feeds), so both date the same way.
 */
export function statusChange(
  locked: { status: OfferStatus; expires_at: Date | null; published_at: Date | null },
  action: OfferAction,
  status: OfferStatus,
  lifetimeMs: number,
  now: Date,
): OfferUpdate {
  const changes: OfferUpdate = { status };
  if (action === 'renew') {
    const from = Math.max(locked.expires_at?.getTime() ?? 0, now.getTime());
    changes.expires_at = new Date(from + lifetimeMs);
    changes.published_at = locked.published_at ?? now;
  } else if (status === 'published' && locked.status !== 'published') {
    changes.published_at = now;
    changes.expires_at = new Date(now.getTime() + lifetimeMs);
  }
  return changes;
}

export const STATUS_ACTIONS = ['submit', 'publish', 'reject', 'withdraw', 'renew', 'fill', 'archive'] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];

/**
 * One lifecycle step through the transition table (lifecycle.ts), under a row lock. Publishing sets
 * published_at to now and expires_at to now + the tenant's lifetime; renewing extends expires_at by
 * the lifetime from the later of its current value and now. A rejection's reason is e-mailed to the
 * company's members; every step taken by the admin goes to the audit log.
 */
export async function changeOfferStatus(
  ctx: AccountContext,
  user: AuthUser,
  id: string,
  requested: StatusAction,
  options: { reason?: string } = {},
): Promise<repo.ManagedOfferRow> {
  const lifetimeMs = lifetimeOf(ctx.tenant);
  let mailTo: { email: string; display_name: string }[] = [];
  const updated = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const { offer, actor } = await forChange(t, user, id);
    const locked = (await repo.lockOffer(t, id))!;
    const context = {
      actor,
      moderation: ctx.tenant.config.offers.moderation,
      canPublish: () => canPublish(t, ctx.tenant, offer.company_id),
    };
    let action: OfferAction;
    let status: OfferStatus;
    if (requested === 'publish') ({ action, status } = await nextStatusOnPublish(locked.status, context));
    else {
      action = requested;
      status = await nextStatus(action, locked.status, context);
    }
    const reason = options.reason?.trim() ?? '';
    if (action === 'reject' && reason.length < 5) throw refuse({ reason: 'fields.reason.required' });
    const changes = statusChange(locked, action, status, lifetimeMs, new Date());
    await repo.updateOffer(t, id, changes);
    await recordAdminAction(t, user, `offer.${action}`, { type: 'offer', id }, { from: locked.status, to: status, ...(reason ? { reason } : {}) });
    if (action === 'reject') mailTo = await companies.memberEmails(t, offer.company_id);
    return (await repo.findOffer(t, id))!;
  });
  ctx.log.info({ event: 'offer_status', offerId: id, action: requested, status: updated.status, userId: user.id }, 'offer status changed');
  for (const member of mailTo) {
    ctx.mail.send({
      tenant: ctx.tenant,
      origin: ctx.origin,
      to: member.email,
      template: 'offer-rejected',
      data: { displayName: member.display_name, title: updated.title, reason: options.reason!.trim(), link: `${ctx.origin}/compte/offres/${id}/modifier` },
    });
  }
  return updated;
}

/** A new draft with the same text and conditions (any status may be copied: last season's offer…). */
export async function duplicateOffer(ctx: AccountContext, user: AuthUser, id: string): Promise<repo.ManagedOfferRow> {
  const copyId = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const { offer } = await forChange(t, user, id);
    const input = inputOf(offer);
    const suffix = ' (copie)';
    input.title = offer.title.length + suffix.length <= 160 ? `${offer.title}${suffix}` : offer.title;
    const values = await validOffer(t, ctx.tenant, input);
    const { id: copy } = await repo.insertOffer(t, { ...values, company_id: offer.company_id, status: 'draft' });
    await recordAdminAction(t, user, 'offer.duplicate', { type: 'offer', id: copy }, { from: id });
    return copy;
  });
  return withTenant(ctx.db, ctx.tenant.id, async (t) => (await repo.findOffer(t, copyId))!);
}

/**
 * DELETE: a draft that was never published is deleted for good (nothing public or reportable about
 * it); any other offer is archived (`archive` in the table), so funders' reports keep it.
 */
export async function deleteOffer(ctx: AccountContext, user: AuthUser, id: string): Promise<'deleted' | 'archived'> {
  const outcome = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const { offer } = await forChange(t, user, id);
    const locked = (await repo.lockOffer(t, id))!;
    if (locked.status === 'draft' && locked.published_at === null) {
      await repo.deleteOffer(t, id);
      await recordAdminAction(t, user, 'offer.delete', { type: 'offer', id }, { title: offer.title });
      return 'deleted' as const;
    }
    return undefined;
  });
  if (outcome) return outcome;
  await changeOfferStatus(ctx, user, id, 'archive');
  return 'archived';
}

/** Every offer of a company, any status: its members and the tenant admin only. */
export async function companyOffers(ctx: AccountContext, user: AuthUser, companyId: string) {
  if (!isUuid(companyId)) throw notFound();
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const company = await companies.findById(t, companyId);
    if (!company) throw notFound();
    if (!(await companyAccess(t, user, companyId))) throw new AppError('FORBIDDEN', 403);
    return { company, offers: await repo.listCompanyOffers(t, companyId) };
  });
}

/** The moderation queue: offers waiting for the admin's review, oldest first. */
export async function moderationQueue(db: Kysely<Database>, tenant: Tenant) {
  return withTenant(db, tenant.id, (t) => repo.listPendingReview(t));
}

/**
 * The expiry job's work (lifecycle action `expire`, by `system`): every tenant's published offers
 * past their expires_at become expired. Idempotent and state-based, so a run missed while the app was
 * down is caught up by the next one. Returns the number of offers expired per tenant.
 */
export async function expireDueOffers(db: Kysely<Database>, registry: TenantRegistry, now: Date = new Date()): Promise<Record<string, number>> {
  const { from, to } = TRANSITIONS.expire;
  const report: Record<string, number> = {};
  for (const tenant of registry.tenants) {
    const ids = await withTenant(db, tenant.id, (t) => repo.expireDue(t, from, to as OfferStatus, now));
    report[tenant.id] = ids.length;
  }
  return report;
}

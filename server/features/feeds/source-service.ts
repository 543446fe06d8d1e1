import { isIP } from 'node:net';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import { hasFile, plainFileName, type UploadedFile } from '../../files/upload.js';
import { isUuid } from '../../ids.js';
import type { AccountContext, AuthUser } from '../accounts/service.js';
import { recordAdminAction } from '../admin/audit.js';
import * as companies from '../companies/repository.js';
import { companyAccess } from '../companies/space-service.js';
import { AddressRanges, refusalReason } from './address-policy.js';
import { FeedFetchError, feedUrl } from './fetcher.js';
import type { FeedFormat } from './formats/index.js';
import { importFile, type FeedDeps, type PollOutcome } from './import-service.js';
import * as repo from './repository.js';

/**
 * The company's side of its sources (and the tenant admin's, for any company): add a URL, send a
 * file, pause, resume, delete, ask for a poll now, and read the feed's health. Members of the
 * company and the tenant admin only; anyone else gets 404, as for an unknown source.
 */

const refuse = (fields: Record<string, string>, status = 422) => new AppError('VALIDATION_FAILED', status, fields);
const RUNS_SHOWN = 20;

/** The company the request works on: the employer's own (their first), or the one the admin chose. */
async function companyFor(t: TenantDb, user: AuthUser, companyId: string | undefined): Promise<string> {
  if (user.role === 'admin') {
    if (!companyId || !isUuid(companyId) || !(await companies.findById(t, companyId))) throw refuse({ company_id: 'fields.feed_company.required' });
    return companyId;
  }
  const [first] = await companies.companiesOfUser(t, user.id);
  if (!first) throw new AppError('COMPANY_REQUIRED', 403);
  return first.id;
}

/** A source this user may see and change, or 404. */
async function sourceFor(t: TenantDb, user: AuthUser, id: string): Promise<repo.FeedSourceRow> {
  if (!isUuid(id)) throw notFound();
  const source = await repo.findSource(t, id);
  if (!source || !(await companyAccess(t, user, source.company_id))) throw notFound();
  return source;
}

/** The sources an employer's company has (their first company), or all the tenant's for its admin. */
export async function sourcesOverview(ctx: AccountContext, user: AuthUser) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    if (user.role === 'admin') return { company: undefined, sources: await repo.listSources(t) };
    const [first] = await companies.companiesOfUser(t, user.id);
    if (!first) return undefined;
    return { company: first, sources: await repo.listSources(t, first.id) };
  });
}

/** Everything the feed-health page shows: the source, its recent runs, and the offers to look at. */
export async function sourceHealth(ctx: AccountContext, user: AuthUser, id: string) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const source = await sourceFor(t, user, id);
    const [runs, review] = await Promise.all([repo.listRuns(t, source.id, RUNS_SHOWN), repo.itemsToReview(t, source.id)]);
    return { source, runs, review };
  });
}

/**
 * A URL is refused at once when it cannot be a feed we may fetch: not http(s), credentials in it, or
 * an IP literal in a refused range. Host names are checked when they are resolved, at every poll.
 */
function checkUrl(raw: string, allowed: AddressRanges): string {
  let url: URL;
  try {
    url = feedUrl(raw.trim());
  } catch (error) {
    if (error instanceof FeedFetchError) throw refuse({ url: 'fields.feed_url.invalid' });
    throw error;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // An address is known now; a name is checked when resolved, at every poll (`localhost` is this machine).
  const literal = isIP(host) !== 0 ? host : host === 'localhost' || host.endsWith('.localhost') ? '127.0.0.1' : undefined;
  if (literal !== undefined && refusalReason(literal, allowed) !== undefined) throw refuse({ url: 'fields.feed_url.blocked' });
  return url.toString();
}

export interface NewSourceInput {
  company_id?: string;
  name: string;
  format: FeedFormat;
  url: string;
  polls_per_day: number;
}

/** A new URL source, polled for the first time within the minute (the scheduler picks it up). */
export async function addUrlSource(ctx: AccountContext, user: AuthUser, input: NewSourceInput, allowed: AddressRanges, now = new Date()): Promise<string> {
  const url = checkUrl(input.url, allowed);
  const name = input.name.trim();
  if (name.length === 0) throw refuse({ name: 'fields.feed_name.required' });
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const companyId = await companyFor(t, user, input.company_id);
    const { id } = await repo.insertSource(t, {
      company_id: companyId,
      name,
      kind: 'url',
      format: input.format,
      url,
      polls_per_day: input.polls_per_day,
      next_poll_at: now,
      created_by: user.id,
    });
    await recordAdminAction(t, user, 'feed.create', { type: 'company', id: companyId }, { source: id, url, format: input.format });
    return id;
  });
}

/** Pause or resume the polls of a URL source. */
export async function setSourceActive(ctx: AccountContext, user: AuthUser, id: string, active: boolean, now = new Date()): Promise<void> {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const source = await sourceFor(t, user, id);
    if (source.kind !== 'url') throw new AppError('FEED_NOT_POLLED', 409);
    await repo.updateSource(t, source.id, { active, ...(active ? { next_poll_at: now } : {}) });
    await recordAdminAction(t, user, active ? 'feed.resume' : 'feed.pause', { type: 'company', id: source.company_id }, { source: source.id });
  });
}

/** « Relever maintenant »: the poll is due now; the scheduler starts it within the minute. */
export async function requestPoll(ctx: AccountContext, user: AuthUser, id: string, now = new Date()): Promise<void> {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const source = await sourceFor(t, user, id);
    if (source.kind !== 'url' || !source.active) throw new AppError('FEED_NOT_POLLED', 409);
    await repo.updateSource(t, source.id, { next_poll_at: now, poll_requested: true });
  });
}

/** Deletes a source and its history; the offers it imported stay, as if typed by the company. */
export async function removeSource(ctx: AccountContext, user: AuthUser, id: string): Promise<void> {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const source = await sourceFor(t, user, id);
    await repo.deleteSource(t, source.id);
    await recordAdminAction(t, user, 'feed.delete', { type: 'company', id: source.company_id }, { source: source.id, name: source.name });
  });
}

/** The checks of an uploaded feed file before it is read: present, whole, with a plain name. */
function acceptFeedFile(file: UploadedFile | undefined, maxBytes: number): Buffer {
  if (!hasFile(file) || (file.data.length === 0 && !file.truncated)) throw refuse({ file: 'feeds.upload.missing' }, 400);
  if (file.truncated || file.data.length > maxBytes) throw refuse({ file: 'feeds.upload.tooLarge' }, 413);
  if (plainFileName(file.filename) === undefined) throw refuse({ file: 'feeds.upload.badName' }, 400);
  return file.data;
}

/**
 * A file sent by the company (or the admin for it): imported at once through the company's upload
 * source of that format, created on first use. Returns the source and the outcome to show.
 */
export async function uploadFeedFile(
  ctx: AccountContext,
  deps: FeedDeps,
  user: AuthUser,
  input: { company_id?: string; format: FeedFormat; file: UploadedFile | undefined },
  now = new Date(),
): Promise<{ sourceId: string; outcome: PollOutcome }> {
  const data = acceptFeedFile(input.file, deps.fetchPolicy.maxBytes);
  const theme = deps.theme(ctx.tenant);
  const sourceId = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const companyId = await companyFor(t, user, input.company_id);
    const existing = await repo.findUploadSource(t, companyId, input.format);
    if (existing) return existing.id;
    const { id } = await repo.insertSource(t, {
      company_id: companyId,
      name: theme.t('feeds.upload.sourceName', { format: theme.t(`feeds.format.${input.format}`) }),
      kind: 'upload',
      format: input.format,
      created_by: user.id,
    });
    await recordAdminAction(t, user, 'feed.upload', { type: 'company', id: companyId }, { source: id, format: input.format });
    return id;
  });
  return { sourceId, outcome: await importFile(deps, ctx.tenant, { sourceId, data }, now) };
}

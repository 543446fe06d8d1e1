import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database, FeedRejection, OfferStatus } from '../../db/database.js';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { AppError } from '../../errors.js';
import type { MailService } from '../../mail/mail-service.js';
import type { Tenant } from '../../tenancy/registry.js';
import type { Theme } from '../../tenancy/theme.js';
import { plainWords } from '../../offer-fields/vocabulary.js';
import * as companies from '../companies/repository.js';
import { canPublish } from '../memberships/can-publish.js';
import { nextStatus, TRANSITIONS, type OfferAction } from '../offers/lifecycle.js';
import * as offers from '../offers/manage-repository.js';
import { lifetimeOf, statusChange } from '../offers/manage-service.js';
import { byteLimit, chain, FeedFetchError, fetchFeed, gunzipIfGzip, type FetchPolicy } from './fetcher.js';
import { readFeed, type FeedFormat } from './formats/index.js';
import { FeedParseError, RecordSink } from './formats/records.js';
import { textChunks } from './formats/text.js';
import { mapRecord, recordHash, type MappingContext, type Problem } from './record-mapping.js';
import * as repo from './repository.js';
import { RomeMatcher } from './rome-matcher.js';

/**
 * Importing a company's offers: one poll (or upload) of a source, from the fetch to the offers.
 *
 * - Identity is (source, reference): a record whose content is unchanged is not rewritten.
 * - A record missing from two consecutive successful polls has its offer closed (archived); a failed
 *   fetch, an unreadable document or an empty answer closes nothing.
 * - New and changed records go through the tenant's rules as if the company had typed them:
 *   moderation, and publication only while the company may publish (canPublish).
 * - Everything a poll changes is written in one transaction, together with the poll's id on the
 *   source: a poll retried after a crash or a database outage is applied once.
 * - Every write names this tenant (withTenant, RLS) and this source's company: a feed cannot touch
 *   another company's offers, nor another tenant's.
 */

export interface FeedDeps {
  db: Kysely<Database>;
  fetchPolicy: FetchPolicy;
  limits: { maxRecords: number; maxPages: number };
  theme(tenant: Tenant): Theme;
  mail: MailService;
  /** Absolute origin of the tenant's site, for links in e-mails. */
  origin(tenant: Tenant): string;
}

export type PollTrigger = 'schedule' | 'manual' | 'upload';

export interface PollCounts {
  records: number;
  created: number;
  updated: number;
  unchanged: number;
  closed: number;
  rejected: number;
  flagged: number;
}

export type PollOutcome =
  | { status: 'ok' | 'not_modified'; counts: PollCounts }
  | { status: 'failed'; error: string }
  | { status: 'skipped' };

/** After this many failures in a row the company is told by e-mail (once per streak). */
export const FAILURES_BEFORE_MAIL = 3;
/** A published imported offer still in its feed is renewed when it would expire within this. */
const RENEW_WITHIN_MS = 2 * 86_400_000;
const MAX_REJECTIONS_KEPT = 200;

// The ROME appellations, read once per process (reference data changes only with a deployment).
let matcher: { value: RomeMatcher; loadedAt: number } | undefined;
const MATCHER_TTL_MS = 3_600_000;

export async function romeMatcher(t: TenantDb): Promise<RomeMatcher> {
  if (!matcher || Date.now() - matcher.loadedAt > MATCHER_TTL_MS) {
    const rows = await repo.romeAppellations(t);
    matcher = {
      value: new RomeMatcher(rows.map((r) => ({ ogr: r.ogr_code, label: r.label, shortLabel: r.short_label, romeCode: r.rome_code, isMain: r.is_main }))),
      loadedAt: Date.now(),
    };
  }
  return matcher.value;
}

const render = (theme: Theme, problem: Problem) => {
  const params: Record<string, string | number> = { ...problem.params };
  // Field problems name the field by its label and give the offers' own message.
  if (problem.key === 'feeds.reason.field') {
    const field = String(params.field);
    params.field = theme.strings[`fields.${field}.label`] ?? field;
    params.message = theme.strings[String(params.message)] ?? theme.t('fields.invalid');
  }
  if (problem.key === 'feeds.note.salaryUnitAssumed') params.unit = theme.t(`salaryUnit.${params.unit}`);
  return theme.t(problem.key, params);
};

const emptyCounts = (): PollCounts => ({ records: 0, created: 0, updated: 0, unchanged: 0, closed: 0, rejected: 0, flagged: 0 });

/** Why a fetch or a document failed, in the tenant's French. */
export function failureMessage(theme: Theme, error: FeedFetchError | FeedParseError): string {
  if (error instanceof FeedFetchError) {
    const params = { ...error.params };
    if (error.code === 'BLOCKED_ADDRESS') params.reason = theme.t(`feeds.address.${params.reason}`);
    return theme.t(`feeds.fetchError.${error.code}`, params);
  }
  return theme.t('feeds.parseError', { reason: theme.t(`feeds.parse.${error.code}`, error.params) });
}

interface Failure {
  sourceId: string;
  pollId: string;
  trigger: PollTrigger;
  startedAt: Date;
  error: string;
  httpStatus?: number;
}

/** Records a failed poll: nothing closed; the streak grows, and reaching 3 e-mails the company once. */
async function recordFailureIn(t: TenantDb, failure: Failure, now: Date): Promise<{ notify: boolean }> {
  const source = await repo.lockSource(t, failure.sourceId);
  if (!source || source.last_applied_poll === failure.pollId) return { notify: false };
  const failures = source.consecutive_failures + 1;
  const notify = source.kind === 'url' && failures >= FAILURES_BEFORE_MAIL && source.failure_notified_at === null;
  await repo.updateSource(t, source.id, {
    last_applied_poll: failure.pollId,
    last_fetch_at: now,
    last_status: 'failed',
    last_error: failure.error.slice(0, 2000),
    consecutive_failures: failures,
    ...(notify ? { failure_notified_at: now } : {}),
  });
  await repo.insertRun(t, {
    source_id: source.id,
    poll_id: failure.pollId,
    trigger: failure.trigger,
    status: 'failed',
    http_status: failure.httpStatus ?? null,
    error: failure.error.slice(0, 2000),
    started_at: failure.startedAt,
  });
  return { notify };
}

async function mailFailure(deps: FeedDeps, tenant: Tenant, sourceId: string, error: string): Promise<void> {
  const { source, members } = await withTenant(deps.db, tenant.id, async (t) => {
    const found = await repo.findSource(t, sourceId);
    return { source: found, members: found ? await companies.memberEmails(t, found.company_id) : [] };
  });
  if (!source) return;
  const origin = deps.origin(tenant);
  for (const member of members) {
    await deps.mail.deliver({
      tenant,
      origin,
      to: member.email,
      template: 'feed-failing',
      data: { displayName: member.display_name, source: source.name, url: source.url, error, failures: FAILURES_BEFORE_MAIL, link: `${origin}/compte/flux/${source.id}` },
    });
  }
}

async function recordFailure(deps: FeedDeps, tenant: Tenant, failure: Failure, now: Date): Promise<PollOutcome> {
  const { notify } = await withTenant(deps.db, tenant.id, (t) => recordFailureIn(t, failure, now));
  if (notify) await mailFailure(deps, tenant, failure.sourceId, failure.error);
  return { status: 'failed', error: failure.error };
}

interface PublishResult {
  status: OfferStatus;
  /** Publication refused because the company may not publish (membership): tried again next poll. */
  waitingMembership: boolean;
}

/** What a poll works in: its transaction, tenant, company and clock, and the company's right to publish (asked once). */
interface PollScope {
  t: TenantDb;
  tenant: Tenant;
  companyId: string;
  now: Date;
  mayPublish(): Promise<boolean>;
}

function pollScope(t: TenantDb, tenant: Tenant, companyId: string, now: Date): PollScope {
  let allowed: Promise<boolean> | undefined;
  return { t, tenant, companyId, now, mayPublish: () => (allowed ??= canPublish(t, tenant, companyId, now)) };
}

/**
 * Moves an imported offer through the lifecycle table as its company would (actor `owner`):
 * submit (review or publish, per the tenant's moderation) or renew; dates as the buttons set them,
 * never beyond the feed's own end of publication.
 */
async function advance(scope: PollScope, offerId: string, action: OfferAction, validThrough: Date | null): Promise<PublishResult> {
  const { t, tenant, now } = scope;
  const locked = (await offers.lockOffer(t, offerId))!;
  let status: OfferStatus;
  try {
    status = await nextStatus(action, locked.status, { actor: 'owner', moderation: tenant.config.offers.moderation, canPublish: scope.mayPublish });
  } catch (error) {
    if (error instanceof AppError && error.code === 'MEMBERSHIP_REQUIRED') return { status: locked.status, waitingMembership: true };
    if (error instanceof AppError && error.code === 'OFFER_TRANSITION_REFUSED') return { status: locked.status, waitingMembership: false };
    throw error;
  }
  const changes = statusChange(locked, action, status, lifetimeOf(tenant), now);
  if (validThrough && changes.expires_at && new Date(changes.expires_at as Date) > validThrough) changes.expires_at = validThrough;
  await offers.updateOffer(t, offerId, changes);
  return { status, waitingMembership: false };
}

/** Statuses of an imported offer that the feed still drives (the company closing or filling it wins). */
const FEED_DRIVEN: readonly OfferStatus[] = ['draft', 'pending_review', 'published', 'expired'];

const isDriven = (item: repo.FeedItemRow, companyId: string) =>
  item.offer_id !== null && item.offer_status !== null && FEED_DRIVEN.includes(item.offer_status) && item.offer_company_id === companyId;

/**
 * The company's live offers by title and place (accents, case and punctuation aside), read once per
 * poll: a record matching one that this source did not import is a duplicate.
 */
class LiveOffers {
  private readonly byKey = new Map<string, { id: string; title: string; fromSource: boolean }[]>();

  constructor(rows: { id: string; title: string; commune_insee: string | null; from_source: unknown }[]) {
    for (const row of rows) this.add(row.id, row.title, row.commune_insee, row.from_source === true);
  }

  private key = (title: string, commune: string | null) => `${plainWords(title)}|${commune ?? ''}`;

  add(id: string, title: string, commune: string | null, fromSource = true): void {
    const list = this.byKey.get(this.key(title, commune)) ?? [];
    list.push({ id, title, fromSource });
    this.byKey.set(this.key(title, commune), list);
  }

  duplicateOf(title: string, commune: string | null, ownId: string | null) {
    return this.byKey.get(this.key(title, commune))?.find((offer) => offer.id !== ownId && !offer.fromSource);
  }
}

interface ApplyInput {
  sourceId: string;
  pollId: string;
  trigger: PollTrigger;
  startedAt: Date;
  httpStatus?: number;
  validators?: { etag: string | null; lastModified: string | null };
  /** Absent for a 304: the content is the last one applied. */
  sink?: RecordSink;
  failedPages?: Set<string>;
}

/**
 * Keeps a present, unchanged offer the feed drives alive: publication waiting for the membership
 * tried again, renewal before expiry. Nothing is written when neither is due.
 */
async function keepAlive(scope: PollScope, item: repo.FeedItemRow): Promise<void> {
  if (!isDriven(item, scope.companyId)) return;
  const { now } = scope;
  if (item.valid_through && item.valid_through <= now) return;
  if (item.pending_publication && item.offer_status === 'draft') {
    const { waitingMembership } = await advance(scope, item.offer_id!, 'submit', item.valid_through);
    if (!waitingMembership) await repo.updateItem(scope.t, item.source_id, item.reference, { pending_publication: false });
    return;
  }
  const expiring = item.offer_expires_at !== null && item.offer_expires_at.getTime() - now.getTime() < RENEW_WITHIN_MS;
  if ((item.offer_status === 'published' && expiring) || item.offer_status === 'expired') await advance(scope, item.offer_id!, 'renew', item.valid_through);
}

async function applyPoll(deps: FeedDeps, tenant: Tenant, input: ApplyInput, now: Date): Promise<PollOutcome & { notify?: boolean }> {
  const theme = deps.theme(tenant);
  return withTenant(deps.db, tenant.id, async (t) => {
    const source = await repo.lockSource(t, input.sourceId);
    if (!source) return { status: 'skipped' as const };
    if (source.last_applied_poll === input.pollId) return { status: 'skipped' as const };
    const companyId = source.company_id;
    const scope = pollScope(t, tenant, companyId, now);
    const items = new Map((await repo.sourceItems(t, source.id)).map((item) => [item.reference, item]));
    const openItems = [...items.values()].filter((item) => item.closed_at === null);
    const counts = emptyCounts();
    const rejections: FeedRejection[] = [];
    const seen = new Set<string>();
    const reject = (position: string, reference: string | null, reasons: string[]) => {
      counts.rejected += 1;
      if (rejections.length < MAX_REJECTIONS_KEPT) rejections.push({ position, reference, reasons });
    };

    if (input.sink) {
      const { records, unreadable } = input.sink;
      counts.records = records.length + unreadable.length;
      // An empty answer from a feed that had offers is far likelier a broken page than a company with
      // nothing left to offer: closing everything on it would be the worse mistake.
      if (counts.records === 0 && openItems.length > 0) {
        const { notify } = await recordFailureIn(t, { ...input, error: theme.t('feeds.emptyFeed') }, now);
        return { status: 'failed' as const, error: theme.t('feeds.emptyFeed'), notify };
      }
      for (const problem of unreadable) reject(problem.position, null, [theme.t(problem.reason.key, problem.reason.params)]);
      const matcher = await romeMatcher(t);
      const departments = new Map<string, string>();
      for (const d of await repo.departments(t)) {
        departments.set(plainWords(d.code), d.code);
        departments.set(plainWords(d.name), d.code);
      }
      const context: MappingContext = { t, tenant, matcher, now, departments, postalCodes: new Map() };
      const live = new LiveOffers(await repo.liveOffersOfCompany(t, companyId, source.id));
      for (const record of records) {
        const reference = record.values.reference?.trim() || null;
        if (reference && seen.has(reference)) {
          reject(record.position, reference, [theme.t('feeds.reason.referenceTwice')]);
          continue;
        }
        const hash = recordHash(record.values);
        const item = reference ? items.get(reference) : undefined;
        if (item && item.closed_at === null && (item.content_hash === hash || !isDriven(item, companyId))) {
          // Unchanged, or taken over by the company (filled, archived, deleted by hand): not rewritten.
          seen.add(item.reference);
          counts.unchanged += 1;
          await keepAlive(scope, item);
          continue;
        }
        const mapped = await mapRecord(context, record);
        if (!mapped.ok) {
          // Present but unreadable: its offer stays as it was (the company sees why on the feed page).
          if (reference) seen.add(reference);
          reject(record.position, reference, mapped.problems.map((p) => render(theme, p)));
          continue;
        }
        seen.add(mapped.reference);
        const notes = mapped.notes.map((p) => render(theme, p));
        const origin = record.position.startsWith('http') ? record.position.replace(/ \(offre n° \d+\)$/, '') : null;
        const { title, commune_insee: commune } = mapped.offer;
        if (!item || item.closed_at !== null) {
          const duplicate = live.duplicateOf(title, commune ?? null, null);
          if (duplicate) notes.push(theme.t('feeds.note.duplicate', { title: duplicate.title }));
          const { id } = await offers.insertOffer(t, { ...mapped.offer, company_id: companyId, status: 'draft' });
          live.add(id, title, commune ?? null);
          // A duplicate waits as a draft: the same job is not shown twice.
          const published = duplicate ? undefined : await advance(scope, id, 'submit', mapped.validThrough);
          const values = {
            offer_id: id,
            content_hash: hash,
            origin,
            valid_through: mapped.validThrough,
            missed_polls: 0,
            pending_publication: published?.waitingMembership ?? false,
            notes: JSON.stringify(notes),
            duplicate_of: duplicate?.id ?? null,
            closed_at: null,
          };
          if (item) await repo.updateItem(t, source.id, mapped.reference, values);
          else await repo.insertItem(t, { source_id: source.id, reference: mapped.reference, ...values });
          counts.created += 1;
          if (notes.length > 0) counts.flagged += 1;
          continue;
        }
        // The company's own choice of diffusion stands unless the feed states one.
        const changes: Partial<typeof mapped.offer> = { ...mapped.offer };
        if (!mapped.consentStated) delete changes.export_consent;
        await offers.updateOffer(t, item.offer_id!, changes);
        live.add(item.offer_id!, title, commune ?? null);
        const duplicate = live.duplicateOf(title, commune ?? null, item.offer_id);
        if (duplicate) notes.push(theme.t('feeds.note.duplicate', { title: duplicate.title }));
        let waiting = false;
        // A draft (refused by the moderator, or waiting for the membership) is submitted again; an expired offer renewed.
        if (item.offer_status === 'draft' && !duplicate) waiting = (await advance(scope, item.offer_id!, 'submit', mapped.validThrough)).waitingMembership;
        if (item.offer_status === 'expired') await advance(scope, item.offer_id!, 'renew', mapped.validThrough);
        await repo.updateItem(t, source.id, item.reference, {
          content_hash: hash,
          origin,
          valid_through: mapped.validThrough,
          missed_polls: 0,
          pending_publication: waiting,
          notes: JSON.stringify(notes),
          duplicate_of: duplicate?.id ?? null,
        });
        counts.updated += 1;
        if (notes.length > 0) counts.flagged += 1;
      }
    } else {
      // 304: the document is the one last applied. What was present still is; what was missing still is.
      for (const item of openItems) {
        if (item.missed_polls > 0) continue;
        seen.add(item.reference);
        counts.unchanged += 1;
        await keepAlive(scope, item);
      }
    }

    await repo.markSeen(t, source.id, [...seen]);
    for (const item of openItems) {
      if (seen.has(item.reference)) continue;
      // The offers of a sitemap page that could not be read are not missing: we could not look.
      if (item.origin && input.failedPages?.has(item.origin)) continue;
      const missed = item.missed_polls + 1;
      if (missed < 2) {
        await repo.updateItem(t, source.id, item.reference, { missed_polls: missed });
        continue;
      }
      if (isDriven(item, companyId)) {
        await offers.updateOffer(t, item.offer_id!, { status: TRANSITIONS.archive.to as OfferStatus });
        counts.closed += 1;
      }
      await repo.updateItem(t, source.id, item.reference, { missed_polls: missed, closed_at: now, pending_publication: false });
    }

    const status = input.sink ? ('ok' as const) : ('not_modified' as const);
    await repo.updateSource(t, source.id, {
      last_applied_poll: input.pollId,
      last_fetch_at: now,
      last_success_at: now,
      last_status: status,
      last_error: null,
      consecutive_failures: 0,
      failure_notified_at: null,
      ...(input.validators ? { etag: input.validators.etag, last_modified: input.validators.lastModified } : {}),
    });
    await repo.insertRun(t, {
      source_id: source.id,
      poll_id: input.pollId,
      trigger: input.trigger,
      status,
      http_status: input.httpStatus ?? null,
      ...counts,
      rejections: JSON.stringify(rejections),
      started_at: input.startedAt,
    });
    return { status, counts };
  });
}

async function apply(deps: FeedDeps, tenant: Tenant, input: ApplyInput, now: Date): Promise<PollOutcome> {
  const outcome = await applyPoll(deps, tenant, input, now);
  if (outcome.status === 'failed' && outcome.notify) await mailFailure(deps, tenant, input.sourceId, outcome.error);
  if (outcome.status === 'failed') return { status: 'failed', error: outcome.error };
  return outcome;
}

/** Reads a whole document into a sink; fetch and parse errors become FeedParseError/FeedFetchError. */
async function readDocument(deps: FeedDeps, format: FeedFormat, body: Readable, contentType: string, url: string | undefined, failedPages: Set<string>): Promise<RecordSink> {
  const sink = new RecordSink(deps.limits.maxRecords);
  try {
    await readFeed(format, textChunks(body, contentType), sink, {
      url,
      maxPages: deps.limits.maxPages,
      pageFailed: (page) => failedPages.add(page),
      fetchPage: url
        ? async (page) => {
            const fetched = await fetchFeed(page, {}, deps.fetchPolicy);
            if (fetched.status !== 'ok') throw new FeedFetchError('HTTP_STATUS', { status: 304 });
            return { url: fetched.url, chunks: textChunks(fetched.body, fetched.contentType) };
          }
        : undefined,
    });
  } finally {
    body.destroy();
  }
  return sink;
}

/**
 * One poll of a URL source (the worker's job, or « Relever maintenant »). `pollId` names this poll:
 * run again with the same id (a retry), it changes nothing more. Network and document failures are
 * recorded and returned; database failures are thrown (the job is retried).
 */
export async function pollSource(deps: FeedDeps, tenant: Tenant, sourceId: string, pollId: string, trigger: PollTrigger, now: Date = new Date()): Promise<PollOutcome> {
  const source = await withTenant(deps.db, tenant.id, (t) => repo.findSource(t, sourceId));
  if (!source || source.kind !== 'url' || !source.url || source.last_applied_poll === pollId) return { status: 'skipped' };
  const theme = deps.theme(tenant);
  const startedAt = now;
  const failure = (error: FeedFetchError | FeedParseError, httpStatus?: number) =>
    recordFailure(deps, tenant, { sourceId, pollId, trigger, startedAt, error: failureMessage(theme, error), httpStatus }, now);
  let fetched;
  try {
    fetched = await fetchFeed(source.url, { etag: source.etag, lastModified: source.last_modified }, deps.fetchPolicy);
  } catch (error) {
    if (error instanceof FeedFetchError) return failure(error, error.code === 'HTTP_STATUS' ? Number(error.params.status) : undefined);
    throw error;
  }
  if (fetched.status === 'not_modified') return apply(deps, tenant, { sourceId, pollId, trigger, startedAt, httpStatus: 304 }, now);
  const failedPages = new Set<string>();
  let sink: RecordSink;
  try {
    sink = await readDocument(deps, source.format, fetched.body, fetched.contentType, fetched.url, failedPages);
  } catch (error) {
    if (error instanceof FeedFetchError || error instanceof FeedParseError) return failure(error, fetched.httpStatus);
    throw error;
  }
  return apply(deps, tenant, { sourceId, pollId, trigger, startedAt, httpStatus: fetched.httpStatus, validators: { etag: fetched.etag, lastModified: fetched.lastModified }, sink, failedPages }, now);
}

/**
 * An uploaded file of `format` for a company: imported like a poll of the company's upload source for
 * that format (created on first use), so the two-miss rule runs across successive files.
 */
export async function importFile(deps: FeedDeps, tenant: Tenant, upload: { sourceId: string; data: Buffer }, now: Date = new Date()): Promise<PollOutcome> {
  const source = await withTenant(deps.db, tenant.id, (t) => repo.findSource(t, upload.sourceId));
  if (!source) return { status: 'skipped' };
  const pollId = randomUUID();
  const body = chain(Readable.from([upload.data]), [gunzipIfGzip(), byteLimit(deps.fetchPolicy.maxBytes)], (error) => error);
  let sink: RecordSink;
  try {
    sink = await readDocument(deps, source.format, body, '', undefined, new Set());
  } catch (error) {
    if (error instanceof FeedFetchError || error instanceof FeedParseError) {
      return recordFailure(deps, tenant, { sourceId: source.id, pollId, trigger: 'upload', startedAt: now, error: failureMessage(deps.theme(tenant), error) }, now);
    }
    throw error;
  }
  return apply(deps, tenant, { sourceId: source.id, pollId, trigger: 'upload', startedAt: now, sink }, now);
}

export interface PollJob {
  tenantId: string;
  sourceId: string;
  pollId: string;
  trigger: PollTrigger;
}

/**
 * The scheduler's pass: every URL source whose poll is due gets a poll job (with a fresh poll id),
 * enqueued in the transaction that moves its next poll on by 24 h / polls per day. Sources are locked
 * with SKIP LOCKED, so nodes running this at once never double a poll; a pass missed while the
 * database was down is caught up by the next one (the due date has not moved).
 */
export async function scheduleDuePolls(
  db: Kysely<Database>,
  tenants: readonly Tenant[],
  enqueue: (job: PollJob, singletonKey: string, trx: TenantDb['trx']) => Promise<void>,
  now: Date = new Date(),
): Promise<number> {
  let scheduled = 0;
  for (const tenant of tenants) {
    scheduled += await withTenant(db, tenant.id, async (t) => {
      const due = await repo.lockDueSources(t, now);
      for (const source of due) {
        const interval = 86_400_000 / (source.polls_per_day ?? 1);
        const dueAt = source.next_poll_at!;
        const next = dueAt.getTime() + interval > now.getTime() ? new Date(dueAt.getTime() + interval) : new Date(now.getTime() + interval);
        const trigger: PollTrigger = source.poll_requested ? 'manual' : 'schedule';
        await enqueue({ tenantId: tenant.id, sourceId: source.id, pollId: randomUUID(), trigger }, `feeds.poll:${source.id}:${dueAt.toISOString()}`, t.trx);
        await repo.updateSource(t, source.id, { next_poll_at: next, poll_requested: false });
      }
      return due.length;
    });
  }
  return scheduled;
}

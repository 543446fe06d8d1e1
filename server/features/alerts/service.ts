import type { Kysely } from 'kysely';
import type { AlertFrequency, Database } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import { AppError } from '../../errors.js';
import type { MailService } from '../../mail/mail-service.js';
import type { Tenant, TenantRegistry } from '../../tenancy/registry.js';
import type { AuthUser } from '../accounts/service.js';
import type { SearchQuery } from '../search/port.js';
import { DEFAULT_RADIUS_KM, type SearchPageQuery } from '../search/schemas.js';
import { searchPageUrl, type SearchService } from '../search/service.js';
import * as repo from './repository.js';
import type { AlertTokens } from './tokens.js';

/** What an alert stores: the search page's parameters (for the "see all" link) and the resolved query. */
export interface StoredSearch {
  page: SearchPageQuery;
  query: Pick<SearchQuery, 'text' | 'filters' | 'rome' | 'near'>;
  /** The site the alert was created on: links in its e-mails point there. */
  origin: string;
}

export interface AlertContext {
  db: Kysely<Database>;
  tenant: Tenant;
  mail: MailService;
  search: SearchService;
  tokens: AlertTokens;
  origin: string;
}

const PAGE_KEYS = ['q', 'secteur', 'contrat', 'logement', 'departement', 'metier', 'lieu', 'rayon'] as const;

/** The search page's filters (not its sort, page or "published within") as an alert's query. */
export async function storedSearch(search: SearchService, tenant: Tenant, raw: SearchPageQuery, origin: string): Promise<StoredSearch> {
  const page: SearchPageQuery = {};
  for (const key of PAGE_KEYS) if (raw[key] !== undefined && raw[key] !== '') (page as Record<string, unknown>)[key] = raw[key];
  const place = page.lieu ? await search.resolvePlace(page.lieu) : undefined;
  if (page.lieu && !place) throw new AppError('VALIDATION_FAILED', 400, { lieu: 'alerts.placeUnknown' });
  return {
    page,
    origin,
    query: {
      text: page.q?.trim() || undefined,
      filters: {
        sector: page.secteur,
        contract: page.contrat,
        housing: tenant.config.features.housingFilter ? page.logement : undefined,
        department: page.departement,
      },
      rome: page.metier?.toUpperCase(),
      near: place ? { lat: place.lat, lon: place.lon, radiusKm: page.rayon ?? DEFAULT_RADIUS_KM } : undefined,
    },
  };
}

/** A short description of the search, for the alert list and the e-mail subject. */
export function alertLabel(tenant: Tenant, page: SearchPageQuery, t: (key: string) => string): string {
  const parts: string[] = [];
  if (page.q) parts.push(`« ${page.q} »`);
  if (page.secteur) parts.push(tenant.config.sectors.find((s) => s.code === page.secteur)?.label ?? page.secteur);
  if (page.contrat) parts.push(t(`contract.${page.contrat}`));
  if (page.metier) parts.push(page.metier);
  if (page.departement) parts.push(page.departement);
  if (page.lieu) parts.push(page.lieu);
  return (parts.join(' · ') || t('alerts.allOffers')).slice(0, 300);
}

/**
 * Creates an alert. A signed-in user's own (verified) address is confirmed at once; any other address
 * gets a confirmation link first (double opt-in), and nothing is sent to it until then.
 */
export async function createAlert(
  ctx: AlertContext,
  user: AuthUser | null,
  input: { email: string; frequency: AlertFrequency; search: StoredSearch; label: string },
): Promise<{ confirmed: boolean }> {
  const email = input.email.trim().toLowerCase();
  const confirmed = user !== null && user.email.toLowerCase() === email;
  const alert = await withTenant(ctx.db, ctx.tenant.id, (t) =>
    repo.insertAlert(t, { userId: user?.id ?? null, email, label: input.label, search: input.search, frequency: input.frequency, confirmed }),
  );
  if (!confirmed) {
    ctx.mail.send({
      tenant: ctx.tenant,
      origin: ctx.origin,
      to: email,
      template: 'alert-confirm',
      data: { label: input.label, link: `${ctx.origin}/alertes/confirmer?jeton=${ctx.tokens.sign(ctx.tenant.id, alert.id, 'confirm')}` },
    });
  }
  return { confirmed };
}

export async function confirmAlert(ctx: Pick<AlertContext, 'db' | 'tenant' | 'tokens'>, token: unknown): Promise<boolean> {
  const id = ctx.tokens.verify(ctx.tenant.id, token, 'confirm');
  return id !== undefined && withTenant(ctx.db, ctx.tenant.id, (t) => repo.confirmAlert(t, id));
}

/** One-click unsubscribe (RFC 8058): the token is the authentication; repeating it is harmless. */
export async function unsubscribe(ctx: Pick<AlertContext, 'db' | 'tenant' | 'tokens'>, token: unknown): Promise<{ label: string } | undefined> {
  const id = ctx.tokens.verify(ctx.tenant.id, token, 'unsubscribe');
  if (!id) return undefined;
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const alert = await repo.findAlert(t, id);
    if (!alert) return undefined;
    await repo.unsubscribe(t, id);
    return { label: alert.label };
  });
}

export async function alertsOf(ctx: Pick<AlertContext, 'db' | 'tenant'>, user: AuthUser) {
  return withTenant(ctx.db, ctx.tenant.id, (t) => repo.alertsOfUser(t, user.id));
}

// ---------------------------------------------------------------------------------------------------
// Digests (the worker's job alerts.send-digests)

export interface DigestDeps {
  db: Kysely<Database>;
  tenants: TenantRegistry;
  mail: MailService;
  search: SearchService;
  tokens: AlertTokens;
  themeT: (tenant: Tenant) => (key: string, params?: Record<string, unknown>) => string;
}

export interface DigestReport {
  opened: number;
  sent: number;
  empty: number;
  failed: number;
}

const BATCH = 200;
const LEASE_SECONDS = 300;
const DIGEST_MAX_OFFERS = 20;

/**
 * Sends due digests, tenant by tenant. Step 1 (one transaction per tenant) opens the windows of due
 * alerts: a pending alert_sends row [last sent end, now) and last_window_end moved. Step 2 sends each
 * pending window — the ones just opened and any a crashed run left — and marks it sent. A restart
 * between the steps resends a pending window with the same bounds (same offers); it never opens an
 * overlapping window, and a window is never skipped. Windows with no new offer are closed silently.
 */
export async function sendDigests(deps: DigestDeps, now = new Date()): Promise<DigestReport> {
  const report: DigestReport = { opened: 0, sent: 0, empty: 0, failed: 0 };
  // The housing filter and the contact in the e-mails are runtime settings: read them current.
  await deps.tenants.refreshSettings();
  for (const tenant of deps.tenants.tenants) {
    report.opened += await withTenant(deps.db, tenant.id, (t) => repo.openDueWindows(t, now, BATCH));
    for (;;) {
      const claims = await withTenant(deps.db, tenant.id, (t) => repo.claimPendingSends(t, BATCH, LEASE_SECONDS));
      if (claims.length === 0) break;
      for (const claim of claims) {
        try {
          const outcome = await sendOne(deps, tenant, claim);
          if (outcome === 'empty') report.empty++;
          else report.sent++;
        } catch (error) {
          report.failed++;
          await withTenant(deps.db, tenant.id, (t) => repo.releaseSend(t, claim.alert_id, claim.window_end));
          if (claims.length === 1) throw error;
        }
      }
      if (claims.length < BATCH) break;
    }
  }
  return report;
}

async function sendOne(deps: DigestDeps, tenant: Tenant, claim: { alert_id: string; window_start: Date; window_end: Date }): Promise<'sent' | 'empty'> {
  const alert = await withTenant(deps.db, tenant.id, (t) => repo.findAlert(t, claim.alert_id));
  const close = (count: number) => withTenant(deps.db, tenant.id, (t) => repo.markSent(t, claim.alert_id, claim.window_end, count));
  if (!alert || alert.unsubscribed_at) {
    await close(0);
    return 'empty';
  }
  const stored = alert.search as StoredSearch;
  const result = await deps.search.search({
    tenantId: tenant.id,
    ...stored.query,
    filters: stored.query.filters ?? {},
    publishedAfter: claim.window_start,
    publishedBefore: claim.window_end,
    sort: 'date',
    page: 1,
    perPage: DIGEST_MAX_OFFERS,
  });
  if (result.total === 0) {
    await close(0);
    return 'empty';
  }
  const origin = stored.origin;
  const unsubscribeUrl = `${origin}/alertes/desabonnement?jeton=${deps.tokens.sign(tenant.id, alert.id, 'unsubscribe')}`;
  const t = deps.themeT(tenant);
  await deps.mail.deliver({
    tenant,
    origin,
    to: alert.email,
    template: 'alert-digest',
    data: {
      label: alert.label,
      count: result.total,
      more: result.total > result.hits.length,
      offers: result.hits.map((hit) => ({
        title: hit.title,
        company: hit.companyName,
        place: hit.place.name,
        url: `${origin}/offres/${hit.id}`,
        contract: t(`contract.${hit.contract}`),
      })),
      searchUrl: `${origin}${searchPageUrl(stored.page)}`,
      unsubscribeUrl,
    },
    headers: {
      // RFC 2369 + RFC 8058: mail clients show an unsubscribe button that POSTs to the URL.
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      // Same window, same id: a resend after a crash is recognisable as the same message.
      'Message-ID': `<alert-${alert.id}-${claim.window_end.getTime()}@${new URL(origin).hostname}>`,
    },
  });
  await close(result.total);
  return 'sent';
}

export const ALERT_CONFIRM_MAX_AGE_MS = 7 * 24 * 3600_000;

export async function dropStaleUnconfirmed(db: Kysely<Database>, tenants: TenantRegistry, now = new Date()): Promise<number> {
  let total = 0;
  for (const tenant of tenants.tenants) {
    total += await withTenant(db, tenant.id, (t) => repo.dropUnconfirmed(t, new Date(now.getTime() - ALERT_CONFIRM_MAX_AGE_MS)));
  }
  return total;
}

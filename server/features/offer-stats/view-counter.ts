import { createHmac, randomBytes } from 'node:crypto';

/** A visitor is counted once per offer and this window. */
export const VIEW_WINDOW_MS = 30 * 60_000;

/** Crawlers, link previews, monitors and scripts: their page loads are not views by people. */
const BOT_AGENT =
  /bot\b|bot\/|crawl|spider|slurp|archiver|bingpreview|facebookexternalhit|facebookcatalog|embedly|quora link preview|whatsapp|telegram|discord|skypeuripreview|slack|vkshare|pinterest|preview|headless|phantomjs|lighthouse|pagespeed|pingdom|uptime|monitor|datadog|statuscake|python-requests|python-urllib|aiohttp|httpx|curl\/|wget\/|libwww|httpclient|okhttp|go-http-client|java\/|node-fetch|undici|axios|guzzlehttp|scrapy|postman|insomnia/i;

/**
 * Whether a request comes from a robot or a browser's speculative load (prefetch, prerender): no
 * user agent at all, a known robot's, or a `Sec-Purpose` / `Purpose` prefetch header.
 */
export function isAutomatedView(headers: Record<string, string | string[] | undefined>): boolean {
  const agent = headers['user-agent'];
  if (typeof agent !== 'string' || agent.trim().length < 8) return true;
  const purpose = `${headers['sec-purpose'] ?? ''} ${headers['purpose'] ?? ''} ${headers['x-purpose'] ?? ''} ${headers['x-moz'] ?? ''}`;
  if (/prefetch|prerender|preview/i.test(purpose)) return true;
  return BOT_AGENT.test(agent);
}

export interface PendingViews {
  tenantId: string;
  offerId: string;
  /** The tenant's calendar day, YYYY-MM-DD. */
  day: string;
  views: number;
}

interface Key {
  day: string;
  secret: Buffer;
}

/**
 * Counts offer page views in memory and hands them over in batches (the plugin writes them every few
 * seconds), so a view costs a hash and a map lookup, never a query. The same visitor (address, user
 * agent, language) is counted once per offer and 30 minutes: what is remembered is an HMAC of them
 * under a secret drawn at random each day and never written anywhere, kept only while the window
 * runs; yesterday's secret stays 30 minutes past midnight so a visit across it is not counted twice.
 * With several app nodes each keeps its own memory: a visitor sent to two nodes within the window
 * counts twice (load balancers usually keep a client on one node).
 */
export class OfferViewCounter {
  private pending = new Map<string, PendingViews>();
  private seen = new Map<string, number>();
  private current: Key | undefined;
  private previous: (Key & { until: number }) | undefined;

  constructor(private readonly options: { maxVisitors?: number } = {}) {}

  private keyFor(day: string, at: number): Buffer[] {
    if (this.current?.day !== day) {
      if (this.current) this.previous = { ...this.current, until: at + VIEW_WINDOW_MS };
      this.current = { day, secret: randomBytes(32) };
    }
    const keys = [this.current.secret];
    if (this.previous && this.previous.until > at) keys.push(this.previous.secret);
    else this.previous = undefined;
    return keys;
  }

  /** Counts a view unless this visitor was counted for this offer within the window; says whether it counted. */
  record(view: { tenantId: string; offerId: string; day: string; visitor: string; at: Date }): boolean {
    const at = view.at.getTime();
    const digests = this.keyFor(view.day, at).map((secret) =>
      createHmac('sha256', secret).update(`${view.tenantId}\n${view.offerId}\n${view.visitor}`).digest('base64url').slice(0, 22),
    );
    if (digests.some((digest) => at - (this.seen.get(digest) ?? -Infinity) < VIEW_WINDOW_MS)) return false;
    if (this.seen.size >= (this.options.maxVisitors ?? 200_000)) this.prune(view.at);
    this.seen.set(digests[0], at);
    const slot = `${view.tenantId}\n${view.offerId}\n${view.day}`;
    const entry = this.pending.get(slot);
    if (entry) entry.views++;
    else this.pending.set(slot, { tenantId: view.tenantId, offerId: view.offerId, day: view.day, views: 1 });
    return true;
  }

  /** The counts gathered since the last drain (the caller writes them, or gives them back on failure). */
  drain(): PendingViews[] {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    return batch;
  }

  /** Counts that could not be written go back, to be added to the next batch. */
  restore(batch: PendingViews[]): void {
    for (const views of batch) {
      const slot = `${views.tenantId}\n${views.offerId}\n${views.day}`;
      const entry = this.pending.get(slot);
      if (entry) entry.views += views.views;
      else this.pending.set(slot, { ...views });
    }
  }

  /** Forgets visitors whose window has passed. */
  prune(now: Date): void {
    const limit = now.getTime() - VIEW_WINDOW_MS;
    for (const [digest, at] of this.seen) if (at <= limit) this.seen.delete(digest);
  }

  get visitors(): number {
    return this.seen.size;
  }
}

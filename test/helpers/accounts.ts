import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** Handlebars escapes `=` (&#x3D;) and `&` in attributes; browsers decode them, so do the assertions. */
export const decodeHtml = (html: string) =>
  html.replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The hidden `_csrf` field of the first form of a page. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no _csrf field in the page');
  return match[1];
}

let clients = 0;
/** A distinct client address for each FormClient of a test file (10.0.x.y). */
export const nextIp = () => {
  clients += 1;
  return `10.0.${Math.floor(clients / 250)}.${1 + (clients % 250)}`;
};

/**
 * A browser in miniature over app.inject(): keeps the cookies the app sets (and forgets the ones it
 * clears), sends forms url-encoded, and submits a page's form with that page's CSRF token, from a
 * fixed client IP (so rate-limit counters of different tests do not mix).
 */
export class FormClient {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly app: FastifyInstance,
    readonly host: string,
    readonly ip = nextIp(),
  ) {}

  private cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private remember(response: LightMyRequestResponse) {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = cookie.value === '' || cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now());
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ method: 'GET', url, headers: { host: this.host, cookie: this.cookieHeader() }, remoteAddress: this.ip });
    this.remember(response);
    return response;
  }

  async post(url: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { host: this.host, cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
      remoteAddress: this.ip,
    });
    this.remember(response);
    return response;
  }

  /** GET the page, then POST its form (to `action`, default the same URL) with the page's CSRF token. */
  async submit(page: string, fields: Record<string, string>, action = page.split('?')[0]): Promise<LightMyRequestResponse> {
    const form = await this.get(page);
    if (form.statusCode !== 200) throw new Error(`GET ${page} answered ${form.statusCode}`);
    return this.post(action, { _csrf: csrfOf(form.body), ...fields });
  }

  /** Signs in through the log-in page; throws unless redirected. */
  async logIn(email: string, password: string): Promise<LightMyRequestResponse> {
    const response = await this.submit('/compte/connexion', { email, password });
    if (response.statusCode !== 303) throw new Error(`log-in of ${email} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
    return response;
  }
}

export interface MailboxEntry {
  id: string;
  to: string;
  subject: string;
}

/**
 * The development mailbox as a user sees it (/_dev/mail of the tenant's host), after the messages
 * queued so far have been written.
 */
export async function mailbox(app: FastifyInstance, host: string): Promise<MailboxEntry[]> {
  await app.mail.idle();
  const page = await app.inject({ url: '/_dev/mail', headers: { host } });
  if (page.statusCode !== 200) throw new Error(`/_dev/mail answered ${page.statusCode}`);
  const rows = [...page.body.matchAll(/<tr><td><time[^>]*>[^<]*<\/time><\/td><td>([^<]*)<\/td><td><a href="\/_dev\/mail\/([^"]+)">([^<]*)<\/a><\/td><\/tr>/g)];
  return rows.map((m) => ({ id: m[2], to: decodeHtml(m[1]), subject: decodeHtml(m[3]) }));
}

/** The text part of the newest message to `to` (via /_dev/mail/:id) and the links it contains. */
export async function lastMailTo(app: FastifyInstance, host: string, to: string): Promise<{ subject: string; text: string; links: string[]; id: string }> {
  const entry = (await mailbox(app, host)).find((m) => m.to === to);
  if (!entry) throw new Error(`no message to ${to} in the mailbox of ${host}`);
  const page = await app.inject({ url: `/_dev/mail/${entry.id}`, headers: { host } });
  const text = decodeHtml(/<pre class="mail-text">([\s\S]*?)<\/pre>/.exec(page.body)?.[1].replace(/<[^>]+>/g, '') ?? '');
  const links = [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
  return { subject: entry.subject, text, links, id: entry.id };
}

/** Path and query of an absolute link (inject() takes paths). */
export const pathOf = (link: string) => {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
};

import type { FastifyBaseLogger } from 'fastify';
import type { Tenant } from '../tenancy/registry.js';
import type { Theme } from '../tenancy/theme.js';
import type { Mailer } from './mailer.js';

export interface MailRequest {
  tenant: Tenant;
  /** Absolute origin of the tenant's site (links in the message), e.g. https://emploi-montagne.fr */
  origin: string;
  to: string;
  /** emails/<template>.html.hbs and emails/<template>.text.hbs; subject from strings `email.<template>.subject`. */
  template: string;
  data: Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * A short notice (`emails/notice.*.hbs`): greeting, one paragraph, an optional quoted note and a
 * button. Subject, paragraph and button are the strings `notice.<kind>.subject|body|button`,
 * interpolated with `params`, so a tenant rewords any of them in its strings file.
 */
export interface NoticeRequest {
  tenant: Tenant;
  origin: string;
  to: string;
  kind: string;
  displayName: string;
  params?: Record<string, unknown>;
  link: string;
  /** A note written by someone (a counsellor's words), quoted as typed. */
  note?: string | null;
  headers?: Record<string, string>;
}

/**
 * Renders tenant e-mails (HTML and plain text, through the tenant's Theme: a tenant may override any
 * template of views/emails/ and any string) and hands them to the Mailer in the background: the
 * request that triggered a message does not wait for SMTP, so answering "we sent you a link" takes
 * the same time whether or not a message was actually sent (no account enumeration by timing).
 */
export class MailService {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly mailer: Mailer,
    private readonly themeOf: (tenant: Tenant) => Theme,
    private readonly fromAddress: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Renders now (a template error surfaces to the caller) and sends in the background. */
  send(request: MailRequest): void {
    const message = this.render(request);
    const delivery = this.mailer
      .send(message)
      .then(() => this.log.info({ tenant: request.tenant.id, template: request.template }, 'mail sent'))
      .catch((error: unknown) => this.log.error({ err: error, tenant: request.tenant.id, template: request.template }, 'mail delivery failed'))
      .finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
  }

  /** Renders and hands over now, resolving once the Mailer accepted it (jobs that must know it went out). */
  async deliver(request: MailRequest): Promise<void> {
    await this.mailer.send(this.render(request));
  }

  /** The MailRequest of a notice (see NoticeRequest), for send() or deliver(). */
  notice({ tenant, origin, to, kind, displayName, params = {}, link, note, headers }: NoticeRequest): MailRequest {
    const theme = this.themeOf(tenant);
    const values = { name: tenant.config.name, ...params };
    return {
      tenant,
      origin,
      to,
      template: 'notice',
      headers,
      data: {
        displayName,
        noticeSubject: theme.t(`notice.${kind}.subject`, values),
        body: theme.t(`notice.${kind}.body`, values),
        button: theme.t(`notice.${kind}.button`, values),
        note: note || undefined,
        link,
      },
    };
  }

  render({ tenant, origin, to, template, data, headers }: MailRequest) {
    const theme = this.themeOf(tenant);
    const context = {
      ...data,
      origin,
      tenant: { id: tenant.id, name: tenant.config.name, contact: tenant.config.contact, primaryColor: tenant.config.theme.primaryColor },
    };
    const subject = theme.t(`email.${template}.subject`, { name: tenant.config.name, ...data });
    return {
      tenantId: tenant.id,
      // The display name is the tenant's; quotes and line breaks cannot break out of the header.
      from: `"${tenant.config.name.replace(/["\\\r\n]/g, '')}" <${this.fromAddress}>`,
      replyTo: tenant.config.contact.email,
      to,
      subject,
      headers,
      html: theme.render(`emails/${template}.html`, { ...context, subject }, 'emails/layout.html'),
      text: theme.render(`emails/${template}.text`, { ...context, subject }, 'emails/layout.text'),
    };
  }

  /** Resolves once every message queued so far has been handed over (tests; graceful shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    await this.idle();
    await this.mailer.close();
  }
}

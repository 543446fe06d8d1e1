import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Handlebars from 'handlebars';
import { notFound } from '../../errors.js';
import { listMail, readMail } from '../../mail/mailbox.js';

/** Plain text with its http(s) links made clickable (everything else escaped). */
function linkify(text: string): Handlebars.SafeString {
  const escaped = Handlebars.Utils.escapeExpression(text);
  // Handlebars escapes `=` as &#x3D; and `&` as &amp;: inside href the browser decodes them back.
  return new Handlebars.SafeString(
    escaped.replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`),
  );
}

/**
 * Development mailbox: the messages the file mailer wrote for this tenant (never another's). Only
 * registered outside production (see app.ts), and useless with SMTP_URL set (nothing is written).
 */
export default async function devMailboxRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const dir = app.config.mail.dir;

  app.get('/_dev/mail', async (request, reply) => {
    const messages = await listMail(dir, request.tenant.id);
    return reply.header('cache-control', 'no-store').page('pages/dev-mailbox/list', {
      meta: { title: app.theme(request.tenant).t('devMailbox.title'), noindex: true },
      messages,
      smtp: Boolean(app.config.mail.smtpUrl),
    });
  });

  app.get('/_dev/mail/:id', { schema: { params: Type.Object({ id: Type.String({ maxLength: 40 }) }) } }, async (request, reply) => {
    const message = await readMail(dir, request.tenant.id, request.params.id);
    if (!message) throw notFound();
    return reply.header('cache-control', 'no-store').page('pages/dev-mailbox/message', {
      meta: { title: message.subject, noindex: true },
      message,
      body: linkify(message.text),
    });
  });

  // The HTML part as the recipient's mail client would show it. E-mails carry inline styles, which the
  // site's CSP forbids: this response gets a CSP of its own that allows them and nothing active.
  app.get('/_dev/mail/:id/html', { schema: { params: Type.Object({ id: Type.String({ maxLength: 40 }) }) } }, async (request, reply) => {
    const message = await readMail(dir, request.tenant.id, request.params.id);
    if (!message) throw notFound();
    return reply
      .header('cache-control', 'no-store')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
      .type('text/html; charset=utf-8')
      .send(message.html);
  });
}

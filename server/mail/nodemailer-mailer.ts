import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Mailer, MailMessage, StoredMail } from './mailer.js';

/** SMTP through nodemailer (pooled connections; the URL carries host, port, credentials and TLS). */
export function smtpMailer(url: string): Mailer {
  const transport = nodemailer.createTransport(url, { pool: true } as never);
  return {
    async send(message) {
      await transport.sendMail(toNodemailer(message));
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * Without SMTP: nodemailer builds the real MIME message (stream transport) and we write it as
 * `<dir>/<tenant>/<id>.eml` (openable in any mail client), with a `.json` beside it that the
 * development mailbox reads.
 */
export function fileMailer(dir: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      if (!/^[a-z][a-z0-9-]{1,39}$/.test(message.tenantId)) throw new Error(`tenant invalide : ${message.tenantId}`);
      const info = await transport.sendMail(toNodemailer(message));
      const date = new Date();
      // Sortable by name: time first, then randomness so that two messages in one millisecond differ.
      const id = `${date.toISOString().replace(/[-:.TZ]/g, '')}-${randomBytes(4).toString('hex')}`;
      const folder = path.join(dir, message.tenantId);
      await mkdir(folder, { recursive: true });
      const stored: StoredMail = { id, date: date.toISOString(), from: message.from, to: message.to, subject: message.subject, text: message.text, html: message.html };
      await writeFile(path.join(folder, `${id}.eml`), info.message as Buffer);
      await writeFile(path.join(folder, `${id}.json`), JSON.stringify(stored, null, 2));
    },
    async close() {},
  };
}

function toNodemailer(message: MailMessage): nodemailer.SendMailOptions {
  return {
    from: message.from,
    to: message.to,
    replyTo: message.replyTo,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: { ...message.headers, 'X-Cordee-Tenant': message.tenantId, 'Auto-Submitted': 'auto-generated' },
  };
}

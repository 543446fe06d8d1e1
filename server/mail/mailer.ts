/**
 * The outgoing e-mail port. Features depend on this interface only; the adapter (SMTP or files, see
 * nodemailer-mailer.ts) is chosen once, from the config, in server/plugins/mail.ts.
 */
export interface MailMessage {
  /** The tenant the message is sent for: file mode stores it in that tenant's mailbox. */
  tenantId: string;
  /** `"Emploi Montagne" <ne-pas-repondre@…>` */
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers (List-Unsubscribe…); never user input. */
  headers?: Record<string, string>;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}

/** A message as the development mailbox lists it (file mode only). */
export interface StoredMail {
  id: string;
  date: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

import fp from 'fastify-plugin';
import { MailService } from '../mail/mail-service.js';
import { fileMailer, smtpMailer } from '../mail/nodemailer-mailer.js';

declare module 'fastify' {
  interface FastifyInstance {
    mail: MailService;
  }
}

/**
 * The one place that picks the Mailer adapter: SMTP when SMTP_URL is set, otherwise files under
 * <DATA_DIR>/mail/<tenant>/ (read by the development mailbox, /_dev/mail, outside production).
 */
export default fp(
  async (app) => {
    const { smtpUrl, dir, from } = app.config.mail;
    const mailer = smtpUrl ? smtpMailer(smtpUrl) : fileMailer(dir);
    const service = new MailService(mailer, (tenant) => app.theme(tenant), from, app.log);
    app.decorate('mail', service);
    // Messages queued by the last requests are handed over before the process exits.
    app.addHook('onClose', async () => service.close());
  },
  { name: 'mail', dependencies: ['view'] },
);

import fp from 'fastify-plugin';
import { NotificationDispatcher } from './notifications.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Sends the e-mails a new message calls for at once (first message of a thread), in the background. */
    messageNotifications: NotificationDispatcher;
  }
}

export default fp(
  async (app) => {
    const dispatcher = new NotificationDispatcher({ db: app.db, tenants: app.tenants, mail: app.mail }, (tenant) => (key, params) => app.theme(tenant).t(key, params), app.log);
    app.decorate('messageNotifications', dispatcher);
    // Passes started by the last requests finish before the pool and the mailer close.
    app.addHook('onClose', async () => dispatcher.idle());
  },
  { name: 'message-notifications', dependencies: ['mail', 'database'] },
);

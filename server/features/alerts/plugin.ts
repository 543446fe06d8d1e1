import fp from 'fastify-plugin';
import { AlertTokens } from './tokens.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Signs and checks the confirm / unsubscribe links of alert e-mails. */
    alertTokens: AlertTokens;
  }
}

export default fp(
  async (app) => {
    if (!app.config.secrets.cookie) throw new Error('buildApp : COOKIE_SECRET manquant');
    app.decorate('alertTokens', new AlertTokens(app.config.secrets.cookie));
  },
  { name: 'alert-tokens' },
);

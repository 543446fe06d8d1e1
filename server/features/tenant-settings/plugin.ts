import fp from 'fastify-plugin';
import { settingsSource } from './service.js';

/**
 * Lays each tenant's runtime settings (table tenant_settings) over its tenant.json in the registry, so
 * that `request.tenant.config` and the background jobs' tenants are the effective configuration and
 * no reader of the configuration has to know about the database.
 */
export default fp(
  async (app) => {
    app.tenants.useSettings(settingsSource(app.db, app.log.child({ component: 'tenant-settings' })));
  },
  { name: 'tenant-settings', dependencies: ['database'] },
);

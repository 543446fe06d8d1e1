import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import databasePlugin from './plugins/database.js';
import errorsPlugin from './plugins/errors.js';
import securityPlugin from './plugins/security.js';
import underPressurePlugin from './plugins/under-pressure.js';
import viewPlugin from './plugins/view.js';
import tenancyPlugin from './tenancy/plugin.js';
import themeAssetsRoutes from './tenancy/theme-assets.js';
import healthRoutes from './features/health/routes.js';
import offersRoutes from './features/offers/routes.js';
import companiesRoutes from './features/companies/routes.js';
import seoRoutes from './features/seo/routes.js';
import { loadTenantRegistry, type TenantRegistry } from './tenancy/registry.js';

/** `<slug>.localhost` resolves only outside production. Throws TenantConfigError on an invalid tenant.json. */
export function loadTenants(config: Config): TenantRegistry {
  return loadTenantRegistry(config.tenantsDir, { allowLocalhostSubdomains: config.env !== 'production' });
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    tenants: TenantRegistry;
  }
}

/**
 * Builds the app from a config object: no I/O at import, nothing listens. main.ts (or a test) decides
 * where PostgreSQL is and calls listen/inject. Tenants are loaded and validated here, so an invalid
 * tenant.json fails the build with a message naming the file and the field.
 */
export async function buildApp(config: Config, preloaded: { tenants?: TenantRegistry } = {}): Promise<FastifyInstance> {
  const tenants = preloaded.tenants ?? loadTenants(config);
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
    },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    requestTimeout: config.requestTimeoutMs,
    // Keep-alive sockets must not hold graceful shutdown hostage.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    genReqId: () => crypto.randomUUID(),
  });
  app.decorate('config', config);
  app.decorate('tenants', tenants);

  await app.register(securityPlugin);
  await app.register(databasePlugin);
  await app.register(underPressurePlugin);
  await app.register(viewPlugin);
  await app.register(errorsPlugin);
  await app.register(healthRoutes);
  await app.register(tenancyPlugin);
  await app.register(themeAssetsRoutes);
  await app.register(offersRoutes);
  await app.register(companiesRoutes);
  await app.register(seoRoutes);
  return app;
}

import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { Config } from './config.js';
import databasePlugin from './plugins/database.js';
import errorsPlugin, { clientErrorHandler, frameworkErrors } from './plugins/errors.js';
import securityPlugin from './plugins/security.js';
import underPressurePlugin from './plugins/under-pressure.js';
import pageCachePlugin from './plugins/page-cache.js';
import { schemaController } from './plugins/validation.js';
import viewPlugin from './plugins/view.js';
import tenancyPlugin from './tenancy/plugin.js';
import themeAssetsRoutes from './tenancy/theme-assets.js';
import healthRoutes from './features/health/routes.js';
import offersRoutes from './features/offers/routes.js';
import companiesRoutes from './features/companies/routes.js';
import searchPlugin from './features/search/plugin.js';
import searchRoutes from './features/search/routes.js';
import seoRoutes from './features/seo/routes.js';
import accountsRoutes from './features/accounts/routes.js';
import applicationsRoutes from './features/applications/routes.js';
import candidatesRoutes from './features/candidates/routes.js';
import savedOffersPlugin from './features/candidates/saved-plugin.js';
import alertsPlugin from './features/alerts/plugin.js';
import alertsRoutes from './features/alerts/routes.js';
import privacyRoutes from './features/privacy/routes.js';
import filesPlugin from './files/plugin.js';
import devMailboxRoutes from './features/dev-mailbox/routes.js';
import billingRoutes from './features/billing/routes.js';
import employerHomeRoutes from './features/employer-home/routes.js';
import authPlugin from './plugins/auth.js';
import csrfPlugin from './plugins/csrf.js';
import formsPlugin from './plugins/forms.js';
import mailPlugin from './plugins/mail.js';
import rateLimitPlugin from './plugins/rate-limit.js';
import swaggerPlugin from './plugins/swagger.js';
import offersApiRoutes from './features/offers/api-routes.js';
import offersManageRoutes from './features/offers/manage-routes.js';
import companiesApiRoutes from './features/companies/api-routes.js';
import companySpaceRoutes from './features/companies/space-routes.js';
import adminRoutes from './features/admin/routes.js';
import tenantSettingsPlugin from './features/tenant-settings/plugin.js';
import tenantSettingsRoutes from './features/tenant-settings/routes.js';
import sharedTimeRoutes from './features/shared-time/routes.js';
import sharedTimeApiRoutes from './features/shared-time/api-routes.js';
import feedsRoutes from './features/feeds/routes.js';
import partnerApiRoutes from './features/feeds/api-routes.js';
import offerViewsPlugin from './features/offer-stats/plugin.js';
import offerStatsRoutes from './features/offer-stats/routes.js';
import hiresRoutes from './features/hires/routes.js';
import hiresApiRoutes from './features/hires/api-routes.js';
import reportsRoutes from './features/reports/routes.js';
import hotReloadPlugin, { type RegisterTenants } from './tenancy/hot-reload.js';
import accompanimentRoutes from './features/accompaniment/routes.js';
import counsellorRoutes from './features/accompaniment/counsellor-routes.js';
import messagingPlugin from './features/messaging/plugin.js';
import messagingRoutes from './features/messaging/routes.js';
import messagingApiRoutes from './features/messaging/api-routes.js';
import moderationRoutes from './features/moderation/routes.js';
import { loadTenantRegistry, type LiveTenantRegistry } from './tenancy/registry.js';

/** `<slug>.localhost` resolves only outside production. Throws TenantConfigError on an invalid tenant.json. */
export function loadTenants(config: Config): LiveTenantRegistry {
  return loadTenantRegistry(config.tenantsDir, { allowLocalhostSubdomains: config.env !== 'production' });
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    tenants: LiveTenantRegistry;
    /** The time pages are rendered at ("il y a 3 jours", "nouveau"); tests fix it (BuildOptions.clock). */
    clock(): Date;
  }
}

export interface BuildOptions {
  /** Tenants already loaded (main.ts validates them before starting PostgreSQL). */
  tenants?: LiveTenantRegistry;
  /** Watch tenants/ and reload on change; default: in development only. Elsewhere tenants load once. */
  watchTenants?: boolean;
  /** Inserts the rows of tenants added by a reload (privileged role: main.ts gives it). */
  registerTenants?: RegisterTenants;
  /** Sees every route as it is declared, schemas included (the fault suite fuzzes them all). */
  onRoute?: (route: RouteOptions) => void;
  /** The clock of pages (default: the real time), so that what depends on the date can be tested on any day. */
  clock?: () => Date;
}

/**
 * Builds the app from a config object: no I/O at import, nothing listens. main.ts (or a test) decides
 * where PostgreSQL is and calls listen/inject. Tenants are loaded and validated here, so an invalid
 * tenant.json fails the build with a message naming the file and the field.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const tenants = options.tenants ?? loadTenants(config);
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
      serializers: {
        // E-mailed links carry single-use tokens in `?jeton=`: they never reach the logs.
        req: (request: { method: string; url: string; host?: string; ip?: string }) => ({
          method: request.method,
          url: request.url.replace(/([?&]jeton=)[^&#]*/g, '$1[masqué]'),
          host: request.host,
          remoteAddress: request.ip,
        }),
      },
    },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    requestTimeout: config.requestTimeoutMs,
    // Sockets that send no complete headers in time (idle, or slowloris) get 408 and are closed; checked every second.
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: 1_000 },
    // Keep-alive sockets must not hold graceful shutdown hostage.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    genReqId: () => crypto.randomUUID(),
    schemaController,
    // What fails before routing (unparsable request, bad percent-encoding) answers in our error format too.
    clientErrorHandler,
    frameworkErrors,
  });
  app.decorate('config', config);
  app.decorate('tenants', tenants);
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.decorate('clock', options.clock ?? (() => new Date()));

  await app.register(securityPlugin);
  await app.register(databasePlugin);
  await app.register(searchPlugin);
  await app.register(underPressurePlugin);
  await app.register(viewPlugin);
  await app.register(errorsPlugin);
  await app.register(healthRoutes);
  await app.register(tenancyPlugin);
  await app.register(tenantSettingsPlugin);
  await app.register(hotReloadPlugin, { watch: options.watchTenants ?? config.env === 'development', register: options.registerTenants });
  await app.register(themeAssetsRoutes);
  // After tenancy: the user is resolved per tenant. CSRF guards every form POST; forms re-render refused posts.
  await app.register(authPlugin);
  await app.register(csrfPlugin);
  await app.register(formsPlugin);
  await app.register(rateLimitPlugin);
  await app.register(mailPlugin);
  // Before the routes it documents: @fastify/swagger collects them as they are added (OpenAPI at /api/docs).
  await app.register(swaggerPlugin);
  await app.register(savedOffersPlugin);
  // Before the public pages it may answer for (home, offer, company), after auth: anonymous visitors only.
  await app.register(pageCachePlugin);
  // Counts offer page views apart from rendering (before the routes whose responses it watches).
  await app.register(offerViewsPlugin);
  await app.register(offersRoutes);
  await app.register(companiesRoutes);
  await app.register(offersApiRoutes);
  await app.register(offersManageRoutes);
  await app.register(companiesApiRoutes);
  await app.register(companySpaceRoutes);
  await app.register(employerHomeRoutes);
  await app.register(adminRoutes);
  await app.register(tenantSettingsRoutes);
  await app.register(searchRoutes);
  await app.register(seoRoutes);
  await app.register(accountsRoutes);
  await app.register(billingRoutes);
  await app.register(filesPlugin);
  await app.register(applicationsRoutes);
  await app.register(candidatesRoutes);
  await app.register(alertsPlugin);
  await app.register(alertsRoutes);
  await app.register(privacyRoutes);
  await app.register(sharedTimeRoutes);
  await app.register(sharedTimeApiRoutes);
  await app.register(feedsRoutes);
  await app.register(partnerApiRoutes);
  // The collaborative youth board (features.messaging): counsellors, recommendations, threads, moderation.
  await app.register(messagingPlugin);
  await app.register(accompanimentRoutes);
  await app.register(counsellorRoutes);
  await app.register(messagingRoutes);
  await app.register(messagingApiRoutes);
  await app.register(moderationRoutes);
  // Evidence for funders and members (issue #15): hires and their follow-ups, employers' statistics, reports.
  await app.register(hiresRoutes);
  await app.register(hiresApiRoutes);
  await app.register(offerStatsRoutes);
  await app.register(reportsRoutes);
  // Lists the messages written under <DATA_DIR>/mail: never in production.
  if (config.env !== 'production') await app.register(devMailboxRoutes);
  return app;
}

import fp from 'fastify-plugin';
import type { Tenant } from './registry.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Resolved once, from the Host header, before anything else; routes pass it on explicitly. */
    tenant: Tenant;
  }
  interface FastifyContextConfig {
    /** Served on any host (health checks from a load balancer that uses an IP address). */
    tenantless?: boolean;
  }
}

const UNKNOWN_HOST_PAGE = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Site introuvable</title></head>
<body><main><h1>Site introuvable</h1><p>Aucun site n’est configuré pour cette adresse.</p></main></body></html>`;

/**
 * Host → tenant, once per request, with its effective configuration (tenant.json overlaid by the
 * runtime settings of the admin space). `request.hostname` comes from the Host header, or from
 * X-Forwarded-Host only when trustProxy is configured. An unknown host gets a plain 404 that names no
 * tenant and touches no data.
 */
export default fp(
  async (app) => {
    app.decorateRequest('tenant', null as unknown as Tenant);
    app.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.config?.tenantless) return;
      const resolved = app.tenants.resolveHost(request.hostname);
      if (!resolved) {
        request.log.info({ host: request.hostname }, 'unknown host');
        return reply.code(404).type('text/html; charset=utf-8').send(UNKNOWN_HOST_PAGE);
      }
      // From memory, unless this tenant's runtime settings are older than their TTL (one small query then).
      await app.tenants.refreshSettings([resolved.id]);
      const tenant = app.tenants.get(resolved.id) ?? resolved;
      request.tenant = tenant;
      const log = request.log.child({ tenant: tenant.id });
      request.log = log;
      reply.log = log;
    });
  },
  { name: 'tenancy' },
);

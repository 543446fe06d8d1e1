import type { FastifyInstance } from 'fastify';
import { notFound } from '../errors.js';
import type { TenantConfig } from './tenant-config.js';

/**
 * Every route of the calling plugin answers 404 on a board where `feature` is off (tenant.json or the
 * admin's runtime setting), before any guard runs: a board without the feature has no such pages.
 */
export function onlyWithFeature(app: FastifyInstance, feature: keyof TenantConfig['features']): void {
  app.addHook('onRequest', async (request) => {
    if (request.tenant && !request.tenant.config.features[feature]) throw notFound();
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { SETTINGS_TTL_MS } from '../../../server/features/tenant-settings/service.js';
import { LiveTenantRegistry, loadTenantSet } from '../../../server/tenancy/registry.js';
import { MONTAGNE, testConfig } from '../../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import type { FastifyInstance } from 'fastify';

/**
 * Settings written by another node (here: straight into the database) reach this node within the
 * TTL, and not before: requests read the settings from memory, not with a query each.
 */
describe('runtime settings cache', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let clock = Date.now();

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url);
    const tenants = new LiveTenantRegistry(loadTenantSet(config.tenantsDir, { allowLocalhostSubdomains: true }), () => clock);
    app = await buildApp(config, { tenants });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const footerPhone = async () => /href="tel:([^"]+)"/.exec((await app.inject({ url: '/', headers: { host: MONTAGNE } })).body)?.[1];

  it('serves another node’s change after the TTL, from memory until then', async () => {
    expect(await footerPhone()).toBe('04 79 00 00 00');
    await db.admin.insertInto('tenant_settings').values({ tenant_id: 'montagne', contact_phone: '0 800 10 20 30', offer_lifetime_days: 7 }).execute();
    clock += SETTINGS_TTL_MS - 1000;
    expect(await footerPhone()).toBe('04 79 00 00 00');
    expect(app.tenants.get('montagne')!.config.offers.lifetimeDays).toBe(60);
    clock += 1001;
    expect(await footerPhone()).toBe('0 800 10 20 30');
    expect(app.tenants.get('montagne')!.config.offers.lifetimeDays).toBe(7);
  });

  it('gives background jobs the effective configuration after refreshSettings()', async () => {
    await db.admin.updateTable('tenant_settings').set({ offer_lifetime_days: 21 }).where('tenant_id', '=', 'montagne').execute();
    clock += SETTINGS_TTL_MS;
    await app.tenants.refreshSettings();
    expect(app.tenants.tenants.find((t) => t.id === 'montagne')!.config.offers.lifetimeDays).toBe(21);
    expect(app.tenants.get('dijon')!.config).toEqual(app.tenants.fileTenant('dijon')!.config);
  });

  it('ignores a stored override that tenant.json no longer allows, instead of breaking the site', async () => {
    // Billing forced on for Dijon, which is free for employers (as if tenant.json had changed since).
    await db.admin.insertInto('tenant_settings').values({ tenant_id: 'dijon', feature_billing: true, contact_phone: '0 800 44 44 44' }).execute();
    clock += SETTINGS_TTL_MS;
    await app.tenants.refreshSettings(['dijon']);
    const dijon = app.tenants.get('dijon')!.config;
    expect(dijon.features.billing).toBe(false);
    expect(dijon.contact.phone).toBe('0 800 44 44 44');
  });

  it('keeps the last values when the database cannot be read, and retries a little later rather than on every request', async () => {
    let now = 0;
    let reads = 0;
    let down = false;
    const registry = new LiveTenantRegistry(loadTenantSet(app.config.tenantsDir, { allowLocalhostSubdomains: true }), () => now);
    registry.useSettings({
      ttlMs: SETTINGS_TTL_MS,
      fetch: async () => {
        reads += 1;
        if (down) throw new Error('connect ECONNREFUSED');
        return { offers: { lifetimeDays: 9 } };
      },
      apply: (tenant, overrides) => ({ ...tenant.config, ...(overrides as object) }) as typeof tenant.config,
      onError: () => {},
    });
    await Promise.all([registry.refreshSettings(['montagne']), registry.refreshSettings(['montagne'])]);
    expect(reads).toBe(1);
    expect(registry.get('montagne')!.config.offers.lifetimeDays).toBe(9);
    down = true;
    now += SETTINGS_TTL_MS;
    await registry.refreshSettings(['montagne']);
    expect(reads).toBe(2);
    expect(registry.get('montagne')!.config.offers.lifetimeDays).toBe(9);
    now += 1_000;
    await registry.refreshSettings(['montagne']);
    expect(reads).toBe(2);
    now += 1_001;
    down = false;
    await registry.refreshSettings(['montagne']);
    expect(reads).toBe(3);
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTenantRegistry } from '../../server/tenancy/registry.js';
import { readTenantConfig, TenantConfigError } from '../../server/tenancy/tenant-config.js';
import { copyTenants, editTenantJson, TENANTS_DIR, writeTenantFile } from '../helpers/tenant-fixtures.js';

function problemsOf(fn: () => unknown): { file: string; fields: string[]; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TenantConfigError);
    const e = error as TenantConfigError;
    return { file: e.file, fields: e.problems.map((p) => p.field), message: e.message };
  }
  throw new Error('expected a TenantConfigError');
}

describe('tenant.json validation', () => {
  it('accepts the shipped tenants and the skeleton', () => {
    for (const slug of ['montagne', 'dijon', '_skeleton']) {
      expect(readTenantConfig(path.join(TENANTS_DIR, slug)).name.length).toBeGreaterThan(1);
    }
  });

  it('names the file and the field of a wrong type', () => {
    const dir = copyTenants(['montagne']);
    const file = editTenantJson(dir, 'montagne', (c) => (c.offers.lifetimeDays = 'soixante'));
    const result = problemsOf(() => readTenantConfig(path.join(dir, 'montagne')));
    expect(result.file).toBe(file);
    expect(result.fields).toEqual(['offers.lifetimeDays']);
    expect(result.message).toContain(file);
    expect(result.message).toContain('offers.lifetimeDays');
  });

  it('refuses unknown keys, so that a typo does not pass silently', () => {
    const dir = copyTenants(['dijon']);
    editTenantJson(dir, 'dijon', (c) => (c.features.housingFiltre = true));
    expect(problemsOf(() => readTenantConfig(path.join(dir, 'dijon'))).fields).toContain('features.housingFiltre');
  });

  it('requires the slug to match the folder name', () => {
    const dir = copyTenants(['dijon']);
    editTenantJson(dir, 'dijon', (c) => (c.slug = 'besancon'));
    expect(problemsOf(() => readTenantConfig(path.join(dir, 'dijon'))).fields).toEqual(['slug']);
  });

  it('refuses a tier grid with a gap between bands', () => {
    const dir = copyTenants(['montagne']);
    editTenantJson(dir, 'montagne', (c) => (c.membership.tiers[1].minHeadcount = 12));
    expect(problemsOf(() => readTenantConfig(path.join(dir, 'montagne'))).fields).toEqual(['membership.tiers[1].minHeadcount']);
  });

  it('refuses a closed last tier and a band whose max is below its min', () => {
    const dir = copyTenants(['montagne']);
    editTenantJson(dir, 'montagne', (c) => {
      c.membership.tiers[3].maxHeadcount = 1000;
      c.membership.tiers[0].maxHeadcount = -1;
    });
    const fields = problemsOf(() => readTenantConfig(path.join(dir, 'montagne'))).fields;
    expect(fields).toContain('membership.tiers[0].maxHeadcount');
  });

  it('refuses billing on a tenant that is free for employers', () => {
    const dir = copyTenants(['dijon']);
    editTenantJson(dir, 'dijon', (c) => (c.features.billing = true));
    expect(problemsOf(() => readTenantConfig(path.join(dir, 'dijon'))).fields).toEqual(['features.billing']);
  });

  it('reports unreadable JSON with the file name', () => {
    const dir = copyTenants(['dijon']);
    writeTenantFile(dir, 'dijon', 'tenant.json', '{ "slug": "dijon", ');
    const result = problemsOf(() => readTenantConfig(path.join(dir, 'dijon')));
    expect(result.message).toMatch(/tenant\.json est invalide/);
    expect(result.message).toMatch(/JSON illisible/);
  });
});

describe('tenant registry', () => {
  const registry = loadTenantRegistry(TENANTS_DIR, { allowLocalhostSubdomains: true });

  it('loads live tenants and leaves the skeleton out', () => {
    expect(registry.tenants.map((t) => t.id)).toEqual(['dijon', 'ge-occitanie', 'montagne']);
  });

  it('resolves configured hostnames, case-insensitively and with a trailing dot', () => {
    expect(registry.resolveHost('emploi-montagne.cordee.example')?.id).toBe('montagne');
    expect(registry.resolveHost('Emploi-Montagne.Cordee.Example.')?.id).toBe('montagne');
    expect(registry.resolveHost('jeunes-emploi-dijon.cordee.example')?.id).toBe('dijon');
    expect(registry.resolveHost('temps-partage-aveyron-lozere.cordee.example')?.id).toBe('ge-occitanie');
  });

  it('resolves <slug>.localhost only when allowed (development)', () => {
    expect(registry.resolveHost('dijon.localhost')?.id).toBe('dijon');
    const production = loadTenantRegistry(TENANTS_DIR, { allowLocalhostSubdomains: false });
    expect(production.resolveHost('dijon.localhost')).toBeUndefined();
    expect(production.resolveHost('emploi-montagne.cordee.example')?.id).toBe('montagne');
  });

  it('resolves nothing for unknown hosts, lookalikes and suffix tricks', () => {
    for (const host of ['example.com', 'montagne', 'evil.montagne.localhost', 'montagne.localhost.evil.com', 'xemploi-montagne.cordee.example', '_skeleton.localhost', 'skeleton.localhost']) {
      expect(registry.resolveHost(host), host).toBeUndefined();
    }
  });

  it('refuses two tenants claiming the same hostname', () => {
    const dir = copyTenants(['montagne', 'dijon']);
    editTenantJson(dir, 'dijon', (c) => c.hostnames.push('emploi-montagne.cordee.example'));
    expect(() => loadTenantRegistry(dir, { allowLocalhostSubdomains: false })).toThrow(/montagne.*hostnames\[0\] : « emploi-montagne\.cordee\.example » est déjà déclaré par le tenant dijon/s);
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareTenantFolder, TenantToolError } from '../../server/tenancy/create.js';
import { readTenantConfig } from '../../server/tenancy/tenant-config.js';
import { TENANT_SCHEMA_REF } from '../../server/tenancy/tenant-schema.js';
import { copyTenants } from '../helpers/tenant-fixtures.js';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TenantToolError);
    return (error as Error).message;
  }
  throw new Error('expected a TenantToolError');
}

describe('tenant create (folder side)', () => {
  it('makes a valid folder from the skeleton with the slug, name and host, without the skeleton’s README', () => {
    const dir = copyTenants(['_skeleton', 'dijon']);
    const created = prepareTenantFolder({ tenantsDir: dir, slug: 'ml-dole', from: '_skeleton', name: 'Mission Locale de Dole', hostnames: ['Emploi.ML-Dole.fr'] });
    expect(existsSync(path.join(dir, 'ml-dole'))).toBe(false); // staged until committed
    created.commit();
    const config = readTenantConfig(path.join(dir, 'ml-dole'));
    expect(config).toMatchObject({ $schema: TENANT_SCHEMA_REF, slug: 'ml-dole', name: 'Mission Locale de Dole', hostnames: ['emploi.ml-dole.fr'] });
    expect(existsSync(path.join(dir, 'ml-dole', 'README.md'))).toBe(false);
    expect(created.skipped).toEqual(['README.md']);
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('forks a live tenant’s look: same templates, assets and strings, byte for byte', () => {
    const dir = copyTenants(['dijon']);
    prepareTenantFolder({ tenantsDir: dir, slug: 'ml-besancon', from: 'dijon', name: 'Mission Locale de Besançon', hostnames: ['emploi.ml-besancon.fr'] }).commit();
    for (const file of ['views/partials/footer.hbs', 'assets/logo.svg', 'assets/tenant.css', 'strings.fr.json']) {
      expect(readFileSync(path.join(dir, 'ml-besancon', file), 'utf8'), file).toBe(readFileSync(path.join(dir, 'dijon', file), 'utf8'));
    }
    const config = readTenantConfig(path.join(dir, 'ml-besancon'));
    expect(config.theme).toEqual(readTenantConfig(path.join(dir, 'dijon')).theme);
    expect(config.hostnames).toEqual(['emploi.ml-besancon.fr']);
  });

  it('refuses a taken slug, a bad slug, an unknown source, a bad host and a host another tenant uses — leaving nothing behind', () => {
    const dir = copyTenants(['_skeleton', 'dijon']);
    const base = { tenantsDir: dir, from: '_skeleton', name: 'Essai', hostnames: [] as string[] };
    expect(refusal(() => prepareTenantFolder({ ...base, slug: 'dijon' }))).toMatch(/dijon existe déjà/);
    expect(refusal(() => prepareTenantFolder({ ...base, slug: 'Besançon' }))).toMatch(/slug invalide/);
    expect(refusal(() => prepareTenantFolder({ ...base, slug: 'beaune', from: 'nulle-part' }))).toMatch(/source introuvable/);
    expect(refusal(() => prepareTenantFolder({ ...base, slug: 'beaune', from: '../dijon' }))).toMatch(/source introuvable/);
    expect(refusal(() => prepareTenantFolder({ ...base, slug: 'beaune', hostnames: ['https://beaune.fr/'] }))).toMatch(/nom d’hôte invalide/);
    expect(refusal(() => prepareTenantFolder({ ...base, slug: 'beaune', hostnames: ['jeunes-emploi-dijon.cordee.example'] }))).toBe(
      'le nom d’hôte « jeunes-emploi-dijon.cordee.example » est déjà utilisé par le tenant dijon',
    );
    expect(refusal(() => prepareTenantFolder({ ...base, slug: 'beaune', name: 'x' }))).toMatch(/tenant\.json obtenu est invalide :\n {2}- name : au moins 2/);
    expect(readdirSync(dir).sort()).toEqual(['_skeleton', 'dijon']);
  });
});

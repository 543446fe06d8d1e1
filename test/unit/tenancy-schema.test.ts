import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTenantConfig } from '../../server/tenancy/tenant-config.js';
import { TENANT_SCHEMA_FILE, TENANT_SCHEMA_REF, tenantJsonSchemaText } from '../../server/tenancy/tenant-schema.js';
import { TENANTS_DIR } from '../helpers/tenant-fixtures.js';

/** Every property schema under `node` (through objects, array items and unions), with its path. */
function fields(node: any, at = ''): [string, any][] {
  if (!node || typeof node !== 'object') return [];
  const own = Object.entries(node.properties ?? {}).map(([key, value]): [string, any] => [`${at}.${key}`, value]);
  const inner: [string, any][] = [...(node.items ? [[`${at}[]`, node.items] as [string, any]] : []), ...(node.anyOf ?? []).map((v: any, i: number): [string, any] => [`${at}|${i}`, v])];
  return [...own, ...[...own, ...inner].flatMap(([p, v]) => fields(v, p))];
}

describe('tenant.json schema for editors', () => {
  const committed = readFileSync(path.join(TENANTS_DIR, TENANT_SCHEMA_FILE), 'utf8');

  it('is the committed tenants/tenant.schema.json, so that it cannot drift from the validator (npm run tenant -- schema)', () => {
    expect(committed).toBe(tenantJsonSchemaText());
  });

  it('describes every field', () => {
    const schema = JSON.parse(committed);
    expect(schema.$schema).toMatch(/json-schema\.org/);
    const all = fields(schema);
    expect(all.length).toBeGreaterThan(30);
    expect(all.filter(([, field]) => typeof field.description !== 'string' || field.description.length < 10).map(([p]) => p)).toEqual([]);
  });

  it('is referenced by the skeleton and the shipped tenants, and "$schema" is accepted by the validator', () => {
    for (const slug of ['_skeleton', 'montagne', 'dijon']) {
      const raw = JSON.parse(readFileSync(path.join(TENANTS_DIR, slug, 'tenant.json'), 'utf8'));
      expect(raw.$schema, slug).toBe(TENANT_SCHEMA_REF);
      expect(readTenantConfig(path.join(TENANTS_DIR, slug)).$schema).toBe(TENANT_SCHEMA_REF);
    }
  });
});

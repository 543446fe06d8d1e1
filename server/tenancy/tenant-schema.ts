import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TenantConfigSchema } from './tenant-config.js';

/** tenants/tenant.schema.json: the JSON schema of tenant.json, for editors (completion, hover help, errors). */
export const TENANT_SCHEMA_FILE = 'tenant.schema.json';
/** What each tenants/<slug>/tenant.json puts in its "$schema" key. */
export const TENANT_SCHEMA_REF = `../${TENANT_SCHEMA_FILE}`;

/** The published document: TypeBox's schema (already JSON Schema) with its draft named; TypeBox's symbols do not serialise. */
export function tenantJsonSchemaText(): string {
  const document = { $schema: 'http://json-schema.org/draft-07/schema#', ...JSON.parse(JSON.stringify(TenantConfigSchema)) };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Writes tenants/tenant.schema.json; returns false when it was already up to date. */
export function writeTenantJsonSchema(tenantsDir: string): boolean {
  const file = path.join(tenantsDir, TENANT_SCHEMA_FILE);
  const text = tenantJsonSchemaText();
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return false;
  writeFileSync(file, text);
  return true;
}

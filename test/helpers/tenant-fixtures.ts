import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findRootDir } from '../../server/config.js';
import { testTempDir } from './tmp.js';

export const ROOT = findRootDir();
export const TENANTS_DIR = path.join(ROOT, 'tenants');
export const VIEWS_DIR = path.join(ROOT, 'views');

/** A temporary tenants/ folder holding copies of the given tenants, for tests that break things. */
export function copyTenants(slugs: string[]): string {
  const dir = testTempDir('tenants');
  for (const slug of slugs) cpSync(path.join(TENANTS_DIR, slug), path.join(dir, slug), { recursive: true });
  return dir;
}

/** Rewrites tenants/<slug>/tenant.json in a copied folder through `edit`. */
export function editTenantJson(tenantsDir: string, slug: string, edit: (config: any) => void): string {
  const file = path.join(tenantsDir, slug, 'tenant.json');
  const config = JSON.parse(readFileSync(file, 'utf8'));
  edit(config);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

export function writeTenantFile(tenantsDir: string, slug: string, relative: string, content: string): void {
  const file = path.join(tenantsDir, slug, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

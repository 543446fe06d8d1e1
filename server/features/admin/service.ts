import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import type { Tenant } from '../../tenancy/registry.js';
import * as repo from './repository.js';

export const ADMIN_PAGE_SIZE = 25;

export function pageOf(page: number | undefined) {
  const current = Math.max(1, page ?? 1);
  return { current, limit: ADMIN_PAGE_SIZE, offset: (current - 1) * ADMIN_PAGE_SIZE };
}

/** Pagination links of an admin list, keeping the search term. */
export function pagination(path: string, q: string | undefined, current: number, total: number) {
  const count = Math.max(1, Math.ceil(total / ADMIN_PAGE_SIZE));
  const href = (page: number) => `${path}?${new URLSearchParams({ ...(q ? { q } : {}), page: String(page) })}`;
  return {
    current,
    count,
    previous: current > 1 ? href(current - 1) : undefined,
    next: current < count ? href(current + 1) : undefined,
  };
}

export async function companiesList(db: Kysely<Database>, tenant: Tenant, q: string | undefined, page: number | undefined) {
  const p = pageOf(page);
  const { rows, total } = await withTenant(db, tenant.id, (t) => repo.searchCompanies(t, q, p));
  return { rows, total, pagination: pagination('/admin/entreprises', q, p.current, total) };
}

export async function usersList(db: Kysely<Database>, tenant: Tenant, q: string | undefined, page: number | undefined) {
  const p = pageOf(page);
  const { rows, total } = await withTenant(db, tenant.id, (t) => repo.searchUsers(t, q, p));
  return { rows, total, pagination: pagination('/admin/utilisateurs', q, p.current, total) };
}

export async function auditList(db: Kysely<Database>, tenant: Tenant, page: number | undefined) {
  const p = pageOf(page);
  const { rows, total } = await withTenant(db, tenant.id, (t) => repo.auditLog(t, p));
  return { rows, total, pagination: pagination('/admin/journal', undefined, p.current, total) };
}

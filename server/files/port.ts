import type { TenantDb } from '../db/tenant-db.js';

/**
 * The file storage port (CVs). Features depend on this interface only; the adapter is chosen in one
 * place (server/files/plugin.ts). Every call carries a tenant-bound transaction: the PostgreSQL adapter
 * stores in it (atomic with the row that refers to the file, and under row-level security), an object
 * store adapter would prefix its keys with `t.tenantId`. Ids are generated, never taken from a user.
 */
export interface StoredFile {
  id: string;
  mediaType: string;
  size: number;
  sha256: string;
}

export interface FileStore {
  readonly name: string;
  put(t: TenantDb, file: { mediaType: string; content: Buffer }): Promise<StoredFile>;
  /** undefined for an unknown id, or another tenant's. */
  get(t: TenantDb, id: string): Promise<(StoredFile & { content: Buffer }) | undefined>;
  delete(t: TenantDb, ids: string[]): Promise<number>;
}

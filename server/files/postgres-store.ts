import { createHash } from 'node:crypto';
import type { FileStore, StoredFile } from './port.js';

/** Default adapter: the bytes in a bytea column of `stored_files` (tenant table, RLS forced). */
export class PostgresFileStore implements FileStore {
  readonly name = 'postgres';

  async put(t: Parameters<FileStore['put']>[0], file: { mediaType: string; content: Buffer }): Promise<StoredFile> {
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    const row = await t.trx
      .insertInto('stored_files')
      .values({ tenant_id: t.tenantId, media_type: file.mediaType, size_bytes: file.content.length, sha256, content: file.content })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, mediaType: file.mediaType, size: file.content.length, sha256 };
  }

  async get(t: Parameters<FileStore['get']>[0], id: string) {
    const row = await t.trx
      .selectFrom('stored_files')
      .select(['id', 'media_type', 'size_bytes', 'sha256', 'content'])
      .where('tenant_id', '=', t.tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { id: row.id, mediaType: row.media_type, size: row.size_bytes, sha256: row.sha256, content: row.content };
  }

  async delete(t: Parameters<FileStore['delete']>[0], ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await t.trx.deleteFrom('stored_files').where('tenant_id', '=', t.tenantId).where('id', 'in', ids).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code from a migration.

/**
 * Company logo (issue #3, company profile): the image is a stored file (FileStore port, 0006), the
 * company points at it. Composite key to stored_files (id, tenant_id), so a company can only point at
 * a file of its own tenant; deleting the file clears the column only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('companies').addColumn('logo_file_id', 'uuid').execute();
  await sql`alter table companies add constraint companies_logo foreign key (logo_file_id, tenant_id)
    references stored_files (id, tenant_id) on delete set null (logo_file_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table companies drop constraint if exists companies_logo`.execute(db);
  await db.schema.alterTable('companies').dropColumn('logo_file_id').execute();
}

import type { TenantDb } from '../../db/tenant-db.js';

export async function findBySlug(t: TenantDb, slug: string) {
  return t.trx
    .selectFrom('companies')
    .leftJoin('communes', 'communes.insee_code', 'companies.commune_insee')
    .where('companies.slug', '=', slug)
    .select([
      'companies.id',
      'companies.name',
      'companies.slug',
      'companies.description',
      'companies.website',
      'companies.headcount',
      'communes.name as commune_name',
    ])
    .executeTakeFirst();
}

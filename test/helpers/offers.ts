import type { NewOffer } from '../../server/db/database.js';
import type { TestDatabase } from './database.js';

const DAY = 86_400_000;

/**
 * A live offer written straight into the database (the offer form has its own tests), placed in a
 * real commune (postal code and centroid from the reference table, as the offer form does).
 * `publishedAt` defaults to an hour ago; it stays live 30 days after today whatever it says.
 */
export async function insertLiveOffer(
  admin: TestDatabase['admin'],
  tenant: string,
  companyId: string,
  values: Partial<Omit<NewOffer, 'tenant_id' | 'company_id'>> & { title: string; commune: string; publishedAt?: Date },
): Promise<string> {
  const { commune, publishedAt, ...rest } = values;
  const place = await admin
    .selectFrom('communes')
    .select(['insee_code', 'name', 'postal_codes', 'latitude', 'longitude'])
    .where('insee_code', '=', commune)
    .executeTakeFirstOrThrow();
  const published = publishedAt ?? new Date(Date.now() - 3_600_000);
  const { id } = await admin
    .insertInto('offers')
    .values({
      tenant_id: tenant,
      company_id: companyId,
      description_html: '<p>Une offre écrite par un test, avec assez de texte pour une description.</p>',
      contract: 'cdd',
      working_time: 'full_time',
      housing: 'none',
      status: 'published',
      commune_insee: place.insee_code,
      place_name: place.name,
      postal_code: place.postal_codes[0],
      latitude: place.latitude,
      longitude: place.longitude,
      published_at: published,
      expires_at: new Date(Math.max(Date.now(), published.getTime()) + 30 * DAY),
      ...rest,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

import type { TestDatabase } from './database.js';

/**
 * A live offer of `tenant` switched to on-platform applications (demo offers mix platform, e-mail and
 * URL). With `employerEmail`, one of that employer's company, so the test can follow the pipeline.
 */
export async function livePlatformOffer(admin: TestDatabase['admin'], tenant: string, employerEmail?: string) {
  let query = admin
    .selectFrom('offers')
    .where('offers.tenant_id', '=', tenant)
    .where('offers.status', '=', 'published')
    .where('offers.expires_at', '>', new Date())
    .select(['offers.id', 'offers.title', 'offers.company_id']);
  if (employerEmail) {
    query = query
      .innerJoin('company_members', 'company_members.company_id', 'offers.company_id')
      .innerJoin('users', 'users.id', 'company_members.user_id')
      .where('users.email', '=', employerEmail);
  }
  const offer = await query.executeTakeFirstOrThrow();
  await admin.updateTable('offers').set({ apply_method: 'platform', apply_url: null, apply_email: null }).where('id', '=', offer.id).execute();
  return offer;
}

import { createHash } from 'node:crypto';
import type { TestApp } from './app.js';
import { createAccount, createCompany } from './company-space.js';
import { PDF } from './multipart-form.js';

/**
 * The people of the collaborative board, for the messaging tests: a young person followed by a
 * referent counsellor (consent recorded), a colleague counsellor who does not follow them, another
 * young person, a member of the offer's company, a member of another company, the tenant admin.
 * Accounts are verified with the demo password; `tag` keeps the addresses of several worlds apart.
 */
export interface YouthWorld {
  tenant: string;
  referent: Person;
  colleague: Person;
  young: Person;
  otherYoung: Person;
  employer: Person;
  otherEmployer: Person;
  admin: Person;
  companyId: string;
  otherCompanyId: string;
  offer: { id: string; title: string; company_id: string };
  /** The young person's application to `offer` (user account, CV). */
  applicationId: string;
}

export interface Person {
  id: string;
  email: string;
  name: string;
}

/** YYYY-MM-DD of someone `years` old today (a day past their birthday). */
export function birthDateForAge(years: number, now = new Date()): string {
  const date = new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate() - 2));
  return date.toISOString().slice(0, 10);
}

export async function youthWorld(t: TestApp, tag: string, options: { tenant?: string; youngBirthDate?: string | null } = {}): Promise<YouthWorld> {
  const tenant = options.tenant ?? 'dijon';
  const person = async (role: 'candidate' | 'employer' | 'counsellor' | 'admin', key: string, companyId?: string, birthDate?: string | null): Promise<Person> => {
    const email = `${key}.${tag}@exemple.fr`;
    const name = `${key[0].toUpperCase()}${key.slice(1)} ${tag}`;
    const id = await createAccount(t, tenant, { email, role, name, companyId });
    if (birthDate) await t.db.admin.updateTable('users').set({ birth_date: birthDate }).where('id', '=', id).execute();
    return { id, email, name };
  };
  const companyId = await createCompany(t, tenant, `Entreprise ${tag}`);
  const otherCompanyId = await createCompany(t, tenant, `Autre entreprise ${tag}`);
  const world = {
    tenant,
    referent: await person('counsellor', 'referente'),
    colleague: await person('counsellor', 'collegue'),
    young: await person('candidate', 'jeune', undefined, options.youngBirthDate === undefined ? birthDateForAge(20) : options.youngBirthDate),
    otherYoung: await person('candidate', 'autrejeune', undefined, birthDateForAge(19)),
    employer: await person('employer', 'employeur', companyId),
    otherEmployer: await person('employer', 'autreemployeur', otherCompanyId),
    admin: await person('admin', 'admin'),
    companyId,
    otherCompanyId,
  };
  // A live demo offer (not yet taken by another world) moved to this world's company, applied to on the platform.
  const offer = await t.db.admin
    .selectFrom('offers')
    .innerJoin('companies', 'companies.id', 'offers.company_id')
    .where('offers.tenant_id', '=', tenant)
    .where('offers.status', '=', 'published')
    .where('offers.expires_at', '>', new Date())
    .where('companies.website', 'is not', null)
    .select(['offers.id', 'offers.title'])
    .orderBy('offers.id')
    .executeTakeFirstOrThrow();
  await t.db.admin.updateTable('offers').set({ company_id: companyId, apply_method: 'platform', apply_url: null, apply_email: null }).where('id', '=', offer.id).execute();
  await follow(t, tenant, world.young.id, world.referent.id);
  const cv = await storeFile(t, tenant, PDF, 'application/pdf');
  await t.db.admin.insertInto('candidate_profiles').values({ tenant_id: tenant, user_id: world.young.id, headline: 'Commis de cuisine', cv_file_id: cv, cv_file_name: 'cv.pdf', phone: '06 11 22 33 44' }).execute();
  const { id: applicationId } = await t.db.admin
    .insertInto('applications')
    .values({
      tenant_id: tenant,
      offer_id: offer.id,
      company_id: companyId,
      user_id: world.young.id,
      full_name: world.young.name,
      email: world.young.email,
      phone: '06 11 22 33 44',
      consent_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...world, offer: { ...offer, company_id: companyId }, applicationId };
}

/** An active accompaniment: `counsellorId` is the referent, consent given in the app. */
export async function follow(t: TestApp, tenant: string, youngId: string, counsellorId: string): Promise<string> {
  const now = new Date();
  const { id } = await t.db.admin
    .insertInto('accompaniments')
    .values({ tenant_id: tenant, young_user_id: youngId, referent_user_id: counsellorId, status: 'active', consent_at: now, consent_channel: 'app', started_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function storeFile(t: TestApp, tenant: string, content: Buffer, mediaType: string): Promise<string> {
  const { id } = await t.db.admin
    .insertInto('stored_files')
    .values({ tenant_id: tenant, media_type: mediaType, size_bytes: content.length, sha256: createHash('sha256').update(content).digest('hex'), content })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

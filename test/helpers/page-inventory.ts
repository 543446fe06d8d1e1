import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { lastMailTo, FormClient, pathOf } from './accounts.js';
import { DIJON, MONTAGNE, type TestApp } from './app.js';
import { livePlatformOffer } from './applications.js';
import { DEMO_PASSWORD } from './company-space.js';
import { ROOT } from './tenant-fixtures.js';

/**
 * Every page template of the base theme and the tenants' overrides, each with a way to reach it: the
 * accessibility suites (test/browser/a11y-*.test.ts) visit them all at phone and desktop widths, and
 * test/unit/page-inventory.test.ts fails when a template has no visit here.
 */

export type Role = 'visitor' | 'candidate' | 'employer' | 'admin';

/** Ids and links the visits need, made once per app (beforeAll). */
export interface Fixtures {
  offerId: string;
  closedOfferId: string;
  companySlug: string;
  employerCompanyId: string;
  pendingOfferId: string;
  applicationId: string;
  resetPath: string;
  invitationPath: string;
  mailId: string;
  receiptNumber: string;
}

export interface PageVisit {
  template: string;
  host: string;
  role: Role;
  path: (f: Fixtures) => string;
  /** The HTTP status the page answers with (200 unless said). */
  status?: number;
}

const demoAccounts: Record<Exclude<Role, 'visitor'>, string> = {
  candidate: 'candidat@montagne.demo',
  employer: 'employeur@montagne.demo',
  admin: 'admin@montagne.demo',
};
export const accountOf = (role: Exclude<Role, 'visitor'>) => demoAccounts[role];

const at = (path: string) => () => path;

export const PAGE_VISITS: PageVisit[] = [
  // Public pages
  { template: 'pages/home', host: MONTAGNE, role: 'visitor', path: at('/') },
  { template: 'pages/home', host: DIJON, role: 'visitor', path: at('/') },
  { template: 'pages/offers', host: MONTAGNE, role: 'visitor', path: at('/offres?lieu=Chamonix&contrat=seasonal') },
  { template: 'pages/offers', host: DIJON, role: 'visitor', path: at('/offres?debutant=oui') },
  { template: 'pages/offer', host: MONTAGNE, role: 'visitor', path: (f) => `/offres/${f.offerId}?depuis=74056` },
  { template: 'pages/offer', host: MONTAGNE, role: 'visitor', path: (f) => `/offres/${f.closedOfferId}`, status: 410 },
  { template: 'pages/company', host: MONTAGNE, role: 'visitor', path: (f) => `/entreprises/${f.companySlug}` },
  { template: 'pages/candidates/saved-offers', host: MONTAGNE, role: 'visitor', path: at('/offres/sauvegardees') },
  { template: 'pages/privacy', host: MONTAGNE, role: 'visitor', path: at('/confidentialite') },
  { template: 'pages/error', host: MONTAGNE, role: 'visitor', path: at('/nulle-part'), status: 404 },
  { template: 'pages/applications/apply', host: MONTAGNE, role: 'visitor', path: (f) => `/offres/${f.offerId}/candidater` },
  { template: 'pages/applications/sent', host: MONTAGNE, role: 'visitor', path: (f) => `/offres/${f.offerId}/candidater/envoyee` },
  { template: 'pages/alerts/new', host: MONTAGNE, role: 'visitor', path: at('/alertes/nouvelle?q=ski&contrat=seasonal') },
  { template: 'pages/alerts/message', host: MONTAGNE, role: 'visitor', path: at('/alertes/creee?etat=a-confirmer') },
  { template: 'pages/alerts/unsubscribe', host: MONTAGNE, role: 'visitor', path: at('/alertes/desabonnement?jeton=perime'), status: 400 },
  { template: 'pages/account/sign-up', host: MONTAGNE, role: 'visitor', path: at('/compte/inscription') },
  { template: 'pages/account/check-mail', host: MONTAGNE, role: 'visitor', path: at('/compte/inscription/envoye') },
  { template: 'pages/account/log-in', host: MONTAGNE, role: 'visitor', path: at('/compte/connexion') },
  { template: 'pages/account/forgot-password', host: MONTAGNE, role: 'visitor', path: at('/compte/mot-de-passe-oublie') },
  { template: 'pages/account/new-password', host: MONTAGNE, role: 'visitor', path: (f) => f.resetPath },
  { template: 'pages/account/link-invalid', host: MONTAGNE, role: 'visitor', path: at('/compte/verification?jeton=perime'), status: 400 },
  { template: 'pages/account/resend-verification', host: MONTAGNE, role: 'visitor', path: at('/compte/verification/renvoyer') },
  { template: 'pages/company/invitation', host: MONTAGNE, role: 'visitor', path: (f) => f.invitationPath },
  { template: 'pages/dev-mailbox/list', host: MONTAGNE, role: 'visitor', path: at('/_dev/mail') },
  { template: 'pages/dev-mailbox/message', host: MONTAGNE, role: 'visitor', path: (f) => `/_dev/mail/${f.mailId}` },
  // Job seeker
  { template: 'pages/account/account', host: MONTAGNE, role: 'candidate', path: at('/compte') },
  { template: 'pages/account/change-password', host: MONTAGNE, role: 'candidate', path: at('/compte/mot-de-passe') },
  { template: 'pages/candidates/space', host: MONTAGNE, role: 'candidate', path: at('/compte/candidat') },
  { template: 'pages/candidates/profile', host: MONTAGNE, role: 'candidate', path: at('/compte/candidat/profil') },
  { template: 'pages/candidates/save-offer', host: MONTAGNE, role: 'candidate', path: (f) => `/offres/${f.offerId}/sauvegarder` },
  { template: 'pages/offer', host: MONTAGNE, role: 'candidate', path: (f) => `/offres/${f.offerId}` },
  { template: 'pages/privacy/delete-account', host: MONTAGNE, role: 'candidate', path: at('/compte/supprimer') },
  { template: 'pages/account/log-out', host: MONTAGNE, role: 'candidate', path: at('/compte/deconnexion') },
  // Employer
  { template: 'pages/employer/home', host: MONTAGNE, role: 'employer', path: at('/compte/employeur') },
  { template: 'pages/company/space', host: MONTAGNE, role: 'employer', path: at('/compte/entreprise') },
  { template: 'pages/company/form', host: MONTAGNE, role: 'employer', path: at('/compte/entreprise/profil') },
  { template: 'pages/company/invite', host: MONTAGNE, role: 'employer', path: at('/compte/entreprise/inviter') },
  { template: 'pages/offers-manage/list', host: MONTAGNE, role: 'employer', path: at('/compte/offres') },
  { template: 'pages/offers-manage/form', host: MONTAGNE, role: 'employer', path: at('/compte/offres/nouvelle') },
  { template: 'pages/applications/pipeline', host: MONTAGNE, role: 'employer', path: (f) => `/compte/offres/${f.offerId}/candidatures` },
  { template: 'pages/applications/application', host: MONTAGNE, role: 'employer', path: (f) => `/compte/candidatures/${f.applicationId}` },
  { template: 'pages/billing/membership', host: MONTAGNE, role: 'employer', path: at('/compte/entreprise/adhesion') },
  { template: 'pages/billing/receipt', host: MONTAGNE, role: 'employer', path: (f) => `/compte/entreprise/adhesion/recus/${f.receiptNumber}` },
  // Tenant admin
  { template: 'pages/admin/moderation', host: MONTAGNE, role: 'admin', path: at('/admin/moderation') },
  { template: 'pages/admin/review', host: MONTAGNE, role: 'admin', path: (f) => `/admin/moderation/${f.pendingOfferId}` },
  { template: 'pages/admin/reject', host: MONTAGNE, role: 'admin', path: (f) => `/admin/moderation/${f.pendingOfferId}/refuser` },
  { template: 'pages/admin/companies', host: MONTAGNE, role: 'admin', path: at('/admin/entreprises') },
  { template: 'pages/admin/users', host: MONTAGNE, role: 'admin', path: at('/admin/utilisateurs') },
  { template: 'pages/admin/settings', host: MONTAGNE, role: 'admin', path: at('/admin/parametres') },
  { template: 'pages/admin/audit', host: MONTAGNE, role: 'admin', path: at('/admin/journal') },
  { template: 'pages/billing/admin-list', host: MONTAGNE, role: 'admin', path: at('/admin/adhesions') },
  { template: 'pages/billing/payment', host: MONTAGNE, role: 'admin', path: (f) => `/admin/adhesions/${f.employerCompanyId}/paiement` },
];

function templatesUnder(dir: string, prefix = 'pages/'): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templatesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`) : entry.name.endsWith('.hbs') ? [`${prefix}${entry.name.slice(0, -4)}`] : [],
  );
}

/** Every page template: the base theme's and the ones tenants add or override (`<tenant>:<template>` for those). */
export function pageTemplates(): { base: string[]; overrides: { tenant: string; template: string }[] } {
  const base = templatesUnder(path.join(ROOT, 'views', 'pages')).sort();
  const tenantsDir = path.join(ROOT, 'tenants');
  const overrides = readdirSync(tenantsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
    .flatMap((d) => templatesUnder(path.join(tenantsDir, d.name, 'views', 'pages')).map((template) => ({ tenant: d.name, template })));
  return { base, overrides };
}

/** The fixtures of the visits, on the app of a test file: real flows where the page needs a token. */
export async function makeFixtures(t: TestApp): Promise<Fixtures> {
  const db = t.db.admin;
  const offer = await livePlatformOffer(db, 'montagne', accountOf('employer'));
  const company = await db.selectFrom('companies').select(['id', 'slug']).where('id', '=', offer.company_id).executeTakeFirstOrThrow();
  const closed = await db.selectFrom('offers').select('id').where('tenant_id', '=', 'montagne').where('status', '=', 'expired').orderBy('id').executeTakeFirstOrThrow();
  const pending = await db.selectFrom('offers').select('id').where('tenant_id', '=', 'montagne').where('status', '=', 'pending_review').orderBy('id').executeTakeFirstOrThrow();
  const application = await db
    .insertInto('applications')
    .values({ tenant_id: 'montagne', offer_id: offer.id, company_id: company.id, full_name: 'Léa Martin', email: 'lea.a11y@example.org', phone: '06 12 34 56 78', message: 'Bonjour, je suis disponible dès décembre.', consent_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();

  const visitor = new FormClient(t.app, MONTAGNE);
  await visitor.submit('/compte/mot-de-passe-oublie', { email: accountOf('candidate') });
  const reset = await lastMailTo(t.app, MONTAGNE, accountOf('candidate'));

  const employer = new FormClient(t.app, MONTAGNE);
  await employer.logIn(accountOf('employer'), DEMO_PASSWORD);
  await employer.submit('/compte/entreprise/inviter', { email: 'collegue.a11y@example.org', member_role: 'member' });
  const invitation = await lastMailTo(t.app, MONTAGNE, 'collegue.a11y@example.org');

  const admin = new FormClient(t.app, MONTAGNE);
  await admin.logIn(accountOf('admin'), DEMO_PASSWORD);
  const paid = await admin.submit(`/admin/adhesions/${company.id}/paiement`, { method: 'bank_transfer', reference: 'VIR-A11Y-1', paid_on: new Date().toISOString().slice(0, 10), amount: '1200' });
  if (paid.statusCode !== 303) throw new Error(`recording the payment answered ${paid.statusCode}`);
  const { rows } = await sql<{ receipt_number: string }>`select receipt_number from membership_payments where company_id = ${company.id} order by created_at desc limit 1`.execute(db);

  return {
    offerId: offer.id,
    closedOfferId: closed.id,
    companySlug: company.slug,
    employerCompanyId: company.id,
    pendingOfferId: pending.id,
    applicationId: application.id,
    resetPath: pathOf(reset.links.find((l) => l.includes('/compte/mot-de-passe/nouveau'))!),
    invitationPath: pathOf(invitation.links.find((l) => l.includes('/compte/invitation'))!),
    mailId: invitation.id,
    receiptNumber: rows[0].receipt_number,
  };
}

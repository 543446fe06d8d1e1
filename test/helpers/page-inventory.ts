import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { SHARED_TIME_CATCH_UP } from '../../server/jobs/shared-time.js';
import { lastMailTo, FormClient, pathOf } from './accounts.js';
import { DIJON, MONTAGNE, type TestApp } from './app.js';
import { livePlatformOffer } from './applications.js';
import { DEMO_PASSWORD } from './company-space.js';
import { csvFile } from './feed-fixtures.js';
import { postMultipart } from './multipart-form.js';
import { drain, GE, sharedTimeWorker } from './shared-time.js';
import { ROOT } from './tenant-fixtures.js';
import { birthDateForAge } from './youth.js';

/**
 * Every page template of the base theme and the tenants' overrides, each with a way to reach it: the
 * accessibility suites (test/browser/a11y-*.test.ts) visit them all at phone and desktop widths, and
 * test/unit/page-inventory.test.ts fails when a template has no visit here.
 */

export type Role = 'visitor' | 'candidate' | 'employer' | 'counsellor' | 'admin';
export type SignedInRole = Exclude<Role, 'visitor'>;

/** The host of each tenant the visits go to (a template a tenant overrides is visited on its host). */
export const TENANT_HOSTS: Record<string, string> = { montagne: MONTAGNE, dijon: DIJON, 'ge-occitanie': GE };

/**
 * The demo accounts of each board (README, « Demo accounts »; password DEMO_PASSWORD), by role: a
 * visit signs in as its role's account on its own host. On the youth board the job seeker is a young
 * person followed by the counsellor.
 */
export const DEMO_ACCOUNTS: Record<string, Partial<Record<SignedInRole, string>>> = {
  [MONTAGNE]: { candidate: 'candidat@montagne.demo', employer: 'employeur@montagne.demo', admin: 'admin@montagne.demo' },
  [DIJON]: { candidate: 'jeune@dijon.demo', employer: 'employeur@dijon.demo', counsellor: 'conseiller@dijon.demo', admin: 'admin@dijon.demo' },
  [GE]: { candidate: 'candidat@ge-occitanie.demo', employer: 'employeur@ge-occitanie.demo', admin: 'admin@ge-occitanie.demo' },
};

export function accountOf(role: SignedInRole, host: string): string {
  const email = DEMO_ACCOUNTS[host]?.[role];
  if (!email) throw new Error(`no demo ${role} account on ${host}`);
  return email;
}

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
  /** Montagne: a file the demo employer sent (one record imported, one refused). */
  feedSourceId: string;
  /** Dijon: a live offer, reported once by a visitor. */
  youthOfferId: string;
  /** Dijon: the demo young person, followed by the demo counsellor. */
  youngPersonId: string;
  /** Dijon: a minor of the CV bank the demo employer has not written to. */
  cvBankMinorId: string;
  accompanimentThreadId: string;
  applicationThreadId: string;
  partnershipThreadId: string;
  /** The employer's message in the young person's application thread, reported once by the young person. */
  reportedMessageId: string;
  /** The two applications the counsellor recommended to the demo employer: the young person's, and a minor's. */
  recommendedApplicationId: string;
  minorApplicationId: string;
  accompanimentInvitationPath: string;
  parentalConsentPath: string;
  /** Ge-occitanie: the demo member company's own need, a validated need that fits no combination, a combination with a gap call. */
  ownNeedId: string;
  leftOutNeedId: string;
  proposalId: string;
  gapCallId: string;
  memberCompanyId: string;
}

/** A page reached by sending a form of the visited page: the choices to tick and the button to press. */
export interface FormSubmission {
  check?: string[];
  fill?: Record<string, string>;
  button: string;
}

export interface PageVisit {
  template: string;
  host: string;
  role: Role;
  path: (f: Fixtures) => string;
  /** The HTTP status the page answers with (200 unless said). */
  status?: number;
  /** Set for a page shown in answer to a form (a POST): the visit sends the form of `path`. */
  submit?: FormSubmission;
}

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
  // Public pages of the youth board (moderation, parental consent) and of the groupement (gap calls)
  { template: 'pages/offer', host: DIJON, role: 'visitor', path: (f) => `/offres/${f.youthOfferId}` },
  { template: 'pages/moderation/report', host: DIJON, role: 'visitor', path: (f) => `/offres/${f.youthOfferId}/signaler` },
  {
    template: 'pages/moderation/reported',
    host: DIJON,
    role: 'visitor',
    path: (f) => `/offres/${f.youthOfferId}/signaler`,
    submit: { check: ['Offre frauduleuse'], fill: { 'Précisions (facultatif)': 'On me demande de payer une formation.' }, button: 'Envoyer le signalement' },
  },
  { template: 'pages/accompaniment/parental-consent', host: DIJON, role: 'visitor', path: (f) => f.parentalConsentPath },
  { template: 'pages/shared-time/calls', host: GE, role: 'visitor', path: at('/temps-partage/appels') },
  { template: 'pages/shared-time/call', host: GE, role: 'visitor', path: (f) => `/temps-partage/appels/${f.gapCallId}` },
  // Job seeker
  { template: 'pages/account/account', host: MONTAGNE, role: 'candidate', path: at('/compte') },
  { template: 'pages/account/change-password', host: MONTAGNE, role: 'candidate', path: at('/compte/mot-de-passe') },
  { template: 'pages/candidates/space', host: MONTAGNE, role: 'candidate', path: at('/compte/candidat') },
  { template: 'pages/candidates/profile', host: MONTAGNE, role: 'candidate', path: at('/compte/candidat/profil') },
  { template: 'pages/candidates/save-offer', host: MONTAGNE, role: 'candidate', path: (f) => `/offres/${f.offerId}/sauvegarder` },
  { template: 'pages/offer', host: MONTAGNE, role: 'candidate', path: (f) => `/offres/${f.offerId}` },
  { template: 'pages/privacy/delete-account', host: MONTAGNE, role: 'candidate', path: at('/compte/supprimer') },
  { template: 'pages/account/log-out', host: MONTAGNE, role: 'candidate', path: at('/compte/deconnexion') },
  // The young person on the youth board: accompaniment, threads, reporting a message
  { template: 'pages/candidates/space', host: DIJON, role: 'candidate', path: at('/compte/candidat') },
  { template: 'pages/accompaniment/mine', host: DIJON, role: 'candidate', path: at('/compte/accompagnement') },
  { template: 'pages/accompaniment/parental-consent-request', host: DIJON, role: 'candidate', path: at('/compte/accompagnement/consentement-parental') },
  { template: 'pages/accompaniment/invitation', host: DIJON, role: 'candidate', path: (f) => f.accompanimentInvitationPath },
  { template: 'pages/messaging/list', host: DIJON, role: 'candidate', path: at('/messages') },
  { template: 'pages/messaging/thread', host: DIJON, role: 'candidate', path: (f) => `/messages/${f.applicationThreadId}` },
  { template: 'pages/moderation/report', host: DIJON, role: 'candidate', path: (f) => `/messages/signaler/${f.reportedMessageId}` },
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
  { template: 'pages/feeds/list', host: MONTAGNE, role: 'employer', path: at('/compte/flux') },
  { template: 'pages/feeds/source-form', host: MONTAGNE, role: 'employer', path: at('/compte/flux/nouveau') },
  { template: 'pages/feeds/upload-form', host: MONTAGNE, role: 'employer', path: at('/compte/flux/fichier') },
  { template: 'pages/feeds/source', host: MONTAGNE, role: 'employer', path: (f) => `/compte/flux/${f.feedSourceId}` },
  { template: 'pages/shared-time/needs', host: MONTAGNE, role: 'employer', path: at('/temps-partage/besoins') },
  // The youth board's employer: recommended applications (one of a minor), the CV bank, threads
  { template: 'pages/applications/application', host: DIJON, role: 'employer', path: (f) => `/compte/candidatures/${f.recommendedApplicationId}` },
  { template: 'pages/applications/application', host: DIJON, role: 'employer', path: (f) => `/compte/candidatures/${f.minorApplicationId}` },
  { template: 'pages/accompaniment/cv-bank', host: DIJON, role: 'employer', path: at('/compte/cvtheque') },
  { template: 'pages/messaging/start', host: DIJON, role: 'employer', path: (f) => `/messages/cvtheque/${f.cvBankMinorId}` },
  { template: 'pages/messaging/list', host: DIJON, role: 'employer', path: at('/messages') },
  { template: 'pages/messaging/thread', host: DIJON, role: 'employer', path: (f) => `/messages/${f.applicationThreadId}` },
  // A member company of the groupement: its needs and its settings
  { template: 'pages/shared-time/needs', host: GE, role: 'employer', path: at('/temps-partage/besoins') },
  { template: 'pages/shared-time/need', host: GE, role: 'employer', path: (f) => `/temps-partage/besoins/${f.ownNeedId}` },
  { template: 'pages/shared-time/need-form', host: GE, role: 'employer', path: at('/temps-partage/besoins/nouveau') },
  { template: 'pages/shared-time/need-form', host: GE, role: 'employer', path: (f) => `/temps-partage/besoins/${f.ownNeedId}/modifier` },
  { template: 'pages/shared-time/member', host: GE, role: 'employer', path: at('/temps-partage/entreprise') },
  // Counsellor (youth board)
  { template: 'pages/accompaniment/caseload', host: DIJON, role: 'counsellor', path: at('/conseiller') },
  { template: 'pages/accompaniment/invite', host: DIJON, role: 'counsellor', path: at('/conseiller/inviter') },
  { template: 'pages/accompaniment/young-person', host: DIJON, role: 'counsellor', path: (f) => `/conseiller/jeunes/${f.youngPersonId}` },
  { template: 'pages/accompaniment/action', host: DIJON, role: 'counsellor', path: (f) => `/conseiller/jeunes/${f.youngPersonId}/suivi` },
  { template: 'pages/accompaniment/action', host: DIJON, role: 'counsellor', path: (f) => `/conseiller/jeunes/${f.youngPersonId}/note` },
  { template: 'pages/accompaniment/action', host: DIJON, role: 'counsellor', path: (f) => `/conseiller/jeunes/${f.youngPersonId}/rendez-vous` },
  { template: 'pages/accompaniment/action', host: DIJON, role: 'counsellor', path: (f) => `/conseiller/jeunes/${f.youngPersonId}/proposer-offre` },
  { template: 'pages/accompaniment/action', host: DIJON, role: 'counsellor', path: (f) => `/conseiller/jeunes/${f.youngPersonId}/recommander` },
  { template: 'pages/accompaniment/colleague', host: DIJON, role: 'counsellor', path: (f) => `/conseiller/jeunes/${f.youngPersonId}/collegues` },
  { template: 'pages/accompaniment/cv-bank', host: DIJON, role: 'counsellor', path: at('/compte/cvtheque') },
  { template: 'pages/messaging/list', host: DIJON, role: 'counsellor', path: at('/messages') },
  { template: 'pages/messaging/thread', host: DIJON, role: 'counsellor', path: (f) => `/messages/${f.accompanimentThreadId}` },
  { template: 'pages/messaging/thread', host: DIJON, role: 'counsellor', path: (f) => `/messages/${f.partnershipThreadId}` },
  { template: 'pages/messaging/settings', host: DIJON, role: 'counsellor', path: at('/messages/reglages') },
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
  { template: 'pages/feeds/list', host: MONTAGNE, role: 'admin', path: at('/admin/flux') },
  { template: 'pages/feeds/source-form', host: MONTAGNE, role: 'admin', path: at('/admin/flux/nouveau') },
  { template: 'pages/feeds/upload-form', host: MONTAGNE, role: 'admin', path: at('/admin/flux/fichier') },
  { template: 'pages/feeds/source', host: MONTAGNE, role: 'admin', path: (f) => `/admin/flux/${f.feedSourceId}` },
  { template: 'pages/feeds/api-keys', host: MONTAGNE, role: 'admin', path: at('/admin/cles-api') },
  { template: 'pages/shared-time/overview', host: MONTAGNE, role: 'admin', path: at('/temps-partage') },
  // The youth board's admin: reports, counsellors
  { template: 'pages/moderation/queue', host: DIJON, role: 'admin', path: at('/admin/signalements') },
  { template: 'pages/moderation/case', host: DIJON, role: 'admin', path: (f) => `/admin/signalements/messages/${f.reportedMessageId}` },
  { template: 'pages/moderation/case', host: DIJON, role: 'admin', path: (f) => `/admin/signalements/offres/${f.youthOfferId}` },
  { template: 'pages/accompaniment/admin-counsellors', host: DIJON, role: 'admin', path: at('/admin/conseillers') },
  { template: 'pages/accompaniment/admin-counsellor-new', host: DIJON, role: 'admin', path: at('/admin/conseillers/nouveau') },
  // GE staff (the groupement's admin): the territory's needs, combinations, members, gap calls
  { template: 'pages/shared-time/overview', host: GE, role: 'admin', path: at('/temps-partage') },
  { template: 'pages/shared-time/needs', host: GE, role: 'admin', path: at('/temps-partage/besoins?statut=validated&commune=12145&rayon=60') },
  { template: 'pages/shared-time/need', host: GE, role: 'admin', path: (f) => `/temps-partage/besoins/${f.leftOutNeedId}` },
  { template: 'pages/shared-time/need-form', host: GE, role: 'admin', path: at('/temps-partage/besoins/nouveau') },
  { template: 'pages/shared-time/proposal', host: GE, role: 'admin', path: (f) => `/temps-partage/propositions/${f.proposalId}` },
  { template: 'pages/shared-time/suggestions', host: GE, role: 'admin', path: at('/temps-partage/suggestions') },
  { template: 'pages/shared-time/members', host: GE, role: 'admin', path: at('/temps-partage/membres') },
  { template: 'pages/shared-time/member', host: GE, role: 'admin', path: (f) => `/temps-partage/membres/${f.memberCompanyId}` },
  { template: 'pages/shared-time/call', host: GE, role: 'admin', path: (f) => `/temps-partage/appels/${f.gapCallId}` },
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
  return { ...(await montagneFixtures(t)), ...(await youthBoardFixtures(t)), ...(await groupementFixtures(t)) };
}

type MontagneFixtures = Pick<Fixtures, 'offerId' | 'closedOfferId' | 'companySlug' | 'employerCompanyId' | 'pendingOfferId' | 'applicationId' | 'resetPath' | 'invitationPath' | 'mailId' | 'receiptNumber' | 'feedSourceId'>;

async function montagneFixtures(t: TestApp): Promise<MontagneFixtures> {
  const db = t.db.admin;
  const offer = await livePlatformOffer(db, 'montagne', accountOf('employer', MONTAGNE));
  const company = await db.selectFrom('companies').select(['id', 'slug']).where('id', '=', offer.company_id).executeTakeFirstOrThrow();
  const closed = await db.selectFrom('offers').select('id').where('tenant_id', '=', 'montagne').where('status', '=', 'expired').orderBy('id').executeTakeFirstOrThrow();
  const pending = await db.selectFrom('offers').select('id').where('tenant_id', '=', 'montagne').where('status', '=', 'pending_review').orderBy('id').executeTakeFirstOrThrow();
  const application = await db
    .insertInto('applications')
    .values({ tenant_id: 'montagne', offer_id: offer.id, company_id: company.id, full_name: 'Léa Martin', email: 'lea.a11y@example.org', phone: '06 12 34 56 78', message: 'Bonjour, je suis disponible dès décembre.', consent_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();

  const visitor = new FormClient(t.app, MONTAGNE);
  await visitor.submit('/compte/mot-de-passe-oublie', { email: accountOf('candidate', MONTAGNE) });
  const reset = await lastMailTo(t.app, MONTAGNE, accountOf('candidate', MONTAGNE));

  const employer = await signedInClient(t, MONTAGNE, 'employer');
  await employer.submit('/compte/entreprise/inviter', { email: 'collegue.a11y@example.org', member_role: 'member' });
  const invitation = await lastMailTo(t.app, MONTAGNE, 'collegue.a11y@example.org');
  // A file of offers: one imported, one refused (its health page lists the refusal and its reason).
  const csv = csvFile([
    { reference: 'A11Y-1', titre: 'Loueur de skis', description: 'Réglage et location du matériel de ski aux vacanciers de la station.', contrat: 'Saisonnier', code_postal: '74400', commune: 'Chamonix' },
    { reference: 'A11Y-2', titre: 'Agent', description: 'Trop court.', contrat: 'CDI', code_postal: '74400' },
  ]);
  const upload = await postMultipart(t.app, employer, '/compte/flux/fichier', '/compte/flux/fichier', { format: 'csv' }, { filename: 'offres.csv', data: Buffer.from(csv), type: 'text/csv' }, true, 'file');
  const feedSource = /\/compte\/flux\/([0-9a-f-]{36})\?info=fichier$/.exec(String(upload.headers.location));
  if (!feedSource) throw new Error(`sending the feed file answered ${upload.statusCode} ${upload.headers.location ?? ''}`);

  const admin = await signedInClient(t, MONTAGNE, 'admin');
  const paid = await admin.submit(`/admin/adhesions/${company.id}/paiement`, { method: 'bank_transfer', reference: 'VIR-A11Y-1', paid_on: new Date().toISOString().slice(0, 10), amount: '1200' });
  expectRedirect(paid, 'recording the payment');
  const { rows } = await sql<{ receipt_number: string }>`select receipt_number from membership_payments where company_id = ${company.id} order by created_at desc limit 1`.execute(db);
  // The exports' section and the partner keys' list with a row each.
  expectRedirect(await admin.submit('/admin/flux', {}, '/admin/flux/france-travail'), 'preparing the France Travail file');
  expectStatus(await admin.submit('/admin/cles-api', { name: 'Office de tourisme' }), 201, 'creating a partner key');

  return {
    offerId: offer.id,
    closedOfferId: closed.id,
    companySlug: company.slug,
    employerCompanyId: company.id,
    pendingOfferId: pending.id,
    applicationId: application.id,
    resetPath: linkTo(reset, '/compte/mot-de-passe/nouveau'),
    invitationPath: linkTo(invitation, '/compte/invitation'),
    mailId: invitation.id,
    receiptNumber: rows[0].receipt_number,
    feedSourceId: feedSource[1],
  };
}

type YouthBoardFixtures = Pick<
  Fixtures,
  | 'youthOfferId'
  | 'youngPersonId'
  | 'cvBankMinorId'
  | 'accompanimentThreadId'
  | 'applicationThreadId'
  | 'partnershipThreadId'
  | 'reportedMessageId'
  | 'recommendedApplicationId'
  | 'minorApplicationId'
  | 'accompanimentInvitationPath'
  | 'parentalConsentPath'
>;

/** Dijon's demo world (server/db/seed/dijon-collaboration.ts), found by what it is, and a few actions through the pages. */
async function youthBoardFixtures(t: TestApp): Promise<YouthBoardFixtures> {
  const db = t.db.admin;
  const userId = async (email: string) => (await db.selectFrom('users').select('id').where('tenant_id', '=', 'dijon').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const young = await userId(accountOf('candidate', DIJON));
  const threads = db.selectFrom('threads').select('id').where('tenant_id', '=', 'dijon');
  const accompanimentThread = await threads.where('kind', '=', 'accompaniment').where('young_user_id', '=', young).executeTakeFirstOrThrow();
  const applicationThread = await threads.where('kind', '=', 'application').where('young_user_id', '=', young).executeTakeFirstOrThrow();
  const partnershipThread = await threads.where('kind', '=', 'offer_partnership').orderBy('id').executeTakeFirstOrThrow();
  const employerMessage = await db
    .selectFrom('messages')
    .select('messages.id')
    .where('messages.thread_id', '=', applicationThread.id)
    .where('messages.author_user_id', '=', await userId(accountOf('employer', DIJON)))
    .orderBy('messages.created_at')
    .executeTakeFirstOrThrow();
  const recommended = await db
    .selectFrom('applications')
    .innerJoin('users', 'users.id', 'applications.user_id')
    .select(['applications.id', 'applications.user_id', 'users.birth_date'])
    .where('applications.tenant_id', '=', 'dijon')
    .where('applications.recommended_by', 'is not', null)
    .orderBy('applications.id')
    .execute();
  const adultsBornBy = birthDateForAge(18, t.app.clock());
  const minorApplication = recommended.find((a) => a.birth_date !== null && a.birth_date > adultsBornBy);
  const ownApplication = recommended.find((a) => a.user_id === young);
  if (!minorApplication || !ownApplication) throw new Error('dijon: the demo seed recommends the young person and a minor to the demo employer');
  // The recommended minor is in the CV bank, and no company has written to them from it yet (the page offers to write first).
  const cvBankMinor = await db
    .selectFrom('cv_bank_entries')
    .innerJoin('users', 'users.id', 'cv_bank_entries.user_id')
    .select('users.id')
    .where('cv_bank_entries.tenant_id', '=', 'dijon')
    .where('users.id', '=', minorApplication.user_id)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('threads').select('threads.id').where('threads.kind', '=', 'cv_contact').whereRef('threads.young_user_id', '=', 'users.id'))))
    .executeTakeFirstOrThrow();
  const youthOffer = await db
    .selectFrom('offers')
    .select('id')
    .where('tenant_id', '=', 'dijon')
    .where('status', '=', 'published')
    .where('expires_at', '>', new Date())
    .orderBy('id')
    .executeTakeFirstOrThrow();

  // Reports in the admin's queue: the young person reports the employer's message, a visitor the offer.
  const youngClient = await signedInClient(t, DIJON, 'candidate');
  expectStatus(await youngClient.submit(`/messages/signaler/${employerMessage.id}`, { reason: 'harassment', details: 'Message insistant.' }), 200, 'reporting a message');
  expectStatus(await new FormClient(t.app, DIJON).submit(`/offres/${youthOffer.id}/signaler`, { reason: 'money_request' }), 200, 'reporting an offer');

  // The counsellor invites the young person's address: the link opens the invitation page.
  const counsellor = await signedInClient(t, DIJON, 'counsellor');
  expectRedirect(await counsellor.submit('/conseiller/inviter', { email: accountOf('candidate', DIJON), channel: 'app' }), 'inviting a young person');
  const invitation = await lastMailTo(t.app, DIJON, accountOf('candidate', DIJON));

  // A 14-year-old signs up, confirms the address, and gives a parent's address: the parent's link.
  const minorEmail = 'nina.a11y@exemple.fr';
  const signUp = await new FormClient(t.app, DIJON).submit('/compte/inscription', { display_name: 'Nina Roche', email: minorEmail, password: DEMO_PASSWORD, role: 'candidate', birth_date: birthDateForAge(14, t.app.clock()) });
  expectRedirect(signUp, 'signing up a young person');
  const verification = await lastMailTo(t.app, DIJON, minorEmail);
  const minor = new FormClient(t.app, DIJON);
  expectRedirect(await minor.get(linkTo(verification, '/compte/verification')), 'verifying the address');
  await minor.logIn(minorEmail, DEMO_PASSWORD);
  expectRedirect(await minor.submit('/compte/accompagnement/consentement-parental', { parent_email: 'parent.a11y@exemple.fr' }), 'asking a parent’s consent');
  const parental = await lastMailTo(t.app, DIJON, 'parent.a11y@exemple.fr');

  return {
    youthOfferId: youthOffer.id,
    youngPersonId: young,
    cvBankMinorId: cvBankMinor.id,
    accompanimentThreadId: accompanimentThread.id,
    applicationThreadId: applicationThread.id,
    partnershipThreadId: partnershipThread.id,
    reportedMessageId: employerMessage.id,
    recommendedApplicationId: ownApplication.id,
    minorApplicationId: minorApplication.id,
    accompanimentInvitationPath: linkTo(invitation, '/compte/accompagnement/invitation'),
    parentalConsentPath: linkTo(parental, '/consentement-parental'),
  };
}

type GroupementFixtures = Pick<Fixtures, 'ownNeedId' | 'leftOutNeedId' | 'proposalId' | 'gapCallId' | 'memberCompanyId'>;

/** Ge-occitanie's demo territory, computed by the worker as on first start; GE staff publish a gap call. */
async function groupementFixtures(t: TestApp): Promise<GroupementFixtures> {
  const db = t.db.admin;
  const worker = sharedTimeWorker(t.app);
  await worker.enqueue(SHARED_TIME_CATCH_UP);
  await drain(worker);
  const needs = db.selectFrom('shared_time_needs').select('shared_time_needs.id').where('shared_time_needs.tenant_id', '=', 'ge-occitanie').orderBy('shared_time_needs.id');
  const ownNeed = await needs
    .innerJoin('company_members', 'company_members.company_id', 'shared_time_needs.company_id')
    .innerJoin('users', 'users.id', 'company_members.user_id')
    .where('users.email', '=', accountOf('employer', GE))
    .executeTakeFirstOrThrow();
  const { rows: leftOut } = await sql<{ id: string }>`
    select id from shared_time_needs n
    where tenant_id = 'ge-occitanie' and status = 'validated'
      and not exists (select 1 from shared_time_proposals p where p.tenant_id = n.tenant_id and n.id = any (p.need_ids))
    order by id limit 1`.execute(db);
  const { rows: withGap } = await sql<{ id: string }>`
    select id from shared_time_proposals
    where tenant_id = 'ge-occitanie' and status = 'proposed' and jsonb_typeof(result -> 'gap') = 'object'
    order by key limit 1`.execute(db);
  if (!leftOut[0] || !withGap[0]) throw new Error('ge-occitanie: the computed territory has a need left out and a combination with a gap card');
  const staff = await signedInClient(t, GE, 'admin');
  const proposalPage = `/temps-partage/propositions/${withGap[0].id}`;
  expectRedirect(await staff.submit(proposalPage, {}, `${proposalPage}/appel`), 'publishing the gap call');
  const call = await db.selectFrom('shared_time_gap_calls').select('id').where('proposal_id', '=', withGap[0].id).executeTakeFirstOrThrow();
  const member = await db
    .selectFrom('shared_time_members')
    .select('company_id')
    .where('tenant_id', '=', 'ge-occitanie')
    .where('employer_group', '=', false)
    .where(sql<boolean>`cardinality(competitor_ids) > 0`)
    .orderBy('company_id')
    .executeTakeFirstOrThrow();
  return { ownNeedId: ownNeed.id, leftOutNeedId: leftOut[0].id, proposalId: withGap[0].id, gapCallId: call.id, memberCompanyId: member.company_id };
}

/** The path of an e-mail's link to `route`. */
function linkTo(mail: { subject: string; links: string[] }, route: string): string {
  const link = mail.links.find((l) => l.includes(route));
  if (!link) throw new Error(`no link to ${route} in the e-mail « ${mail.subject} »`);
  return pathOf(link);
}

async function signedInClient(t: TestApp, host: string, role: SignedInRole): Promise<FormClient> {
  const client = new FormClient(t.app, host);
  await client.logIn(accountOf(role, host), DEMO_PASSWORD);
  return client;
}

function expectStatus(response: { statusCode: number; body: string }, status: number, what: string): void {
  if (response.statusCode !== status) throw new Error(`${what} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
}
const expectRedirect = (response: { statusCode: number; body: string }, what: string) => expectStatus(response, 303, what);

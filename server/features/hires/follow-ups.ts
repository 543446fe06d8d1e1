import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { notFound } from '../../errors.js';
import type { MailService } from '../../mail/mail-service.js';
import { SignedLinks } from '../../mail/signed-links.js';
import { canonicalOrigin } from '../../tenancy/origin.js';
import type { Tenant, TenantRegistry } from '../../tenancy/registry.js';
import type { Theme } from '../../tenancy/theme.js';
import { tenantDate } from '../billing/standing.js';
import { memberEmails } from '../companies/repository.js';
import * as repo from './repository.js';
import { asksPerson } from './service.js';

/** A milestone first seen more than this many days late is not asked any more (it stays « inconnu »). */
export const FOLLOW_UP_CATCH_UP_DAYS = 60;
const BATCH = 100;
const LEASE_SECONDS = 300;

/** The links of the « toujours en poste ? » e-mails: `<question id>.<HMAC>`, one key for this use. */
export class FollowUpLinks extends SignedLinks<'answer'> {
  constructor(secret: string) {
    super(secret, 'hire-follow-up');
  }
}

export interface FollowUpDeps {
  db: Kysely<Database>;
  tenants: TenantRegistry;
  mail: MailService;
  links: FollowUpLinks;
  /** The tenant's strings (the e-mail names an unnamed person in the tenant's words). */
  theme: (tenant: Tenant) => Pick<Theme, 't'>;
  /** The tenant's public address for the links (default: its first host name). */
  origin?: (tenant: Tenant) => string;
}

export interface FollowUpReport {
  opened: number;
  sent: number;
  failed: number;
}

/** Who the question goes to: the hired person, or at the company the member who recorded the hire, else every member. */
async function recipients(t: TenantDb, question: repo.FollowUpRow): Promise<string[]> {
  if (question.respondent === 'person') {
    const address = question.person_email ?? (question.applicant_anonymised_at ? null : question.applicant_email) ?? question.person_account_email;
    return address ? [address] : [];
  }
  const members = await memberEmails(t, question.company_id);
  const recorder = question.recorded_by
    ? await t.trx.selectFrom('users').select('email').where('tenant_id', '=', t.tenantId).where('id', '=', question.recorded_by).executeTakeFirst()
    : undefined;
  const recorderStillMember = recorder && members.some((m) => m.email === recorder.email);
  return recorderStillMember ? [recorder.email] : members.map((m) => m.email);
}

/** How the e-mail and the page name the person: as the application or the company gave it, else `unnamed`. */
export function personName(
  question: Pick<repo.FollowUpRow, 'applicant_name' | 'applicant_anonymised_at' | 'person_label' | 'person_account_name'>,
  unnamed: string,
): string {
  return (question.applicant_anonymised_at ? null : question.applicant_name) ?? question.person_label ?? question.person_account_name ?? unnamed;
}

/**
 * The follow-up job, tenant by tenant: opens the questions that fell due (rows written before any
 * e-mail), then sends each pending one and marks it sent. A crash between sending and marking leaves
 * the row pending: the next run sends it again with the same Message-ID (at least once, never a
 * second question); a row marked sent is never sent again, across restarts and nodes.
 */
export async function sendFollowUps(deps: FollowUpDeps, now: Date): Promise<FollowUpReport> {
  const report: FollowUpReport = { opened: 0, sent: 0, failed: 0 };
  for (const tenant of deps.tenants.tenants) {
    const today = tenantDate(tenant, now);
    report.opened += await withTenant(deps.db, tenant.id, (t) => repo.openDueFollowUps(t, today, FOLLOW_UP_CATCH_UP_DAYS, asksPerson(tenant)));
    for (;;) {
      const claimed = await withTenant(deps.db, tenant.id, (t) => repo.claimFollowUps(t, now, BATCH, LEASE_SECONDS));
      for (const id of claimed) {
        try {
          await sendOne(deps, tenant, id, now);
          report.sent++;
        } catch (error) {
          report.failed++;
          await withTenant(deps.db, tenant.id, (t) => repo.releaseFollowUp(t, id));
          if (claimed.length === 1) throw error;
        }
      }
      if (claimed.length < BATCH) break;
    }
  }
  return report;
}

async function sendOne(deps: FollowUpDeps, tenant: Tenant, id: string, now: Date): Promise<void> {
  const { question, to } = await withTenant(deps.db, tenant.id, async (t) => {
    const found = (await repo.findFollowUp(t, id))!;
    return { question: found, to: await recipients(t, found) };
  });
  // Nobody left to ask (a company without members): the question is closed unasked and stays « inconnu ».
  if (to.length > 0) {
    const origin = (deps.origin ?? canonicalOrigin)(tenant);
    const answerUrl = `${origin}/suivi/${deps.links.sign(tenant.id, id, 'answer')}`;
    await deps.mail.deliver({
      tenant,
      origin,
      to: to.join(', '),
      template: question.respondent === 'person' ? 'hire-follow-up-person' : 'hire-follow-up',
      data: {
        milestone: question.milestone,
        title: question.title,
        companyName: question.company_name,
        person: personName(question, deps.theme(tenant).t('hires.person.unnamed')),
        startOn: question.start_on,
        yesUrl: `${answerUrl}?reponse=oui`,
        noUrl: `${answerUrl}?reponse=non`,
      },
      // Same question, same id: a resend after a crash is recognisable as the same message.
      headers: { 'Message-ID': `<hire-follow-up-${id}@${new URL(origin).hostname}>` },
    });
  }
  await withTenant(deps.db, tenant.id, (t) => repo.markFollowUpSent(t, id, now));
}

/** The question a link names, or 404 (a forged, foreign or stale link says nothing more). */
export async function followUpByToken(db: Kysely<Database>, tenant: Tenant, links: FollowUpLinks, token: string) {
  const id = links.verify(tenant.id, token, 'answer');
  if (!id) throw notFound();
  const question = await withTenant(db, tenant.id, (t) => repo.findFollowUp(t, id));
  if (!question) throw notFound();
  return question;
}

/** Records the answer of a link (a later answer replaces an earlier one, dated anew). */
export async function answerByToken(db: Kysely<Database>, tenant: Tenant, links: FollowUpLinks, token: string, answer: 'yes' | 'no', now: Date) {
  const question = await followUpByToken(db, tenant, links, token);
  await withTenant(db, tenant.id, (t) => repo.answerFollowUp(t, question.id, answer, now));
  return { ...question, answer, answered_at: now };
}

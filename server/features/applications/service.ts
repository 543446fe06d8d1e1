import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { ApplicationStatus, Database, RefusalReason } from '../../db/database.js';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { FileStore } from '../../files/port.js';
import { hasFile, type UploadedFile } from '../../files/upload.js';
import type { MailService } from '../../mail/mail-service.js';
import type { Tenant } from '../../tenancy/registry.js';
import { isMinor } from '../../youth/age.js';
import type { AuthUser } from '../accounts/service.js';
import { memberEmails } from '../companies/repository.js';
import { companyAccess } from '../companies/space-service.js';
import { findProfile, touch } from '../candidates/repository.js';
import { CV_MAX_BYTES, CV_MEDIA_TYPES, CvRejected, checkCvName, downloadName, kindOfMediaType, sniffCv, type CvKind } from './cv-file.js';
import { ANSWER_STATUSES, canMove, NOTIFIED_STATUSES } from './pipeline.js';
import * as repo from './repository.js';

/** What the application rules need from the outside world for one request. */
export interface ApplicationContext {
  db: Kysely<Database>;
  tenant: Tenant;
  mail: MailService;
  files: FileStore;
  origin: string;
  log: FastifyBaseLogger;
}

export type { UploadedFile };

export interface ApplyInput {
  full_name: string;
  email: string;
  phone?: string;
  message?: string;
  consent?: string;
  cv?: UploadedFile;
}

const refuseCv = (problem: string): never => {
  throw new AppError('CV_REFUSED', problem === 'tooLarge' ? 413 : 400, { cv: `apply.cv.${problem}` });
};

/**
 * Checks an uploaded CV: present, at most 5 MB, a plain name, PDF/DOCX/ODT by content. Throws the
 * form error (field `cv`) otherwise. The name gets the extension of the type actually found.
 */
export function acceptCv(cv: UploadedFile | undefined): { name: string; kind: CvKind } {
  if (!hasFile(cv)) return refuseCv('missing');
  if (cv.truncated || cv.data.length > CV_MAX_BYTES) return refuseCv('tooLarge');
  try {
    const name = checkCvName(cv.filename);
    const kind = sniffCv(cv.data);
    return { name: downloadName(name, kind), kind };
  } catch (error) {
    if (error instanceof CvRejected) return refuseCv(error.problem);
    throw error;
  }
}

/** The CV saved in a candidate's profile, if any. */
export async function savedCv(ctx: Pick<ApplicationContext, 'db' | 'tenant' | 'files'>, user: AuthUser) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const profile = await findProfile(t, user.id);
    if (!profile?.cv_file_id) return undefined;
    const file = await ctx.files.get(t, profile.cv_file_id);
    const kind = file && kindOfMediaType(file.mediaType);
    return file && kind ? { name: profile.cv_file_name ?? `cv.${kind}`, kind, content: file.content } : undefined;
  });
}

/** The offer page's "apply" target: 404 for unknown, unpublished or another tenant's offers. */
export async function openOffer(ctx: Pick<ApplicationContext, 'db' | 'tenant'>, offerId: string) {
  const offer = await withTenant(ctx.db, ctx.tenant.id, (t) => repo.findOpenOffer(t, offerId));
  if (!offer) throw notFound();
  return offer;
}

/**
 * Applies to an offer. Everything is checked before anything is stored: consent, the CV's name, size
 * and type by content; then the file and the application go in one transaction (no orphan file on a
 * duplicate). The employer's members are told once the transaction has committed.
 */
export async function apply(ctx: ApplicationContext, user: AuthUser | null, offerId: string, input: ApplyInput): Promise<{ id: string }> {
  const offer = await openOffer(ctx, offerId);
  if (offer.apply_method !== 'platform') throw new AppError('APPLY_ELSEWHERE', 409);
  if (input.consent !== 'oui') throw new AppError('VALIDATION_FAILED', 400, { consent: 'apply.consent.required' });
  const email = input.email.trim().toLowerCase();
  // A signed-in candidate who sends no file applies with the CV saved in their profile.
  const saved = !hasFile(input.cv) && user?.role === 'candidate' ? await savedCv(ctx, user) : undefined;
  const cv = saved ? { name: saved.name, kind: saved.kind, data: saved.content } : { ...acceptCv(input.cv), data: input.cv!.data };
  const created = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    if (await repo.hasLiveApplication(t, offer.id, email)) return undefined;
    const file = await ctx.files.put(t, { mediaType: CV_MEDIA_TYPES[cv.kind], content: cv.data });
    const row = await repo.insertApplication(t, {
      offerId: offer.id,
      companyId: offer.company_id,
      userId: user?.role === 'candidate' ? user.id : null,
      fullName: input.full_name,
      email,
      phone: input.phone || null,
      message: input.message || null,
      cvFileId: file.id,
      cvFileName: cv.name,
    });
    // A concurrent duplicate won the unique index: drop our file in the same transaction.
    if (!row) await ctx.files.delete(t, [file.id]);
    if (row && user?.role === 'candidate') await touch(t, user.id);
    const recipients = row ? await memberEmails(t, offer.company_id) : [];
    return row && { id: row.id, recipients };
  });
  if (!created) throw new AppError('ALREADY_APPLIED', 409);
  ctx.log.info({ event: 'application', applicationId: created.id, offerId: offer.id }, 'application received');
  for (const member of created.recipients) {
    ctx.mail.send({
      tenant: ctx.tenant,
      origin: ctx.origin,
      to: member.email,
      template: 'application-received',
      data: { displayName: member.display_name, offerTitle: offer.title, candidate: input.full_name, link: `${ctx.origin}/compte/candidatures/${created.id}` },
    });
  }
  return { id: created.id };
}

type Access = 'candidate' | 'company' | 'admin';

/** Who may see this application: its candidate, members of the owning company, the tenant admin. */
async function accessOf(t: TenantDb, user: AuthUser | null, application: repo.ApplicationRow): Promise<Access | null> {
  if (!user) return null;
  if (application.user_id && application.user_id === user.id) return 'candidate';
  const company = await companyAccess(t, user, application.company_id);
  if (company === 'admin') return 'admin';
  return company ? 'company' : null;
}

/** The CV bytes for a download; 404 for anyone who may not see it (no hint that it exists). */
export async function cvDownload(ctx: Pick<ApplicationContext, 'db' | 'tenant' | 'files' | 'log'>, user: AuthUser | null, applicationId: string) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const application = await repo.findApplication(t, applicationId);
    const access = application ? await accessOf(t, user, application) : null;
    if (!application || !access || !application.cv_file_id) {
      if (application) ctx.log.warn({ event: 'forbidden', userId: user?.id, applicationId }, 'CV download refused');
      throw notFound();
    }
    const file = await ctx.files.get(t, application.cv_file_id);
    if (!file) throw notFound();
    const kind = kindOfMediaType(file.mediaType) ?? 'pdf';
    return { content: file.content, mediaType: file.mediaType, name: application.cv_file_name ?? `cv.${kind}` };
  });
}

/**
 * A minor's phone and e-mail are not shown to companies until an interview is set (youth boards):
 * until then the company goes through the thread, where the mission locale takes part.
 */
export function contactMaskedForCompany(application: Pick<repo.ApplicationRow, 'candidate_birth_date' | 'interview_at'>, tenant: Tenant, now: Date): boolean {
  return application.interview_at === null && isMinor(application.candidate_birth_date, now, tenant.config.timezone);
}

/** The employer's (or admin's) view of one application; opening a new one marks it viewed. */
export async function applicationForEmployer(ctx: Pick<ApplicationContext, 'db' | 'tenant'>, user: AuthUser, applicationId: string, now = new Date()) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const application = await repo.findApplication(t, applicationId);
    const access = application ? await accessOf(t, user, application) : null;
    if (!application || (access !== 'company' && access !== 'admin')) throw notFound();
    if (application.status === 'new' && access === 'company') {
      await repo.setStatus(t, application.id, 'viewed');
      application.status = 'viewed';
    }
    const notes = await repo.notesOf(t, application.id);
    const contactMasked = contactMaskedForCompany(application, ctx.tenant, now);
    const shown = contactMasked ? { ...application, email: null, phone: null } : application;
    return { application: shown, notes, contactMasked };
  });
}

/** The pipeline of one offer: its applications, newest first. */
export async function offerPipeline(ctx: Pick<ApplicationContext, 'db' | 'tenant'>, user: AuthUser, offerId: string) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const offer = await repo.offerOfCompany(t, offerId);
    if (!offer || !(await companyAccess(t, user, offer.company_id))) throw notFound();
    const applications = await repo.applicationsOfOffer(t, offerId);
    return { offer, applications };
  });
}

export interface Refusal {
  reason?: RefusalReason;
  /** The candidate may read the reason (the recommending counsellor always can). */
  shared?: boolean;
}

/**
 * Moves an application along the pipeline (transition table in pipeline.ts). The candidate is told
 * of the statuses that matter to them; "hired" records its time for the funders' reports. A rejection
 * carries a reason from the fixed list (required for a recommended application), shown to the
 * candidate only when the employer shares it. A move by the company is its answer.
 */
export async function changeStatus(ctx: ApplicationContext, user: AuthUser, applicationId: string, to: ApplicationStatus, refusal: Refusal = {}): Promise<void> {
  const moved = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const application = await repo.findApplication(t, applicationId);
    const access = application ? await accessOf(t, user, application) : null;
    if (!application || (access !== 'company' && access !== 'admin')) throw notFound();
    const locked = (await repo.lockApplication(t, applicationId))!;
    if (!canMove(locked.status, to)) throw new AppError('APPLICATION_TRANSITION_REFUSED', 409);
    if (to === 'rejected' && !refusal.reason && application.recommended_by) {
      throw new AppError('VALIDATION_FAILED', 400, { refusal_reason: 'fields.refusal_reason.required' });
    }
    await repo.setStatus(t, applicationId, to, {
      refusal: to === 'rejected' && refusal.reason ? { reason: refusal.reason, shared: refusal.shared === true } : undefined,
      answered: access === 'company' && ANSWER_STATUSES.includes(to),
    });
    return application;
  });
  ctx.log.info({ event: 'application_status', applicationId, to, by: user.id }, 'application status changed');
  if (NOTIFIED_STATUSES.includes(to) && !moved.anonymised_at) {
    ctx.mail.send({
      tenant: ctx.tenant,
      origin: ctx.origin,
      to: moved.email,
      template: `application-${to}`,
      data: {
        displayName: moved.full_name,
        offerTitle: moved.offer_title,
        companyName: moved.company_name,
        link: `${ctx.origin}/compte/candidat`,
        // The reason reaches the candidate only when the employer chose to share it.
        reasonKey: to === 'rejected' && refusal.reason && refusal.shared ? `refusalReason.${refusal.reason}` : undefined,
      },
    });
  }
}

export async function addNote(ctx: Pick<ApplicationContext, 'db' | 'tenant'>, user: AuthUser, applicationId: string, body: string): Promise<void> {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const application = await repo.findApplication(t, applicationId);
    const access = application ? await accessOf(t, user, application) : null;
    if (!application || (access !== 'company' && access !== 'admin')) throw notFound();
    await repo.insertNote(t, applicationId, user.id, body);
  });
}

import type { CompaniesTable } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';
import { withTenant } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { FileStore } from '../../files/port.js';
import type { UploadedFile } from '../../files/upload.js';
import type { AccountContext, AuthUser } from '../accounts/service.js';
import { hashLinkToken, newLinkToken } from '../accounts/link-tokens.js';
import * as accounts from '../accounts/repository.js';
import { recordAdminAction } from '../admin/audit.js';
import { sanitizeDescription, descriptionText } from '../offers/sanitize.js';
import { acceptLogo } from './logo.js';
import * as repo from './repository.js';
import { normaliseSiret, siretValid } from './siret.js';

/** How long an e-mailed invitation stays valid. */
export const INVITATION_TTL_S = 7 * 24 * 3600;
export const COMPANY_DESCRIPTION_MAX = 5_000;

export type CompanyAccess = 'admin' | 'owner' | 'member';

/** What this user may do with this company: its member role, `admin` for the tenant admin, or null. */
export async function companyAccess(t: TenantDb, user: AuthUser | null, companyId: string): Promise<CompanyAccess | null> {
  if (!user) return null;
  if (user.role === 'admin') return 'admin';
  return (await repo.memberRole(t, companyId, user.id)) ?? null;
}

/** The fields of a company profile, as forms and the API give them (empty → null). */
export type CompanyInput = Pick<CompaniesTable, 'name' | 'siret' | 'naf_code' | 'headcount' | 'commune_insee' | 'website' | 'description'>;

const refuse = (fields: Record<string, string>) => new AppError('VALIDATION_FAILED', 422, fields);

/**
 * Checks what a schema cannot: the SIRET's checksum, the NAF and commune codes against the reference
 * tables, the website's scheme. The description is sanitised here, so no stored text skips it.
 */
async function validCompany(t: TenantDb, input: CompanyInput): Promise<CompanyInput> {
  const fields: Record<string, string> = {};
  const name = input.name.trim();
  if (name.length < 2 || name.length > 120) fields.name = 'fields.company_name.invalid';
  const siret = input.siret ? normaliseSiret(input.siret) : null;
  if (siret && !siretValid(siret)) fields.siret = 'fields.siret.invalid';
  let naf = input.naf_code ? input.naf_code.trim().toUpperCase() : null;
  if (naf && /^[0-9]{4}[A-Z]$/.test(naf)) naf = `${naf.slice(0, 2)}.${naf.slice(2)}`;
  if (naf && !(await repo.nafExists(t, naf))) fields.naf_code = 'fields.naf_code.unknown';
  if (input.headcount !== null && (!Number.isInteger(input.headcount) || input.headcount < 0 || input.headcount > 1_000_000)) {
    fields.headcount = 'fields.headcount.invalid';
  }
  if (input.commune_insee && !(await repo.findCommune(t, input.commune_insee.toUpperCase()))) fields.commune_insee = 'fields.commune_insee.unknown';
  let website = input.website?.trim() || null;
  if (website) {
    try {
      const url = new URL(website);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
      website = url.toString();
    } catch {
      fields.website = 'fields.website.invalid';
    }
  }
  const description = input.description ? sanitizeDescription(input.description) : null;
  if (description && description.length > COMPANY_DESCRIPTION_MAX) fields.description = 'fields.company_description.tooLong';
  if (Object.keys(fields).length > 0) throw refuse(fields);
  return {
    name,
    siret,
    naf_code: naf,
    headcount: input.headcount,
    commune_insee: input.commune_insee ? input.commune_insee.toUpperCase() : null,
    website,
    description: description && descriptionText(description) !== '' ? description : null,
  };
}

export function slugify(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80)
      .replace(/-+$/, '') || 'entreprise'
  );
}

async function freeSlug(t: TenantDb, name: string): Promise<string> {
  const base = slugify(name);
  for (let n = 1; n < 1000; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (!(await repo.slugTaken(t, slug))) return slug;
  }
  throw new AppError('CONFLICT', 409);
}

/** The company space of an employer: the first company they belong to (or none yet). */
export async function companySpace(ctx: AccountContext, user: AuthUser) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const [first] = await repo.companiesOfUser(t, user.id);
    if (!first) return undefined;
    const company = (await repo.findById(t, first.id))!;
    const [members, invitations] = await Promise.all([repo.listMembers(t, first.id), repo.pendingInvitations(t, first.id)]);
    return { company, role: first.member_role, members, invitations };
  });
}

/** The id of the first company of this user (the one the company space and offer pages work on). */
export async function currentCompanyId(ctx: AccountContext, user: AuthUser): Promise<string | undefined> {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => (await repo.companiesOfUser(t, user.id))[0]?.id);
}

/** An employer without a company creates one and becomes its owner. */
export async function createCompany(ctx: AccountContext, user: AuthUser, input: CompanyInput): Promise<{ id: string; slug: string }> {
  if (user.role !== 'employer') throw new AppError('FORBIDDEN', 403);
  const created = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    if ((await repo.companiesOfUser(t, user.id)).length > 0) throw new AppError('COMPANY_EXISTS', 409);
    const values = await validCompany(t, input);
    const company = await repo.insertCompany(t, { ...values, slug: await freeSlug(t, values.name) });
    await repo.addMember(t, company.id, user.id, 'owner');
    return company;
  });
  ctx.log.info({ event: 'company_created', companyId: created.id, userId: user.id }, 'company created');
  return created;
}

/** Profile edit: any member of the company, or the tenant admin. */
export async function updateCompanyProfile(ctx: AccountContext, user: AuthUser, companyId: string, input: CompanyInput): Promise<void> {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const access = await companyAccess(t, user, companyId);
    if (!access) throw notFound();
    if (!(await repo.findById(t, companyId))) throw notFound();
    const values = await validCompany(t, input);
    await repo.updateCompany(t, companyId, values);
    await recordAdminAction(t, user, 'company.update', { type: 'company', id: companyId });
  });
}

export type LogoContext = AccountContext & { files: FileStore };

/**
 * Sets the company's logo (any member, or the tenant admin): checked before anything is stored, then
 * the new file, the company row and the removal of the previous file in one transaction.
 */
export async function setCompanyLogo(ctx: LogoContext, user: AuthUser, companyId: string, file: UploadedFile | undefined): Promise<{ slug: string }> {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const access = await companyAccess(t, user, companyId);
    if (!access) throw notFound();
    const company = await repo.lockCompany(t, companyId);
    if (!company) throw notFound();
    const logo = acceptLogo(file);
    const stored = await ctx.files.put(t, { mediaType: logo.mediaType, content: logo.content });
    await repo.updateCompany(t, companyId, { logo_file_id: stored.id });
    if (company.logo_file_id) await ctx.files.delete(t, [company.logo_file_id]);
    await recordAdminAction(t, user, 'company.logo', { type: 'company', id: companyId });
    return { slug: company.slug };
  });
}

/** Removes the company's logo and its stored file (any member, or the tenant admin). */
export async function removeCompanyLogo(ctx: LogoContext, user: AuthUser, companyId: string): Promise<{ slug: string }> {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const access = await companyAccess(t, user, companyId);
    if (!access) throw notFound();
    const company = await repo.lockCompany(t, companyId);
    if (!company) throw notFound();
    if (company.logo_file_id) {
      await repo.updateCompany(t, companyId, { logo_file_id: null });
      await ctx.files.delete(t, [company.logo_file_id]);
      await recordAdminAction(t, user, 'company.logo_remove', { type: 'company', id: companyId });
    }
    return { slug: company.slug };
  });
}

const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** An owner (or the tenant admin) invites a colleague by e-mail; the link joins them to the company. */
export async function inviteColleague(ctx: AccountContext, user: AuthUser, companyId: string, input: { email: string; role: 'owner' | 'member' }): Promise<void> {
  const email = normaliseEmail(input.email);
  const invitation = newLinkToken();
  const company = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const access = await companyAccess(t, user, companyId);
    if (!access) throw notFound();
    if (access === 'member') throw new AppError('COMPANY_OWNER_REQUIRED', 403);
    const found = await repo.findById(t, companyId);
    if (!found) throw notFound();
    const members = await repo.listMembers(t, companyId);
    if (members.some((m) => m.email === email)) throw refuse({ email: 'fields.invite_email.alreadyMember' });
    await repo.insertInvitation(t, { companyId, email, role: input.role, invitedBy: user.id, hash: invitation.hash, ttlSeconds: INVITATION_TTL_S });
    await recordAdminAction(t, user, 'company.invite', { type: 'company', id: companyId }, { email, role: input.role });
    return found;
  });
  ctx.log.info({ event: 'company_invitation', companyId, userId: user.id }, 'colleague invited');
  ctx.mail.send({
    tenant: ctx.tenant,
    origin: ctx.origin,
    to: email,
    template: 'company-invitation',
    data: {
      inviter: user.displayName,
      company: company.name,
      link: `${ctx.origin}/compte/invitation?jeton=${invitation.token}`,
      days: INVITATION_TTL_S / 86_400,
    },
  });
}

/** The invitation a link points to, if it can still be used. */
export async function invitationByToken(ctx: AccountContext, token: string) {
  return withTenant(ctx.db, ctx.tenant.id, (t) => repo.findLiveInvitation(t, hashLinkToken(token)));
}

/**
 * Joins the company of an invitation. The signed-in account must be an employer account of the
 * invited address (the link reached that mailbox; another account cannot use it).
 */
export async function acceptInvitation(ctx: AccountContext, user: AuthUser, token: string): Promise<{ companyId: string }> {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const invitation = await repo.findLiveInvitation(t, hashLinkToken(token));
    if (!invitation) throw new AppError('LINK_INVALID', 400);
    const account = await accounts.findUserById(t, user.id);
    if (!account || account.email !== invitation.email || user.role !== 'employer') throw new AppError('INVITATION_WRONG_ACCOUNT', 403);
    if (!(await repo.consumeInvitation(t, invitation.id))) throw new AppError('LINK_INVALID', 400);
    await repo.addMember(t, invitation.company_id, user.id, invitation.member_role);
    ctx.log.info({ event: 'company_joined', companyId: invitation.company_id, userId: user.id }, 'invitation accepted');
    return { companyId: invitation.company_id };
  });
}

/**
 * Removes a member: the member themselves (leaving), an owner of the company, or the tenant admin.
 * The last owner can neither leave nor be removed (409 LAST_OWNER): someone must stay in charge.
 */
export async function removeMember(ctx: AccountContext, user: AuthUser, companyId: string, memberId: string): Promise<void> {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const access = await companyAccess(t, user, companyId);
    if (!access) throw notFound();
    const self = memberId === user.id;
    if (!self && access === 'member') throw new AppError('COMPANY_OWNER_REQUIRED', 403);
    const members = await repo.lockMembers(t, companyId);
    const target = members.find((m) => m.user_id === memberId);
    if (!target) throw notFound();
    const owners = members.filter((m) => m.member_role === 'owner');
    if (target.member_role === 'owner' && owners.length === 1) throw new AppError('LAST_OWNER', 409);
    await repo.removeMember(t, companyId, memberId);
    await recordAdminAction(t, user, 'company.remove_member', { type: 'company', id: companyId }, { userId: memberId });
  });
  ctx.log.info({ event: memberId === user.id ? 'company_left' : 'company_member_removed', companyId, userId: user.id, memberId }, 'member removed');
}

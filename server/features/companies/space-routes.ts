import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { requireRole, requireUser } from '../../plugins/auth.js';
import { origin } from '../../plugins/view.js';
import { CsrfOnlyBody } from '../accounts/schemas.js';
import type { AccountContext } from '../accounts/service.js';
import { companyInput, companyValues, CompanyFormBody, createCompanyForm, editCompanyForm, inviteForm, InviteFormBody } from './forms.js';
import { acceptMultipart, type UploadedFile } from '../../files/upload.js';
import { LOGO_HARD_CAP, LOGO_MAX_BYTES, logoPath } from './logo.js';
import {
  acceptInvitation,
  companySpace,
  createCompany,
  currentCompanyId,
  invitationByToken,
  inviteColleague,
  removeCompanyLogo,
  removeMember,
  setCompanyLogo,
  updateCompanyProfile,
} from './space-service.js';

const INFO: Record<string, string> = {
  creee: 'companySpace.info.created',
  profil: 'companySpace.info.updated',
  invitation: 'companySpace.info.invited',
  membre: 'companySpace.info.removed',
  bienvenue: 'companySpace.info.joined',
  logo: 'companySpace.info.logo',
  'logo-retire': 'companySpace.info.logoRemoved',
};

const CompanyIdParams = Type.Object({ companyId: Type.String({ format: 'uuid' }) });
/** The logo form: the token and the file part (checked by acceptLogo, not by the schema). */
const LogoBody = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 200 })), logo: Type.Optional(Type.Unsafe<unknown>({})) });

/**
 * The company space (/compte/entreprise): profile, members and invitations of the employer's company,
 * and the invitation link (/compte/invitation). Rules in space-service.ts.
 */
export default async function companySpaceRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context = (request: FastifyRequest): AccountContext => ({ db: app.db, tenant: request.tenant, mail: app.mail, origin: origin(request), log: request.log });
  const employer = requireRole('employer');
  // Logo uploads (multipart, this plugin's scope only): one image of at most 1 MB.
  acceptMultipart(fastify, { maxFileBytes: LOGO_MAX_BYTES, hardCap: LOGO_HARD_CAP, refusedCode: 'LOGO_REFUSED', tooLargeFields: { logo: 'companySpace.logo.tooLarge' } });

  /** The user's company, or a redirect to the creation form. */
  async function companyIdOr404(request: FastifyRequest): Promise<string> {
    const id = await currentCompanyId(context(request), request.user!);
    if (!id) throw new AppError('COMPANY_REQUIRED', 403);
    return id;
  }

  async function spacePage(request: FastifyRequest, reply: FastifyReply, extra: { logoError?: string; status?: number } = {}) {
    const theme = app.theme(request.tenant);
    const space = await companySpace(context(request), request.user!);
    if (!space) return reply.redirect('/compte/entreprise/nouvelle', 303);
    const info = INFO[String((request.query as { info?: unknown } | undefined)?.info ?? '')];
    const owner = space.role === 'owner';
    const owners = space.members.filter((m) => m.member_role === 'owner').length;
    return reply.code(extra.status ?? 200).page('pages/company/space', {
      meta: { title: theme.t('companySpace.title'), noindex: true },
      notice: info && !extra.logoError ? theme.t(info) : undefined,
      company: space.company,
      logoUrl: space.company.logo_file_id ? `${logoPath(space.company.slug)}?v=${space.company.logo_file_id.slice(0, 8)}` : undefined,
      logoError: extra.logoError,
      isOwner: owner,
      csrfToken: reply.csrfToken(),
      members: space.members.map((m) => ({
        ...m,
        roleLabel: theme.t(`memberRole.${m.member_role}`),
        isMe: m.id === request.user!.id,
        // The last owner stays: no button that could only fail.
        removable: (owner || m.id === request.user!.id) && !(m.member_role === 'owner' && owners === 1),
      })),
      invitations: space.invitations.map((i) => ({ ...i, roleLabel: theme.t(`memberRole.${i.member_role}`) })),
    });
  }

  app.get('/compte/entreprise', { onRequest: employer }, async (request, reply) => spacePage(request, reply));

  app.get('/compte/entreprise/nouvelle', { onRequest: employer, config: { form: createCompanyForm } }, async (request, reply) => {
    if (await currentCompanyId(context(request), request.user!)) return reply.redirect('/compte/entreprise', 303);
    return reply.form({ data: { creating: true } });
  });

  app.post(
    '/compte/entreprise/nouvelle',
    { onRequest: employer, config: { form: createCompanyForm }, schema: { body: CompanyFormBody } },
    async (request, reply) => {
      await createCompany(context(request), request.user!, companyInput(request.body));
      return reply.redirect('/compte/entreprise?info=creee', 303);
    },
  );

  app.get('/compte/entreprise/profil', { onRequest: employer, config: { form: editCompanyForm } }, async (request, reply) => {
    const space = await companySpace(context(request), request.user!);
    if (!space) return reply.redirect('/compte/entreprise/nouvelle', 303);
    return reply.form({ values: companyValues(space.company) });
  });

  app.post(
    '/compte/entreprise/profil',
    { onRequest: employer, config: { form: editCompanyForm }, schema: { body: CompanyFormBody } },
    async (request, reply) => {
      await updateCompanyProfile(context(request), request.user!, await companyIdOr404(request), companyInput(request.body));
      return reply.redirect('/compte/entreprise?info=profil', 303);
    },
  );

  app.get('/compte/entreprise/inviter', { onRequest: employer, config: { form: inviteForm } }, async (_request, reply) => reply.form({ values: { member_role: 'member' } }));

  app.post(
    '/compte/entreprise/inviter',
    { onRequest: employer, config: { form: inviteForm }, schema: { body: InviteFormBody } },
    async (request, reply) => {
      await inviteColleague(context(request), request.user!, await companyIdOr404(request), { email: request.body.email, role: request.body.member_role });
      return reply.redirect('/compte/entreprise?info=invitation', 303);
    },
  );

  app.post(
    '/compte/entreprise/membres/:userId/retirer',
    { onRequest: employer, schema: { params: Type.Object({ userId: Type.String({ format: 'uuid' }) }), body: CsrfOnlyBody } },
    async (request, reply) => {
      const companyId = await companyIdOr404(request);
      await removeMember(context(request), request.user!, companyId, request.params.userId);
      if (request.params.userId === request.user!.id) return reply.redirect('/compte', 303);
      return reply.redirect('/compte/entreprise?info=membre', 303);
    },
  );

  // Company logo: any member of the company, or the tenant admin (companyAccess). Back to the space
  // for a member, to the public page for the admin (who has no company space).
  const logoEditor = requireRole('employer', 'admin');
  const afterLogo = (request: FastifyRequest, slug: string, info: string) =>
    request.user!.role === 'admin' ? `/entreprises/${encodeURIComponent(slug)}` : `/compte/entreprise?info=${info}`;

  app.post(
    '/compte/entreprise/:companyId/logo',
    {
      onRequest: logoEditor,
      bodyLimit: LOGO_HARD_CAP,
      schema: { params: CompanyIdParams, body: LogoBody },
      // A refused image shows the space again with the reason next to the file field; nothing is stored.
      errorHandler: async (error, request, reply) => {
        const fields = error instanceof AppError ? error.fields : {};
        if (request.user?.role !== 'employer' || !fields.logo) throw error;
        return spacePage(request, reply, { logoError: app.theme(request.tenant).t(fields.logo), status: error.statusCode });
      },
    },
    async (request, reply) => {
      const ctx = { ...context(request), files: app.files };
      const { slug } = await setCompanyLogo(ctx, request.user!, request.params.companyId, (request.body as { logo?: UploadedFile }).logo);
      return reply.redirect(afterLogo(request, slug, 'logo'), 303);
    },
  );

  app.post(
    '/compte/entreprise/:companyId/logo/retirer',
    { onRequest: logoEditor, schema: { params: CompanyIdParams, body: CsrfOnlyBody } },
    async (request, reply) => {
      const { slug } = await removeCompanyLogo({ ...context(request), files: app.files }, request.user!, request.params.companyId);
      return reply.redirect(afterLogo(request, slug, 'logo-retire'), 303);
    },
  );

  // Invitation links (e-mailed): shows who invites, then joins on a confirmed POST.

  const TokenQuery = Type.Object({ jeton: Type.String({ maxLength: 100 }) });

  app.get('/compte/invitation', { schema: { querystring: TokenQuery } }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const invitation = await invitationByToken(context(request), request.query.jeton);
    if (!invitation) {
      return reply.code(400).page('pages/account/link-invalid', { meta: { title: theme.t('account.linkInvalid.title'), noindex: true } });
    }
    const back = `/compte/invitation?jeton=${encodeURIComponent(request.query.jeton)}`;
    return reply.page('pages/company/invitation', {
      meta: { title: theme.t('companySpace.invitation.title'), noindex: true },
      invitation,
      jeton: request.query.jeton,
      signedIn: Boolean(request.user),
      matches: request.user?.email === invitation.email && request.user?.role === 'employer',
      logInUrl: `/compte/connexion?retour=${encodeURIComponent(back)}`,
      csrfToken: reply.csrfToken(),
    });
  });

  app.post(
    '/compte/invitation',
    { onRequest: requireUser, schema: { body: Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 200 })), jeton: Type.String({ maxLength: 100 }) }, { additionalProperties: false }) } },
    async (request, reply) => {
      await acceptInvitation(context(request), request.user!, request.body.jeton);
      return reply.redirect('/compte/entreprise?info=bienvenue', 303);
    },
  );
}

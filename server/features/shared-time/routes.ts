import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NEED_SEASONS, NEED_STATUSES } from '../../db/database.js';
import { AppError, notFound } from '../../errors.js';
import { requireUser } from '../../plugins/auth.js';
import { origin } from '../../plugins/view.js';
import { CsrfOnlyBody } from '../accounts/schemas.js';
import { tenantToday } from '../memberships/can-publish.js';
import type { Combination, Unmatched } from './engine/types.js';
import { DraftOfferBody, editNeedForm, formGrid, formInput, formValues, MemberFormBody, NeedFormBody, newNeedForm, FORM_SITES } from './forms.js';
import { gapSummary } from './gap.js';
import { LICENCES } from './licences.js';
import { EDITABLE_NEED_STATUSES, NEED_TRANSITIONS, type NeedAction, type ProposalAction } from './lifecycle.js';
import { checks, costs, heatStrip, legend, needDetail, needPath, needSummary, profile, proposalPath, proposalSummary, terms, timetables, unmatchedView } from './presenter.js';
import type { NeedRow } from './repository.js';
import * as service from './service.js';

const NEED_ACTION_PATHS: Record<string, NeedAction> = { valider: 'validate', brouillon: 'unvalidate', retirer: 'withdraw', rouvrir: 'reopen' };
const PROPOSAL_ACTION_PATHS: Record<string, ProposalAction | 'release' | 'publish' | 'gap'> = {
  epingler: 'pin',
  desepingler: 'unpin',
  rejeter: 'reject',
  restaurer: 'restore',
  liberer: 'release',
  publier: 'publish',
  appel: 'gap',
};
const INFO = [
  'besoin-cree',
  'besoin-modifie',
  'valider',
  'brouillon',
  'retirer',
  'rouvrir',
  'epingler',
  'desepingler',
  'rejeter',
  'restaurer',
  'liberer',
  'offre',
  'publier',
  'appel',
  'recalcul',
  'membre',
  'appel-clos',
  'suggestion',
];

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ActionParams = Type.Object({ id: Type.String({ maxLength: 64 }), action: Type.String({ maxLength: 20 }) });
const NeedsQuery = Type.Object(
  {
    statut: Type.Optional(Type.Union([Type.Literal(''), ...NEED_STATUSES.map((s) => Type.Literal(s))])),
    metier: Type.Optional(Type.String({ maxLength: 5 })),
    saison: Type.Optional(Type.Union([Type.Literal(''), ...NEED_SEASONS.map((s) => Type.Literal(s))])),
    commune: Type.Optional(Type.String({ maxLength: 5 })),
    rayon: Type.Optional(Type.Union([Type.Literal(''), Type.Literal('10'), Type.Literal('20'), Type.Literal('30'), Type.Literal('45'), Type.Literal('60')])),
    info: Type.Optional(Type.String({ maxLength: 30 })),
  },
  { additionalProperties: false },
);

/**
 * The shared-time pages under /temps-partage: needs of member companies (their own for a member, the
 * whole territory for GE staff), the engine's combinations with their timetables, profiles, costs and
 * checks, offers drafted from them, gap calls, suggestions and member settings. Off → every route 404.
 * Thin: every rule is in service.ts.
 */
export default async function sharedTimeRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = (request: FastifyRequest) => {
    const theme = app.theme(request.tenant);
    return (key: string, params?: Record<string, unknown>) => theme.t(key, params);
  };
  const context = (request: FastifyRequest): service.SharedTimeContext => ({ db: app.db, tenant: request.tenant, mail: app.mail, origin: origin(request), log: request.log, t: t(request) });
  // Before any guard: where the feature is off, the pages do not exist.
  const enabled = async (request: FastifyRequest) => {
    if (!service.sharedTimeEnabled(request.tenant)) throw notFound();
  };
  const signedIn = [enabled, requireUser];
  const info = (request: FastifyRequest) => {
    const key = (request.query as { info?: string }).info;
    return key && INFO.includes(key) ? t(request)(`sharedTime.info.${key}`) : undefined;
  };
  const isStaff = (request: FastifyRequest) => request.user?.role === 'admin';

  app.get('/temps-partage', { onRequest: signedIn }, async (request, reply) => {
    if (!isStaff(request)) return reply.redirect('/temps-partage/besoins', 303);
    const tr = t(request);
    const view = await service.overview(context(request), request.user!);
    const needsById = new Map(view.needs.map((n) => [n.id, n]));
    const byStatus = (status: string) => view.counts.filter((n) => n.status === status).length;
    const stats = view.state?.stats as { consolidatedMinutes?: number; method?: string; ms?: number } | null | undefined;
    return reply.page('pages/shared-time/overview', {
      meta: { title: tr('sharedTime.overview.title'), noindex: true },
      section: 'overview',
      notice: info(request),
      computing: Boolean(view.state && view.state.computed_version < view.state.needs_version),
      computedAt: view.state?.computed_at,
      counts: { draft: byStatus('draft'), validated: byStatus('validated'), combined: byStatus('combined'), staffed: byStatus('staffed') },
      unmatched: ((view.state?.unmatched as Unmatched[] | null) ?? []).length,
      consolidated: stats?.consolidatedMinutes !== undefined ? `${Math.round(stats.consolidatedMinutes / 60)} h` : undefined,
      method: stats?.method ? tr(`sharedTime.method.${stats.method}`) : undefined,
      proposals: view.proposals.map((p) => proposalSummary(p, needsById, tr)),
      rejected: view.rejected.map((p) => proposalSummary(p, needsById, tr)),
      calls: view.calls,
      csrfToken: reply.csrfToken(),
    });
  });

  app.post('/temps-partage/recalculer', { onRequest: signedIn, schema: { body: CsrfOnlyBody } }, async (request, reply) => {
    await service.requestRecompute(context(request), request.user!);
    return reply.redirect('/temps-partage?info=recalcul', 303);
  });

  // Needs

  app.get('/temps-partage/besoins', { onRequest: signedIn, schema: { querystring: NeedsQuery } }, async (request, reply) => {
    const tr = t(request);
    const q = request.query;
    const filter: service.NeedListFilter = {
      status: q.statut || undefined,
      rome: q.metier?.trim() || undefined,
      season: q.saison || undefined,
      commune: q.commune?.trim() || undefined,
      radiusKm: q.rayon ? Number(q.rayon) : undefined,
    };
    let filterErrors: Record<string, string> = {};
    let list: Awaited<ReturnType<typeof service.listNeeds>>;
    try {
      list = await service.listNeeds(context(request), request.user!, filter);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'VALIDATION_FAILED') throw error;
      filterErrors = error.fields;
      list = await service.listNeeds(context(request), request.user!, { ...filter, commune: undefined });
    }
    const staff = list.viewer.kind === 'staff';
    return reply.code(Object.keys(filterErrors).length > 0 ? 400 : 200).page('pages/shared-time/needs', {
      meta: { title: tr(staff ? 'sharedTime.needs.title' : 'sharedTime.needs.ownTitle'), noindex: true },
      section: 'needs',
      staff,
      notice: info(request),
      query: { statut: q.statut ?? '', metier: q.metier ?? '', saison: q.saison ?? '', commune: q.commune ?? '', rayon: q.rayon ?? '30' },
      filterErrors,
      statuses: NEED_STATUSES.map((s) => ({ value: s, label: tr(`sharedTime.status.${s}`), selected: s === (q.statut as string | undefined) })),
      seasons: NEED_SEASONS.map((s) => ({ value: s, label: tr(`sharedTime.season.${s}`), selected: s === (q.saison as string | undefined) })),
      radii: ['10', '20', '30', '45', '60'].map((r) => ({ value: r, selected: r === (q.rayon || '30') })),
      strip: heatStrip(list.months, tr),
      needs: list.rows.map((row) => needSummary(row, tr)),
    });
  });

  async function needFormPage(request: FastifyRequest, reply: FastifyReply, state: { values: Record<string, unknown>; errors?: Record<string, string>; status?: number; need?: NeedRow; fits?: boolean }) {
    const tr = t(request);
    const companies = await service.companiesForNeeds(context(request), request.user!);
    return reply.form({
      values: state.values,
      errors: state.errors,
      status: state.status,
      data: {
        companies,
        chooseCompany: request.user!.role === 'admin' || companies.length > 1,
        grid: formGrid().map((period) => ({
          ...period,
          legend: tr('sharedTime.form.period', { number: period.number }),
          caption: tr('sharedTime.form.weekCaption', { number: period.number }),
          days: period.days.map((day) => ({
            ...day,
            name: tr(`sharedTime.day.${day.day}`),
            slots: day.slots.map((slot) => ({
              ...slot,
              startLabel: tr('sharedTime.form.cellStart', { day: tr(`sharedTime.day.${day.day}`), slot: slot.number, period: period.number }),
              endLabel: tr('sharedTime.form.cellEnd', { day: tr(`sharedTime.day.${day.day}`), slot: slot.number, period: period.number }),
              siteLabel: tr('sharedTime.form.cellSite', { day: tr(`sharedTime.day.${day.day}`), slot: slot.number, period: period.number }),
            })),
          })),
        })),
        siteChoices: Array.from({ length: FORM_SITES }, (_, i) => ({ value: String(i + 1), label: tr('sharedTime.form.siteNumber', { number: i + 1 }) })),
        sites: Array.from({ length: FORM_SITES }, (_, i) => ({ legend: tr('sharedTime.form.siteNumber', { number: i + 1 }), insee: `site${i + 1}_insee`, label: `site${i + 1}_label` })),
        licences: LICENCES.map((l) => ({ name: `licence_${l.code}`, regulated: l.regulated })),
        need: state.need ? { id: state.need.id, url: needPath(state.need.id), status: tr(`sharedTime.status.${state.need.status}`) } : undefined,
        tooBig: state.fits === false,
      },
    });
  }

  /** A refused post shows the form again with the companies list (the generic form error page has no data). */
  async function withFormErrors(request: FastifyRequest, reply: FastifyReply, fieldOf: (path: string) => string, work: () => Promise<FastifyReply>, need?: NeedRow) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'VALIDATION_FAILED') throw error;
      const errors = Object.fromEntries(Object.entries(error.fields).map(([path, text]) => [fieldOf(path), t(request)(text)]));
      return needFormPage(request, reply, { values: request.body as Record<string, unknown>, errors, status: 422, need });
    }
  }

  app.get('/temps-partage/besoins/nouveau', { onRequest: signedIn, config: { form: newNeedForm } }, async (request, reply) => {
    const today = tenantToday(request.tenant);
    return needFormPage(request, reply, { values: { p1_from: '01/01', p1_to: '31/12', start_date: today, min_commitment_months: '12', short_contracts_replaced: '0' } });
  });

  app.post('/temps-partage/besoins/nouveau', { onRequest: signedIn, config: { form: newNeedForm }, schema: { body: NeedFormBody } }, async (request, reply) => {
    const { input, fieldOf, companyId } = formInput(request.body as Record<string, string>);
    return withFormErrors(request, reply, fieldOf, async () => {
      const need = await service.createNeed(context(request), request.user!, input, companyId);
      return reply.redirect(`${needPath(need.id)}?info=besoin-cree`, 303);
    });
  });

  app.get('/temps-partage/besoins/:id', { onRequest: signedIn, schema: { params: IdParams } }, async (request, reply) => {
    const tr = t(request);
    const view = await service.getNeed(context(request), request.user!, request.params.id);
    const staff = view.viewer.kind === 'staff';
    const actor = staff ? 'staff' : 'member';
    const actions = Object.entries(NEED_ACTION_PATHS)
      .filter(([, action]) => NEED_TRANSITIONS[action].from.includes(view.need.status) && NEED_TRANSITIONS[action].by.includes(actor))
      .map(([path, action]) => ({ path, label: tr(`sharedTime.needAction.${action}`), primary: action === 'validate' }));
    return reply.page('pages/shared-time/need', {
      meta: { title: view.need.title, noindex: true },
      section: 'needs',
      staff,
      notice: info(request),
      need: needDetail(view.need, tr),
      editable: EDITABLE_NEED_STATUSES.includes(view.need.status),
      actions,
      proposal: view.proposal && staff ? { url: proposalPath(view.proposal.id), status: tr(`sharedTime.proposalStatus.${view.proposal.status}`) } : undefined,
      unmatched: staff ? unmatchedView(view.unmatched, view.neighbours, tr) : undefined,
      computing: !view.upToDate,
      csrfToken: reply.csrfToken(),
    });
  });

  app.get('/temps-partage/besoins/:id/modifier', { onRequest: signedIn, config: { form: editNeedForm }, schema: { params: IdParams } }, async (request, reply) => {
    const view = await service.getNeed(context(request), request.user!, request.params.id);
    if (!EDITABLE_NEED_STATUSES.includes(view.need.status)) throw new AppError('NEED_NOT_EDITABLE', 409);
    const { values, fits } = formValues(view.need);
    return needFormPage(request, reply, { values, need: view.need, fits });
  });

  app.post('/temps-partage/besoins/:id/modifier', { onRequest: signedIn, config: { form: editNeedForm }, schema: { params: IdParams, body: NeedFormBody } }, async (request, reply) => {
    const { input, fieldOf } = formInput(request.body as Record<string, string>);
    const current = await service.getNeed(context(request), request.user!, request.params.id);
    if (!formValues(current.need).fits) throw new AppError('NEED_TOO_BIG_FOR_FORM', 409);
    return withFormErrors(
      request,
      reply,
      fieldOf,
      async () => {
        await service.updateNeed(context(request), request.user!, request.params.id, input);
        return reply.redirect(`${needPath(request.params.id)}?info=besoin-modifie`, 303);
      },
      current.need,
    );
  });

  app.post('/temps-partage/besoins/:id/:action', { onRequest: signedIn, schema: { params: ActionParams, body: CsrfOnlyBody } }, async (request, reply) => {
    const action = NEED_ACTION_PATHS[request.params.action];
    if (!action) throw notFound();
    await service.changeNeedStatus(context(request), request.user!, request.params.id, action);
    return reply.redirect(`${needPath(request.params.id)}?info=${request.params.action}`, 303);
  });

  // Combinations

  app.get('/temps-partage/propositions/:id', { onRequest: signedIn, schema: { params: IdParams } }, async (request, reply) => {
    const tr = t(request);
    const ctx = context(request);
    const settings = service.sharedTimeSettings(request.tenant);
    const view = await service.getProposal(ctx, request.user!, request.params.id);
    const combination = view.proposal.result as Combination | null;
    const summary = proposalSummary(view.proposal, new Map(view.needs.map((n) => [n.id, n])), tr);
    const status = view.proposal.status;
    return reply.page('pages/shared-time/proposal', {
      meta: { title: tr('sharedTime.proposal.title', { title: summary.title }), noindex: true },
      section: 'overview',
      notice: info(request),
      proposal: summary,
      needs: view.needs.map((n) => needSummary(n, tr)),
      combination: combination
        ? {
            annual: `${Math.round(combination.annualMinutes / 60)} h`,
            travel: `${Math.round(combination.travelMinutes / 60)} h`,
            employers: combination.employers.length,
            licences: combination.licences.map((l) => tr(`sharedTime.licence.${l}`)),
            legend: legend(combination),
            timetables: timetables(view.needs, combination, settings, tr),
            profile: profile(combination, settings, tr),
            costs: costs(combination, settings),
            terms: terms(combination, tr),
            checks: checks(combination, settings, tr),
            gap: combination.gap ? gapSummary(combination, tr) : undefined,
          }
        : undefined,
      can: {
        pin: status === 'proposed',
        unpin: status === 'pinned',
        reject: status === 'proposed' || status === 'pinned',
        restore: status === 'rejected',
        draft: (status === 'proposed' || status === 'pinned') && !view.proposal.broken,
        publish: status === 'drafted' && view.offer?.status === 'draft',
        release: status === 'drafted' && (!view.offer || ['draft', 'archived'].includes(view.offer.status)),
        gap: Boolean(combination?.gap) && status !== 'rejected' && !view.call,
      },
      groups: view.groups,
      offer: view.offer ? { ...view.offer, statusLabel: tr(`offerStatus.${view.offer.status}`), editUrl: `/compte/offres/${view.offer.id}/modifier`, publicUrl: view.offer.status === 'published' ? `/offres/${view.offer.id}` : undefined } : undefined,
      call: view.call ? { url: `/temps-partage/appels/${view.call.id}` } : undefined,
      csrfToken: reply.csrfToken(),
    });
  });

  app.post('/temps-partage/propositions/:id/offre', { onRequest: signedIn, schema: { params: IdParams, body: DraftOfferBody } }, async (request, reply) => {
    await service.draftOffer(context(request), request.user!, request.params.id, request.body.company_id);
    return reply.redirect(`${proposalPath(request.params.id)}?info=offre`, 303);
  });

  app.post('/temps-partage/propositions/:id/:action', { onRequest: signedIn, schema: { params: ActionParams, body: CsrfOnlyBody } }, async (request, reply) => {
    const action = PROPOSAL_ACTION_PATHS[request.params.action];
    if (!action) throw notFound();
    const ctx = context(request);
    const user = request.user!;
    const id = request.params.id;
    if (action === 'release') await service.releaseProposal(ctx, user, id);
    else if (action === 'publish') await service.publishDraftedOffer(ctx, user, id);
    else if (action === 'gap') await service.publishGapCall(ctx, user, id);
    else await service.decideProposal(ctx, user, id, action);
    const back = action === 'release' || action === 'restore' ? '/temps-partage' : proposalPath(id);
    return reply.redirect(`${back}?info=${request.params.action}`, 303);
  });

  // Suggestions from the board's part-time and seasonal offers

  app.get('/temps-partage/suggestions', { onRequest: signedIn }, async (request, reply) => {
    const tr = t(request);
    const offers = await service.suggestions(context(request), request.user!);
    return reply.page('pages/shared-time/suggestions', {
      meta: { title: tr('sharedTime.suggestions.title'), noindex: true },
      section: 'suggestions',
      offers: offers.map((o) => ({ ...o, contractLabel: tr(`contract.${o.contract}`), workingTimeLabel: tr(`workingTime.${o.working_time}`), url: `/offres/${o.id}` })),
      csrfToken: reply.csrfToken(),
    });
  });

  app.post('/temps-partage/suggestions/:id', { onRequest: signedIn, schema: { params: IdParams, body: CsrfOnlyBody } }, async (request, reply) => {
    const need = await service.needFromOffer(context(request), request.user!, request.params.id, tenantToday(request.tenant));
    return reply.redirect(`${needPath(need.id)}/modifier?info=suggestion`, 303);
  });

  // Member companies: public bodies, the groupement, competitors

  app.get('/temps-partage/membres', { onRequest: signedIn }, async (request, reply) => {
    const tr = t(request);
    const rows = await service.membersOverview(context(request), request.user!);
    const names = new Map(rows.map((r) => [r.id, r.name]));
    return reply.page('pages/shared-time/members', {
      meta: { title: tr('sharedTime.members.title'), noindex: true },
      section: 'members',
      notice: info(request),
      members: rows.map((r) => ({ ...r, url: `/temps-partage/membres/${r.id}`, competitors: (r.competitor_ids ?? []).map((id) => names.get(id)).filter(Boolean).join(', ') })),
    });
  });

  async function memberPage(request: FastifyRequest, reply: FastifyReply, companyId: string | undefined) {
    const tr = t(request);
    const view = await service.memberSettings(context(request), request.user!, companyId);
    const marked = new Set(view.company.competitor_ids ?? []);
    return reply.page('pages/shared-time/member', {
      meta: { title: tr('sharedTime.member.title', { name: view.company.name }), noindex: true },
      section: 'members',
      staff: view.viewer.kind === 'staff',
      company: view.company,
      action: companyId ? `/temps-partage/membres/${companyId}` : '/temps-partage/entreprise',
      others: view.others.map((o) => ({ ...o, checked: marked.has(o.id) })),
      csrfToken: reply.csrfToken(),
    });
  }

  const saveMember = async (request: FastifyRequest, companyId: string) => {
    const body = request.body as typeof MemberFormBody.static;
    const competitors = body.competitor_ids === undefined ? [] : Array.isArray(body.competitor_ids) ? body.competitor_ids : [body.competitor_ids];
    await service.saveMemberSettings(context(request), request.user!, companyId, { competitorIds: competitors, publicBody: body.public_body === 'oui', employerGroup: body.employer_group === 'oui' });
  };

  app.get('/temps-partage/membres/:id', { onRequest: signedIn, schema: { params: IdParams } }, async (request, reply) => memberPage(request, reply, request.params.id));
  app.post('/temps-partage/membres/:id', { onRequest: signedIn, schema: { params: IdParams, body: MemberFormBody } }, async (request, reply) => {
    await saveMember(request, request.params.id);
    return reply.redirect(request.user!.role === 'admin' ? '/temps-partage/membres?info=membre' : '/temps-partage/besoins?info=membre', 303);
  });

  app.get('/temps-partage/entreprise', { onRequest: signedIn }, async (request, reply) => memberPage(request, reply, undefined));
  app.post('/temps-partage/entreprise', { onRequest: signedIn, schema: { body: MemberFormBody } }, async (request, reply) => {
    const view = await service.memberSettings(context(request), request.user!, undefined);
    await saveMember(request, view.company.id);
    return reply.redirect('/temps-partage/besoins?info=membre', 303);
  });

  // Gap calls: public on the board

  app.get('/temps-partage/appels', { onRequest: enabled }, async (request, reply) => {
    const tr = t(request);
    const calls = await service.publicGapCalls(app.db, request.tenant);
    return reply.page('pages/shared-time/calls', {
      meta: { title: tr('sharedTime.calls.title'), description: tr('sharedTime.calls.lead') },
      notice: info(request),
      calls: calls.map((c) => ({ ...c, url: `/temps-partage/appels/${c.id}` })),
    });
  });

  app.get('/temps-partage/appels/:id', { onRequest: enabled, schema: { params: IdParams } }, async (request, reply) => {
    const call = await service.publicGapCall(app.db, request.tenant, request.params.id);
    return reply.page('pages/shared-time/call', {
      meta: { title: call.title, description: call.summary },
      call,
      staff: isStaff(request),
      csrfToken: isStaff(request) ? reply.csrfToken() : undefined,
    });
  });

  app.post('/temps-partage/appels/:id/clore', { onRequest: signedIn, schema: { params: IdParams, body: CsrfOnlyBody } }, async (request, reply) => {
    await service.closeGapCall(context(request), request.user!, request.params.id);
    return reply.redirect('/temps-partage/appels?info=appel-clos', 303);
  });
}

import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SIGNED_LINK_PATTERN } from '../../mail/signed-links.js';
import { requireRole } from '../../plugins/auth.js';
import type { Theme } from '../../tenancy/theme.js';
import { tenantDate } from '../billing/standing.js';
import { answerByToken, FollowUpLinks, followUpByToken, personName } from './follow-ups.js';
import { DeclareFormBody, declareHireForm, formDeclaration, formFacts, formValues, hireForm, HireFormBody } from './forms.js';
import type { HireRow } from './repository.js';
import { declarationChoices, declareHire, hireForEditor, listHiresFor, updateHire, type HireContext } from './service.js';

type FollowUpSummary = { milestone: number; respondent: string; answer: string | null; status: string };

/** « 6 mois : oui · 12 mois : inconnu » from the employer's answers, else the person's. */
export function followUpSummary(theme: Theme, followUps: FollowUpSummary[]): string {
  return [6, 12]
    .map((milestone) => {
      const asked = followUps.filter((f) => f.milestone === milestone);
      if (asked.length === 0) return null;
      const answer = asked.find((f) => f.respondent === 'employer' && f.answer)?.answer ?? asked.find((f) => f.answer)?.answer ?? null;
      return theme.t('hires.followUp.summary', { milestone, answer: theme.t(`hires.answer.${answer ?? 'unknown'}`) });
    })
    .filter(Boolean)
    .join(' · ');
}

/** A hire as the lists show it: who, what contract, and what is still to complete. */
export function hireListItem(theme: Theme, hire: Omit<HireRow, 'created_at'> & { follow_ups: FollowUpSummary[] }) {
  return {
    ...hire,
    person: (hire.applicant_anonymised_at ? null : hire.applicant_name) ?? hire.person_label ?? theme.t('hires.person.unnamed'),
    contractLabel: hire.contract ? theme.t(`hireContract.${hire.contract}`) : theme.t('hires.notGiven'),
    natureLabel: hire.job_nature ? theme.t(`hireNature.${hire.job_nature}`) : theme.t('hires.nature.undeclared'),
    attributionLabel: theme.t(`attribution.${hire.attribution}`),
    toComplete: hire.contract === null || hire.job_nature === null,
    followUps: followUpSummary(theme, hire.follow_ups),
  };
}

const ListQuery = Type.Object(
  { entreprise: Type.Optional(Type.String({ format: 'uuid' })), page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })), info: Type.Optional(Type.String({ maxLength: 30 })) },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const TokenParams = Type.Object({ jeton: Type.String({ pattern: SIGNED_LINK_PATTERN }) });
const AnswerQuery = Type.Object({ reponse: Type.Optional(Type.Union([Type.Literal('oui'), Type.Literal('non')])) });
const AnswerBody = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 200 })), reponse: Type.Union([Type.Literal('oui'), Type.Literal('non')]) }, { additionalProperties: false });

/**
 * Hires: the company's list, the declaration of a hire made without an application, each hire's page
 * (facts, nature declaration, end, follow-up answers), the staff's list of every hire, and the
 * « toujours en poste ? » answer pages reached from the follow-up e-mails.
 */
export default async function hiresRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context = (request: FastifyRequest): HireContext => ({ db: app.db, tenant: request.tenant, now: app.clock() });
  const links = new FollowUpLinks(app.config.secrets.cookie);
  const companyOrStaff = requireRole('employer', 'admin');

  const listPage = async (request: FastifyRequest, staffView: boolean) => {
    const theme = app.theme(request.tenant);
    const query = request.query as Static<typeof ListQuery>;
    const page = query.page ?? 1;
    const { rows, more } = await listHiresFor(context(request), request.user!, { companyId: query.entreprise, page });
    const base = staffView ? '/admin/embauches' : '/compte/embauches';
    const at = (p: number) => `${base}?${new URLSearchParams({ ...(query.entreprise ? { entreprise: query.entreprise } : {}), page: String(p) })}`;
    return {
      meta: { title: theme.t(staffView ? 'hires.staff.title' : 'hires.list.title'), noindex: true },
      staffView,
      hires: rows.map((row) => hireListItem(theme, row)),
      declareHref: `/compte/embauches/declarer${query.entreprise ? `?entreprise=${query.entreprise}` : ''}`,
      notice: query.info ? theme.t(`hires.info.${query.info === 'declaree' ? 'declared' : 'saved'}`) : undefined,
      pagination: { current: page, count: more ? page + 1 : page, previous: page > 1 ? at(page - 1) : undefined, next: more ? at(page + 1) : undefined },
    };
  };

  app.get('/compte/embauches', { onRequest: companyOrStaff, schema: { querystring: ListQuery } }, async (request, reply) => reply.page('pages/hires/list', await listPage(request, false)));
  app.get('/admin/embauches', { onRequest: requireRole('admin'), schema: { querystring: ListQuery } }, async (request, reply) => reply.page('pages/hires/list', await listPage(request, true)));

  const EntrepriseQuery = Type.Object({ entreprise: Type.Optional(Type.String({ format: 'uuid' })), choisir: Type.Optional(Type.String({ maxLength: 5 })) });
  const declareData = async (request: FastifyRequest) => {
    const query = request.query as { entreprise?: string };
    const body = (request.body ?? {}) as { company_id?: string };
    const choices = await declarationChoices(context(request), request.user!, body.company_id ?? query.entreprise);
    return { ...choices, canChoose: choices.companies.length > 1 };
  };

  app.get(
    '/compte/embauches/declarer',
    { onRequest: companyOrStaff, config: { form: { ...declareHireForm, data: declareData } }, schema: { querystring: EntrepriseQuery } },
    async (request, reply) => {
      const choices = await declareData(request);
      return reply.form({ values: { company_id: choices.company?.id ?? '', attribution: 'declared_only', hired_on: tenantDate(request.tenant, app.clock()) } });
    },
  );

  app.post(
    '/compte/embauches/declarer',
    { onRequest: companyOrStaff, config: { form: { ...declareHireForm, data: declareData } }, schema: { body: DeclareFormBody } },
    async (request, reply) => {
      const { id } = await declareHire(context(request), request.user!, formDeclaration(request.body));
      return reply.redirect(`/compte/embauches/${id}?info=declaree`, 303);
    },
  );

  const hireData = async (request: FastifyRequest) => {
    const theme = app.theme(request.tenant);
    const { hire, followUps } = await hireForEditor(context(request), request.user!, (request.params as { id: string }).id);
    return {
      hire: hireListItem(theme, { ...hire, follow_ups: followUps }),
      followUps: followUps.map((f) => ({
        ...f,
        label: theme.t('hires.followUp.row', { milestone: f.milestone, respondent: theme.t(`hires.respondent.${f.respondent}`) }),
        answerLabel: theme.t(`hires.answer.${f.answer ?? 'unknown'}`),
        statusLabel: theme.t(`hires.followUp.status.${f.status}`),
      })),
      natureDeclaredBy: hire.nature_declared_by_name,
      applicationHref: hire.application_id ? `/compte/candidatures/${hire.application_id}` : undefined,
    };
  };

  // formData, not form.data: a refused request (403 to a job seeker) then answers with the plain error page.
  app.get('/compte/embauches/:id', { onRequest: companyOrStaff, config: { form: hireForm, formData: hireData }, schema: { params: IdParams, querystring: Type.Object({ info: Type.Optional(Type.String({ maxLength: 30 })) }) } }, async (request, reply) => {
    const { hire } = await hireForEditor(context(request), request.user!, request.params.id);
    const info = request.query.info;
    const notice = info ? app.theme(request.tenant).t(`hires.info.${info === 'declaree' ? 'declared' : info === 'a-completer' ? 'toComplete' : 'saved'}`) : undefined;
    return reply.form({ values: formValues(hire), data: { ...(await hireData(request)), notice } });
  });

  app.post('/compte/embauches/:id', { onRequest: companyOrStaff, config: { form: hireForm, formData: hireData }, schema: { params: IdParams, body: HireFormBody } }, async (request, reply) => {
    await updateHire(context(request), request.user!, request.params.id, formFacts(request.body));
    return reply.redirect(`/compte/embauches/${request.params.id}?info=enregistree`, 303);
  });

  // The follow-up e-mail's links: the question, then one button records the answer (a GET never
  // does: mail scanners open every link of a message).
  const questionPage = async (request: FastifyRequest, token: string, chosen?: string, saved = false) => {
    const theme = app.theme(request.tenant);
    const question = await followUpByToken(app.db, request.tenant, links, token);
    return {
      meta: { title: theme.t('hires.answerPage.title'), noindex: true },
      question: {
        ...question,
        person: personName(question, theme.t('hires.person.unnamed')),
        forPerson: question.respondent === 'person',
        answerLabel: question.answer ? theme.t(`hires.answer.${question.answer}`) : undefined,
      },
      chosen,
      saved,
      action: `/suivi/${token}`,
    };
  };

  app.get('/suivi/:jeton', { schema: { params: TokenParams, querystring: AnswerQuery } }, async (request, reply) => {
    const data = await questionPage(request, request.params.jeton, request.query.reponse);
    return reply.page('pages/hires/follow-up', { ...data, csrfToken: reply.csrfToken() });
  });

  app.post('/suivi/:jeton', { schema: { params: TokenParams, body: AnswerBody } }, async (request, reply) => {
    await answerByToken(app.db, request.tenant, links, request.params.jeton, request.body.reponse === 'oui' ? 'yes' : 'no', app.clock());
    const data = await questionPage(request, request.params.jeton, request.body.reponse, true);
    return reply.page('pages/hires/follow-up', { ...data, csrfToken: reply.csrfToken() });
  });
}

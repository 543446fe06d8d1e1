import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { requireRole } from '../../plugins/auth.js';
import { requestContext } from '../../request-context.js';
import { onlyWithFeature } from '../../tenancy/feature-gate.js';
import { instantAt, localTime } from '../../youth/age.js';
import { sendDownload } from '../applications/cv-file.js';
import {
  addFollowUp,
  addPrivateNote,
  caseloadPage,
  counsellorsList,
  createCounsellor,
  delegate,
  endAccompaniment,
  inviteYoungPerson,
  setNextAppointment,
  suggestOffer,
  takeRequest,
  validateCv,
  youngPersonCv,
  youngPersonFile,
} from './counsellor-service.js';
import {
  AppointmentBody,
  appointmentForm,
  ColleagueBody,
  colleagueForm,
  CreateCounsellorBody,
  createCounsellorForm,
  FollowUpBody,
  followUpForm,
  InviteYoungBody,
  inviteYoungForm,
  offerIdFrom,
  PrivateNoteBody,
  privateNoteForm,
  RecommendBody,
  recommendForm,
  SuggestOfferBody,
  suggestOfferForm,
} from './forms.js';
import { recommendYoungPerson } from './recommendations.js';

const Csrf = Type.Optional(Type.String({ maxLength: 200 }));
const CsrfOnly = Type.Object({ _csrf: Csrf });
const YoungParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ColleagueParams = Type.Object({ id: Type.String({ format: 'uuid' }), colleague: Type.String({ format: 'uuid' }) });

const INFO: Record<string, string> = {
  invite: 'counsellor.info.invited',
  suivi: 'counsellor.info.started',
  pris: 'counsellor.info.taken',
  evenement: 'counsellor.info.followUp',
  note: 'counsellor.info.note',
  'rendez-vous': 'counsellor.info.appointment',
  collegue: 'counsellor.info.colleague',
  'cv-valide': 'counsellor.info.cvValidated',
  offre: 'counsellor.info.suggested',
  recommande: 'counsellor.info.recommended',
  'recommandation-en-attente': 'counsellor.info.recommendationAwaiting',
  fin: 'counsellor.info.ended',
  cree: 'counsellor.admin.created',
};

/** A refused offer reference is a field error of the form, like any other. */
function offerId(reference: string): string {
  const id = offerIdFrom(reference);
  if (!id) throw new AppError('VALIDATION_FAILED', 422, { offer: 'fields.offer.unknown' });
  return id;
}

/**
 * The counsellor space (/conseiller, role counsellor): caseload and requests, invitations, one page
 * per young person followed with its actions (each form on its own page, re-shown with the typed
 * values when refused), and the tenant admin's counsellor accounts (/admin/conseillers).
 */
export default async function counsellorRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  onlyWithFeature(fastify, 'messaging');
  const ctx = (request: FastifyRequest) => requestContext(app, request);
  const counsellor = requireRole('counsellor');
  const t = (request: FastifyRequest) => app.theme(request.tenant);
  const youngId = (request: FastifyRequest) => (request.params as { id: string }).id;
  /** The young person's page data, for the action pages (their name, their colleagues…). */
  const fileOf = (request: FastifyRequest) => youngPersonFile(ctx(request), request.user!, youngId(request));
  const formData = async (request: FastifyRequest) => ({ file: await fileOf(request) });

  app.get('/conseiller', { onRequest: counsellor }, async (request, reply) => {
    const theme = t(request);
    const info = INFO[String((request.query as { info?: unknown }).info)];
    return reply.page('pages/accompaniment/caseload', {
      meta: { title: theme.t('counsellor.title'), noindex: true },
      ...(await caseloadPage(ctx(request), request.user!)),
      notice: info ? theme.t(info) : undefined,
      csrfToken: reply.csrfToken(),
    });
  });

  app.post('/conseiller/demandes/:id/prendre', { onRequest: counsellor, schema: { params: YoungParams, body: CsrfOnly } }, async (request, reply) => {
    await takeRequest(ctx(request), request.user!, request.params.id);
    return reply.redirect(`/conseiller/jeunes/${request.params.id}?info=pris`, 303);
  });

  app.get('/conseiller/inviter', { onRequest: counsellor, config: { form: inviteYoungForm } }, async (_request, reply) => reply.form({ values: { channel: 'app' } }));

  app.post('/conseiller/inviter', { onRequest: counsellor, config: { form: inviteYoungForm }, schema: { body: InviteYoungBody } }, async (request, reply) => {
    const outcome = await inviteYoungPerson(ctx(request), request.user!, request.body);
    return reply.redirect(`/conseiller?info=${outcome === 'invited' ? 'invite' : 'suivi'}`, 303);
  });

  app.get('/conseiller/jeunes/:id', { onRequest: counsellor, schema: { params: YoungParams } }, async (request, reply) => {
    const theme = t(request);
    const file = await fileOf(request);
    const info = INFO[String((request.query as { info?: unknown }).info)];
    return reply.page('pages/accompaniment/young-person', {
      meta: { title: file.person.display_name, noindex: true },
      ...file,
      applications: file.applications.map((a) => ({
        ...a,
        statusLabel: theme.t(`applicationStatus.${a.status}`),
        refusalLabel: a.refusal_reason ? theme.t(`refusalReason.${a.refusal_reason}`) : undefined,
      })),
      recommendations: file.recommendations.map((r) => ({ ...r, statusLabel: theme.t(`recommendationStatus.${r.status}`) })),
      followUps: file.followUps.map((f) => ({ ...f, kindLabel: theme.t(`followUpKind.${f.kind}`) })),
      consentLabel: file.accompaniment.consent_channel ? theme.t(`consentChannel.${file.accompaniment.consent_channel}`) : undefined,
      notice: info ? theme.t(info) : undefined,
      csrfToken: reply.csrfToken(),
    });
  });

  app.get('/conseiller/jeunes/:id/cv', { onRequest: counsellor, schema: { params: YoungParams } }, async (request, reply) =>
    sendDownload(reply, await youngPersonCv(ctx(request), request.user!, request.params.id)),
  );

  app.post('/conseiller/jeunes/:id/cv/valider', { onRequest: counsellor, schema: { params: YoungParams, body: CsrfOnly } }, async (request, reply) => {
    await validateCv(ctx(request), request.user!, request.params.id);
    return reply.redirect(`/conseiller/jeunes/${request.params.id}?info=cv-valide#cv`, 303);
  });

  app.post('/conseiller/jeunes/:id/fin', { onRequest: counsellor, schema: { params: YoungParams, body: CsrfOnly } }, async (request, reply) => {
    await endAccompaniment(ctx(request), request.user!, request.params.id);
    return reply.redirect('/conseiller?info=fin', 303);
  });

  // Action pages: GET shows the form with the young person's name; a refused POST shows it again.

  const actionPage = (form: typeof followUpForm) => ({ onRequest: counsellor, config: { form, formData }, schema: { params: YoungParams } });
  const done = (request: FastifyRequest, info: string, anchor: string) => `/conseiller/jeunes/${youngId(request)}?info=${info}#${anchor}`;

  app.get('/conseiller/jeunes/:id/suivi', actionPage(followUpForm), async (request, reply) =>
    reply.form({ values: { happened_on: new Date().toISOString().slice(0, 10) }, data: await formData(request) }),
  );
  app.post('/conseiller/jeunes/:id/suivi', { ...actionPage(followUpForm), schema: { params: YoungParams, body: FollowUpBody } }, async (request, reply) => {
    await addFollowUp(ctx(request), request.user!, request.params.id, { kind: request.body.kind, happenedOn: request.body.happened_on, note: request.body.note || null });
    return reply.redirect(done(request, 'evenement', 'suivi'), 303);
  });

  app.get('/conseiller/jeunes/:id/note', actionPage(privateNoteForm), async (request, reply) => reply.form({ data: await formData(request) }));
  app.post('/conseiller/jeunes/:id/note', { ...actionPage(privateNoteForm), schema: { params: YoungParams, body: PrivateNoteBody } }, async (request, reply) => {
    await addPrivateNote(ctx(request), request.user!, request.params.id, request.body.body);
    return reply.redirect(done(request, 'note', 'notes'), 303);
  });

  app.get('/conseiller/jeunes/:id/rendez-vous', actionPage(appointmentForm), async (request, reply) => {
    const data = await formData(request);
    const at = data.file.accompaniment.next_appointment_at;
    const local = at ? localTime(at, request.tenant.config.timezone) : undefined;
    const pad = (n: number) => String(n).padStart(2, '0');
    const value = local ? `${local.year}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}` : '';
    return reply.form({ values: { at: value, place: data.file.accompaniment.next_appointment_place ?? '' }, data });
  });
  app.post('/conseiller/jeunes/:id/rendez-vous', { ...actionPage(appointmentForm), schema: { params: YoungParams, body: AppointmentBody } }, async (request, reply) => {
    const typed = request.body.at ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(request.body.at) : null;
    // The counsellor types the tenant's wall-clock time.
    const at = typed ? instantAt({ year: +typed[1], month: +typed[2], day: +typed[3] }, +typed[4], request.tenant.config.timezone, +typed[5]) : null;
    await setNextAppointment(ctx(request), request.user!, request.params.id, at, at ? request.body.place || null : null);
    return reply.redirect(done(request, 'rendez-vous', 'rendez-vous'), 303);
  });

  app.get('/conseiller/jeunes/:id/collegues', actionPage(colleagueForm), async (request, reply) => reply.form({ data: await formData(request) }));
  app.post('/conseiller/jeunes/:id/collegues', { ...actionPage(colleagueForm), schema: { params: YoungParams, body: ColleagueBody } }, async (request, reply) => {
    await delegate(ctx(request), request.user!, request.params.id, request.body.colleague, true);
    return reply.redirect(done(request, 'collegue', 'collegues'), 303);
  });
  app.post('/conseiller/jeunes/:id/collegues/:colleague/retirer', { onRequest: counsellor, schema: { params: ColleagueParams, body: CsrfOnly } }, async (request, reply) => {
    await delegate(ctx(request), request.user!, request.params.id, request.params.colleague, false);
    return reply.redirect(done(request, 'collegue', 'collegues'), 303);
  });

  app.get('/conseiller/jeunes/:id/proposer-offre', actionPage(suggestOfferForm), async (request, reply) =>
    reply.form({ values: { offer: (request.query as { offre?: string }).offre ?? '' }, data: await formData(request) }),
  );
  app.post('/conseiller/jeunes/:id/proposer-offre', { ...actionPage(suggestOfferForm), schema: { params: YoungParams, body: SuggestOfferBody } }, async (request, reply) => {
    await suggestOffer(ctx(request), request.user!, request.params.id, { offerId: offerId(request.body.offer), note: request.body.note || null });
    return reply.redirect(done(request, 'offre', 'offres-proposees'), 303);
  });

  app.get('/conseiller/jeunes/:id/recommander', actionPage(recommendForm), async (request, reply) =>
    reply.form({ values: { offer: (request.query as { offre?: string }).offre ?? '', channel: 'app' }, data: await formData(request) }),
  );
  app.post('/conseiller/jeunes/:id/recommander', { ...actionPage(recommendForm), schema: { params: YoungParams, body: RecommendBody } }, async (request, reply) => {
    const outcome = await recommendYoungPerson(ctx(request), request.user!, request.params.id, {
      offerId: offerId(request.body.offer),
      noteForEmployer: request.body.note_for_employer || null,
      privateNote: request.body.private_note || null,
      channel: request.body.channel,
    });
    return reply.redirect(done(request, outcome.status === 'sent' ? 'recommande' : 'recommandation-en-attente', 'recommandations'), 303);
  });

  // The tenant admin creates counsellor accounts (the audit log records it).
  const admin = requireRole('admin');

  app.get('/admin/conseillers', { onRequest: admin }, async (request, reply) => {
    const theme = t(request);
    const info = INFO[String((request.query as { info?: unknown }).info)];
    return reply.page('pages/accompaniment/admin-counsellors', {
      meta: { title: theme.t('counsellor.admin.title'), noindex: true },
      section: 'counsellors',
      counsellors: await counsellorsList(ctx(request)),
      notice: info ? theme.t(info) : undefined,
    });
  });

  app.get('/admin/conseillers/nouveau', { onRequest: admin, config: { form: createCounsellorForm } }, async (_request, reply) => reply.form());

  app.post('/admin/conseillers/nouveau', { onRequest: admin, config: { form: createCounsellorForm }, schema: { body: CreateCounsellorBody } }, async (request, reply) => {
    await createCounsellor(ctx(request), request.user!, { displayName: request.body.display_name, email: request.body.email });
    return reply.redirect('/admin/conseillers?info=cree', 303);
  });
}

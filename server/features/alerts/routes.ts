import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ALERT_FREQUENCIES } from '../../db/database.js';
import { perEmail, perIp, type LimitRule } from '../../plugins/rate-limit.js';
import { origin } from '../../plugins/view.js';
import { SearchPageQuery } from '../search/schemas.js';
import { alertForm, SEARCH_FIELDS } from './forms.js';
import { alertLabel, confirmAlert, createAlert, storedSearch, unsubscribe, type AlertContext } from './service.js';

const alertPerIp: LimitRule = { name: 'alert/ip', max: 20, windowMs: 60 * 60_000, key: perIp };
const alertPerEmail: LimitRule = { name: 'alert/email', max: 5, windowMs: 60 * 60_000, key: perEmail };

const AlertBody = Type.Object({
  _csrf: Type.Optional(Type.String()),
  email: Type.String({ format: 'email', maxLength: 254 }),
  frequency: Type.Union(ALERT_FREQUENCIES.map((f) => Type.Literal(f))),
  ...SearchPageQuery.properties,
  rayon: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 200 }), Type.Literal('')])),
});
const TokenQuery = Type.Object({ jeton: Type.Optional(Type.String({ maxLength: 100 })) });

/** Drops empty search parameters (a GET form sends `secteur=`). */
function searchParams(source: Record<string, unknown>): SearchPageQuery {
  const params: Record<string, unknown> = {};
  for (const key of SEARCH_FIELDS) if (source[key] !== undefined && source[key] !== '') params[key] = source[key];
  return params as SearchPageQuery;
}

/** E-mail alerts: save a search, confirm (double opt-in), one-click unsubscribe (RFC 8058). */
export default async function alertsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context = (request: FastifyRequest): AlertContext => ({
    db: app.db,
    tenant: request.tenant,
    mail: app.mail,
    search: app.offerSearch,
    tokens: app.alertTokens,
    origin: origin(request),
  });
  const theme = (request: FastifyRequest) => app.theme(request.tenant);

  app.get('/alertes/nouvelle', { config: { form: alertForm } }, async (request, reply) => {
    const params = searchParams(request.query as Record<string, unknown>);
    const t = theme(request);
    return reply.form({
      values: { ...params, email: request.user?.email ?? '', frequency: 'weekly' },
      data: { label: alertLabel(request.tenant, params, (k) => t.t(k)) },
    });
  });

  app.post(
    '/alertes/nouvelle',
    { config: { form: alertForm }, schema: { body: AlertBody }, preHandler: app.limit([alertPerIp, alertPerEmail]) },
    async (request, reply) => {
      const params = searchParams(request.body as Record<string, unknown>);
      const t = theme(request);
      const search = await storedSearch(app.offerSearch, request.tenant, params, origin(request));
      const label = alertLabel(request.tenant, params, (k) => t.t(k));
      const { confirmed } = await createAlert(context(request), request.user, { email: request.body.email, frequency: request.body.frequency, search, label });
      return reply.redirect(`/alertes/creee?etat=${confirmed ? 'active' : 'a-confirmer'}`, 303);
    },
  );

  app.get('/alertes/creee', async (request, reply) => {
    const t = theme(request);
    const pending = (request.query as { etat?: string }).etat !== 'active';
    return reply.page('pages/alerts/message', {
      meta: { title: t.t('alerts.created.title'), noindex: true },
      heading: t.t('alerts.created.title'),
      lead: t.t(pending ? 'alerts.created.checkMail' : 'alerts.created.active'),
    });
  });

  app.get('/alertes/confirmer', { schema: { querystring: TokenQuery } }, async (request, reply) => {
    const t = theme(request);
    const ok = await confirmAlert(context(request), request.query.jeton);
    return reply.code(ok ? 200 : 400).page('pages/alerts/message', {
      meta: { title: t.t(ok ? 'alerts.confirmed.title' : 'alerts.linkInvalid'), noindex: true },
      heading: t.t(ok ? 'alerts.confirmed.title' : 'alerts.linkInvalid'),
      lead: ok ? t.t('alerts.confirmed.lead') : undefined,
    });
  });

  // The link in the e-mail body: a page with one button (a GET never unsubscribes: link scanners follow links).
  app.get('/alertes/desabonnement', { schema: { querystring: TokenQuery } }, async (request, reply) => {
    const t = theme(request);
    const valid = app.alertTokens.verify(request.tenant.id, request.query.jeton, 'unsubscribe') !== undefined;
    return reply.code(valid ? 200 : 400).page('pages/alerts/unsubscribe', {
      meta: { title: t.t('alerts.unsubscribe.title'), noindex: true },
      token: valid ? request.query.jeton : undefined,
    });
  });

  // RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` without cookies; the signed
  // token in the URL is the authentication, hence no CSRF token (a forged POST can only unsubscribe).
  app.post('/alertes/desabonnement', { config: { csrf: false }, schema: { querystring: TokenQuery } }, async (request, reply) => {
    const t = theme(request);
    const done = await unsubscribe(context(request), request.query.jeton);
    return reply.code(done ? 200 : 400).page('pages/alerts/message', {
      meta: { title: t.t(done ? 'alerts.unsubscribed.title' : 'alerts.linkInvalid'), noindex: true },
      heading: t.t(done ? 'alerts.unsubscribed.title' : 'alerts.linkInvalid'),
      lead: done ? t.t('alerts.unsubscribed.lead', { label: done.label }) : undefined,
    });
  });
}

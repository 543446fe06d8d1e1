import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { timeSeriesSvg } from '../../charts/svg.js';
import { APPLICATION_STATUSES } from '../../db/database.js';
import { frenchNumber, frenchPercent } from '../../number-format.js';
import { requireRole } from '../../plugins/auth.js';
import type { Theme } from '../../tenancy/theme.js';
import { ErrorResponse } from '../accounts/schemas.js';
import { companyStats, offerStats, type OfferStats, type StatsContext } from './service.js';

const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, ErrorResponse]));
const bearer = [{ bearerAuth: [] }];

/** « moins d’un jour », « 3 jours »; « — » when there is nothing to measure. */
function delay(theme: Theme, days: number | null): string {
  if (days === null) return '—';
  return days < 1 ? theme.t('offerStats.lessThanADay') : theme.t('offerStats.days', { count: Math.round(days) });
}

function offerRow(theme: Theme, offer: OfferStats) {
  return {
    ...offer,
    statusLabel: theme.t(`offerStatus.${offer.status}`),
    viewsText: frenchNumber(offer.views),
    conversionText: offer.conversion === null ? '—' : frenchPercent(offer.conversion),
    delayText: delay(theme, offer.daysToFirstApplication),
    offPlatform: offer.apply_method !== 'platform',
    statuses: APPLICATION_STATUSES.filter((s) => (offer.by_status[s] ?? 0) > 0).map((s) => ({ label: theme.t(`applicationStatus.${s}`), count: offer.by_status[s] })),
  };
}

const StatsJson = Type.Object({
  id: Type.String(),
  title: Type.String(),
  status: Type.String(),
  published_at: Type.Union([Type.String(), Type.Null()]),
  views: Type.Integer(),
  applications: Type.Integer(),
  conversion: Type.Union([Type.Number(), Type.Null()], { description: 'Candidatures par vue' }),
  days_to_first_application: Type.Union([Type.Number(), Type.Null()]),
  hires: Type.Integer(),
  applications_by_status: Type.Record(Type.String(), Type.Integer()),
});
const statsJson = (offer: OfferStats) => ({
  id: offer.id,
  title: offer.title,
  status: offer.status,
  published_at: offer.published_at ? offer.published_at.toISOString() : null,
  views: offer.views,
  applications: offer.applications,
  conversion: offer.conversion,
  days_to_first_application: offer.daysToFirstApplication === null ? null : Math.round(offer.daysToFirstApplication * 10) / 10,
  hires: offer.hires,
  applications_by_status: offer.by_status as Record<string, number>,
});

/**
 * The employer's dashboard: how each offer does (views, applications, conversion, days to the first
 * application, each application's status) and the company's summary across its offers. For the
 * company's members and the staff; pages and API alike.
 */
export default async function offerStatsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context = (request: FastifyRequest): StatsContext => ({ db: app.db, tenant: request.tenant, now: app.clock() });
  const companyOrStaff = requireRole('employer', 'admin');

  app.get(
    '/compte/statistiques',
    { onRequest: companyOrStaff, schema: { querystring: Type.Object({ entreprise: Type.Optional(Type.String({ format: 'uuid' })) }, { additionalProperties: false }) } },
    async (request, reply) => {
      const theme = app.theme(request.tenant);
      const { company, offers, summary } = await companyStats(context(request), request.user!, request.query.entreprise);
      return reply.page('pages/offer-stats/company', {
        meta: { title: theme.t('offerStats.company.title'), noindex: true },
        company,
        offers: offers.map((o) => offerRow(theme, o)),
        summary: {
          ...summary,
          viewsText: frenchNumber(summary.views),
          conversionText: summary.conversion === null ? '—' : frenchPercent(summary.conversion),
          delayText: delay(theme, summary.medianDaysToFirstApplication),
          statuses: APPLICATION_STATUSES.map((s) => ({ label: theme.t(`applicationStatus.${s}`), count: summary.byStatus[s] })),
        },
        staffView: request.user!.role === 'admin',
      });
    },
  );

  app.get('/compte/offres/:id/statistiques', { onRequest: companyOrStaff, schema: { params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const stats = await offerStats(context(request), request.user!, request.params.id);
    const dayLabel = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}`;
    const title = theme.t('offerStats.chart.title', { count: stats.daily.length });
    const total = stats.daily.reduce((sum, d) => sum + d.views, 0);
    return reply.page('pages/offer-stats/offer', {
      meta: { title: theme.t('offerStats.offer.title', { title: stats.offer?.title ?? '' }), noindex: true },
      company: stats.company,
      offer: stats.offer && offerRow(theme, stats.offer),
      offerId: request.params.id,
      daily: stats.daily.map((d) => ({ ...d, label: dayLabel(d.day) })),
      chart: timeSeriesSvg(
        { id: 'vues', title, description: theme.t('offerStats.chart.description', { count: total }), format: (v) => frenchNumber(v) },
        stats.daily.map((d) => dayLabel(d.day)),
        [{ label: theme.t('offerStats.views'), values: stats.daily.map((d) => d.views) }],
        { columns: true, tickEvery: 5 },
      ),
      applications: stats.applications.map((a) => ({
        ...a,
        name: a.anonymised_at ? theme.t('offerStats.anonymised') : a.full_name,
        statusLabel: theme.t(`applicationStatus.${a.status}`),
      })),
    });
  });

  app.get(
    '/api/v1/offers/:id/stats',
    {
      onRequest: companyOrStaff,
      schema: {
        tags: ['statistiques'],
        summary: 'Statistiques d’une offre',
        description: 'Vues (sans robots, un visiteur compté une fois par 30 minutes), candidatures, conversion, délai avant la première candidature, embauches et candidatures par statut, et vues par jour sur 30 jours. Membres de l’entreprise et équipe du site.',
        security: bearer,
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: {
          200: Type.Object({ offer: Type.Union([StatsJson, Type.Null()]), views_by_day: Type.Array(Type.Object({ day: Type.String(), views: Type.Integer() })) }),
          ...errors(401, 403, 404),
        },
      },
    },
    async (request) => {
      const stats = await offerStats(context(request), request.user!, request.params.id);
      return { offer: stats.offer ? statsJson(stats.offer) : null, views_by_day: stats.daily };
    },
  );

  app.get(
    '/api/v1/companies/:id/stats',
    {
      onRequest: companyOrStaff,
      schema: {
        tags: ['statistiques'],
        summary: 'Statistiques d’une entreprise',
        description: 'Chaque offre publiée de l’entreprise avec ses chiffres, et le total. Membres de l’entreprise et équipe du site.',
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: {
          200: Type.Object({
            views: Type.Integer(),
            applications: Type.Integer(),
            conversion: Type.Union([Type.Number(), Type.Null()]),
            median_days_to_first_application: Type.Union([Type.Number(), Type.Null()]),
            hires: Type.Integer(),
            applications_by_status: Type.Record(Type.String(), Type.Integer()),
            offers: Type.Array(StatsJson),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { offers, summary } = await companyStats(context(request), request.user!, request.params.id);
      return {
        views: summary.views,
        applications: summary.applications,
        conversion: summary.conversion,
        median_days_to_first_application: summary.medianDaysToFirstApplication === null ? null : Math.round(summary.medianDaysToFirstApplication * 10) / 10,
        hires: summary.hires,
        applications_by_status: summary.byStatus,
        offers: offers.map(statsJson),
      };
    },
  );
}

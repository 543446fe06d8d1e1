import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { frenchNumber, frenchPercent } from '../../number-format.js';
import { requireRole } from '../../plugins/auth.js';
import { tenantDate } from '../billing/standing.js';
import { ErrorResponse } from '../accounts/schemas.js';
import { periodChoices, periodLabel } from './periods.js';
import { definitionTexts, detailText, drillCsv, periodText, tableCsv, tableView, weeklyCsv, weeklyView } from './presenter.js';
import { buildReport, drillDown, publicSummary, type HeadlineKey, type ReportContext } from './service.js';
import { isSmall, publishableParts } from './suppression.js';
import { DEFINITIONS } from './definitions.js';

const PeriodQuery = Type.Object({ periode: Type.Optional(Type.String({ maxLength: 20 })) }, { additionalProperties: false });
const DrillQuery = Type.Object(
  {
    periode: Type.Optional(Type.String({ maxLength: 20 })),
    tableau: Type.String({ maxLength: 60 }),
    ligne: Type.String({ maxLength: 60 }),
    colonne: Type.String({ maxLength: 60 }),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);

function sendCsv(reply: FastifyReply, name: string, body: string) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).header('cache-control', 'no-store').send(body);
}

const KIND_LABELS = { year: 'reports.kind.year', quarter: 'reports.kind.quarter', month: 'reports.kind.month', winter: 'reports.kind.winter', summer: 'reports.kind.summer' } as const;

/**
 * Reports for funders and members: the staff's report page (a period's tables, charts, definitions,
 * each count linked to its rows), each table as CSV, the rows behind a count (page and CSV), the
 * report as JSON for the API, and the public « bilan » where the tenant publishes one.
 */
export default async function reportsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context = (request: FastifyRequest): ReportContext => ({ db: app.db, tenant: request.tenant, now: app.clock() });
  const staff = requireRole('admin');

  app.get('/admin/rapports', { onRequest: staff, schema: { querystring: PeriodQuery } }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const report = await buildReport(context(request), request.query.periode);
    const today = tenantDate(request.tenant, app.clock());
    return reply.page('pages/reports/report', {
      meta: { title: theme.t('reports.title', { period: periodLabel(report.period) }), noindex: true },
      periodText: periodText(theme, report),
      periodId: report.period.id,
      choices: periodChoices(today, request.tenant.config.reports?.seasons === true).map((group) => ({
        label: theme.t(KIND_LABELS[group.kind]),
        periods: group.periods.map((p) => ({ id: p.id, label: periodLabel(p), selected: p.id === report.period.id })),
      })),
      tables: report.tables.map((table) => tableView(theme, table, report.period.id, true)),
      weekly: report.weekly && { ...weeklyView(theme, report.weekly), csvHref: `/admin/rapports/csv/semaines?periode=${report.period.id}` },
      notComputed: definitionTexts(theme, [DEFINITIONS.induced]),
      publicSummary: request.tenant.config.reports?.publicSummary === true,
    });
  });

  app.get('/admin/rapports/csv/:table', { onRequest: staff, schema: { params: Type.Object({ table: Type.String({ maxLength: 60 }) }), querystring: PeriodQuery } }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const report = await buildReport(context(request), request.query.periode);
    const name = `${request.params.table}-${request.tenant.id}-${report.period.id}`;
    if (request.params.table === 'semaines' && report.weekly) return sendCsv(reply, name, weeklyCsv(theme, request.tenant.config.name, report));
    const table = report.tables.find((t) => t.spec.id === request.params.table);
    if (!table) return reply.callNotFound();
    return sendCsv(reply, name, tableCsv(theme, request.tenant.config.name, report, table));
  });

  const drillPage = async (request: FastifyRequest, all: boolean) => {
    const q = request.query as Static<typeof DrillQuery>;
    return drillDown(context(request), { periodId: q.periode, table: q.tableau, row: q.ligne, column: q.colonne, page: q.page ?? 1, all });
  };

  app.get('/admin/rapports/lignes', { onRequest: staff, schema: { querystring: DrillQuery } }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const found = await drillPage(request, false);
    const page = request.query.page ?? 1;
    const at = (p: number) => `/admin/rapports/lignes?${new URLSearchParams({ periode: found.period.id, tableau: found.spec.id, ligne: found.row.key, colonne: found.column.key, page: String(p) })}`;
    const rowLabel = found.row.label in theme.strings ? theme.t(found.row.label) : found.row.label;
    return reply.page('pages/reports/rows', {
      meta: { title: theme.t('reports.rows.title', { table: theme.t(found.spec.title) }), noindex: true },
      cell: { table: theme.t(found.spec.title), row: rowLabel, column: theme.t(found.column.label) },
      periodText: periodText(theme, found),
      backHref: `/admin/rapports?periode=${found.period.id}#${found.spec.id}`,
      csvHref: `/admin/rapports/lignes/csv?${new URLSearchParams({ periode: found.period.id, tableau: found.spec.id, ligne: found.row.key, colonne: found.column.key })}`,
      columns: found.spec.detail.map((d) => theme.t(d.label)),
      rows: found.rows.map((row) => ({ href: found.spec.rowHref?.(row), id: String(row.id), cells: found.spec.detail.map((d) => detailText(theme, d, row[d.column])) })),
      definitions: definitionTexts(theme, found.spec.definitions),
      pagination: { current: page, count: found.more ? page + 1 : page, previous: page > 1 ? at(page - 1) : undefined, next: found.more ? at(page + 1) : undefined },
    });
  });

  app.get('/admin/rapports/lignes/csv', { onRequest: staff, schema: { querystring: DrillQuery } }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const found = await drillPage(request, true);
    const rowLabel = found.row.label in theme.strings ? theme.t(found.row.label) : found.row.label;
    const title = theme.t('reports.rows.csvTitle', { table: theme.t(found.spec.title), row: rowLabel, column: theme.t(found.column.label) });
    return sendCsv(reply, `lignes-${found.spec.id}-${request.tenant.id}-${found.period.id}`, drillCsv(theme, request.tenant.config.name, found, found.spec, title, found.rows));
  });

  app.get(
    '/api/v1/reports',
    {
      onRequest: staff,
      schema: {
        tags: ['rapports'],
        summary: 'Rapport d’une période (équipe du site)',
        description:
          'Les tableaux du rapport du site pour `period` (2026, 2026-T2, 2026-03 ; hiver-2025-2026 et ete-2026 sur les sites à saisons ; par défaut l’année en cours, à ce jour) : ' +
          'pour chaque tableau ses lignes, ses colonnes, ses valeurs et les définitions (identifiant versionné et texte) qui les produisent.',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object({ period: Type.Optional(Type.String({ maxLength: 20 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            period: Type.Object({ id: Type.String(), start: Type.String(), last_day: Type.String(), in_progress: Type.Boolean() }),
            lasting_job_definition: Type.String(),
            tables: Type.Array(
              Type.Object({
                id: Type.String(),
                title: Type.String(),
                columns: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
                rows: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), values: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])) })),
                definitions: Type.Array(Type.Object({ id: Type.String(), text: Type.String() })),
              }),
            ),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => {
      const theme = app.theme(request.tenant);
      const report = await buildReport(context(request), request.query.period);
      return {
        period: { id: report.period.id, start: report.period.start, last_day: report.lastDay, in_progress: report.inProgress },
        lasting_job_definition: report.lastingJob,
        tables: report.tables.map((table) => ({
          id: table.spec.id,
          title: theme.t(table.spec.title),
          columns: table.spec.columns.map((c) => ({ key: c.key, label: theme.t(c.label) })),
          rows: table.rows.map((row) => ({ key: row.key, label: row.label in theme.strings ? theme.t(row.label) : row.label, values: table.values[row.key] })),
          definitions: definitionTexts(theme, table.spec.definitions),
        })),
      };
    },
  );

  // The public « bilan »: headline counts only, every count under 5 shown as « < 5 ».
  app.get('/bilan', async (request, reply) => {
    const theme = app.theme(request.tenant);
    const summary = await publicSummary(context(request));
    const column = (figures: Partial<Record<HeadlineKey, number>>) => {
      const parts = (['created', 'supported', 'undeclared'] as const).map((k) => figures[k]);
      const hiresShown = figures.hires !== undefined && !isSmall(figures.hires);
      const partShown = parts.every((p) => p !== undefined) ? publishableParts(parts as number[], hiresShown) : [true, true, true];
      const shown = (key: HeadlineKey, value: number | undefined): string | undefined => {
        if (value === undefined) return undefined;
        const index = ['created', 'supported', 'undeclared'].indexOf(key);
        const hidden = isSmall(value) || (index >= 0 && !partShown[index]);
        return hidden ? theme.t('reports.public.small') : frenchNumber(value);
      };
      // A share only when both of its terms are published.
      const lastingShare =
        figures.lasting === undefined || figures.hires === undefined ? undefined : isSmall(figures.lasting) || isSmall(figures.hires) ? '—' : frenchPercent(figures.lasting / figures.hires);
      return Object.fromEntries([
        ...(Object.keys(figures) as HeadlineKey[]).map((key) => [key, shown(key, figures[key])]),
        ['lastingShare', lastingShare],
      ]);
    };
    const last = column(summary.last.figures);
    const current = column(summary.current.figures);
    const keys = (['members', 'youngPeople', 'youngFollowed', 'offers', 'hires', 'created', 'supported', 'undeclared', 'lasting', 'lastingShare', 'sharedStaff', 'needsStaffed'] as const).filter(
      (key) => last[key] !== undefined || current[key] !== undefined,
    );
    return reply.page('pages/reports/public', {
      meta: { title: theme.t('reports.public.title'), description: theme.t('reports.public.description', { name: request.tenant.config.name }) },
      lastLabel: periodText(theme, summary.last.report),
      currentLabel: periodText(theme, summary.current.report),
      figures: keys.map((key) => ({ label: theme.t(`reports.public.figure.${key}`), last: last[key] ?? '—', current: current[key] ?? '—' })),
      definitions: definitionTexts(theme, [
        DEFINITIONS.offersLive,
        DEFINITIONS.hires,
        DEFINITIONS.created,
        DEFINITIONS.supported,
        summary.current.report.lastingJob,
        DEFINITIONS.induced,
        DEFINITIONS.suppression,
      ]),
    });
  });
}

import { horizontalBarsSvg, timeSeriesSvg } from '../../charts/svg.js';
import { toCsv } from '../../csv.js';
import { frenchNumber, frenchPercent } from '../../number-format.js';
import type { Theme } from '../../tenancy/theme.js';
import { DEFINITIONS } from './definitions.js';
import { periodLabel, type Period } from './periods.js';
import type { ColumnSpec, DetailColumn, TableSpec, Unit } from './report-sets.js';
import type { ComputedTable, Report } from './service.js';

const frenchDate = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/** A figure as a page shows it: counts whole, FTE with one decimal, euros, shares as percentages. */
export function formatFigure(value: number | null, column: Pick<ColumnSpec, 'unit' | 'share'>): string {
  if (value === null) return '—';
  if (column.share) return frenchPercent(value);
  switch (column.unit) {
    case 'fte':
      return frenchNumber(value, 1);
    case 'euros':
      return `${frenchNumber(value, 2)}\u00a0€`;
    case 'days':
      return frenchNumber(value, 1);
    default:
      return frenchNumber(value, 0);
  }
}

/** The same figure in a CSV cell: no unit, a decimal comma, enough decimals to add up. */
function csvFigure(value: number | null, unit: Unit | undefined, share: boolean): string {
  if (value === null) return '';
  const fixed = (digits: number) => value.toFixed(digits).replace('.', ',');
  if (share) return fixed(1);
  if (unit === 'fte') return fixed(2);
  if (unit === 'euros') return fixed(2);
  if (unit === 'days') return fixed(1);
  return fixed(0);
}

/** « 2026 (du 01/01/2026 au 14/05/2026, à ce jour) » */
export function periodText(theme: Theme, report: Pick<Report, 'period' | 'lastDay' | 'inProgress'>): string {
  return theme.t(report.inProgress ? 'reports.period.toDate' : 'reports.period.range', {
    label: periodLabel(report.period),
    from: frenchDate(report.period.start),
    to: frenchDate(report.lastDay),
  });
}

export function definitionTexts(theme: Theme, ids: string[]) {
  return ids.map((id) => ({ id, text: theme.t(`reports.def.${id}`) }));
}

const rowLabel = (theme: Theme, label: string) => (label in theme.strings ? theme.t(label) : label);

export function drillHref(periodId: string, table: string, row: string, column: string): string {
  return `/admin/rapports/lignes?${new URLSearchParams({ periode: periodId, tableau: table, ligne: row, colonne: column })}`;
}

/** A table's chart, when its spec has one and there is something to draw. */
function chart(theme: Theme, table: ComputedTable): string | undefined {
  const spec = table.spec.chart;
  if (!spec) return undefined;
  const rows = table.rows.filter((r) => !r.total && (!spec.rows || spec.rows.includes(r.key)));
  const series = (spec.series ?? [table.spec.columns.find((c) => !c.share)!.key]).map((key) => table.spec.columns.find((c) => c.key === key)!);
  const values = series.map((column) => rows.map((row) => table.values[row.key]?.[column.key] ?? 0));
  if (values.flat().every((v) => v === 0)) return undefined;
  const title = theme.t(table.spec.title);
  const text = { id: `graphique-${table.spec.id}`, title, description: theme.t('reports.chart.description', { title }), format: (v: number) => formatFigure(v, series[0]) };
  if (spec.transpose) {
    return horizontalBarsSvg(
      text,
      series.map((column) => theme.t(column.label)),
      rows.map((row, r) => ({ label: rowLabel(theme, row.label), values: series.map((_, c) => values[c][r]) })),
    );
  }
  return horizontalBarsSvg(
    text,
    rows.map((row) => rowLabel(theme, row.label)),
    series.map((column, i) => ({ label: theme.t(column.label), values: values[i] })),
  );
}

/** A computed table as the report page shows it, every count linked to its rows for the staff. */
export function tableView(theme: Theme, table: ComputedTable, periodId: string, drillable: boolean) {
  const { spec } = table;
  return {
    id: spec.id,
    title: theme.t(spec.title),
    columns: spec.columns.map((c) => ({ key: c.key, label: theme.t(c.label) })),
    rows: table.rows.map((row) => ({
      key: row.key,
      label: rowLabel(theme, row.label),
      total: row.total === true,
      indent: row.indent === true,
      cells: spec.columns.map((column) => {
        const value = table.values[row.key]?.[column.key] ?? null;
        return {
          text: formatFigure(value, column),
          value,
          columnLabel: theme.t(column.label),
          href: drillable && !column.share && column.measure?.kind !== 'median' ? drillHref(periodId, spec.id, row.key, column.key) : undefined,
        };
      }),
    })),
    definitions: definitionTexts(theme, spec.definitions),
    note: spec.note ? theme.t(spec.note) : undefined,
    csvHref: `/admin/rapports/csv/${spec.id}?periode=${encodeURIComponent(periodId)}`,
    chart: chart(theme, table),
  };
}

/** The weekly offers-and-hires chart of a year report, with its figures. */
export function weeklyView(theme: Theme, weekly: NonNullable<Report['weekly']>) {
  const label = (week: string) => `${week.slice(8, 10)}/${week.slice(5, 7)}`;
  const offers = weekly.reduce((sum, w) => sum + w.offers, 0);
  const hires = weekly.reduce((sum, w) => sum + w.hires, 0);
  return {
    chart: timeSeriesSvg(
      { id: 'graphique-semaines', title: theme.t('reports.weekly.title'), description: theme.t('reports.weekly.description', { offers, hires, weeks: weekly.length }) },
      weekly.map((w) => label(w.week)),
      [
        { label: theme.t('reports.weekly.offers'), values: weekly.map((w) => w.offers) },
        { label: theme.t('reports.weekly.hires'), values: weekly.map((w) => w.hires) },
      ],
      { tickEvery: 4 },
    ),
    rows: weekly.map((w) => ({ week: w.week, offers: w.offers, hires: w.hires })),
    definitions: definitionTexts(theme, [DEFINITIONS.weekly]),
  };
}

/** The lines that open every CSV of a report: what, whose, when, under which definitions. */
function preamble(theme: Theme, tenantName: string, title: string, report: Pick<Report, 'period' | 'lastDay' | 'inProgress'>, definitions: string[]): string[][] {
  return [
    [title],
    [theme.t('reports.csv.source', { name: tenantName })],
    [periodText(theme, report)],
    ...definitionTexts(theme, definitions).map((d) => [theme.t('reports.csv.definition', { id: d.id, text: d.text })]),
    [],
  ];
}

/** One table as CSV (the billing export's conventions): its figures exactly as the page computes them. */
export function tableCsv(theme: Theme, tenantName: string, report: Report, table: ComputedTable): string {
  const { spec } = table;
  const header = [theme.t('reports.csv.row'), ...spec.columns.map((c) => `${theme.t(c.label)}${c.share ? ' (%)' : ''}`)];
  const rows = table.rows.map((row) => [rowLabel(theme, row.label), ...spec.columns.map((c) => csvFigure(table.values[row.key]?.[c.key] ?? null, c.unit, Boolean(c.share)))]);
  const lines = preamble(theme, tenantName, theme.t(spec.title), report, spec.definitions);
  return toCsv(lines[0], [...lines.slice(1), header, ...rows]);
}

/** A detail value of a drill-down row, for the page and the CSV. */
export function detailText(theme: Theme, column: DetailColumn, value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  switch (true) {
    case column.format === 'date':
      return frenchDate(String(value).slice(0, 10));
    case column.format === 'timestamp':
      return new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(value as string));
    case column.format === 'number':
      return frenchNumber(Number(value), 1);
    case column.format === 'fte':
      return frenchNumber(Number(value), 2);
    case column.format === 'euros':
      return frenchNumber(Number(value), 2);
    case column.format === 'bool':
      return theme.t(value ? 'form.yes' : 'form.no');
    case column.format.startsWith('enum:'):
      return theme.t(`${column.format.slice(5)}.${String(value)}`);
    default:
      return String(value);
  }
}

/** The rows behind a cell as CSV, with the table's definitions on top. */
export function drillCsv(theme: Theme, tenantName: string, period: { period: Period; lastDay: string; inProgress: boolean }, spec: TableSpec, title: string, rows: Record<string, unknown>[]): string {
  const lines = preamble(theme, tenantName, title, period, spec.definitions);
  return toCsv(lines[0], [...lines.slice(1), [theme.t('reports.col.id'), ...spec.detail.map((d) => theme.t(d.label))], ...rows.map((row) => [String(row.id), ...spec.detail.map((d) => detailText(theme, d, row[d.column]))])]);
}

/** The weekly figures as CSV. */
export function weeklyCsv(theme: Theme, tenantName: string, report: Report): string {
  const lines = preamble(theme, tenantName, theme.t('reports.weekly.title'), report, [DEFINITIONS.weekly]);
  const rows = (report.weekly ?? []).map((w) => [frenchDate(w.week), String(w.offers), String(w.hires)]);
  return toCsv(lines[0], [...lines.slice(1), [theme.t('reports.weekly.week'), theme.t('reports.weekly.offers'), theme.t('reports.weekly.hires')], ...rows]);
}

import type { Kysely } from 'kysely';
import { addDays } from '../../calendar.js';
import type { Database } from '../../db/database.js';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { Tenant } from '../../tenancy/registry.js';
import { tenantDate } from '../billing/standing.js';
import { lastingJobRule } from './definitions.js';
import { parsePeriod, periodContaining, reportDay, sameLastYear, type Period } from './periods.js';
import { reportSet, type RowSpec, type TableSpec } from './report-sets.js';
import * as repo from './repository.js';

export interface ReportContext {
  db: Kysely<Database>;
  tenant: Tenant;
  now: Date;
}

/** A table with its figures: values[row][column], null where nothing can be measured (a share of 0, a median of nothing). */
export interface ComputedTable {
  spec: TableSpec;
  rows: RowSpec[];
  values: Record<string, Record<string, number | null>>;
}

export interface Report {
  period: Period;
  /** The last day counted: the period's, or today while it runs. */
  lastDay: string;
  inProgress: boolean;
  lastingJob: string;
  tables: ComputedTable[];
  /** Offers published and hires started week by week (year reports). */
  weekly?: { week: string; offers: number; hires: number }[];
}

/** The period of a URL (default: the current year), refused with a French message on the field when unknown or not started. */
export function resolvePeriod(tenant: Tenant, id: string | undefined, now: Date): { period: Period; lastDay: string; today: string } {
  const today = tenantDate(tenant, now);
  const period = id ? parsePeriod(id, tenant.config.reports?.seasons === true) : periodContaining('year', today);
  if (!period) throw new AppError('REPORT_PERIOD_INVALID', 400, { periode: 'reports.period.invalid' });
  const lastDay = reportDay(period, today);
  if (!lastDay) throw new AppError('REPORT_PERIOD_FUTURE', 400, { periode: 'reports.period.future' });
  return { period, lastDay, today };
}

function scopeOf(tenant: Tenant, period: Period, lastDay: string, today: string): repo.ReportScope {
  const previous = sameLastYear(period);
  return {
    today,
    tenantId: tenant.id,
    timezone: tenant.config.timezone,
    start: period.start,
    end: addDays(lastDay, 1),
    lastDay,
    previous: { start: previous.start, end: previous.end },
    lasting: lastingJobRule(tenant),
  };
}

/** Every cell of the tables, one SQL pass per dataset; then the shares, from the cells. */
async function compute(t: TenantDb, scope: repo.ReportScope, specs: TableSpec[]): Promise<ComputedTable[]> {
  const tables: ComputedTable[] = [];
  for (const spec of specs) {
    let rows = spec.rows;
    if (spec.dynamicRows) {
      const found = await repo.distinctValues(t, scope, spec.dataset, spec.dynamicRows.column, spec.dynamicRows.labelColumn);
      rows = [...found.map((v) => ({ key: v.value, label: v.label || v.value })), ...spec.rows];
    }
    tables.push({ spec, rows, values: Object.fromEntries(rows.map((r) => [r.key, {}])) });
  }
  const byDataset = new Map<repo.DatasetName, { table: ComputedTable; row: string; column: string; query: repo.CellQuery }[]>();
  for (const table of tables) {
    for (const row of table.rows) {
      for (const column of table.spec.columns) {
        if (column.share) continue;
        const cells = byDataset.get(table.spec.dataset) ?? [];
        cells.push({ table, row: row.key, column: column.key, query: { filter: table.spec.filter(row.key, column.key), measure: column.measure ?? { kind: 'count' } } });
        byDataset.set(table.spec.dataset, cells);
      }
    }
  }
  for (const [name, cells] of byDataset) {
    const values = await repo.computeCells(t, scope, name, cells.map((c) => c.query));
    cells.forEach((cell, i) => (cell.table.values[cell.row][cell.column] = values[i]));
  }
  for (const table of tables) {
    for (const row of table.rows) {
      for (const column of table.spec.columns) {
        if (!column.share) continue;
        const numerator = table.values[row.key][column.share.numerator] ?? 0;
        const denominator = table.values[column.share.denominatorRow ?? row.key]?.[column.share.denominator] ?? 0;
        table.values[row.key][column.key] = denominator > 0 ? numerator / denominator : null;
      }
    }
  }
  return tables;
}

/** The tenant's report for a period: the tables of its report set, computed in SQL. */
export async function buildReport(ctx: ReportContext, periodId?: string): Promise<Report> {
  const { period, lastDay, today } = resolvePeriod(ctx.tenant, periodId, ctx.now);
  const scope = scopeOf(ctx.tenant, period, lastDay, today);
  const specs = reportSet(ctx.tenant, period, scope.lasting.id);
  return withTenant(ctx.db, ctx.tenant.id, async (t) => ({
    period,
    lastDay,
    inProgress: lastDay < addDays(period.end, -1),
    lastingJob: scope.lasting.id,
    tables: await compute(t, scope, specs),
    weekly: period.kind === 'year' ? await repo.weeklySeries(t, scope) : undefined,
  }));
}

export const DRILL_PAGE_SIZE = 100;

/**
 * The rows behind one cell (staff only: the route checks): the same dataset and filter as the cell,
 * a page at a time, or every row (`all`, for the CSV). 404 for a table, row or column the report
 * does not have.
 */
export async function drillDown(ctx: ReportContext, query: { periodId?: string; table: string; row: string; column: string; page: number; all?: boolean }) {
  const { period, lastDay, today } = resolvePeriod(ctx.tenant, query.periodId, ctx.now);
  const scope = scopeOf(ctx.tenant, period, lastDay, today);
  const spec = reportSet(ctx.tenant, period, scope.lasting.id).find((s) => s.id === query.table);
  const column = spec?.columns.find((c) => c.key === query.column && !c.share);
  if (!spec || !column) throw notFound();
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    let row = spec.rows.find((r) => r.key === query.row);
    if (!row && spec.dynamicRows) {
      const found = (await repo.distinctValues(t, scope, spec.dataset, spec.dynamicRows.column, spec.dynamicRows.labelColumn)).find((v) => v.value === query.row);
      row = found && { key: found.value, label: found.label || found.value };
    }
    if (!row) throw notFound();
    const limit = query.all ? 100_000 : DRILL_PAGE_SIZE + 1;
    const offset = query.all ? 0 : (query.page - 1) * DRILL_PAGE_SIZE;
    const rows = await repo.drillRows(t, scope, spec.dataset, spec.filter(row.key, column.key), spec.orderBy, limit, offset);
    const inProgress = lastDay < addDays(period.end, -1);
    return { period, lastDay, inProgress, spec, row, column, rows: query.all ? rows : rows.slice(0, DRILL_PAGE_SIZE), more: !query.all && rows.length > DRILL_PAGE_SIZE };
  });
}

/** The published figures read from a report: each headline's table, row and column. */
export const HEADLINES = [
  { key: 'members', table: 'adherents', row: 'total', column: 'end' },
  { key: 'offers', table: 'offres-contrat', row: 'total', column: 'offers' },
  { key: 'hires', table: 'embauches-contrat', row: 'total', column: 'total' },
  { key: 'created', table: 'emplois-crees-soutenus', row: 'created', column: 'headcount' },
  { key: 'supported', table: 'emplois-crees-soutenus', row: 'supported', column: 'headcount' },
  { key: 'undeclared', table: 'emplois-crees-soutenus', row: 'undeclared', column: 'headcount' },
  { key: 'lasting', table: 'emplois-durables', row: 'yes', column: 'headcount' },
  { key: 'sharedStaff', table: 'salaries-partages', row: 'total', column: 'headcount' },
  { key: 'needsStaffed', table: 'besoins-temps-partage', row: 'staffed', column: 'needs' },
  { key: 'youngPeople', table: 'jeunes', row: 'total', column: 'count' },
  { key: 'youngFollowed', table: 'jeunes', row: 'followed', column: 'count' },
] as const;

export type HeadlineKey = (typeof HEADLINES)[number]['key'];

/** The headline counts of a report (those its tables have). */
export function headlines(report: Report): Partial<Record<HeadlineKey, number>> {
  const out: Partial<Record<HeadlineKey, number>> = {};
  for (const h of HEADLINES) {
    const value = report.tables.find((t) => t.spec.id === h.table)?.values[h.row]?.[h.column];
    if (value !== undefined && value !== null) out[h.key] = value;
  }
  return out;
}

/**
 * The public « bilan » (where the tenant publishes it): the headline counts of the last complete year
 * and of the current year so far. Counts only, no row behind them; the page hides small counts.
 */
export async function publicSummary(ctx: ReportContext) {
  if (!ctx.tenant.config.reports?.publicSummary) throw notFound();
  const year = Number(tenantDate(ctx.tenant, ctx.now).slice(0, 4));
  const [last, current] = [await buildReport(ctx, String(year - 1)), await buildReport(ctx, String(year))];
  return { last: { report: last, figures: headlines(last) }, current: { report: current, figures: headlines(current) } };
}

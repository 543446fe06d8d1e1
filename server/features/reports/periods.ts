import { addDays } from '../../calendar.js';

export type PeriodKind = 'year' | 'quarter' | 'month' | 'winter' | 'summer';

/**
 * A reporting period: calendar days [start, end) on the tenant's calendar. Years, quarters and months
 * for every board; mountain boards (reports.seasons) also count by season, winter from 1 December to
 * 30 April and summer from 1 May to 30 November.
 */
export interface Period {
  /** As in URLs: 2026, 2026-T2, 2026-03, hiver-2025-2026, ete-2026. */
  id: string;
  kind: PeriodKind;
  start: string;
  /** The day after the last day. */
  end: string;
}

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const pad = (n: number) => String(n).padStart(2, '0');
const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

export function yearPeriod(year: number): Period {
  return { id: String(year), kind: 'year', start: `${year}-01-01`, end: `${year + 1}-01-01` };
}

export function quarterPeriod(year: number, quarter: number): Period {
  const first = (quarter - 1) * 3 + 1;
  return { id: `${year}-T${quarter}`, kind: 'quarter', start: `${year}-${pad(first)}-01`, end: quarter === 4 ? `${year + 1}-01-01` : `${year}-${pad(first + 3)}-01` };
}

export function monthPeriod(year: number, month: number): Period {
  return { id: `${year}-${pad(month)}`, kind: 'month', start: `${year}-${pad(month)}-01`, end: month === 12 ? `${year + 1}-01-01` : `${year}-${pad(month + 1)}-01` };
}

/** The winter season that starts in December of `startYear`. */
export function winterPeriod(startYear: number): Period {
  return { id: `hiver-${startYear}-${startYear + 1}`, kind: 'winter', start: `${startYear}-12-01`, end: `${startYear + 1}-05-01` };
}

export function summerPeriod(year: number): Period {
  return { id: `ete-${year}`, kind: 'summer', start: `${year}-05-01`, end: `${year}-12-01` };
}

/** The period an id names, or undefined (unknown shape, impossible month, a season on a board without seasons). */
export function parsePeriod(id: string, seasons: boolean): Period | undefined {
  let match: RegExpExecArray | null;
  const inRange = (year: number) => year >= MIN_YEAR && year <= MAX_YEAR;
  if ((match = /^(\d{4})$/.exec(id))) return inRange(+match[1]) ? yearPeriod(+match[1]) : undefined;
  if ((match = /^(\d{4})-T([1-4])$/.exec(id))) return inRange(+match[1]) ? quarterPeriod(+match[1], +match[2]) : undefined;
  if ((match = /^(\d{4})-(\d{2})$/.exec(id))) return inRange(+match[1]) && +match[2] >= 1 && +match[2] <= 12 ? monthPeriod(+match[1], +match[2]) : undefined;
  if (!seasons) return undefined;
  if ((match = /^hiver-(\d{4})-(\d{4})$/.exec(id))) return inRange(+match[1]) && +match[2] === +match[1] + 1 ? winterPeriod(+match[1]) : undefined;
  if ((match = /^ete-(\d{4})$/.exec(id))) return inRange(+match[1]) ? summerPeriod(+match[1]) : undefined;
  return undefined;
}

/** The period of this kind that contains `day`. */
export function periodContaining(kind: PeriodKind, day: string): Period {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  switch (kind) {
    case 'year':
      return yearPeriod(year);
    case 'quarter':
      return quarterPeriod(year, Math.floor((month - 1) / 3) + 1);
    case 'month':
      return monthPeriod(year, month);
    case 'winter':
      // From May on, the coming winter; until April, the winter that started last December.
      return winterPeriod(month >= 5 ? year : year - 1);
    case 'summer':
      // Until November, this year's summer; in December, the next one.
      return summerPeriod(month === 12 ? year + 1 : year);
  }
}

/** The same period a year earlier (the previous season, last year): what loyalty compares with. */
export function sameLastYear(period: Period): Period {
  return periodContaining(period.kind, `${Number(period.start.slice(0, 4)) - 1}${period.start.slice(4)}`);
}

/** The period just before, of the same kind (for a season: the same season a year earlier). */
export function previousPeriod(period: Period): Period {
  return period.kind === 'winter' || period.kind === 'summer' ? sameLastYear(period) : periodContaining(period.kind, addDays(period.start, -1));
}

/**
 * The last day a report can look at: the period's last day, or today while the period runs (a report
 * of the current year says « à ce jour »). Undefined for a period that has not started.
 */
export function reportDay(period: Period, today: string): string | undefined {
  if (today < period.start) return undefined;
  const last = addDays(period.end, -1);
  return today < last ? today : last;
}

/** « 2026 », « 2e trimestre 2026 », « mars 2026 », « hiver 2025-2026 », « été 2026 ». */
export function periodLabel(period: Period): string {
  const year = Number(period.start.slice(0, 4));
  switch (period.kind) {
    case 'year':
      return String(year);
    case 'quarter':
      return `${period.id.endsWith('1') ? '1er' : `${period.id.slice(-1)}e`} trimestre ${year}`;
    case 'month':
      return `${MONTHS[Number(period.start.slice(5, 7)) - 1]} ${year}`;
    case 'winter':
      return `hiver ${year}-${year + 1}`;
    case 'summer':
      return `été ${year}`;
  }
}

/**
 * The periods offered in the report's selector, the most recent first: this year and the previous
 * three, the last eight quarters and twelve months, and the last four seasons of each kind.
 */
export function periodChoices(today: string, seasons: boolean): { kind: PeriodKind; periods: Period[] }[] {
  const back = (kind: PeriodKind, count: number) => {
    const periods: Period[] = [];
    let period = periodContaining(kind, today);
    if (period.start > today) period = sameLastYear(period);
    while (periods.length < count) {
      periods.push(period);
      period = previousPeriod(period);
    }
    return periods;
  };
  const choices: { kind: PeriodKind; periods: Period[] }[] = [
    { kind: 'year', periods: back('year', 4) },
    { kind: 'quarter', periods: back('quarter', 8) },
    { kind: 'month', periods: back('month', 12) },
  ];
  if (seasons) {
    choices.push({ kind: 'winter', periods: back('winter', 4) }, { kind: 'summer', periods: back('summer', 4) });
  }
  return choices;
}

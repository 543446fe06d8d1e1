import { DAY_MINUTES, MODEL_DAYS, WEEKS, monthDayOf, monthOf, periodDays, weekOf, weekdayOf } from './calendar.js';
import { travelMinutes, type Coordinates } from './geo.js';
import type { SharedTimeSettings } from './settings.js';
import type { Combination, EmployerShare, EngineNeed, GapCard, Reason, ScoreTerm } from './types.js';

/** A slot with the context's site id (sites are shared between needs of the same place). */
interface PreparedSlot {
  start: number;
  end: number;
  site: number;
  duration: number;
}

/** A need turned into what the evaluation reads fast: its period on every model day, its slots by weekday. */
export interface PreparedNeed {
  need: EngineNeed;
  /** Position in the engine's input: groups are listed in this order. */
  index: number;
  /** Period active on each model day, -1 when none. */
  dayPeriod: Int8Array;
  /** Days where the active period changes (always starting with 0). */
  boundaries: number[];
  /** [period][weekday] slots, sorted by start. */
  slots: PreparedSlot[][][];
  /** Context site id of each of the need's sites. */
  siteIds: number[];
  regulated: string[];
  /** Work minutes of the need alone over the model year, and per week. */
  annualMinutes: number;
  weeks: number[];
}

export interface Evaluation {
  reason?: Reason;
  combination?: Combination;
  /** Work + travel per week, when the group got that far (lawful, or short of hours): the growth's bound. */
  weeks?: number[];
}

interface DaySummary {
  work: number;
  travel: number;
  idle: number;
  first: number;
  last: number;
  /** Work + half of each trip, by group member. */
  perMember: number[];
  reason?: Reason;
}

const NO_WORK: DaySummary = { work: 0, travel: 0, idle: 0, first: -1, last: -1, perMember: [] };
const NO_SLOTS: PreparedSlot[] = [];

/** A stretch of the year where every need of the group keeps one period. */
interface Segment {
  start: number;
  end: number;
  /** By weekday (0 = Monday). */
  days: DaySummary[];
  weekMinutes: number;
  weeklyRest?: number;
}

/** How many days of [start, end) fall on `weekday`. */
function weekdayCount(start: number, end: number, weekday: number): number {
  const first = start + ((weekday - weekdayOf(start) + 7) % 7);
  return first < end ? Math.floor((end - 1 - first) / 7) + 1 : 0;
}

/** The segment holding `day` (segments are sorted and cover the year). */
function segmentIndex(segments: Segment[], day: number): number {
  let low = 0;
  let high = segments.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (segments[middle].start <= day) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * What the engine knows beyond the needs: settings, the sites (deduplicated by coordinates, so two
 * needs at one place have no travel between them), a travel-time cache, competitors and close trades.
 */
export class EngineContext {
  readonly sites: (Coordinates & { name: string })[] = [];
  private readonly siteIds = new Map<string, number>();
  private readonly travelCache = new Map<number, number>();
  private readonly competitors: Set<string>;
  private readonly closeTrades: Set<string>;
  private readonly regulated: Set<string>;

  constructor(
    readonly settings: SharedTimeSettings,
    competitors: [string, string][],
    regulatedDiplomas: readonly string[],
  ) {
    this.competitors = new Set(competitors.flatMap(([a, b]) => [`${a}|${b}`, `${b}|${a}`]));
    this.closeTrades = new Set(settings.compatibleTrades.flatMap(([a, b]) => [`${a}|${b}`, `${b}|${a}`]));
    this.regulated = new Set(regulatedDiplomas);
  }

  siteId(site: Coordinates & { name: string }): number {
    const key = `${site.lat.toFixed(5)},${site.lon.toFixed(5)}`;
    let id = this.siteIds.get(key);
    if (id === undefined) {
      id = this.sites.length;
      this.sites.push(site);
      this.siteIds.set(key, id);
    }
    return id;
  }

  travel(a: number, b: number): number {
    if (a === b) return 0;
    const key = a < b ? a * 1_000_003 + b : b * 1_000_003 + a;
    let minutes = this.travelCache.get(key);
    if (minutes === undefined) {
      minutes = travelMinutes(this.sites[a], this.sites[b], this.settings.travel);
      this.travelCache.set(key, minutes);
    }
    return minutes;
  }

  areCompetitors(a: string, b: string): boolean {
    return this.competitors.has(`${a}|${b}`);
  }

  /** 1 same trade, 0.9 a pair the tenant lists, 0.75 same ROME domain, 0.5 same grand domain, else 0.2. */
  tradeProximity(a: EngineNeed['rome'], b: EngineNeed['rome']): number {
    if (!a || !b) return 0.5;
    if (a.code === b.code) return 1;
    if (this.closeTrades.has(`${a.code}|${b.code}`) || this.closeTrades.has(`${a.domain}|${b.domain}`)) return 0.9;
    if (a.domain === b.domain) return 0.75;
    if (a.grandDomain === b.grandDomain) return 0.5;
    return 0.2;
  }

  prepare(need: EngineNeed, index: number): PreparedNeed {
    const dayPeriod = new Int8Array(MODEL_DAYS).fill(-1);
    const siteIds = need.sites.map((site) => this.siteId(site));
    const slots = need.periods.map((period, p) => {
      for (const day of periodDays(period.from, period.to)) dayPeriod[day] = p;
      const byDay: PreparedSlot[][] = Array.from({ length: 7 }, () => []);
      for (const slot of period.slots) byDay[slot.day].push({ start: slot.start, end: slot.end, site: siteIds[slot.site], duration: slot.end - slot.start });
      for (const list of byDay) list.sort((a, b) => a.start - b.start || a.end - b.end);
      return byDay;
    });
    const boundaries = [0];
    for (let day = 1; day < MODEL_DAYS; day++) if (dayPeriod[day] !== dayPeriod[day - 1]) boundaries.push(day);
    const weeks = new Array<number>(WEEKS).fill(0);
    for (let day = 0; day < MODEL_DAYS; day++) {
      const p = dayPeriod[day];
      if (p >= 0) for (const slot of slots[p][weekdayOf(day)]) weeks[weekOf(day)] += slot.duration;
    }
    const annualMinutes = weeks.reduce((sum, w) => sum + w, 0);
    return { need, index, dayPeriod, boundaries, slots, siteIds, regulated: need.licences.filter((l) => this.regulated.has(l)), annualMinutes, weeks };
  }
}

const reason = (code: Reason['code'], monotonic: boolean, params: Reason['params'] = {}): Reason => ({ code, monotonic, params });
const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;

/** Rules that need no calendar: size, employers, competitors, distances, diplomas, trades. */
function staticReason(ctx: EngineContext, group: PreparedNeed[]): Reason | undefined {
  const s = ctx.settings;
  if (group.length > s.maxNeeds) return reason('tooManyNeeds', true, { count: group.length, max: s.maxNeeds });
  const companies: EngineNeed[] = [];
  for (const g of group) if (!companies.some((c) => c.companyId === g.need.companyId)) companies.push(g.need);
  if (companies.length > s.maxEmployers) return reason('tooManyEmployers', true, { count: companies.length, max: s.maxEmployers });
  for (let i = 0; i < companies.length; i++) {
    for (let j = i + 1; j < companies.length; j++) {
      if (ctx.areCompetitors(companies[i].companyId, companies[j].companyId)) return reason('competitors', true, { a: companies[i].companyName, b: companies[j].companyName });
    }
  }
  for (let i = 0; i < group.length; i++) {
    for (let j = i + 1; j < group.length; j++) {
      for (const a of group[i].siteIds) {
        for (const b of group[j].siteIds) {
          const minutes = ctx.travel(a, b);
          if (minutes > s.travel.maxMinutes) {
            return reason('siteTooFar', true, { a: ctx.sites[a].name, b: ctx.sites[b].name, minutes, max: s.travel.maxMinutes });
          }
        }
      }
      if (s.minTradeProximity > 0 && ctx.tradeProximity(group[i].need.rome, group[j].need.rome) < s.minTradeProximity) {
        return reason('tradesTooFar', true, { a: group[i].need.title, b: group[j].need.title });
      }
    }
  }
  let diplomas: string[] | undefined;
  for (const g of group) {
    for (const diploma of g.regulated) {
      diplomas ??= [];
      if (!diplomas.includes(diploma)) diplomas.push(diploma);
    }
  }
  if (diplomas && diplomas.length > s.maxRegulatedDiplomas) return reason('diplomas', true, { list: diplomas.sort().join(', '), max: s.maxRegulatedDiplomas });
  return undefined;
}

/**
 * One day of the group for one weekday and one set of active periods: slot order, travel, clashes.
 * Each need's slots are already sorted: they are merged in order, without building a list.
 */
function summariseDay(ctx: EngineContext, group: PreparedNeed[], periods: number[], weekday: number): DaySummary {
  const lists: PreparedSlot[][] = group.map((g, member) => (periods[member] >= 0 ? g.slots[periods[member]][weekday] : NO_SLOTS));
  const next = new Array<number>(group.length).fill(0);
  let perMember: number[] | undefined;
  let work = 0;
  let travel = 0;
  let idle = 0;
  let first = -1;
  let prev: PreparedSlot | undefined;
  let prevMember = -1;
  for (;;) {
    let member = -1;
    for (let m = 0; m < lists.length; m++) {
      const candidate = lists[m][next[m]];
      if (!candidate) continue;
      const best = member >= 0 ? lists[member][next[member]] : undefined;
      if (!best || candidate.start < best.start || (candidate.start === best.start && candidate.end < best.end)) member = m;
    }
    if (member < 0) break;
    const cur = lists[member][next[member]++];
    perMember ??= new Array<number>(group.length).fill(0);
    work += cur.duration;
    perMember[member] += cur.duration;
    if (!prev) {
      first = cur.start;
    } else {
      if (cur.start < prev.end) {
        return {
          ...NO_WORK,
          reason: reason('slotClash', true, {
            day: weekday,
            a: group[prevMember].need.title,
            aStart: prev.start,
            aEnd: prev.end,
            b: group[member].need.title,
            bStart: cur.start,
            bEnd: cur.end,
          }),
        };
      }
      const trip = ctx.travel(prev.site, cur.site);
      if (cur.start < prev.end + trip) {
        return { ...NO_WORK, reason: reason('travelClash', true, { day: weekday, end: prev.end, travel: trip, start: cur.start }) };
      }
      travel += trip;
      idle += cur.start - prev.end - trip;
      perMember[prevMember] += trip / 2;
      perMember[member] += trip / 2;
    }
    prev = cur;
    prevMember = member;
  }
  if (!prev || !perMember) return NO_WORK;
  if (work + travel > ctx.settings.maxDailyHours * 60) {
    return { ...NO_WORK, reason: reason('dailyTooLong', true, { day: weekday, hours: hours(work + travel), max: ctx.settings.maxDailyHours }) };
  }
  return { work, travel, idle, first, last: prev.end, perMember };
}

/** The sorted union of sorted day lists (the segment cuts of a group). */
function mergeCuts(group: PreparedNeed[]): number[] {
  if (group.length === 1) return group[0].boundaries;
  let merged = group[0].boundaries;
  for (let g = 1; g < group.length; g++) {
    const other = group[g].boundaries;
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (i < merged.length || j < other.length) {
      const value = j >= other.length || (i < merged.length && merged[i] <= other[j]) ? merged[i++] : other[j++];
      if (out.length === 0 || out[out.length - 1] !== value) out.push(value);
    }
    merged = out;
  }
  return merged;
}

/** Longest time off in a week whose pattern repeats (gaps wrap from Sunday to Monday). */
function longestWeeklyRest(days: DaySummary[]): number {
  const working = days.map((d, i) => (d.work > 0 ? i : -1)).filter((i) => i >= 0);
  if (working.length === 0) return 7 * DAY_MINUTES;
  let longest = 0;
  working.forEach((i, k) => {
    const j = working[(k + 1) % working.length];
    const offset = (j - i + 7) % 7 || 7;
    longest = Math.max(longest, offset * DAY_MINUTES + days[j].first - days[i].last);
  });
  return longest;
}

/** A slot whose removal would bring a constant week under the maximum: the smallest one that does. */
function dropSuggestion(group: PreparedNeed[], weekMinutes: number, max: number): Reason['params'] {
  const excess = weekMinutes - max;
  let best: { duration: number; day: number; start: number; end: number; title: string } | undefined;
  for (const g of group) {
    for (const byDay of g.slots) {
      byDay.forEach((slots, day) => {
        for (const slot of slots) {
          if (slot.duration >= excess && (!best || slot.duration < best.duration)) best = { duration: slot.duration, day, start: slot.start, end: slot.end, title: g.need.title };
        }
      });
    }
  }
  if (!best) return {};
  return { dropDay: best.day, dropStart: best.start, dropEnd: best.end, dropNeed: best.title, hoursAfter: hours(weekMinutes - best.duration) };
}

/**
 * Checks a group of needs against every rule and, when it passes, measures it as a combination
 * (with its gap card when asked: only chosen combinations need one).
 * Days with the same weekday and the same active periods are summarised once; then the model year
 * is walked day by day for the rest between days and the weekly totals.
 */
export function evaluateGroup(ctx: EngineContext, group: PreparedNeed[], options: { gapCard?: boolean } = {}): Evaluation {
  const s = ctx.settings;
  const fixed = staticReason(ctx, group);
  if (fixed) return { reason: fixed };

  // The year in segments where every need keeps one period: each weekday of a segment is alike.
  const cuts = mergeCuts(group);
  const cache = new Map<number, DaySummary>();
  const segments: Segment[] = [];
  for (let i = 0; i < cuts.length; i++) {
    const start = cuts[i];
    const end = i + 1 < cuts.length ? cuts[i + 1] : MODEL_DAYS;
    const periods = group.map((g) => g.dayPeriod[start]);
    let code = 0;
    for (const p of periods) code = code * 5 + p + 1;
    const days: DaySummary[] = [];
    for (let weekday = 0; weekday < 7; weekday++) {
      if (weekdayCount(start, end, weekday) === 0) {
        days.push(NO_WORK);
        continue;
      }
      const key = code * 7 + weekday;
      let summary = cache.get(key);
      if (!summary) {
        summary = summariseDay(ctx, group, periods, weekday);
        cache.set(key, summary);
      }
      if (summary.reason) return { reason: summary.reason };
      days.push(summary);
    }
    segments.push({ start, end, days, weekMinutes: days.reduce((sum, d) => sum + d.work + d.travel, 0) });
  }
  const summaryAt = (day: number) => segments[segmentIndex(segments, day)].days[weekdayOf(day)];

  // Rest between two working days: into each segment, then between its consecutive weekdays.
  let minRest: number | null = null;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const length = segment.end - segment.start;
    for (let k = 0; k <= Math.min(length - 1, 7); k++) {
      const day = segment.start + k;
      const before = k === 0 ? summaryAt((day + MODEL_DAYS - 1) % MODEL_DAYS) : segment.days[weekdayOf(day - 1)];
      const after = segment.days[weekdayOf(day)];
      if (before.work === 0 || after.work === 0) continue;
      const rest = DAY_MINUTES - before.last + after.first;
      minRest = minRest === null ? rest : Math.min(minRest, rest);
      if (rest < s.minDailyRestHours * 60) {
        return { reason: reason('dailyRest', true, { day: weekdayOf(day), end: before.last, start: after.first, hours: hours(rest), min: s.minDailyRestHours }) };
      }
    }
  }

  const weeks = new Array<number>(WEEKS).fill(0);
  const perMember = new Array<number>(group.length).fill(0);
  let travel = 0;
  let idle = 0;
  let workingDays = 0;
  let maxDaily = 0;
  for (const segment of segments) {
    for (let week = weekOf(segment.start); week <= weekOf(segment.end - 1); week++) {
      const from = Math.max(segment.start, week * 7);
      const to = Math.min(segment.end, week * 7 + 7);
      if (to - from === 7) weeks[week] += segment.weekMinutes;
      else for (let day = from; day < to; day++) weeks[week] += segment.days[weekdayOf(day)].work + segment.days[weekdayOf(day)].travel;
    }
    segment.days.forEach((d, weekday) => {
      const count = d.work > 0 ? weekdayCount(segment.start, segment.end, weekday) : 0;
      if (count === 0) return;
      d.perMember.forEach((minutes, member) => (perMember[member] += minutes * count));
      travel += d.travel * count;
      idle += d.idle * count;
      workingDays += count;
      maxDaily = Math.max(maxDaily, d.work + d.travel);
    });
  }

  let minWeeklyRest = 7 * DAY_MINUTES;
  for (let week = 0; week < WEEKS; week++) {
    const index = segmentIndex(segments, week * 7);
    const segment = segments[index];
    let rest: number;
    if (segment.end >= week * 7 + 7) rest = segment.weeklyRest ??= longestWeeklyRest(segment.days);
    else rest = longestWeeklyRest([0, 1, 2, 3, 4, 5, 6].map((k) => summaryAt(week * 7 + k)));
    minWeeklyRest = Math.min(minWeeklyRest, rest);
    if (rest < s.minWeeklyRestHours * 60) {
      return { reason: reason('weeklyRest', true, { weekStart: monthDayOf(week * 7), hours: hours(rest), min: s.minWeeklyRestHours }) };
    }
  }

  const maxWeek = Math.max(...weeks);
  if (maxWeek > s.maxWeeklyHours * 60) {
    const week = weeks.indexOf(maxWeek);
    return { reason: reason('weekTooLong', true, { weekStart: monthDayOf(week * 7), hours: hours(maxWeek), max: s.maxWeeklyHours }) };
  }
  let window = 0;
  for (let k = 0; k < 12; k++) window += weeks[(WEEKS - 12 + k) % WEEKS];
  let maxAverage = 0;
  for (let week = 0; week < WEEKS; week++) {
    window += weeks[week] - weeks[(week + WEEKS - 12) % WEEKS];
    if (window / 12 > maxAverage) maxAverage = window / 12;
    if (window / 12 > s.maxAverageWeeklyHours * 60 + 1e-9) {
      return { reason: reason('averageTooHigh', true, { weekStart: monthDayOf(((week + WEEKS - 11) % WEEKS) * 7), hours: hours(window / 12), max: s.maxAverageWeeklyHours }) };
    }
  }

  const annual = weeks.reduce((sum, w) => sum + w, 0);
  const minWeek = s.weeklyHours.min * 60;
  const maxWeekly = s.weeklyHours.max * 60;
  const cap = s.annualHours * 60;
  const floor = s.minAnnualShare * cap;
  let regime: Combination['regime'];
  if (weeks.every((w) => w >= minWeek && w <= maxWeekly)) regime = 'weekly';
  else if (annual <= cap && annual >= floor) regime = 'annualised';
  else {
    const constant = weeks.every((w) => w === weeks[0]);
    // More hours never repair a week over the maximum once the year is over the cap too.
    const overForGood = annual > cap && weeks.some((w) => w > maxWeekly);
    if (constant && weeks[0] > maxWeekly) {
      return { weeks, reason: reason('weeklyOverMax', overForGood, { hours: hours(weeks[0]), max: s.weeklyHours.max, ...dropSuggestion(group, weeks[0], maxWeekly) }) };
    }
    if (constant) return { weeks, reason: reason('weeklyUnderMin', false, { hours: hours(weeks[0]), min: s.weeklyHours.min }) };
    if (annual > cap) return { weeks, reason: reason('annualOverMax', overForGood, { hours: hours(annual), max: s.annualHours }) };
    return { weeks, reason: reason('annualUnderMin', false, { hours: hours(annual), min: Math.round(floor / 60), share: Math.round(s.minAnnualShare * 100), cap: s.annualHours }) };
  }

  const employers = employerShares(group, perMember);
  if (s.publicEmployerMaxShare !== null) {
    const over = employers.find((e) => e.publicBody && e.share > s.publicEmployerMaxShare! + 1e-9);
    if (over) return { weeks, reason: reason('publicShare', false, { company: over.companyName, share: Math.round(over.share * 100), max: Math.round(s.publicEmployerMaxShare * 100) }) };
  }

  let maxSiteTravel = 0;
  for (let i = 0; i < group.length; i++) {
    for (let j = i + 1; j < group.length; j++) {
      for (const a of group[i].siteIds) for (const b of group[j].siteIds) maxSiteTravel = Math.max(maxSiteTravel, ctx.travel(a, b));
    }
  }

  const fill = regime === 'weekly' ? annual / (maxWeekly * WEEKS) : annual / cap;
  const terms = scoreTerms(ctx, group, { weeks, annual, travel, idle, workingDays, employers: employers.length, perMember });
  const totalWeight = terms.reduce((sum, t) => sum + t.weight, 0);
  const score = Math.round((totalWeight > 0 ? terms.reduce((sum, t) => sum + t.value * t.weight, 0) / totalWeight : 0) * 10_000) / 10_000;
  const needIds = group.map((g) => g.need.id);
  const combination: Combination = {
    key: combinationKey(needIds),
    needIds: [...needIds].sort(),
    regime,
    weeklyMinutes: weeks,
    annualMinutes: annual,
    travelMinutes: travel,
    fill: Math.round(fill * 10_000) / 10_000,
    score,
    value: Math.round(score * annual) / 60,
    terms,
    employers,
    licences: [...new Set(group.flatMap((g) => g.need.licences))].sort(),
    gap: null,
    metrics: {
      maxDailyMinutes: maxDaily,
      minDailyRestMinutes: minRest,
      minWeeklyRestMinutes: minWeeklyRest,
      maxWeekMinutes: maxWeek,
      maxAverage12Minutes: Math.round(maxAverage),
      maxSiteTravelMinutes: maxSiteTravel,
      workingDays,
    },
  };
  if (options.gapCard && fill >= s.gapCard.minFill && fill < s.gapCard.maxFill) combination.gap = gapCard(ctx, group, summaryAt, combination, perMember);
  return { combination, weeks };
}

/**
 * A bound without evaluating: the group's weeks plus the new need's own work (travel can only add).
 * True when the larger group is sure to fail for good: a week over the legal maximum, or more hours
 * than both regimes allow.
 */
export function surelyTooLong(settings: SharedTimeSettings, weeks: number[], added: number[]): boolean {
  let annual = 0;
  let overWeekly = false;
  for (let k = 0; k < WEEKS; k++) {
    const minutes = weeks[k] + added[k];
    if (minutes > settings.maxWeeklyHours * 60) return true;
    if (minutes > settings.weeklyHours.max * 60) overWeekly = true;
    annual += minutes;
  }
  return overWeekly && annual > settings.annualHours * 60;
}

/** The same set of needs always has the same key, whatever the order they were given in. */
export function combinationKey(needIds: string[]): string {
  return [...needIds].sort().join('+');
}

function employerShares(group: PreparedNeed[], perMember: number[]): EmployerShare[] {
  const total = perMember.reduce((sum, m) => sum + m, 0);
  const byCompany = new Map<string, EmployerShare & { wageMinutes: number }>();
  group.forEach((g, member) => {
    const entry = byCompany.get(g.need.companyId) ?? {
      companyId: g.need.companyId,
      companyName: g.need.companyName,
      publicBody: g.need.publicBody,
      minutes: 0,
      share: 0,
      hourlyWage: 0,
      wageMinutes: 0,
    };
    entry.minutes += perMember[member];
    entry.wageMinutes += perMember[member] * g.need.hourlyWage;
    byCompany.set(g.need.companyId, entry);
  });
  return [...byCompany.values()]
    .map(({ wageMinutes, ...e }) => ({
      ...e,
      minutes: Math.round(e.minutes),
      share: total > 0 ? Math.round((e.minutes / total) * 10_000) / 10_000 : 0,
      hourlyWage: e.minutes > 0 ? Math.round((wageMinutes / e.minutes) * 100) / 100 : 0,
    }))
    .sort((a, b) => b.minutes - a.minutes || a.companyId.localeCompare(b.companyId));
}

interface Measures {
  weeks: number[];
  annual: number;
  travel: number;
  idle: number;
  workingDays: number;
  employers: number;
  perMember: number[];
}

/** Every term of the score, 0–1 each, with the tenant's weight (shared/SHARED-TIME.md, « Score »). */
function scoreTerms(ctx: EngineContext, group: PreparedNeed[], m: Measures): ScoreTerm[] {
  const s = ctx.settings;
  const w = s.weights;
  const round = (value: number) => Math.round(Math.max(0, Math.min(1, value)) * 10_000) / 10_000;
  const offWeeks = m.weeks.filter((minutes) => (minutes > 0 && minutes < s.weeklyHours.min * 60) || minutes > 40 * 60).length;
  const changes = m.weeks.filter((minutes, k) => minutes !== m.weeks[(k + WEEKS - 1) % WEEKS]).length;
  const meanTravel = m.workingDays > 0 ? m.travel / m.workingDays : 0;
  const meanIdle = m.workingDays > 0 ? m.idle / m.workingDays : 0;
  let proximity = 1;
  if (group.length > 1) {
    let sum = 0;
    let pairs = 0;
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        sum += ctx.tradeProximity(group[i].need.rome, group[j].need.rome);
        pairs += 1;
      }
    }
    proximity = sum / pairs;
  }
  const employersTerm = m.employers === 1 ? 0.5 : m.employers <= 3 ? 1 : m.employers === 4 ? 0.6 : 0.3;
  const total = m.perMember.reduce((sum, x) => sum + x, 0);
  const committed = group.reduce((sum, g, member) => sum + (g.need.minCommitmentMonths >= 12 ? m.perMember[member] : 0), 0);
  return [
    { name: 'hours', value: round(Math.min(1, m.annual / (s.annualHours * 60)) - (0.5 * offWeeks) / WEEKS), weight: w.hours },
    { name: 'stability', value: round(1 - changes / 12), weight: w.stability },
    { name: 'travel', value: round(1 - Math.min(1, meanTravel / s.travel.maxMinutes)), weight: w.travel },
    { name: 'idle', value: round(1 - Math.min(1, meanIdle / 240)), weight: w.idle },
    { name: 'trade', value: round(proximity), weight: w.trade },
    { name: 'employers', value: employersTerm, weight: w.employers },
    { name: 'certainty', value: round(total > 0 ? committed / total : 0), weight: w.certainty },
  ];
}

/** What would complete a combination that falls short of its target: free days and months, a zone, the trades. */
function gapCard(ctx: EngineContext, group: PreparedNeed[], summaryAt: (day: number) => DaySummary, combination: Combination, perMember: number[]): GapCard {
  const s = ctx.settings;
  const busyWeekdays = new Set<number>();
  const monthMinutes = new Array<number>(12).fill(0);
  for (let day = 0; day < MODEL_DAYS; day++) {
    const d = summaryAt(day);
    if (d.work > 0) {
      busyWeekdays.add(weekdayOf(day));
      monthMinutes[monthOf(day)] += d.work + d.travel;
    }
  }
  // The site where the employee works most is the centre of the search zone.
  const siteMinutes = new Map<number, number>();
  group.forEach((g, member) => {
    const main = g.siteIds[0];
    siteMinutes.set(main, (siteMinutes.get(main) ?? 0) + perMember[member]);
  });
  const centre = [...siteMinutes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  const farthest = Math.max(0, ...group.flatMap((g) => g.siteIds.map((site) => ctx.travel(centre, site))));
  const weekly = combination.regime === 'weekly';
  const missing = weekly ? s.weeklyHours.max * 60 - combination.annualMinutes / WEEKS : s.annualHours * 60 - combination.annualMinutes;
  const trades = new Map<string, string>();
  for (const g of group) if (g.need.rome) trades.set(g.need.rome.code, g.need.rome.label);
  return {
    fill: combination.fill,
    missingHours: Math.round((missing / 60) * 2) / 2,
    per: weekly ? 'week' : 'year',
    freeDays: [0, 1, 2, 3, 4, 5, 6].filter((d) => !busyWeekdays.has(d)),
    freeMonths: monthMinutes.map((m, i) => (m === 0 ? i : -1)).filter((i) => i >= 0),
    zone: { siteName: ctx.sites[centre].name, minutes: Math.max(0, s.travel.maxMinutes - farthest) },
    trades: [...trades.entries()].sort().map(([code, label]) => ({ code, label })),
  };
}

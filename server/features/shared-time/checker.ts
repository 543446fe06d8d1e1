import type { SharedTimeSettings } from './engine/settings.js';
import type { EngineNeed } from './engine/types.js';

/**
 * An independent check of one combination, written apart from the engine on purpose (no shared
 * helper: own calendar through Date on 2029, a year that starts on a Monday like the model year; own
 * distances; a plain walk over every day and every slot, no caching). The tests run every proposal of
 * the engine through it, and the background job drops (and logs) any proposal it refuses, so a bug in
 * one of the two shows up instead of reaching a GE planner.
 */
export interface CheckReport {
  ok: boolean;
  violations: string[];
  regime: 'weekly' | 'annualised' | null;
  annualMinutes: number;
  weeklyMinutes: number[];
}

export interface CheckContext {
  competitors: [string, string][];
  regulatedDiplomas: readonly string[];
}

const DAY_MS = 86_400_000;
const YEAR_START = Date.UTC(2029, 0, 1);

function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLon = (b.lon - a.lon) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

function tripMinutes(a: { lat: number; lon: number }, b: { lat: number; lon: number }, travel: SharedTimeSettings['travel']): number {
  const km = haversineKm(a, b);
  return km < 0.05 ? 0 : Math.ceil(((km * travel.detourFactor) / travel.averageSpeedKmh) * 60 - 1e-9);
}

/** Is `MM-DD` inside an inclusive range that may wrap over the new year? Plain string comparison. */
const inRange = (monthDay: string, from: string, to: string) => (from <= to ? monthDay >= from && monthDay <= to : monthDay >= from || monthDay <= to);

interface Interval {
  start: number;
  end: number;
  need: number;
  site: { lat: number; lon: number };
}

export function checkCombination(needs: EngineNeed[], s: SharedTimeSettings, context: CheckContext): CheckReport {
  const violations: string[] = [];
  if (needs.length < 2 || needs.length > s.maxNeeds) violations.push(`size ${needs.length} outside 2..${s.maxNeeds}`);
  if (new Set(needs.map((n) => n.id)).size !== needs.length) violations.push('a need appears twice');
  const companies = [...new Set(needs.map((n) => n.companyId))];
  if (companies.length > s.maxEmployers) violations.push(`${companies.length} employers > ${s.maxEmployers}`);
  for (const [a, b] of context.competitors) {
    if (companies.includes(a) && companies.includes(b)) violations.push(`competitors ${a} and ${b}`);
  }
  const diplomas = new Set(needs.flatMap((n) => n.licences.filter((l) => context.regulatedDiplomas.includes(l))));
  if (diplomas.size > s.maxRegulatedDiplomas) violations.push(`${diplomas.size} regulated diplomas > ${s.maxRegulatedDiplomas}`);
  needs.forEach((x, i) =>
    needs.forEach((y, j) => {
      if (j <= i) return;
      for (const a of x.sites) for (const b of y.sites) if (tripMinutes(a, b, s.travel) > s.travel.maxMinutes) violations.push(`sites ${a.name} and ${b.name} too far`);
    }),
  );

  // Every day of the model year, every slot of every need.
  const days: Interval[][] = [];
  for (let d = 0; d < 364; d++) {
    const date = new Date(YEAR_START + d * DAY_MS);
    const weekday = (date.getUTCDay() + 6) % 7;
    const monthDay = `${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
    const list: Interval[] = [];
    needs.forEach((need, n) => {
      for (const period of need.periods) {
        if (!inRange(monthDay, period.from, period.to)) continue;
        for (const slot of period.slots) if (slot.day === weekday) list.push({ start: slot.start, end: slot.end, need: n, site: need.sites[slot.site] });
      }
    });
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    days.push(list);
  }

  const dayTotals = days.map((list, d) => {
    let total = 0;
    list.forEach((interval, k) => {
      total += interval.end - interval.start;
      if (k === 0) return;
      const before = list[k - 1];
      const trip = tripMinutes(before.site, interval.site, s.travel);
      if (before.end + trip > interval.start) violations.push(`day ${d}: ${before.end}+${trip} > ${interval.start}`);
      total += trip;
    });
    if (total > s.maxDailyHours * 60) violations.push(`day ${d}: ${total} min of work and travel`);
    return total;
  });

  for (let d = 0; d < 364; d++) {
    const today = days[d];
    const yesterday = days[(d + 363) % 364];
    if (today.length === 0 || yesterday.length === 0) continue;
    const rest = 1440 - Math.max(...yesterday.map((i) => i.end)) + today[0].start;
    if (rest < s.minDailyRestHours * 60) violations.push(`day ${d}: rest ${rest} min`);
  }

  const weekly: number[] = [];
  for (let w = 0; w < 52; w++) {
    weekly.push(dayTotals.slice(w * 7, w * 7 + 7).reduce((sum, t) => sum + t, 0));
    // The week's pattern, repeated, must leave the weekly rest in one piece.
    const busy: [number, number][] = [];
    for (let k = 0; k < 7; k++) for (const i of days[w * 7 + k]) busy.push([k * 1440 + i.start, k * 1440 + i.end]);
    if (busy.length > 0) {
      busy.sort((a, b) => a[0] - b[0]);
      let longest = busy[0][0] + 7 * 1440 - Math.max(...busy.map((b) => b[1]));
      let reach = busy[0][1];
      for (const [start, end] of busy.slice(1)) {
        longest = Math.max(longest, start - reach);
        reach = Math.max(reach, end);
      }
      if (longest < s.minWeeklyRestHours * 60) violations.push(`week ${w}: longest rest ${longest} min`);
    }
  }
  weekly.forEach((minutes, w) => {
    if (minutes > s.maxWeeklyHours * 60) violations.push(`week ${w}: ${minutes} min`);
  });
  for (let w = 0; w < 52; w++) {
    let sum = 0;
    for (let k = 0; k < 12; k++) sum += weekly[(w + k) % 52];
    if (sum / 12 > s.maxAverageWeeklyHours * 60 + 1e-9) violations.push(`weeks ${w}..${w + 11}: average ${sum / 12} min`);
  }

  const annual = weekly.reduce((sum, m) => sum + m, 0);
  let regime: CheckReport['regime'] = null;
  if (weekly.every((m) => m >= s.weeklyHours.min * 60 && m <= s.weeklyHours.max * 60)) regime = 'weekly';
  else if (annual <= s.annualHours * 60 && annual >= s.minAnnualShare * s.annualHours * 60) regime = 'annualised';
  else violations.push(`neither weekly (${Math.min(...weekly)}–${Math.max(...weekly)} min) nor annualised (${annual} min)`);

  if (s.publicEmployerMaxShare !== null) {
    // Work only (the engine also counts half of each trip): a small tolerance.
    const all = days.flat();
    const work = all.reduce((t, i) => t + i.end - i.start, 0);
    for (const company of companies) {
      if (!needs.some((n) => n.companyId === company && n.publicBody)) continue;
      const own = all.filter((i) => needs[i.need].companyId === company).reduce((t, i) => t + i.end - i.start, 0);
      if (work > 0 && own / work > s.publicEmployerMaxShare + 0.03) violations.push(`public member ${company} uses ${Math.round((own / work) * 100)} %`);
    }
  }
  return { ok: violations.length === 0, violations, regime, annualMinutes: annual, weeklyMinutes: weekly };
}

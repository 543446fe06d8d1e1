import type { Selectable } from 'kysely';
import type { NeedPeriod, NeedSeason, NeedSite, SharedTimeNeedsTable } from '../../db/database.js';
import { clock, dayOfYear, MODEL_DAYS, monthOf, parseClock, periodDays, WEEKDAYS, weekdayOf, type Weekday } from './engine/calendar.js';
import { travelMinutes } from './engine/geo.js';
import type { SharedTimeSettings } from './engine/settings.js';
import type { EngineNeed } from './engine/types.js';
import { LICENCE_CODES } from './licences.js';
import type { Translate } from './reasons.js';

/**
 * A need as a form or an API client gives it. The page form and the JSON API both end here, so both
 * get the same checks and the same French messages, keyed by the field's path in this shape
 * (`periods[0].slots[2].end`); the page maps paths to its inputs.
 */
export interface NeedInput {
  title: string;
  rome_code: string;
  sites: { commune_insee: string; label?: string | null }[];
  periods: { from: string; to: string; slots: { day: string; start: string; end: string; site?: number }[] }[];
  licences: string[];
  start_date: string;
  min_commitment_months: number | null;
  hourly_wage: number | null;
  short_contracts_replaced: number | null;
  notes: string | null;
}

export const NEED_LIMITS = { sites: 3, periods: 4, slotsPerPeriod: 21, titleMin: 3, titleMax: 120, notesMax: 2000 } as const;

export interface CommuneLookup {
  insee_code: string;
  name: string;
  postal_codes: string[];
  latitude: number | null;
  longitude: number | null;
}

/** A checked need, ready to store: its input cleaned up, plus what lists and filters read. */
export type NeedValues = Pick<
  Selectable<SharedTimeNeedsTable>,
  | 'title'
  | 'rome_code'
  | 'sites'
  | 'periods'
  | 'licences'
  | 'start_date'
  | 'min_commitment_months'
  | 'hourly_wage'
  | 'short_contracts_replaced'
  | 'notes'
  | 'commune_insee'
  | 'latitude'
  | 'longitude'
  | 'weekly_minutes'
  | 'annual_minutes'
  | 'month_minutes'
  | 'season'
>;

export interface NeedCheckContext {
  t: Translate;
  settings: SharedTimeSettings;
  romeExists(code: string): Promise<boolean>;
  communes(codes: string[]): Promise<Map<string, CommuneLookup>>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const message = (t: Translate, key: string, params: Record<string, unknown> = {}) => t(`sharedTime.field.${key}`, params);

/**
 * Every rule a need must follow, with one French message per faulty field; `values` only when none.
 * Periods must not overlap each other; within a period, slots must not overlap and must leave time
 * to travel between the need's own sites; a day is at most the legal daily maximum.
 */
export async function checkNeed(input: NeedInput, ctx: NeedCheckContext): Promise<{ values?: NeedValues; errors: Record<string, string> }> {
  const { t } = ctx;
  const errors: Record<string, string> = {};
  const fail = (path: string, key: string, params: Record<string, unknown> = {}) => {
    if (!errors[path]) errors[path] = message(t, key, params);
  };

  const title = input.title.trim();
  if (title.length < NEED_LIMITS.titleMin || title.length > NEED_LIMITS.titleMax) fail('title', 'title.invalid', NEED_LIMITS);
  const rome = input.rome_code.trim().toUpperCase();
  if (!/^[A-N][0-9]{4}$/.test(rome)) fail('rome_code', rome ? 'rome_code.invalid' : 'rome_code.required');
  else if (!(await ctx.romeExists(rome))) fail('rome_code', 'rome_code.unknown');

  // Sites: 1 to 3 communes (INSEE code → name and coordinates).
  const siteInputs = input.sites.filter((s) => s.commune_insee.trim() !== '' || (s.label ?? '').trim() !== '');
  if (siteInputs.length === 0) fail('sites[0].commune_insee', 'site.required');
  if (siteInputs.length > NEED_LIMITS.sites) fail('sites', 'site.tooMany', { max: NEED_LIMITS.sites });
  const codes = siteInputs.map((s) => s.commune_insee.trim().toUpperCase());
  const communes = await ctx.communes(codes.filter((c) => /^[0-9][0-9AB][0-9]{3}$/.test(c)));
  const sites: NeedSite[] = [];
  siteInputs.slice(0, NEED_LIMITS.sites).forEach((site, i) => {
    const code = codes[i];
    const commune = communes.get(code);
    const label = (site.label ?? '').trim();
    if (!code) fail(`sites[${i}].commune_insee`, 'site.required');
    else if (!/^[0-9][0-9AB][0-9]{3}$/.test(code)) fail(`sites[${i}].commune_insee`, 'site.invalid');
    else if (!commune || commune.latitude === null || commune.longitude === null) fail(`sites[${i}].commune_insee`, 'site.unknown');
    if (label.length > 80) fail(`sites[${i}].label`, 'site.labelTooLong');
    if (commune && commune.latitude !== null && commune.longitude !== null) {
      sites.push({ commune_insee: commune.insee_code, name: commune.name, postal_code: commune.postal_codes[0] ?? null, lat: commune.latitude, lon: commune.longitude, label: label || null });
    }
  });

  // Periods and their weekly slots.
  const periods: NeedPeriod[] = [];
  const periodInputs = input.periods.filter((p) => p.from.trim() !== '' || p.to.trim() !== '' || p.slots.length > 0);
  if (periodInputs.length === 0) fail('periods[0].from', 'period.required');
  if (periodInputs.length > NEED_LIMITS.periods) fail('periods', 'period.tooMany', { max: NEED_LIMITS.periods });
  const covered = new Map<number, number>();
  periodInputs.slice(0, NEED_LIMITS.periods).forEach((period, p) => {
    const from = period.from.trim();
    const to = period.to.trim();
    if (dayOfYear(from) === null) fail(`periods[${p}].from`, from ? 'period.dateInvalid' : 'period.dateRequired');
    if (dayOfYear(to) === null) fail(`periods[${p}].to`, to ? 'period.dateInvalid' : 'period.dateRequired');
    const days = periodDays(from, to);
    if (dayOfYear(from) !== null && dayOfYear(to) !== null) {
      if (days.length === 0) fail(`periods[${p}].to`, 'period.empty');
      const clash = days.find((d) => covered.has(d));
      if (clash !== undefined) fail(`periods[${p}].from`, 'period.overlap', { other: covered.get(clash)! + 1 });
      for (const d of days) covered.set(d, p);
    }
    if (period.slots.length === 0) fail(`periods[${p}].slots`, 'slot.required');
    if (period.slots.length > NEED_LIMITS.slotsPerPeriod) fail(`periods[${p}].slots`, 'slot.tooMany', { max: NEED_LIMITS.slotsPerPeriod });
    const slots: NeedPeriod['slots'] = [];
    period.slots.slice(0, NEED_LIMITS.slotsPerPeriod).forEach((slot, k) => {
      const path = `periods[${p}].slots[${k}]`;
      const day = WEEKDAYS.indexOf(slot.day as Weekday);
      const start = parseClock(slot.start.trim());
      const end = parseClock(slot.end.trim());
      const site = slot.site ?? 0;
      if (day < 0) fail(`${path}.day`, 'slot.dayInvalid');
      if (start === null) fail(`${path}.start`, slot.start.trim() ? 'slot.timeInvalid' : 'slot.timeRequired');
      if (end === null) fail(`${path}.end`, slot.end.trim() ? 'slot.timeInvalid' : 'slot.timeRequired');
      if (start !== null && end !== null && end <= start) fail(`${path}.end`, 'slot.endBeforeStart');
      if (start !== null && end !== null && end - start > ctx.settings.maxDailyHours * 60) fail(`${path}.end`, 'slot.tooLong', { max: ctx.settings.maxDailyHours });
      if (!Number.isInteger(site) || site < 0 || site >= Math.max(1, siteInputs.length)) fail(`${path}.site`, 'slot.siteUnknown');
      if (day >= 0 && start !== null && end !== null && end > start) slots.push({ day, start, end, site: Number.isInteger(site) ? site : 0 });
    });
    // The need's own week must hold: no overlap, time to travel between its sites, a lawful day.
    for (let day = 0; day < 7; day++) {
      const list = slots.map((s, k) => ({ ...s, k })).filter((s) => s.day === day).sort((a, b) => a.start - b.start);
      let total = 0;
      list.forEach((slot, i) => {
        total += slot.end - slot.start;
        if (i === 0) return;
        const before = list[i - 1];
        const trip = sites[before.site] && sites[slot.site] ? travelMinutes(sites[before.site], sites[slot.site], ctx.settings.travel) : 0;
        total += trip;
        if (slot.start < before.end + trip) {
          fail(`periods[${p}].slots[${slot.k}].start`, trip > 0 ? 'slot.noTimeToTravel' : 'slot.overlap', { day: t(`sharedTime.day.${day}`), end: clock(before.end), travel: trip });
        }
      });
      if (total > ctx.settings.maxDailyHours * 60) fail(`periods[${p}].slots`, 'slot.dayTooLong', { day: t(`sharedTime.day.${day}`), max: ctx.settings.maxDailyHours });
    }
    periods.push({ from, to, slots: slots.sort((a, b) => a.day - b.day || a.start - b.start) });
  });

  const licences = [...new Set(input.licences)];
  const unknownLicence = licences.find((l) => !LICENCE_CODES.includes(l));
  if (unknownLicence) fail('licences', 'licences.unknown', { code: unknownLicence });

  // A real calendar day: 2027-02-30 parses (as 2 March) but is not one.
  const start = DATE.test(input.start_date) ? new Date(`${input.start_date}T00:00:00Z`) : undefined;
  if (!start || Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== input.start_date) fail('start_date', input.start_date ? 'start_date.invalid' : 'start_date.required');
  const months = input.min_commitment_months;
  if (months === null) fail('min_commitment_months', 'min_commitment_months.required');
  else if (!Number.isInteger(months) || months < 1 || months > 120) fail('min_commitment_months', 'min_commitment_months.invalid');
  const wage = input.hourly_wage;
  if (wage === null) fail('hourly_wage', 'hourly_wage.required');
  else if (!(wage > 0) || wage > 500) fail('hourly_wage', 'hourly_wage.invalid');
  else if (wage < ctx.settings.minimumHourlyWage) fail('hourly_wage', 'hourly_wage.belowMinimum', { min: String(ctx.settings.minimumHourlyWage).replace('.', ',') });
  const replaced = input.short_contracts_replaced ?? 0;
  if (!Number.isInteger(replaced) || replaced < 0 || replaced > 1000) fail('short_contracts_replaced', 'short_contracts_replaced.invalid');
  const notes = (input.notes ?? '').trim();
  if (notes.length > NEED_LIMITS.notesMax) fail('notes', 'notes.tooLong', { max: NEED_LIMITS.notesMax });

  if (Object.keys(errors).length > 0) return { errors };
  const measures = measureNeed(periods);
  return {
    errors,
    values: {
      title,
      rome_code: rome,
      sites,
      periods,
      licences: licences.sort(),
      start_date: input.start_date,
      min_commitment_months: months!,
      hourly_wage: Math.round(wage! * 100) / 100,
      short_contracts_replaced: replaced,
      notes: notes || null,
      commune_insee: sites[0].commune_insee,
      latitude: sites[0].lat,
      longitude: sites[0].lon,
      ...measures,
    },
  };
}

const WINTER_MONTHS = new Set([10, 11, 0, 1, 2, 3]);

/** What lists and filters read without parsing periods: the longest week, the year, each month, the season. */
export function measureNeed(periods: NeedPeriod[]): { weekly_minutes: number; annual_minutes: number; month_minutes: number[]; season: NeedSeason } {
  const month = new Array<number>(12).fill(0);
  const busyMonths = new Set<number>();
  let covered = 0;
  for (const period of periods) {
    const byWeekday = new Array<number>(7).fill(0);
    for (const slot of period.slots) byWeekday[slot.day] += slot.end - slot.start;
    for (const day of periodDays(period.from, period.to)) {
      covered += 1;
      month[monthOf(day)] += byWeekday[weekdayOf(day)];
      if (byWeekday[weekdayOf(day)] > 0) busyMonths.add(monthOf(day));
    }
  }
  const weekly = Math.max(0, ...periods.map((p) => p.slots.reduce((sum, s) => sum + s.end - s.start, 0)));
  const months = [...busyMonths];
  const season: NeedSeason =
    covered >= MODEL_DAYS && periods.length === 1 ? 'all_year' : months.every((m) => WINTER_MONTHS.has(m)) ? 'winter' : months.every((m) => !WINTER_MONTHS.has(m)) ? 'summer' : 'other';
  return { weekly_minutes: weekly, annual_minutes: month.reduce((sum, m) => sum + m, 0), month_minutes: month, season };
}

export interface NeedForEngine {
  id: string;
  company_id: string;
  company_name: string;
  public_body: boolean | null;
  title: string;
  rome_code: string;
  rome_label: string;
  domain_code: string;
  grand_domain_code: string;
  sites: NeedSite[];
  periods: NeedPeriod[];
  licences: string[];
  min_commitment_months: number;
  hourly_wage: number;
}

/** A stored need as the engine reads it: sites named « Commune (label) ». */
export function engineNeed(row: NeedForEngine): EngineNeed {
  return {
    id: row.id,
    companyId: row.company_id,
    companyName: row.company_name,
    publicBody: row.public_body ?? false,
    title: row.title,
    rome: { code: row.rome_code, domain: row.domain_code, grandDomain: row.grand_domain_code, label: row.rome_label },
    sites: row.sites.map((s) => ({ name: s.label ? `${s.name} (${s.label})` : s.name, lat: s.lat, lon: s.lon })),
    periods: row.periods,
    licences: row.licences,
    minCommitmentMonths: row.min_commitment_months,
    hourlyWage: row.hourly_wage,
  };
}

/** Stored periods as the API writes them: weekday names and `HH:MM` times. */
export function periodsAsText(periods: NeedPeriod[]): { from: string; to: string; slots: { day: string; start: string; end: string; site: number }[] }[] {
  return periods.map((p) => ({ from: p.from, to: p.to, slots: p.slots.map((s) => ({ day: WEEKDAYS[s.day], start: clock(s.start), end: clock(s.end), site: s.site })) }));
}

/** A stored need back in the input shape (the base of a PATCH, the values of the edit form). */
export function needInput(row: Pick<NeedValues, 'title' | 'rome_code' | 'notes' | 'min_commitment_months' | 'hourly_wage' | 'short_contracts_replaced' | 'sites' | 'periods' | 'licences' | 'start_date'>): NeedInput {
  return {
    title: row.title,
    rome_code: row.rome_code,
    sites: row.sites.map((s) => ({ commune_insee: s.commune_insee, label: s.label })),
    periods: periodsAsText(row.periods),
    licences: row.licences,
    start_date: row.start_date,
    min_commitment_months: row.min_commitment_months,
    hourly_wage: row.hourly_wage,
    short_contracts_replaced: row.short_contracts_replaced,
    notes: row.notes,
  };
}

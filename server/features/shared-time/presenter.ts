import { clock, MODEL_DAYS, monthDayOf, periodDays, WEEKS, weekdayOf } from './engine/calendar.js';
import { periodsAsText } from './needs.js';
import { travelMinutes } from './engine/geo.js';
import type { SharedTimeSettings } from './engine/settings.js';
import type { Combination, Reason, Unmatched } from './engine/types.js';
import { monthHours } from './offer-draft.js';
import { monthDayText, reasonText, type Translate } from './reasons.js';
import type { NeedRow, ProposalRow } from './repository.js';
import type { NeedResource, ProposalResource } from './schemas.js';
import { gapSummary } from './gap.js';
import { heatStripSvg, timetableSvg, weeklyProfileSvg, EMPLOYER_COLOURS, type TimetableBlock } from './svg.js';

const decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const centimes = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', minimumFractionDigits: 2 });

export const hoursText = (minutes: number) => `${decimal.format(minutes / 60)} h`;
const percent = (share: number) => `${Math.round(share * 100)} %`;
const dayNames = (t: Translate) => [0, 1, 2, 3, 4, 5, 6].map((d) => t(`sharedTime.day.${d}`));
const monthNames = (t: Translate) => Array.from({ length: 12 }, (_, m) => t(`sharedTime.month.${m}`));

export const needPath = (id: string) => `/temps-partage/besoins/${id}`;
export const proposalPath = (id: string) => `/temps-partage/propositions/${id}`;

/** « du 15 décembre au 15 avril », or « toute l’année ». */
export function rangeText(from: string, to: string, t: Translate): string {
  if (periodDays(from, to).length >= MODEL_DAYS) return t('sharedTime.period.allYear');
  return t('sharedTime.period.range', { from: monthDayText(from, t), to: monthDayText(to, t) });
}

/** A need in a list: who, what, when, how much, and its 12-month strip. */
export function needSummary(row: NeedRow, t: Translate) {
  return {
    id: row.id,
    url: needPath(row.id),
    title: row.title,
    company: row.company_name,
    trade: `${row.rome_code} · ${row.rome_label}`,
    status: row.status,
    statusLabel: t(`sharedTime.status.${row.status}`),
    seasonLabel: t(`sharedTime.season.${row.season}`),
    weekly: hoursText(row.weekly_minutes),
    annual: hoursText(row.annual_minutes),
    place: row.sites.map((s) => s.name).join(', '),
    strip: heatStripSvg(`bande-${row.id.slice(0, 8)}`, t('sharedTime.strip.needTitle', { title: row.title }), row.month_minutes.map((m) => m / 60), monthNames(t), true),
  };
}

/** The month totals of a list of needs, as the page's heat strip and its data table. */
export function heatStrip(months: number[], t: Translate) {
  const names = monthNames(t);
  return {
    svg: heatStripSvg('bande-besoins', t('sharedTime.strip.title'), months.map((m) => m / 60), names),
    rows: months.map((m, i) => ({ month: names[i], hours: hoursText(m) })),
  };
}

export function needDetail(row: NeedRow, t: Translate) {
  return {
    ...needSummary(row, t),
    romeCode: row.rome_code,
    romeLabel: row.rome_label,
    sites: row.sites.map((s) => ({ name: s.name, postalCode: s.postal_code, label: s.label, insee: s.commune_insee })),
    periods: row.periods.map((p) => ({
      range: rangeText(p.from, p.to, t),
      weekly: hoursText(p.slots.reduce((sum, s) => sum + s.end - s.start, 0)),
      slots: p.slots.map((s) => ({ day: t(`sharedTime.day.${s.day}`), start: clock(s.start), end: clock(s.end), site: row.sites[s.site]?.name ?? '' })),
    })),
    licences: row.licences.map((l) => t(`sharedTime.licence.${l}`)),
    startDate: row.start_date,
    commitment: t('sharedTime.need.months', { count: row.min_commitment_months }),
    wage: centimes.format(row.hourly_wage),
    replaced: row.short_contracts_replaced,
    notes: row.notes,
    sourceLabel: t(`sharedTime.source.${row.source}`),
  };
}

/** Stretches of the year with the same active periods: each is one weekly timetable of the combination. */
function patterns(needs: NeedRow[]) {
  const active: number[][] = needs.map((need) => {
    const byDay = new Array<number>(MODEL_DAYS).fill(-1);
    need.periods.forEach((period, p) => periodDays(period.from, period.to).forEach((day) => (byDay[day] = p)));
    return byDay;
  });
  const groups = new Map<string, { periods: number[]; days: number[] }>();
  for (let day = 0; day < MODEL_DAYS; day++) {
    const periods = active.map((byDay) => byDay[day]);
    if (periods.every((p) => p < 0)) continue;
    const key = periods.join(',');
    const group = groups.get(key) ?? { periods, days: [] };
    group.days.push(day);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Runs of consecutive days as « du 15 décembre au 15 avril » (a run over the new year stays one). */
function runsText(days: number[], t: Translate): string {
  if (days.length >= MODEL_DAYS) return t('sharedTime.period.allYear');
  const runs: [number, number][] = [];
  for (const day of days) {
    const last = runs[runs.length - 1];
    if (last && last[1] === day - 1) last[1] = day;
    else runs.push([day, day]);
  }
  if (runs.length > 1 && runs[0][0] === 0 && runs[runs.length - 1][1] === MODEL_DAYS - 1) {
    runs[runs.length - 1][1] = runs[0][1];
    runs.shift();
  }
  return runs.map(([from, to]) => t('sharedTime.period.range', { from: monthDayText(monthDayOf(from), t), to: monthDayText(monthDayOf(to), t) })).join(', ');
}

/**
 * The weekly timetables of a combination (one per stretch of the year with the same week), each as an
 * SVG and as rows of a data table: slots in their employer's colour, trips between sites hatched.
 */
export function timetables(needs: NeedRow[], combination: Combination, settings: SharedTimeSettings, t: Translate) {
  const colourOf = new Map(combination.employers.map((e, i) => [e.companyId, i]));
  const names = dayNames(t);
  return patterns(needs).map((pattern, index) => {
    const blocks: TimetableBlock[] = [];
    const rows: { day: string; start: string; end: string; employer: string; site: string; kind: string }[] = [];
    for (let weekday = 0; weekday < 7; weekday++) {
      if (!pattern.days.some((d) => weekdayOf(d) === weekday)) continue;
      const slots = needs
        .flatMap((need, n) => (pattern.periods[n] >= 0 ? need.periods[pattern.periods[n]].slots.filter((s) => s.day === weekday).map((s) => ({ ...s, need })) : []))
        .sort((a, b) => a.start - b.start);
      slots.forEach((slot, k) => {
        const site = slot.need.sites[slot.site];
        const previous = slots[k - 1];
        if (previous) {
          const from = previous.need.sites[previous.site];
          const trip = travelMinutes(from, site, settings.travel);
          if (trip > 0) {
            const label = t('sharedTime.timetable.trip', { day: names[weekday], from: from.name, to: site.name, minutes: trip });
            blocks.push({ day: weekday, start: previous.end, end: previous.end + trip, colour: -1, label, short: '' });
            rows.push({ day: names[weekday], start: clock(previous.end), end: clock(previous.end + trip), employer: '', site: `${from.name} → ${site.name}`, kind: t('sharedTime.timetable.tripKind') });
          }
        }
        const label = `${names[weekday]} ${clock(slot.start)}–${clock(slot.end)} · ${slot.need.company_name} · ${site.name}`;
        blocks.push({ day: weekday, start: slot.start, end: slot.end, colour: colourOf.get(slot.need.company_id) ?? 0, label, short: slot.need.company_name });
        rows.push({ day: names[weekday], start: clock(slot.start), end: clock(slot.end), employer: slot.need.company_name, site: site.name, kind: slot.need.title });
      });
    }
    const when = runsText(pattern.days, t);
    const weekMinutes = blocks.reduce((sum, b) => sum + b.end - b.start, 0);
    const title = t('sharedTime.timetable.title', { when });
    const description = t('sharedTime.timetable.description', { hours: hoursText(weekMinutes), slots: rows.length });
    return { id: `emploi-du-temps-${index + 1}`, when, title, svg: timetableSvg(`edt-${index + 1}`, title, description, names, blocks), rows, hours: hoursText(weekMinutes) };
  });
}

export function legend(combination: Combination) {
  return combination.employers.map((e, i) => ({ name: e.companyName, colour: EMPLOYER_COLOURS[i % EMPLOYER_COLOURS.length], publicBody: e.publicBody }));
}

/** The 52-week profile (SVG), its months and weeks as tables. */
export function profile(combination: Combination, settings: SharedTimeSettings, t: Translate) {
  const weekly = combination.weeklyMinutes.map((m) => m / 60);
  const names = monthNames(t);
  const lines = [
    { hours: settings.weeklyHours.min, label: t('sharedTime.profile.min', { hours: settings.weeklyHours.min }) },
    { hours: settings.weeklyHours.max, label: t('sharedTime.profile.max', { hours: settings.weeklyHours.max }) },
    { hours: settings.maxWeeklyHours, label: t('sharedTime.profile.legal', { hours: settings.maxWeeklyHours }) },
  ];
  const worked = weekly.filter((h) => h > 0).length;
  const description = t('sharedTime.profile.description', { annual: hoursText(combination.annualMinutes), weeks: worked, max: decimal.format(Math.max(...weekly)) });
  return {
    svg: weeklyProfileSvg('profil', t('sharedTime.profile.title'), description, weekly, lines, names),
    months: monthHours(combination.weeklyMinutes).map((hours, m) => ({ month: names[m], hours: `${hours} h` })),
    weeks: weekly.map((hours, w) => ({ week: w + 1, from: monthDayText(monthDayOf(w * 7), t), hours: `${decimal.format(hours)} h` })),
  };
}

/**
 * What each employer pays: its hours (work and half of the trips to and from it) at its own reference
 * wage, plus the GE's fee. The GE pays the lowest reference wage as base; each member whose reference
 * is higher pays the difference (art. L1253-9: equal pay with the member's own staff).
 */
export function costs(combination: Combination, settings: SharedTimeSettings) {
  const base = Math.min(...combination.employers.map((e) => e.hourlyWage));
  const rows = combination.employers.map((e) => {
    const hours = e.minutes / 60;
    const differential = Math.max(0, e.hourlyWage - base);
    return {
      name: e.companyName,
      publicBody: e.publicBody,
      hours: hoursText(e.minutes),
      share: percent(e.share),
      wage: centimes.format(e.hourlyWage),
      differential: centimes.format(differential),
      differentialYear: euros.format(differential * hours),
      cost: euros.format(hours * e.hourlyWage * (1 + settings.managementFeeRate)),
    };
  });
  const total = combination.employers.reduce((sum, e) => sum + (e.minutes / 60) * e.hourlyWage * (1 + settings.managementFeeRate), 0);
  return { base: centimes.format(base), fee: percent(settings.managementFeeRate), rows, total: euros.format(total) };
}

/** Every score term, its value and weight. */
export function terms(combination: Combination, t: Translate) {
  return combination.terms.map((term) => ({ label: t(`sharedTime.term.${term.name}`), hint: t(`sharedTime.term.${term.name}.hint`), value: percent(term.value), weight: percent(term.weight) }));
}

/** The hard constraints the combination passed, with its own figures. */
export function checks(combination: Combination, settings: SharedTimeSettings, t: Translate): string[] {
  const m = combination.metrics;
  const list = [
    t('sharedTime.check.noOverlap', { minutes: m.maxSiteTravelMinutes, max: settings.travel.maxMinutes }),
    t('sharedTime.check.daily', { hours: hoursText(m.maxDailyMinutes), max: settings.maxDailyHours }),
    m.minDailyRestMinutes === null ? t('sharedTime.check.restNone') : t('sharedTime.check.rest', { hours: hoursText(m.minDailyRestMinutes), min: settings.minDailyRestHours }),
    t('sharedTime.check.weeklyRest', { hours: hoursText(m.minWeeklyRestMinutes), min: settings.minWeeklyRestHours }),
    t('sharedTime.check.week', { hours: hoursText(m.maxWeekMinutes), max: settings.maxWeeklyHours }),
    t('sharedTime.check.average', { hours: hoursText(m.maxAverage12Minutes), max: settings.maxAverageWeeklyHours }),
    combination.regime === 'weekly'
      ? t('sharedTime.check.weekly', { min: settings.weeklyHours.min, max: settings.weeklyHours.max, low: hoursText(Math.min(...combination.weeklyMinutes)), high: hoursText(Math.max(...combination.weeklyMinutes)) })
      : t('sharedTime.check.annualised', { hours: hoursText(combination.annualMinutes), max: settings.annualHours, min: Math.round(settings.annualHours * settings.minAnnualShare) }),
    t('sharedTime.check.employers', { count: combination.employers.length, max: settings.maxEmployers }),
    t('sharedTime.check.competitors'),
  ];
  if (combination.licences.length > 0) list.push(t('sharedTime.check.licences', { list: combination.licences.map((l) => t(`sharedTime.licence.${l}`)).join(', ') }));
  return list;
}

export function proposalSummary(row: ProposalRow, needsById: Map<string, NeedRow>, t: Translate) {
  const combination = row.result as Combination | null;
  const needs = row.need_ids.map((id) => needsById.get(id)).filter((n): n is NeedRow => n !== undefined);
  return {
    id: row.id,
    url: proposalPath(row.id),
    status: row.status,
    statusLabel: t(`sharedTime.proposalStatus.${row.status}`),
    title: [...new Set(needs.map((n) => n.title))].join(' + '),
    employers: [...new Set(needs.map((n) => n.company_name))].join(', '),
    regime: combination ? t(`sharedTime.regime.${combination.regime}`) : '',
    hours: combination ? (combination.regime === 'weekly' ? `${hoursText(combination.annualMinutes / WEEKS)} / ${t('sharedTime.perWeek')}` : `${hoursText(combination.annualMinutes)} / ${t('sharedTime.perYear')}`) : '',
    fill: combination ? percent(combination.fill) : '',
    fillValue: combination ? Math.min(100, Math.round(combination.fill * 100)) : 0,
    score: combination ? percent(combination.score) : '',
    gap: Boolean(combination?.gap),
    broken: row.broken ? reasonText(row.broken as Reason, t) : undefined,
  };
}

/** Why a need fits nothing: alone, and with each of its nearest needs. */
export function unmatchedView(unmatched: Unmatched | undefined, neighbours: NeedRow[], t: Translate) {
  if (!unmatched) return undefined;
  const byId = new Map(neighbours.map((n) => [n.id, n]));
  return {
    aloneFeasible: unmatched.aloneFeasible,
    alone: unmatched.alone ? reasonText(unmatched.alone, t) : undefined,
    isolated: unmatched.isolated,
    neighbours: unmatched.neighbours
      .filter((n) => byId.has(n.needId))
      .map((n) => ({
        title: byId.get(n.needId)!.title,
        company: byId.get(n.needId)!.company_name,
        url: needPath(n.needId),
        minutes: n.minutes,
        reason: n.reason ? reasonText(n.reason, t) : t('sharedTime.reason.compatible'),
      })),
  };
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** A need as the JSON API returns it. */
export function needResource(row: NeedRow): NeedResource {
  return {
    id: row.id,
    company: { id: row.company_id, name: row.company_name },
    status: row.status,
    title: row.title,
    rome: { code: row.rome_code, label: row.rome_label },
    sites: row.sites,
    periods: periodsAsText(row.periods),
    licences: row.licences,
    start_date: row.start_date,
    min_commitment_months: row.min_commitment_months,
    hourly_wage: row.hourly_wage,
    short_contracts_replaced: row.short_contracts_replaced,
    notes: row.notes,
    source: row.source,
    season: row.season,
    weekly_hours: row.weekly_minutes / 60,
    annual_hours: row.annual_minutes / 60,
    month_hours: row.month_minutes.map((m) => m / 60),
    validated_at: iso(row.validated_at),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    url: needPath(row.id),
  };
}

/** A combination as the JSON API returns it, with the checks it passed and its gap card in words. */
export function proposalResource(row: ProposalRow, settings: SharedTimeSettings, t: Translate): ProposalResource {
  const c = row.result as Combination | null;
  return {
    id: row.id,
    status: row.status,
    need_ids: row.need_ids,
    regime: c?.regime ?? null,
    annual_hours: c ? c.annualMinutes / 60 : 0,
    weekly_hours: c ? c.weeklyMinutes.map((m) => m / 60) : [],
    fill: c?.fill ?? 0,
    score: c?.score ?? 0,
    terms: c?.terms ?? [],
    employers: (c?.employers ?? []).map((e) => ({ company_id: e.companyId, name: e.companyName, public_body: e.publicBody, hours: e.minutes / 60, share: e.share, hourly_wage: e.hourlyWage })),
    licences: c?.licences ?? [],
    checks: c ? checks(c, settings, t) : [],
    gap: c?.gap ? { summary: gapSummary(c, t), missing_hours: c.gap.missingHours, per: c.gap.per, free_days: c.gap.freeDays, free_months: c.gap.freeMonths } : null,
    broken: row.broken ? reasonText(row.broken as Reason, t) : null,
    offer_id: row.offer_id,
    url: proposalPath(row.id),
  };
}

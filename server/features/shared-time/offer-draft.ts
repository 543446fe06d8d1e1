import type { NewOffer } from '../../db/database.js';
import { sanitizeDescription } from '../offers/sanitize.js';
import { clock, MONTH_MODEL_DAYS, WEEKS } from './engine/calendar.js';
import type { SharedTimeSettings } from './engine/settings.js';
import type { Combination } from './engine/types.js';
import type { Translate } from './reasons.js';
import type { NeedRow } from './repository.js';
import { tradeName } from './gap.js';

const decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The hours of each month from a 52-week profile (a week is split over its days). */
export function monthHours(weeklyMinutes: number[]): number[] {
  const months = new Array<number>(12).fill(0);
  let day = 0;
  MONTH_MODEL_DAYS.forEach((days, month) => {
    for (let d = 0; d < days; d++, day++) months[month] += weeklyMinutes[Math.min(WEEKS - 1, Math.floor(day / 7))] / 7;
  });
  return months.map((m) => Math.round(m / 60));
}

export interface OfferPlace {
  commune_insee: string;
  postal_code: string | null;
  place_name: string;
  latitude: number;
  longitude: number;
  label: string | null;
}

/** The sites of a combination, those with the most hours first, each commune once. */
export function combinationPlaces(needs: NeedRow[], combination: Combination): OfferPlace[] {
  const minutes = new Map(combination.employers.map((e) => [e.companyId, e.minutes]));
  const ordered = [...needs].sort((a, b) => (minutes.get(b.company_id) ?? 0) - (minutes.get(a.company_id) ?? 0) || a.id.localeCompare(b.id));
  const places: OfferPlace[] = [];
  for (const need of ordered) {
    for (const site of need.sites) {
      if (places.some((p) => p.commune_insee === site.commune_insee)) continue;
      places.push({ commune_insee: site.commune_insee, postal_code: site.postal_code, place_name: site.name, latitude: site.lat, longitude: site.lon, label: site.label ? `${need.company_name} – ${site.label}` : need.company_name });
    }
  }
  return places;
}

/**
 * A `shared_time` CDI offer drafted from a combination: the employers, the sites, the weekly timetable
 * and the yearly profile written out in its description (plain lists: the description allows no
 * table), the equal-pay rule stated. GE staff edit it before publishing.
 */
export function sharedOfferDraft(needs: NeedRow[], combination: Combination, settings: SharedTimeSettings, t: Translate): Omit<NewOffer, 'tenant_id' | 'company_id'> {
  const places = combinationPlaces(needs, combination);
  const main = [...needs].sort((a, b) => b.annual_minutes - a.annual_minutes || a.id.localeCompare(b.id))[0];
  const weeklyHours = combination.annualMinutes / WEEKS / 60;
  const fullTime = combination.regime === 'weekly' ? weeklyHours >= settings.weeklyHours.max - 1e-9 : combination.fill >= settings.gapCard.maxFill;
  const wages = needs.map((n) => n.hourly_wage);
  const employers = combination.employers.map((e) => `<li>${escape(e.companyName)} : ${decimal.format(e.minutes / 60)} h par an (${Math.round(e.share * 100)} %)</li>`);
  const timetable = needs.flatMap((need) =>
    need.periods.map((period) => {
      const days = period.slots.map((slot) => `${t(`sharedTime.day.${slot.day}`)} ${clock(slot.start)}–${clock(slot.end)} (${escape(need.sites[slot.site]?.name ?? '')})`);
      return `<li>${escape(need.company_name)}, du ${escape(period.from.split('-').reverse().join('/'))} au ${escape(period.to.split('-').reverse().join('/'))} : ${days.join(', ')}</li>`;
    }),
  );
  const months = monthHours(combination.weeklyMinutes).map((hours, month) => `<li>${t(`sharedTime.month.${month}`)} : ${hours} h</li>`);
  const titles = [...new Set(needs.map((n) => n.title))];
  const html = [
    `<p>${escape(t('sharedTime.offer.intro', { employers: combination.employers.length, hours: decimal.format(combination.annualMinutes / 60) }))}</p>`,
    `<h3>${escape(t('sharedTime.offer.missions'))}</h3>`,
    `<ul>${titles.map((title) => `<li>${escape(title)}</li>`).join('')}</ul>`,
    `<h3>${escape(t('sharedTime.offer.employers'))}</h3>`,
    `<ul>${employers.join('')}</ul>`,
    `<h3>${escape(t('sharedTime.offer.places'))}</h3>`,
    `<ul>${places.map((p) => `<li>${escape(p.place_name)}${p.label ? ` (${escape(p.label)})` : ''}</li>`).join('')}</ul>`,
    `<h3>${escape(t('sharedTime.offer.timetable'))}</h3>`,
    `<ul>${timetable.join('')}</ul>`,
    `<h3>${escape(t('sharedTime.offer.profile'))}</h3>`,
    `<ul>${months.join('')}</ul>`,
    `<p>${escape(t('sharedTime.offer.equalPay'))}</p>`,
    combination.licences.length > 0 ? `<p>${escape(t('sharedTime.offer.licences', { list: combination.licences.map((l) => t(`sharedTime.licence.${l}`)).join(', ') }))}</p>` : '',
  ].join('\n');
  const startDate = needs.map((n) => n.start_date).sort().at(-1)!;
  const title = t('sharedTime.offer.title', { trade: tradeName(main.rome_label), hours: decimal.format(combination.regime === 'weekly' ? weeklyHours : combination.annualMinutes / 60), unit: combination.regime === 'weekly' ? 'h/semaine' : 'h/an' });
  return {
    title: title.length > 160 ? `${title.slice(0, 157)}…` : title,
    description_html: sanitizeDescription(html),
    rome_code: main.rome_code,
    sector: null,
    contract: 'shared_time',
    working_time: fullTime ? 'full_time' : 'part_time',
    hours_per_week: Math.round(weeklyHours * 10) / 10,
    start_date: startDate,
    end_date: null,
    season: combination.regime === 'weekly' ? 'all_year' : null,
    commune_insee: places[0].commune_insee,
    postal_code: places[0].postal_code,
    place_name: places[0].place_name,
    latitude: places[0].latitude,
    longitude: places[0].longitude,
    salary_min: Math.min(...wages),
    salary_max: Math.max(...wages) > Math.min(...wages) ? Math.max(...wages) : null,
    salary_unit: 'hour',
    housing: 'none',
    experience: null,
    driving_licence: combination.licences.includes('permis-b'),
    apply_method: 'platform',
    apply_url: null,
    apply_email: null,
    status: 'draft',
    job_nature: 'creation',
  };
}

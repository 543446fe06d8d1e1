import { parseClock, WEEKDAYS } from '../../../server/features/shared-time/engine/calendar.js';
import type { EngineNeed, EngineSite, EngineSlot } from '../../../server/features/shared-time/engine/types.js';

/**
 * Needs written the way a planner says them: `slots('mon-wed 05:00-12:00', 'tue 06:00-08:00')`.
 * Day ranges (`mon-fri`) or lists (`tue,thu,sat`); the site is the need's first unless `@1`.
 */
export function slots(...specs: string[]): EngineSlot[] {
  return specs.flatMap((spec) => {
    const [days, range, at] = spec.split(' ');
    const [from, to] = range.split('-').map((t) => parseClock(t)!);
    const site = at ? Number(at.slice(1)) : 0;
    const list = days.includes('-')
      ? WEEKDAYS.slice(WEEKDAYS.indexOf(days.split('-')[0] as never), WEEKDAYS.indexOf(days.split('-')[1] as never) + 1)
      : days.split(',');
    return list.map((day) => ({ day: WEEKDAYS.indexOf(day as never), start: from, end: to, site }));
  });
}

export const ALL_YEAR = { from: '01-01', to: '12-31' };

let count = 0;
export function need(fields: Partial<EngineNeed> & { sites: EngineSite[]; periods: EngineNeed['periods'] }): EngineNeed {
  count += 1;
  const id = fields.id ?? `need-${String(count).padStart(3, '0')}`;
  return {
    id,
    companyId: fields.companyId ?? `company-${id}`,
    companyName: fields.companyName ?? `Entreprise ${id}`,
    publicBody: false,
    title: fields.title ?? `Besoin ${id}`,
    rome: null,
    licences: [],
    minCommitmentMonths: 12,
    hourlyWage: 12.5,
    ...fields,
  };
}

/** A point `km` kilometres north of another (1° of latitude ≈ 111.2 km on our sphere). */
export const north = (site: EngineSite, km: number, name: string): EngineSite => ({ name, lat: site.lat + km / 111.19508, lon: site.lon });

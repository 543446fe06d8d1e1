import { slotsFromSpec } from '../../../server/features/shared-time/engine/calendar.js';
import type { EngineNeed, EngineSite, EngineSlot } from '../../../server/features/shared-time/engine/types.js';

/** Weekly slots as planners write them (`mon-wed 05:00-12:00`, `tue,thu 08:30-17:00 @1`). */
export const slots = (...specs: string[]): EngineSlot[] => slotsFromSpec(...specs);

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

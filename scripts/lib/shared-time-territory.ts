import { createRandom, type Random } from '../../server/db/seed/random.js';
import { REGULATED_DIPLOMAS } from '../../server/features/shared-time/licences.js';
import type { EngineInput, EngineNeed, EnginePeriod, EngineSite } from '../../server/features/shared-time/engine/types.js';

/**
 * A made-up territory of part-time and seasonal needs for the benchmark and the property tests:
 * companies scattered within `radiusKm` of Rodez, shifts as agri-food, health, retail and tourism
 * post them (mornings from 05:00, afternoons, split days, evening shows), all-year and seasonal
 * periods. The random stream is seeded by `seed` only: the same territory on every machine and day.
 */
export interface TerritoryOptions {
  needs: number;
  seed: string;
  radiusKm?: number;
}

const CENTRE = { lat: 44.35908, lon: 2.56986 };
const TRADES = [
  { code: 'H2102', domain: 'H21', grandDomain: 'H', label: 'Conducteur / Conductrice de ligne en industrie alimentaire' },
  { code: 'H3203', domain: 'H32', grandDomain: 'H', label: 'Mouleur-stratifieur / Mouleuse-stratifieuse' },
  { code: 'N1103', domain: 'N11', grandDomain: 'N', label: 'Préparateur / Préparatrice de commandes' },
  { code: 'N1101', domain: 'N11', grandDomain: 'N', label: 'Cariste' },
  { code: 'J1506', domain: 'J15', grandDomain: 'J', label: 'Infirmier / Infirmière en soins généraux (IDE)' },
  { code: 'K1201', domain: 'K12', grandDomain: 'K', label: 'Assistant social / Assistante sociale' },
  { code: 'K1302', domain: 'K13', grandDomain: 'K', label: 'Assistant / Assistante de vie dépendance' },
  { code: 'A1203', domain: 'A12', grandDomain: 'A', label: 'Agent / Agente d’entretien des espaces verts' },
  { code: 'G1501', domain: 'G15', grandDomain: 'G', label: 'Employé / Employée d’étage' },
  { code: 'G1803', domain: 'G18', grandDomain: 'G', label: 'Serveur / Serveuse en restauration' },
  { code: 'K2204', domain: 'K22', grandDomain: 'K', label: 'Agent / Agente de nettoyage industriel' },
  { code: 'D1505', domain: 'D15', grandDomain: 'D', label: 'Hôte / Hôtesse de caisse' },
];
const SHIFTS: [number, number][] = [
  [300, 720], [360, 780], [420, 720], [480, 720], [510, 750], [780, 1200], [840, 1080], [810, 1050], [540, 1020], [1080, 1320], [1200, 1380],
];
const PERIODS: { weight: number; ranges: [string, string][] }[] = [
  { weight: 50, ranges: [['01-01', '12-31']] },
  { weight: 14, ranges: [['12-15', '04-15']] },
  { weight: 14, ranges: [['05-15', '10-31']] },
  { weight: 8, ranges: [['06-15', '09-15']] },
  { weight: 7, ranges: [['11-01', '12-31']] },
  { weight: 7, ranges: [['03-01', '06-30'], ['09-01', '10-31']] },
];
const LICENCES = ['permis-b', 'caces-r489-3', 'haccp', 'sst', 'certiphyto'];

function pointNear(random: Random, radiusKm: number, centre = CENTRE): { lat: number; lon: number } {
  const distance = radiusKm * Math.sqrt(random.next());
  const angle = random.next() * 2 * Math.PI;
  return {
    lat: Math.round((centre.lat + (distance * Math.cos(angle)) / 111.195) * 1e5) / 1e5,
    lon: Math.round((centre.lon + (distance * Math.sin(angle)) / (111.195 * Math.cos((centre.lat * Math.PI) / 180))) * 1e5) / 1e5,
  };
}

function weighted<T extends { weight: number }>(random: Random, items: T[]): T {
  let roll = random.next() * items.reduce((sum, i) => sum + i.weight, 0);
  for (const item of items) {
    roll -= item.weight;
    if (roll < 0) return item;
  }
  return items[items.length - 1];
}

export function generateTerritory(options: TerritoryOptions): EngineInput {
  const random = createRandom(`shared-time-territory:${options.seed}`);
  const radius = options.radiusKm ?? 40;
  const companyCount = Math.max(4, Math.round(options.needs / 4));
  const companies = Array.from({ length: companyCount }, (_, c) => {
    const main: EngineSite = { name: `Site ${c + 1}`, ...pointNear(random, radius) };
    const sites = random.chance(0.2) ? [main, { name: `Site ${c + 1} bis`, ...pointNear(random, 8, main) }] : [main];
    return { id: `company-${String(c + 1).padStart(4, '0')}`, name: `Entreprise ${c + 1}`, publicBody: random.chance(0.1), sites, trade: random.pick(TRADES) };
  });
  const needs: EngineNeed[] = [];
  for (let n = 0; n < options.needs; n++) {
    const company = random.pick(companies);
    const trade = random.chance(0.8) ? company.trade : random.pick(TRADES);
    const shape = weighted(random, PERIODS);
    const [start, end] = random.pick(SHIFTS);
    const dayCount = random.int(1, 5);
    const firstDay = random.int(0, 6 - dayCount + 1);
    const split = random.chance(0.15);
    const periods: EnginePeriod[] = shape.ranges.map(([from, to]) => ({
      from,
      to,
      slots: Array.from({ length: dayCount }, (_, k) => k + firstDay).flatMap((day) => {
        const site = random.int(0, company.sites.length - 1);
        if (!split || end - start < 300) return [{ day, start, end, site }];
        const middle = start + Math.round((end - start) / 2 / 30) * 30;
        return [{ day, start, end: middle - 30, site }, { day, start: middle + 30, end, site }];
      }),
    }));
    const licences = random.chance(0.3) ? [random.pick(LICENCES)] : [];
    if (trade.code === 'J1506') licences.push('de-infirmier');
    else if (trade.code === 'K1201') licences.push('de-assistant-service-social');
    needs.push({
      id: `need-${String(n + 1).padStart(4, '0')}`,
      companyId: company.id,
      companyName: company.name,
      publicBody: company.publicBody,
      title: `${trade.label.split(' / ')[0]} (${company.name})`,
      rome: trade,
      sites: company.sites,
      periods,
      licences,
      minCommitmentMonths: random.pick([6, 12, 12, 24]),
      hourlyWage: Math.round((11.88 + random.next() * 5) * 100) / 100,
    });
  }
  const competitors: [string, string][] = [];
  for (let k = 0; k < Math.round(companyCount / 10); k++) {
    const a = random.pick(companies).id;
    const b = random.pick(companies).id;
    if (a !== b) competitors.push([a, b]);
  }
  return { needs, competitors, pinned: [], rejected: [], regulatedDiplomas: REGULATED_DIPLOMAS };
}

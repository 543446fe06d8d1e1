/**
 * npm run bench:shared-time [-- --needs 500 --seed bench --runs 3 --radius 40]
 *
 * The shared-time engine on a generated territory (scripts/lib/shared-time-territory.ts: companies
 * around Rodez, all-year and seasonal needs, seeded random: the same territory on every machine and
 * every day). Prints the time to propose combinations (median of the runs, wall and CPU), the size of
 * the problem, the hours consolidated into combinations with the integer program (HiGHS) and with the
 * greedy baseline over the same candidates, and checks every proposal with the independent checker.
 * No database: the engine is pure, as the background job runs it.
 */
import { parseArgs } from 'node:util';
import { CliError, runScript } from '../server/cli.js';
import { checkCombination } from '../server/features/shared-time/checker.js';
import { proposeCombinations } from '../server/features/shared-time/engine/propose.js';
import { loadHighsSolver } from '../server/features/shared-time/engine/select.js';
import { DEFAULT_SHARED_TIME_SETTINGS } from '../server/features/shared-time/engine/settings.js';
import type { EngineResult } from '../server/features/shared-time/engine/types.js';
import { generateTerritory } from './lib/shared-time-territory.js';

const USAGE = 'usage : npm run bench:shared-time [-- --needs 500 --seed bench --runs 3 --radius 40]';

await runScript(async (say) => {
  let flags;
  try {
    flags = parseArgs({ options: { needs: { type: 'string', default: '500' }, seed: { type: 'string', default: 'bench' }, runs: { type: 'string', default: '3' }, radius: { type: 'string', default: '40' } }, strict: true }).values;
  } catch {
    throw new CliError(USAGE);
  }
  const needs = Number(flags.needs);
  const runs = Number(flags.runs);
  const radiusKm = Number(flags.radius);
  if (!Number.isInteger(needs) || needs < 2 || !Number.isInteger(runs) || runs < 1 || !(radiusKm > 0)) throw new CliError(USAGE);

  const input = generateTerritory({ needs, seed: flags.seed, radiusKm });
  const settings = DEFAULT_SHARED_TIME_SETTINGS;
  const loading = performance.now();
  const solver = await loadHighsSolver();
  say(`territoire : ${needs} besoins (graine « ${flags.seed} », rayon ${radiusKm} km), HiGHS chargé en ${Math.round(performance.now() - loading)} ms`);

  const walls: number[] = [];
  const cpus: number[] = [];
  let result: EngineResult | undefined;
  for (let run = 0; run < runs; run++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    result = proposeCombinations(input, settings, { solver });
    walls.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const { stats, combinations, unmatched } = result!;
  const byId = new Map(input.needs.map((n) => [n.id, n]));
  const refused = combinations.filter((c) => !checkCombination(c.needIds.map((id) => byId.get(id)!), settings, input).ok).length;
  const hours = (minutes: number) => Math.round(minutes / 60).toLocaleString('fr-FR');
  const sizes = [2, 3, 4].map((n) => `${combinations.filter((c) => c.needIds.length === n).length} × ${n}`).join(', ');

  say(`temps pour proposer : ${Math.round(median(walls))} ms (médiane de ${runs}, temps CPU ${Math.round(median(cpus))} ms ; chaque essai : ${walls.map((w, i) => `${Math.round(w)} ms (CPU ${Math.round(cpus[i])})`).join(', ')}) — cible < 5 000 ms`);
  say(`paires comparées : ${stats.pairs} (${stats.compatiblePairs} compatibles), groupes évalués : ${stats.evaluations}, candidats légaux : ${stats.candidates}${stats.truncated ? ' (énumération tronquée)' : ''}`);
  say(`combinaisons retenues : ${combinations.length} (${sizes}), besoins sans combinaison : ${unmatched.length}, méthode : ${stats.method}`);
  say(`heures consolidées (programme en nombres entiers, HiGHS) : ${hours(stats.consolidatedMinutes)} h ; valeur ${Math.round(stats.objective).toLocaleString('fr-FR')}`);
  say(`heures consolidées (référence gloutonne, mêmes candidats) : ${hours(stats.greedyConsolidatedMinutes)} h ; valeur ${Math.round(stats.greedyObjective).toLocaleString('fr-FR')}`);
  say(`vérificateur indépendant : ${combinations.length - refused}/${combinations.length} combinaisons conformes`);
  if (refused > 0) process.exitCode = 1;
});

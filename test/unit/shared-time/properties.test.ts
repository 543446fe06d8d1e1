import { beforeAll, describe, expect, it } from 'vitest';
import { generateTerritory } from '../../../scripts/lib/shared-time-territory.js';
import { checkCombination } from '../../../server/features/shared-time/checker.js';
import { proposeCombinations } from '../../../server/features/shared-time/engine/propose.js';
import { loadHighsSolver, type SetPackingSolver } from '../../../server/features/shared-time/engine/select.js';
import { resolveSettings, type SharedTimeSettings } from '../../../server/features/shared-time/engine/settings.js';
import type { EngineInput, EngineResult } from '../../../server/features/shared-time/engine/types.js';

// Generated territories (seeded: the same needs on every run and every day), under the default rules
// and under stricter and looser ones: whatever the engine proposes must stand the independent check.

const VARIANTS: { name: string; settings: SharedTimeSettings }[] = [
  { name: 'default rules', settings: resolveSettings({}) },
  { name: 'strict (30 min, 3 employers, public ≤ 50 %, close trades only)', settings: resolveSettings({ travel: { maxMinutes: 30 }, maxEmployers: 3, publicEmployerMaxShare: 0.5, minTradeProximity: 0.5 }) },
  { name: 'loose (60 min at 40 km/h, 20–39 h, 11 h days)', settings: resolveSettings({ travel: { maxMinutes: 60, averageSpeedKmh: 40 }, weeklyHours: { min: 20, max: 39 }, maxDailyHours: 11 }) },
];
const SEEDS = ['aveyron-1', 'aveyron-2', 'lozere-3'];

function expectLawful(input: EngineInput, result: EngineResult, settings: SharedTimeSettings) {
  const byId = new Map(input.needs.map((n) => [n.id, n]));
  const used = new Set<string>();
  for (const combination of [...result.combinations, ...result.pinned.flatMap((p) => (p.combination ? [p.combination] : []))]) {
    const report = checkCombination(combination.needIds.map((id) => byId.get(id)!), settings, input);
    expect(report.violations, combination.key).toEqual([]);
    expect(report.annualMinutes, combination.key).toBe(combination.annualMinutes);
    expect(report.weeklyMinutes, combination.key).toEqual(combination.weeklyMinutes);
    expect(report.regime, combination.key).toBe(combination.regime);
    for (const id of combination.needIds) {
      expect(used.has(id), `${id} used twice`).toBe(false);
      used.add(id);
    }
  }
}

let highs: SetPackingSolver;
beforeAll(async () => {
  highs = await loadHighsSolver();
});

describe('proposals on generated territories', () => {
  for (const seed of SEEDS) {
    for (const { name, settings } of VARIANTS) {
      it(`${seed}, ${name}: every proposal passes the independent checker, no need twice, same output every run`, () => {
        const input = generateTerritory({ needs: 90, seed });
        const result = proposeCombinations(input, settings, { solver: highs });
        expect(result.combinations.length).toBeGreaterThan(0);
        expectLawful(input, result, settings);
        // Every need is either in a combination or explained.
        const placed = new Set(result.combinations.flatMap((c) => c.needIds));
        expect(placed.size + result.unmatched.length).toBe(input.needs.length);
        // Same answer again, and with the needs given in another order.
        const again = proposeCombinations({ ...input, needs: [...input.needs].reverse() }, settings, { solver: highs });
        expect(JSON.stringify(again)).toBe(JSON.stringify(result));
        // The integer program never does worse than the greedy pass over the same candidates.
        expect(result.stats.objective).toBeGreaterThanOrEqual(result.stats.greedyObjective - 1e-6);
      });
    }
  }

  it('keeps pinned combinations and never proposes a rejected one again', () => {
    const settings = resolveSettings({});
    const input = generateTerritory({ needs: 90, seed: 'aveyron-1' });
    const first = proposeCombinations(input, settings, { solver: highs });
    const [pin, reject] = first.combinations;
    const second = proposeCombinations({ ...input, pinned: [pin.needIds], rejected: [reject.needIds] }, settings, { solver: highs });
    expect(second.pinned.map((p) => [p.key, p.combination?.annualMinutes, p.broken])).toEqual([[pin.key, pin.annualMinutes, undefined]]);
    expect(second.combinations.map((c) => c.key)).not.toContain(reject.key);
    expect(second.combinations.flatMap((c) => c.needIds).filter((id) => pin.needIds.includes(id))).toEqual([]);
    expectLawful(input, second, settings);
  });

  it('without the solver, the greedy pass alone still proposes lawful, disjoint combinations', () => {
    const settings = resolveSettings({});
    const input = generateTerritory({ needs: 90, seed: 'lozere-3' });
    const result = proposeCombinations(input, settings);
    expect(result.stats.method).toBe('greedy');
    expect(result.stats.objective).toBe(result.stats.greedyObjective);
    expectLawful(input, result, settings);
  });
});

import { combinationKey, EngineContext, evaluateGroup, surelyTooLong, type PreparedNeed } from './evaluate.js';
import { greedyPacking, isPacking, packingValue, type PackingProblem, type SetPackingSolver } from './select.js';
import type { SharedTimeSettings } from './settings.js';
import type { Combination, EngineInput, EngineResult, PinnedResult, Reason, Unmatched } from './types.js';

export interface ProposeOptions {
  /** The integer-programming solver (HiGHS); without it, or when it fails, the greedy pass decides. */
  solver?: SetPackingSolver;
  /** Group evaluations allowed before the enumeration stops (the territory is then reported as truncated). */
  maxEvaluations?: number;
  /** Best candidates kept per need for the integer program. */
  candidatesPerNeed?: number;
  /** Groups of three or more grow along each need's most promising pairs only (its `growthNeighbours` best). */
  growthNeighbours?: number;
  /** Nearest needs listed in the reasons of a need that fits nothing. */
  neighboursShown?: number;
}

interface PairResult {
  other: number;
  minutes: number;
  reason: Reason | null;
  promise: number;
}

/**
 * The combination engine: pure and deterministic (same input, same output, whatever the order of
 * the needs or the day it runs).
 *
 * 1. Every pair of validated needs is checked in full; a pair that fails for a reason more needs
 *    cannot repair (a clash, a distance, too many hours…) is not an edge of the compatibility graph,
 *    and keeps its reason for the page « pourquoi ce besoin ne trouve pas de combinaison ».
 * 2. Groups of up to `maxNeeds` are grown from the graph's cliques, each checked in full; growth stops
 *    at a group that fails for good. Every lawful group is a candidate, valued score × annual hours.
 * 3. The best few candidates of each need go to an integer program (set packing: no need twice,
 *    largest total value); a greedy pass over the same candidates is the fallback and the baseline.
 */
export function proposeCombinations(input: EngineInput, settings: SharedTimeSettings, options: ProposeOptions = {}): EngineResult {
  const maxEvaluations = options.maxEvaluations ?? 400_000;
  const perNeed = options.candidatesPerNeed ?? 8;
  const growthNeighbours = options.growthNeighbours ?? 10;
  const ctx = new EngineContext(settings, input.competitors, input.regulatedDiplomas);
  const needs = [...input.needs].sort((a, b) => a.id.localeCompare(b.id));
  const prepared = needs.map((need, index) => ctx.prepare(need, index));
  const byId = new Map(prepared.map((p) => [p.need.id, p]));

  const pinned: PinnedResult[] = [];
  const reserved = new Set<string>();
  const pinnedSets = [...input.pinned].map((ids) => [...ids].sort()).sort((a, b) => combinationKey(a).localeCompare(combinationKey(b)));
  for (const ids of pinnedSets) {
    const key = combinationKey(ids);
    const members = ids.map((id) => byId.get(id));
    if (members.some((m) => !m || reserved.has(m.need.id))) {
      pinned.push({ key, needIds: ids, broken: { code: 'needMissing', monotonic: true, params: {} } });
      continue;
    }
    for (const id of ids) reserved.add(id);
    const evaluation = evaluateGroup(ctx, members as PreparedNeed[], { gapCard: true });
    pinned.push({ key, needIds: ids, combination: evaluation.combination, broken: evaluation.reason });
  }
  const rejected = new Set(input.rejected.map(combinationKey));
  const pool = prepared.filter((p) => !reserved.has(p.need.id));

  // 1. The compatibility graph. Needs whose main sites are farther apart than the maximum travel
  // are never compared (a sweep over latitudes); a pair's weeks are kept to bound the growth below.
  const pairs = new Map<number, PairResult[]>(pool.map((p) => [p.index, []]));
  const adjacency = new Map<number, number[]>(pool.map((p) => [p.index, []]));
  const pairWeeks = new Map<number, number[]>();
  const candidates: Combination[] = [];
  let evaluations = 0;
  let compatiblePairs = 0;
  const reachKm = (settings.travel.maxMinutes / 60) * (settings.travel.averageSpeedKmh / settings.travel.detourFactor);
  const byLatitude = [...pool].sort((a, b) => ctx.sites[a.siteIds[0]].lat - ctx.sites[b.siteIds[0]].lat || a.index - b.index);
  const latitudes = byLatitude.map((p) => ctx.sites[p.siteIds[0]].lat);
  const reachDegrees = (reachKm + 0.5) / 111.19;
  for (let a = 0; a < byLatitude.length; a++) {
    for (let b = a + 1; b < byLatitude.length && latitudes[b] - latitudes[a] <= reachDegrees; b++) {
      const [x, y] = byLatitude[a].index < byLatitude[b].index ? [byLatitude[a], byLatitude[b]] : [byLatitude[b], byLatitude[a]];
      const minutes = ctx.travel(x.siteIds[0], y.siteIds[0]);
      if (minutes > settings.travel.maxMinutes) continue;
      const evaluation = evaluateGroup(ctx, [x, y]);
      evaluations += 1;
      // A lawful pair is worth its value; one short of hours, half its hours (what a third need could make of it).
      const promise = evaluation.combination ? evaluation.combination.value : evaluation.reason?.monotonic ? 0 : evaluation.weeks!.reduce((sum, w) => sum + w, 0) / 120;
      pairs.get(x.index)!.push({ other: y.index, minutes, reason: evaluation.reason ?? null, promise });
      pairs.get(y.index)!.push({ other: x.index, minutes, reason: evaluation.reason ?? null, promise });
      if (evaluation.reason?.monotonic) continue;
      compatiblePairs += 1;
      pairWeeks.set(x.index * 1_000_003 + y.index, evaluation.weeks!);
      if (evaluation.combination && !rejected.has(evaluation.combination.key)) candidates.push(evaluation.combination);
    }
  }
  // The growth graph: each need's most promising compatible pairs (kept when either end ranks it).
  for (const [index, list] of pairs) {
    const best = list.filter((p) => p.promise > 0).sort((a, b) => b.promise - a.promise || a.other - b.other).slice(0, growthNeighbours);
    for (const p of best) {
      const [low, high] = index < p.other ? [index, p.other] : [p.other, index];
      adjacency.get(low)!.push(high);
    }
  }
  for (const [index, list] of adjacency) adjacency.set(index, [...new Set(list)].sort((a, b) => a - b));

  // 2. Larger groups from cliques of the graph, in a fixed order, within the evaluation budget.
  let truncated = false;
  const reachOf = new Map<number, Set<number>>([...adjacency].map(([i, list]) => [i, new Set(list)]));
  const grow = (group: PreparedNeed[], weeks: number[], open: number[]) => {
    for (const next of open) {
      if (surelyTooLong(settings, weeks, prepared[next].weeks)) continue;
      if (evaluations >= maxEvaluations) {
        truncated = true;
        return;
      }
      const larger = [...group, prepared[next]];
      const evaluation = evaluateGroup(ctx, larger);
      evaluations += 1;
      if (evaluation.reason?.monotonic) continue;
      if (evaluation.combination && !rejected.has(evaluation.combination.key)) candidates.push(evaluation.combination);
      if (larger.length < settings.maxNeeds) {
        const reach = reachOf.get(next)!;
        grow(larger, evaluation.weeks!, open.filter((k) => k > next && reach.has(k)));
      }
    }
  };
  if (settings.maxNeeds >= 3) {
    for (const first of pool) {
      for (const second of adjacency.get(first.index)!) {
        const reach = reachOf.get(second)!;
        const weeks = pairWeeks.get(first.index * 1_000_003 + second)!;
        grow([first, prepared[second]], weeks, adjacency.get(first.index)!.filter((k) => k > second && reach.has(k)));
      }
    }
  }

  // 3. The best few candidates of each need, then the integer program (or the greedy pass).
  const kept = new Map<string, Combination>();
  const byNeed = new Map<string, Combination[]>();
  for (const candidate of candidates) {
    for (const id of candidate.needIds) {
      const list = byNeed.get(id);
      if (list) list.push(candidate);
      else byNeed.set(id, [candidate]);
    }
  }
  for (const list of byNeed.values()) {
    list.sort(byValue);
    for (const candidate of list.slice(0, perNeed)) kept.set(candidate.key, candidate);
  }
  const finalists = [...kept.values()].sort((a, b) => a.key.localeCompare(b.key));
  const problem: PackingProblem = { values: finalists.map((c) => c.value), sets: finalists.map((c) => c.needIds.map((id) => byId.get(id)!.index)) };
  const greedy = greedyPacking(problem);
  let chosen = greedy;
  let method: 'highs' | 'greedy' = 'greedy';
  if (options.solver) {
    let solved: number[] | null = null;
    try {
      solved = options.solver(problem);
    } catch {
      solved = null;
    }
    // The solver's answer is used only when it is a packing at least as good as the greedy one.
    if (solved && isPacking(problem, solved) && packingValue(problem, solved) >= packingValue(problem, greedy) - 1e-6) {
      chosen = solved;
      method = 'highs';
    }
  }
  // Gap cards are drawn for the chosen combinations only.
  const combinations = chosen
    .map((i) => evaluateGroup(ctx, finalists[i].needIds.map((id) => byId.get(id)!), { gapCard: true }).combination!)
    .sort(byValue);
  const used = new Set(combinations.flatMap((c) => c.needIds));

  const unmatched: Unmatched[] = pool
    .filter((p) => !used.has(p.need.id))
    .map((p) => unmatchedNeed(ctx, p, pairs.get(p.index)!, prepared, options.neighboursShown ?? 6));

  const minutesOf = (list: Combination[]) => list.reduce((sum, c) => sum + c.annualMinutes, 0);
  return {
    combinations,
    pinned,
    unmatched,
    stats: {
      needs: prepared.length,
      pairs: [...pairs.values()].reduce((sum, list) => sum + list.length, 0) / 2,
      compatiblePairs,
      evaluations,
      candidates: candidates.length,
      method,
      objective: Math.round(packingValue(problem, chosen) * 1000) / 1000,
      greedyObjective: Math.round(packingValue(problem, greedy) * 1000) / 1000,
      consolidatedMinutes: minutesOf(combinations),
      greedyConsolidatedMinutes: minutesOf(greedy.map((i) => finalists[i])),
      truncated,
    },
  };
}

const byValue = (a: Combination, b: Combination) => b.value - a.value || a.key.localeCompare(b.key);

/** A need left out: is it a job on its own, and what stops it from joining each of its nearest needs. */
function unmatchedNeed(ctx: EngineContext, need: PreparedNeed, pairs: PairResult[], prepared: PreparedNeed[], shown: number): Unmatched {
  const alone = evaluateGroup(ctx, [need]);
  const near = [...pairs].sort((a, b) => a.minutes - b.minutes || prepared[a.other].need.id.localeCompare(prepared[b.other].need.id));
  const within = near.filter((p) => p.minutes <= ctx.settings.travel.maxMinutes);
  return {
    needId: need.need.id,
    aloneFeasible: alone.combination !== undefined,
    alone: alone.combination ? undefined : alone.reason,
    isolated: within.length === 0,
    neighbours: (within.length > 0 ? within : near).slice(0, shown).map((p) => ({ needId: prepared[p.other].need.id, minutes: p.minutes, reason: p.reason })),
  };
}

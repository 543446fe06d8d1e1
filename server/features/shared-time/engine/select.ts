import highsModule from 'highs';

// highs ships one .d.ts for its CommonJS and ES builds, so under NodeNext TypeScript types the default
// import as the CommonJS module object; at run time (ES build) it is the loader itself.
type LoadHighs = typeof highsModule.default;
const loadHighs: LoadHighs = (highsModule as unknown as { default?: LoadHighs }).default ?? (highsModule as unknown as LoadHighs);

/**
 * Weighted set packing: candidate combinations (each a set of needs, with a value), choose a set of
 * them with no need twice and the largest total value.
 */
export interface PackingProblem {
  values: number[];
  /** Need indices of each candidate. */
  sets: number[][];
}

/** Indices of the chosen candidates, or null when the solver gave no usable answer. */
export type SetPackingSolver = (problem: PackingProblem) => number[] | null;

/** The fallback and the benchmark's baseline: best value first (ties: first listed), skip what overlaps. */
export function greedyPacking(problem: PackingProblem): number[] {
  const order = problem.values.map((_, i) => i).sort((a, b) => problem.values[b] - problem.values[a] || a - b);
  const used = new Set<number>();
  const chosen: number[] = [];
  for (const i of order) {
    if (problem.sets[i].some((need) => used.has(need))) continue;
    for (const need of problem.sets[i]) used.add(need);
    chosen.push(i);
  }
  return chosen.sort((a, b) => a - b);
}

export const packingValue = (problem: PackingProblem, chosen: number[]) => chosen.reduce((sum, i) => sum + problem.values[i], 0);

/** True when no need is in two chosen candidates. */
export function isPacking(problem: PackingProblem, chosen: number[]): boolean {
  const used = new Set<number>();
  for (const i of chosen) {
    for (const need of problem.sets[i]) {
      if (used.has(need)) return false;
      used.add(need);
    }
  }
  return true;
}

/**
 * The integer program in CPLEX LP format: maximise Σ value·x, one `≤ 1` row per need shared by two
 * candidates or more, every x binary. Values are rounded to 1e-6 so the text (and the answer) is the
 * same on every run.
 */
export function packingModel(problem: PackingProblem): string {
  const byNeed = new Map<number, number[]>();
  problem.sets.forEach((set, i) => {
    for (const need of set) byNeed.set(need, [...(byNeed.get(need) ?? []), i]);
  });
  const lines = ['Maximize', ' obj:'];
  problem.values.forEach((value, i) => lines.push(`  + ${value.toFixed(6)} x${i}`));
  lines.push('Subject To');
  for (const [need, candidates] of [...byNeed.entries()].sort((a, b) => a[0] - b[0])) {
    if (candidates.length < 2) continue;
    lines.push(` n${need}:`);
    for (const i of candidates) lines.push(`  + x${i}`);
    lines.push('  <= 1');
  }
  lines.push('Binary');
  for (let i = 0; i < problem.values.length; i++) lines.push(` x${i}`);
  lines.push('End');
  return lines.join('\n');
}

/**
 * HiGHS (MIT, compiled to WebAssembly by the `highs` package) as the set-packing solver. Loading
 * compiles the module once (~60 ms); each solve builds a fresh native instance, so runs share nothing.
 * A time limit keeps a huge territory bounded: HiGHS then returns its best integer solution so far.
 */
export async function loadHighsSolver(options: { timeLimitSeconds?: number } = {}): Promise<SetPackingSolver> {
  const highs = await loadHighs();
  const solveOne = (problem: PackingProblem): number[] | null => {
    if (problem.values.length === 1) return [0];
    const result = highs.solve(packingModel(problem), { output_flag: false, time_limit: options.timeLimitSeconds ?? 4, mip_rel_gap: 0.001, random_seed: 0 });
    if (result.Status !== 'Optimal' && result.Status !== 'Time limit reached') return null;
    const chosen: number[] = [];
    for (let i = 0; i < problem.values.length; i++) {
      const column = result.Columns[`x${i}`];
      if (column && 'Primal' in column && column.Primal > 0.5) chosen.push(i);
    }
    return chosen;
  };
  // Candidates that share no need with each other form independent programs: solved one by one.
  return (problem) => {
    const chosen: number[] = [];
    for (const component of components(problem)) {
      const part = solveOne({ values: component.map((i) => problem.values[i]), sets: component.map((i) => problem.sets[i]) });
      if (!part) return null;
      for (const k of part) chosen.push(component[k]);
    }
    return chosen.sort((a, b) => a - b);
  };
}

/** Groups of candidates linked by shared needs (union-find over needs), each in candidate order. */
export function components(problem: PackingProblem): number[][] {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.get(root)! !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  for (const set of problem.sets) {
    for (const need of set) if (!parent.has(need)) parent.set(need, need);
    for (const need of set.slice(1)) {
      const [a, b] = [find(set[0]), find(need)];
      if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
    }
  }
  const groups = new Map<number, number[]>();
  problem.sets.forEach((set, i) => {
    const root = find(set[0]);
    const list = groups.get(root);
    if (list) list.push(i);
    else groups.set(root, [i]);
  });
  return [...groups.values()].sort((a, b) => a[0] - b[0]);
}

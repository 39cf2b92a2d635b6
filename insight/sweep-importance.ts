// What a sweep says about its keys, as W&B's sweep page shows it: per key, Spearman's rank correlation with the
// chosen metric and an importance from a random forest fitted to (key values → metric) (ml-random-forest, its mean
// decrease in impurity, normalised to sum to 1); and the optimisation trace, the best metric so far per trial.
import { RandomForestRegression } from 'ml-random-forest';
import type { FlatValue } from '../engine/experiment/index.ts';

/** What the importance needs of a run (a RunRecord has all of it). */
export interface TrialRun {
  status: string;
  createdAt: number;
  startedAt: number | null;
  bestValLoss: number | null;
  finalValAcc: number | null;
  finalTrainLoss: number | null;
}

export const SWEEP_METRICS = [
  { id: 'bestValLoss', label: 'best val loss', minimise: true },
  { id: 'finalValAcc', label: 'final val acc', minimise: false },
  { id: 'finalTrainLoss', label: 'final train loss', minimise: true },
] as const;
export type SweepMetric = (typeof SWEEP_METRICS)[number]['id'];

export function sweepMetricOf(id: SweepMetric): (typeof SWEEP_METRICS)[number] {
  return SWEEP_METRICS.find((m) => m.id === id)!;
}

/** The run's value of the metric; null where it has none or it is not finite (a diverged run). */
export function metricOf(run: TrialRun, metric: SweepMetric): number | null {
  const v = run[metric];
  return v !== null && Number.isFinite(v) ? v : null;
}

/** Trials in the order they ran (started first), then those not started yet in the order they were created. */
export function trialOrder<T extends TrialRun>(runs: readonly T[]): T[] {
  return [...runs].sort((a, b) => (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity) || a.createdAt - b.createdAt);
}

/** Ranks from 1, ties sharing the mean of the ranks they span (so Spearman's ρ is Pearson's r of the ranks). */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => ({ x, i })).sort((a, b) => a.x - b.x);
  const out = new Array<number>(xs.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.x === order[start]!.x) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) out[order[k]!.i] = rank;
    start = end + 1;
  }
  return out;
}

export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return null;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/** Spearman's ρ; null under three pairs or where either side is constant. */
export function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  return xs.length < 3 ? null : pearson(ranks(xs), ranks(ys));
}

export interface KeyInsight {
  key: string;
  /** numeric keys correlate; a categorical one (words, layer lists) gets an importance only */
  kind: 'numeric' | 'categorical';
  /** share of the forest's impurity decrease, 0..1 over the keys; null with too few trials or a constant metric */
  importance: number | null;
  spearman: number | null;
}

export interface SweepImportance {
  keys: KeyInsight[];
  /** the trials that entered: a finite metric and every key's value */
  n: number;
}

/** Below this many finished trials a forest or a rank correlation says nothing. */
export const MIN_TRIALS = 3;

/** Numbers (switches as 0/1) stay numbers; anything else is coded by first-seen order, for the forest only. */
function encode(values: readonly FlatValue[]): { kind: KeyInsight['kind']; codes: number[] } {
  if (values.every((v) => typeof v === 'number' || typeof v === 'boolean'))
    return { kind: 'numeric', codes: values.map((v) => Number(v)) };
  const seen: string[] = [];
  const codes = values.map((v) => {
    const t = String(v);
    if (!seen.includes(t)) seen.push(t);
    return seen.indexOf(t);
  });
  return { kind: 'categorical', codes };
}

/**
 * Importance and correlation of each key with the metric over the trials that have both. `values[i]` are trial i's
 * values in `keys` order. The forest is seeded: the same trials give the same importances.
 */
export function sweepImportance(
  keys: readonly string[],
  trials: readonly { values: readonly FlatValue[]; metric: number | null }[],
  { seed = 1, trees = 100 }: { seed?: number; trees?: number } = {},
): SweepImportance {
  const used = trials.filter(
    (t) => t.metric !== null && Number.isFinite(t.metric) && t.values.every((v) => v !== null),
  );
  const ys = used.map((t) => t.metric!);
  const columns = keys.map((_, j) => encode(used.map((t) => t.values[j]!)));
  const varies = used.length >= MIN_TRIALS && ys.some((y) => y !== ys[0]);
  let importance: number[] | null = null;
  if (varies && keys.length > 0) {
    const forest = new RandomForestRegression({
      seed,
      nEstimators: trees,
      maxFeatures: keys.length,
      replacement: false,
      useSampleBagging: true,
      noOOB: true,
    });
    forest.train(
      used.map((_, i) => columns.map((c) => c.codes[i]!)),
      ys,
    );
    // featureImportance (ml-random-forest ≥ 2.1) is missing from its types; NaN where no tree split (one value).
    const raw = (forest as unknown as { featureImportance(): number[] }).featureImportance();
    importance = raw.every(Number.isFinite) ? raw : null;
  }
  return {
    n: used.length,
    keys: keys.map((key, j) => ({
      key,
      kind: columns[j]!.kind,
      importance: importance ? importance[j]! : null,
      spearman: columns[j]!.kind === 'numeric' ? spearman(columns[j]!.codes, ys) : null,
    })),
  };
}

export interface TracePoint {
  /** 1-based, in trial order */
  trial: number;
  /** this trial's metric; null for a trial without one (failed, diverged, not finished) */
  value: number | null;
  /** the best metric of trials 1..trial; null before the first with one */
  best: number | null;
}

/** The optimisation trace: the best metric so far over trial number (lower is better where `minimise`). */
export function optimisationTrace(values: readonly (number | null)[], minimise: boolean): TracePoint[] {
  let best: number | null = null;
  return values.map((value, i) => {
    if (value !== null && (best === null || (minimise ? value < best : value > best))) best = value;
    return { trial: i + 1, value, best };
  });
}

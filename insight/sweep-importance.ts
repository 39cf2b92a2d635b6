// What a sweep says about its keys, as W&B's sweep page shows it: per key, Spearman's rank correlation with the
// chosen metric and an importance: the permutation importance of a random forest (regression-forest.ts) fitted to
// (key values → metric), as shares summing to 1; and the optimisation trace, the best metric so far per trial.
import type { FlatValue } from '../engine/experiment/index.ts';
import { Rng } from '../engine/rng.ts';
import { fitForest } from './regression-forest.ts';
import { sweepRows, type SweepRun } from './sweep-views.ts';

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
  /** share of the forest's permutation importance, 0..1 over the keys; null with too few trials or constant metric */
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

const mse = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0) / a.length;

/**
 * Permutation importance (Breiman 2001) of a random forest fitted to rows → ys: how much the forest's squared error
 * grows when one column is shuffled (mean of PERMUTATIONS seeded shuffles), clipped at 0, as shares summing to 1.
 * (Not the impurity importance: with a sweep's few trials it favours keys with many distinct values.)
 */
function permutationImportance(rows: number[][], ys: number[], seed: number, trees: number): number[] | null {
  const forest = fitForest(rows, ys, { seed, trees });
  const predict = (rs: readonly number[][]) => rs.map((r) => forest.predict(r));
  const base = mse(predict(rows), ys);
  const rng = new Rng(seed);
  const rises = rows[0]!.map((_, j) => {
    let rise = 0;
    for (let p = 0; p < PERMUTATIONS; p++) {
      const column = Array.from(rng.permutation(rows.length), (i) => rows[i]![j]!);
      rise += mse(predict(rows.map((r, i) => r.map((v, k) => (k === j ? column[i]! : v)))), ys) - base;
    }
    return Math.max(0, rise / PERMUTATIONS);
  });
  const total = rises.reduce((s, r) => s + r, 0);
  return total > 0 ? rises.map((r) => r / total) : null;
}

/** Shuffles per key: enough to steady the shares at a few dozen trials, cheap at hundreds. */
const PERMUTATIONS = 5;

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
  const importance =
    varies && keys.length > 0
      ? permutationImportance(
          used.map((_, i) => columns.map((c) => c.codes[i]!)),
          ys,
          seed,
          trees,
        )
      : null;
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

/** A sweep's run as sweepInsight reads it (a RunRecord has all of it). */
export type InsightRun = TrialRun & SweepRun;

/**
 * The sweep page's numbers in one call, for the app and `mlpw sweeps SWEEP_ID`: per key importance and Spearman
 * correlation with `metric` over the finished trials, and the optimisation trace over the trials that have ended,
 * both in trial order (by start).
 */
export function sweepInsight(
  runs: readonly InsightRun[],
  keys: readonly string[],
  metric: SweepMetric = 'bestValLoss',
  options: { seed?: number; trees?: number } = {},
): { importance: SweepImportance; trace: TracePoint[] } {
  const ordered = trialOrder(runs);
  const rows = sweepRows(ordered, keys);
  const importance = sweepImportance(
    keys,
    rows.map((row, i) => ({ values: row.values, metric: metricOf(ordered[i]!, metric) })),
    options,
  );
  const ended = ordered.filter((r) => r.status !== 'queued' && r.status !== 'running');
  return {
    importance,
    trace: optimisationTrace(
      ended.map((r) => metricOf(r, metric)),
      sweepMetricOf(metric).minimise,
    ),
  };
}

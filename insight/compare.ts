// The compare view's numbers (and `mlpw compare`'s): a run's curve for a split and metric, the best and last epochs,
// every run's value at one epoch (the chart's hover), and the configs side by side with "differences only".
import { configTable, differs, flatText } from '../engine/experiment/index.ts';
import type { ExperimentConfig } from '../engine/config.ts';
import type { EpochMetrics } from '../engine/types.ts';

export type CurveSplit = 'train' | 'val';
export type CurveMetric = 'loss' | 'acc';

/** The value a curve plots at one epoch; null where the run has none (no validation split, regression accuracy). */
export function metricValue(e: EpochMetrics, split: CurveSplit, metric: CurveMetric): number | null {
  if (metric === 'loss') return split === 'train' ? e.trainLoss : e.valLoss;
  return split === 'train' ? e.trainAcc : e.valAcc;
}

/** One point per epoch, [epoch, value], ready for a chart's line series. */
export function curve(
  epochs: readonly EpochMetrics[],
  split: CurveSplit,
  metric: CurveMetric,
): [number, number | null][] {
  return epochs.map((e) => [e.epoch, metricValue(e, split, metric)]);
}

/** A curve's epoch numbered `epoch`, or null. */
export function epochAt(curve: readonly EpochMetrics[], epoch: number): EpochMetrics | null {
  // Epochs are 1-based and recorded in order, so index epoch − 1 is the fast path; search if one is missing.
  return (curve[epoch - 1]?.epoch === epoch ? curve[epoch - 1] : curve.find((x) => x.epoch === epoch)) ?? null;
}

export interface BestAndLast {
  best: EpochMetrics | null;
  last: EpochMetrics | null;
}

/**
 * A run's best epoch and its last. The best is the trainer's choice (its monitored metric and minDelta, the epoch of
 * the best checkpoint), as the run records it in `bestEpoch`; null while the run has none.
 */
export function bestAndLast(epochs: readonly EpochMetrics[], bestEpoch: number | null): BestAndLast {
  return { best: bestEpoch === null ? null : epochAt(epochs, bestEpoch), last: epochs[epochs.length - 1] ?? null };
}

/** Each run's value at `epoch` (null when the run stopped earlier or has no such metric). */
export function valuesAtEpoch(
  curves: readonly (readonly EpochMetrics[])[],
  epoch: number,
  split: CurveSplit,
  metric: CurveMetric,
): (number | null)[] {
  return curves.map((c) => {
    const e = epochAt(c, epoch);
    return e ? metricValue(e, split, metric) : null;
  });
}

export interface ConfigDiffRow {
  key: string;
  /** each run's value as text ('-' for none) */
  values: string[];
  differs: boolean;
}

/** Every config key of the runs with their values; with `differencesOnly`, just the keys whose values differ. */
export function configDiff(configs: readonly ExperimentConfig[], differencesOnly: boolean): ConfigDiffRow[] {
  const rows = configTable([...configs]).map((k) => ({
    key: k.key,
    values: k.values.map(flatText),
    differs: differs(k.values),
  }));
  return differencesOnly ? rows.filter((r) => r.differs) : rows;
}

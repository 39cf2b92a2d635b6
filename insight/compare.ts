// The compare view's numbers: a run's curve for a split and metric, the best and last epochs, every run's value at
// one epoch (the chart's hover), and the configs side by side with "differences only".
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
export function curve(epochs: readonly EpochMetrics[], split: CurveSplit, metric: CurveMetric): [number, number | null][] {
  return epochs.map((e) => [e.epoch, metricValue(e, split, metric)]);
}

/** The epoch with the lowest validation loss (training loss for runs without a validation split), as `mlpw compare`. */
export function bestEpoch(epochs: readonly EpochMetrics[]): EpochMetrics | null {
  let best: EpochMetrics | null = null;
  const score = (e: EpochMetrics) => e.valLoss ?? e.trainLoss;
  for (const e of epochs) if (Number.isFinite(score(e)) && (best === null || score(e) < score(best))) best = e;
  return best;
}

export interface BestAndLast {
  best: EpochMetrics | null;
  last: EpochMetrics | null;
}

export function bestAndLast(epochs: readonly EpochMetrics[]): BestAndLast {
  return { best: bestEpoch(epochs), last: epochs[epochs.length - 1] ?? null };
}

/** Each run's value at `epoch` (null when the run stopped earlier or has no such metric). */
export function valuesAtEpoch(curves: readonly (readonly EpochMetrics[])[], epoch: number, split: CurveSplit, metric: CurveMetric): (number | null)[] {
  return curves.map((c) => {
    // Epochs are 1-based and recorded in order, so index epoch − 1 is the fast path; search if one is missing.
    const e = c[epoch - 1]?.epoch === epoch ? c[epoch - 1] : c.find((x) => x.epoch === epoch);
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
  const rows = configTable([...configs]).map((k) => ({ key: k.key, values: k.values.map(flatText), differs: differs(k.values) }));
  return differencesOnly ? rows.filter((r) => r.differs) : rows;
}

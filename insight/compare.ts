// The compare view's numbers (and `mlpw compare`'s): a run's curve for a split and metric over a chosen x axis (epoch,
// optimizer step, samples seen, wall time), the metrics the runs store, the best and last epochs, every run's value
// at one epoch (the chart's hover, `--at-epoch`), and the configs side by side with "differences only".
import { configTable, differs, flatText } from '../engine/experiment/index.ts';
import type { ExperimentConfig } from '../engine/config.ts';
import type { EpochMetrics } from '../engine/types.ts';

export const SPLITS = ['train', 'val', 'test'] as const;
export type CurveSplit = (typeof SPLITS)[number];
/** A metric's name without its split: 'loss', 'acc', or a per-epoch value with no split ('lr', 'samplesPerSec'). */
export type CurveMetric = string;

/** An epoch's fields that are no metric. */
const NOT_METRICS = new Set(['epoch', 'layers']);
const SPLIT_KEY = /^(train|val|test)([A-Z]\w*)$/;

/** The epoch field a split and metric name: valLoss for ('val', 'loss'); the metric itself when split is null. */
export function metricField(split: CurveSplit | null, metric: CurveMetric): string {
  return split === null ? metric : split + metric.charAt(0).toUpperCase() + metric.slice(1);
}

/** The value a curve plots at one epoch; null where the run has none (no validation split, regression accuracy). */
export function metricValue(e: EpochMetrics, split: CurveSplit | null, metric: CurveMetric): number | null {
  const v = (e as unknown as Record<string, unknown>)[metricField(split, metric)];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export interface StoredMetric {
  metric: CurveMetric;
  /** the splits it is stored for, in SPLITS order; empty for a value with no split (the learning rate) */
  splits: CurveSplit[];
  /** true for a loss (and for time per epoch): the lower the better */
  lowerIsBetter: boolean;
}

const METRIC_TEXT: Record<string, string> = {
  loss: 'loss',
  acc: 'accuracy',
  lr: 'learning rate',
  durationMs: 'epoch time (ms)',
  samplesPerSec: 'samples/s',
};

/** A metric as a reader says it: 'val loss', 'train accuracy', 'learning rate'. */
export function metricText(split: CurveSplit | null, metric: CurveMetric): string {
  const name = METRIC_TEXT[metric] ?? metric;
  return split === null ? name : `${split} ${name}`;
}

/**
 * Every metric the runs store a finite number for in some epoch: loss and accuracy first, then the rest in the order
 * first seen. A split's metric (trainLoss, valAcc, testLoss…) is one entry with its splits.
 */
export function storedMetrics(curves: readonly (readonly EpochMetrics[])[]): StoredMetric[] {
  const found = new Map<string, Set<CurveSplit>>();
  for (const c of curves)
    for (const e of c)
      for (const [field, v] of Object.entries(e)) {
        if (NOT_METRICS.has(field) || typeof v !== 'number' || !Number.isFinite(v)) continue;
        const m = SPLIT_KEY.exec(field);
        const metric = m ? m[2]!.charAt(0).toLowerCase() + m[2]!.slice(1) : field;
        if (!found.has(metric)) found.set(metric, new Set());
        if (m) found.get(metric)!.add(m[1] as CurveSplit);
      }
  const first = ['loss', 'acc'];
  const order = [...found.keys()].sort(
    (a, b) => (first.includes(a) ? first.indexOf(a) : 9) - (first.includes(b) ? first.indexOf(b) : 9),
  );
  return order.map((metric) => ({
    metric,
    splits: SPLITS.filter((s) => found.get(metric)!.has(s)),
    lowerIsBetter: metric !== 'acc' && metric !== 'samplesPerSec' && metric !== 'lr',
  }));
}

export const X_AXES = ['epoch', 'step', 'samples', 'time'] as const;
export type XAxisKind = (typeof X_AXES)[number];

export const X_AXIS_TEXT: Record<XAxisKind, string> = {
  epoch: 'epoch',
  step: 'optimizer step',
  samples: 'samples seen',
  time: 'wall time (s)',
};

/** What the x axes need of a run (a RunRecord has it): its batch size and the rows it trained on per epoch. */
export interface XAxisRun {
  config: { batchSize: number };
  dataInfo: { trainSamples: number } | null;
}

/**
 * Each stored epoch's position on an x axis: the epoch; the optimizer steps after it (epoch × ⌈train rows / batch⌉,
 * as the trainer counts them); the training rows seen after it; or the seconds of training up to its end (the
 * stored epochs' durations summed). Null where the run does not say (no data info for steps and samples).
 */
export function xValues(run: XAxisRun, epochs: readonly EpochMetrics[], kind: XAxisKind): (number | null)[] {
  if (kind === 'epoch') return epochs.map((e) => e.epoch);
  if (kind === 'time') {
    let ms = 0;
    return epochs.map((e) => (ms += e.durationMs) / 1000);
  }
  const rows = run.dataInfo?.trainSamples;
  if (rows === undefined) return epochs.map(() => null);
  const perEpoch = kind === 'step' ? Math.ceil(rows / run.config.batchSize) : rows;
  return epochs.map((e) => e.epoch * perEpoch);
}

/** One point per epoch, [x, value], ready for a chart's line series (x: the epoch unless given xs). */
export function curve(
  epochs: readonly EpochMetrics[],
  split: CurveSplit | null,
  metric: CurveMetric,
  xs?: readonly (number | null)[],
): [number | null, number | null][] {
  return epochs.map((e, i) => [xs ? xs[i]! : e.epoch, metricValue(e, split, metric)]);
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
  split: CurveSplit | null,
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

export const RUN_POINTS = ['best', 'last'] as const;
/** Which epoch stands for a run in the parallel and scatter views: its recorded best, or its last. */
export type RunPoint = (typeof RUN_POINTS)[number];

/** A run's value of a split's metric at its best epoch (the trainer's) or its last; null where it has none. */
export function runMetric(
  epochs: readonly EpochMetrics[],
  bestEpoch: number | null,
  split: CurveSplit | null,
  metric: CurveMetric,
  at: RunPoint,
): number | null {
  const e = bestAndLast(epochs, bestEpoch)[at];
  return e ? metricValue(e, split, metric) : null;
}

/** What the compare views read of a run's held-out test score (RunRecord.test): taken once, after training. */
export interface TestScored {
  test?: { loss: number | null; acc: number | null } | null;
}

/** The metrics ('loss', 'acc') that some run's test score has a finite value of, for the metric pickers. */
export function testScoreMetrics(runs: readonly TestScored[]): CurveMetric[] {
  return (['loss', 'acc'] as const).filter((m) =>
    runs.some((r) => typeof r.test?.[m] === 'number' && Number.isFinite(r.test[m])),
  );
}

/** A run's test score of `metric`, or null where it has none (no test set, regression accuracy). */
export function testScore(run: TestScored, metric: CurveMetric): number | null {
  const v = metric === 'loss' || metric === 'acc' ? run.test?.[metric] : null;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

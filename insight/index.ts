/**
 * Insight: the numbers behind the compare, sweep and run-insight views. Pure TypeScript, no Node built-ins
 * and no DOM, so the renderer and the store host import the same code; the parts that need the store and the data
 * live in insight/node/.
 *
 * Compare: curve / metricValue (train|val × loss|acc), bestAndLast (the run's recorded best epoch, the trainer's, and
 *   its last), epochAt, valuesAtEpoch (the chart's hover), configDiff (flattened configs, "differences only"),
 *   smooth (EMA debiased, Gaussian, running average; one 0..1 strength), epochsCsv (the epochs CSV of the Compare
 *   view and `mlpw export-csv`), runLabels (legend labels from the config keys that differ between the runs).
 * Compare, any runs: storedMetrics (every metric the epochs hold, test.* included when stored), xValues (epoch,
 *   optimizer step, samples seen, wall time), runMetric, parallelOf / scatterOf (any keys × a chosen metric, log
 *   axes automatic past two decades or switched), spansDecades.
 * Sweeps: gridSize, sweepRows, parallelCoordinates (log axes for keys spanning decades), heatmap (two keys).
 * One run: confusionMatrix (engine predictions on labelled rows), decisionBoundary (N×N grid over a 2-D dataset),
 *   gradientCheck (float64 central differences vs backprop, per layer), histogramGrid / gradientNormSeries (the
 *   per-epoch layer stats the trainer records, see engine/layer-stats.ts).
 */
export {
  bestAndLast,
  configDiff,
  curve,
  epochAt,
  metricField,
  metricText,
  metricValue,
  RUN_POINTS,
  runMetric,
  SPLITS,
  storedMetrics,
  testScore,
  testScoreMetrics,
  valuesAtEpoch,
  X_AXES,
  X_AXIS_TEXT,
  xValues,
  type BestAndLast,
  type ConfigDiffRow,
  type CurveMetric,
  type CurveSplit,
  type RunPoint,
  type StoredMetric,
  type TestScored,
  type XAxisKind,
  type XAxisRun,
} from './compare.ts';
export {
  classNames,
  confusionFromOutputs,
  confusionMatrix,
  predictedClass,
  type ConfusionMatrix,
} from './confusion.ts';
export { decisionBoundary, gridAxis, paddedRange, type DecisionGrid } from './decision-boundary.ts';
export { EPOCH_COLUMNS, epochsCsv } from './epochs-csv.ts';
export {
  AGREE,
  CLOSE,
  gradientCheck,
  NOISE_FLOOR,
  verdictOf,
  type GradCheckVerdict,
  type GradientCheckResult,
  type LayerGradCheck,
} from './gradient-check.ts';
export { gradientNormSeries, histogramGrid, type EpochLayers, type HistogramGrid } from './layer-histograms.ts';
export { MAX_LABEL_KEYS, runLabels, type LabelledRun } from './run-labels.ts';
export { ema, gaussian, runningAverage, smooth, SMOOTHING_KINDS, type SmoothingKind } from './smoothing.ts';
export {
  gridSize,
  heatmap,
  comparedAxis,
  LOSS_AXIS,
  METRIC_AXIS,
  parallelCoordinates,
  parallelOf,
  scatterOf,
  spansDecades,
  sweepRows,
  type ComparedAxis,
  type ComparedParallel,
  type ComparedRun,
  type Heatmap,
  type ScatterData,
  type ParallelAxis,
  type ParallelData,
  type SweepRow,
  type SweepRun,
} from './sweep-views.ts';
export {
  MIN_TRIALS,
  metricOf,
  optimisationTrace,
  pearson,
  ranks,
  spearman,
  SWEEP_METRICS,
  sweepImportance,
  sweepInsight,
  sweepMetricOf,
  trialOrder,
  type InsightRun,
  type KeyInsight,
  type SweepImportance,
  type SweepMetric,
  type TracePoint,
  type TrialRun,
} from './sweep-importance.ts';
export { isDepthStudy, STUDY_METRICS, studySeries, type StudyMetric, type StudyPoint } from './study-series.ts';

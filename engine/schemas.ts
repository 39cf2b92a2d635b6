// The plain data a run reports across every boundary (worker messages, the store, IPC, HTTP), each declared once as
// a zod schema with its type inferred from it. Strict objects: an unknown field is an error naming it, never dropped.
import { z } from 'zod';
import { HEADS, LOSSES } from './config.ts';

export const RUN_STATUSES = [
  'queued',
  'running',
  'completed',
  'cancelled',
  'diverged',
  'interrupted',
  'failed',
] as const;
export const RunStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** How a run the engine trained ends. */
export const FinishStatusSchema = RunStatusSchema.extract(['completed', 'cancelled', 'diverged', 'failed']);
export type FinishStatus = z.infer<typeof FinishStatusSchema>;

export const TaskSchema = z.enum(['classification', 'regression']);
export type Task = z.infer<typeof TaskSchema>;

export const ResolvedHeadSchema = z.enum(HEADS).exclude(['auto']);
export const ResolvedLossSchema = z.enum(LOSSES).exclude(['auto']);

/** `best`: the epoch the trainer's monitored metric liked most; `final`: the weights the run ends with. */
export const CheckpointKindSchema = z.enum(['best', 'final']);
export type CheckpointKind = z.infer<typeof CheckpointKindSchema>;

/** One layer at the end of an epoch. */
export const LayerEpochStatsSchema = z.strictObject({
  /** histogram of W: counts[i] weights fall in the i-th of counts.length equal bins over [min, max] */
  weights: z.strictObject({ min: z.number(), max: z.number(), counts: z.array(z.number().int().min(0)).max(1024) }),
  /** mean over the epoch's batches of ‖∂L/∂W‖₂ (the loss gradient, before weight decay); null when the backend has no hook */
  gradNorm: z.number().nullable(),
});
export type LayerEpochStats = z.infer<typeof LayerEpochStatsSchema>;

// JSON turns NaN/Infinity (a diverged run's loss) into null; the store keeps them as NaN.
const Metric = z.number().nullable();
const LossValue = z
  .number()
  .nullable()
  .transform((v) => (v === null ? Number.NaN : v));

export const EpochMetricsSchema = z.strictObject({
  /** 1-based */
  epoch: z.number().int().positive(),
  trainLoss: LossValue,
  valLoss: Metric,
  trainAcc: Metric,
  valAcc: Metric,
  lr: z.number(),
  durationMs: z.number().min(0),
  samplesPerSec: z.number().min(0),
  /** per layer (hidden then output): what the insight views plot over epochs; absent where nobody computed them. */
  layers: z.array(LayerEpochStatsSchema).max(1000).optional(),
});
export type EpochMetrics = z.infer<typeof EpochMetricsSchema>;

export const BackendInfoSchema = z.strictObject({
  backend: z.enum(['cpu', 'webgpu']),
  /** cpu: 'js' | 'wasm-simd' | 'wasm-relaxed-simd' (fused multiply-add); webgpu: the adapter. */
  kernels: z.string().max(500),
  precision: z.enum(['float32', 'float64']),
  threads: z.number().int().positive().optional(),
  adapter: z
    .strictObject({
      vendor: z.string(),
      architecture: z.string(),
      device: z.string(),
      description: z.string(),
      isFallback: z.boolean(),
    })
    .optional(),
});
export type BackendInfo = z.infer<typeof BackendInfoSchema>;

/** The data a run trained on, as the trainer prepared it. */
export const DataInfoSchema = z.strictObject({
  dataset: z.string(),
  task: TaskSchema,
  features: z.number().int().positive(),
  outputs: z.number().int().positive(),
  trainSamples: z.number().int().min(0),
  valSamples: z.number().int().min(0),
  /** rows held out as the test set (config.testSplit); absent without one */
  testSamples: z.number().int().min(0).optional(),
  classLabels: z.array(z.string()).optional(),
  head: ResolvedHeadSchema,
  loss: ResolvedLossSchema,
});
export type DataInfo = z.infer<typeof DataInfoSchema>;

/** One class of a test set's score: precision, recall, F1 (null where undefined) and the rows of that class. */
export const ClassScoreSchema = z.strictObject({
  label: z.string(),
  precision: Metric,
  recall: Metric,
  f1: Metric,
  support: z.number().int().min(0),
});

/** The held-out test set (config.testSplit) scored once after training, on the model the run ships. */
export const TestMetricsSchema = z.strictObject({
  /** the weights scored: the best checkpoint where the run has one, else the final weights */
  checkpoint: CheckpointKindSchema,
  epoch: z.number().int().min(0),
  samples: z.number().int().positive(),
  /** mean loss of the run's loss function (null when it was not finite) */
  loss: Metric,
  /** classification: accuracy; regression: null */
  acc: Metric,
  /** classification: per class, in class order */
  classes: z.array(ClassScoreSchema).max(1000).optional(),
  /** classification: counts[true][predicted] */
  confusion: z
    .array(z.array(z.number().int().min(0)).max(1000))
    .max(1000)
    .optional(),
});
export type TestMetrics = z.infer<typeof TestMetricsSchema>;

export const RunSummarySchema = z.strictObject({
  status: FinishStatusSchema,
  epochs: z.number().int().min(0),
  bestEpoch: z.number().int().nullable(),
  best: EpochMetricsSchema.nullable(),
  final: EpochMetricsSchema.nullable(),
  durationMs: z.number().min(0),
  samplesPerSecond: z.number().min(0),
  stoppedEarly: z.boolean(),
  error: z.string().optional(),
  /** present when the config held out a test set and at least one epoch trained */
  test: TestMetricsSchema.optional(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** Where an epoch is, a few times a second: shown live, never stored. */
export const ProgressSchema = z.strictObject({
  epoch: z.number().int().positive(),
  batch: z.number().int().min(0),
  batches: z.number().int().positive(),
  samplesPerSec: z.number().min(0),
});
export type Progress = z.infer<typeof ProgressSchema>;

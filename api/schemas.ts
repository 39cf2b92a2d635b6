// Runtime schemas of every WorkbenchApi method's input. Both transports validate here, where a payload enters the
// store host; the renderer validates configs with the same ExperimentConfigSchema before it sends them.
import { z } from 'zod';
import { ACTIVATIONS, ExperimentConfigSchema } from '../engine/config.ts';
import { RUN_STATUSES } from '../engine/types.ts';
import { RUN_SORT_FIELDS } from '../db/types.ts';
import { INSIGHT_INPUTS, LayerStatsSchema } from './insight-schemas.ts';

const RunId = z.string().trim().min(1).max(64);
const Tag = z.string().trim().min(1).max(100);
// JSON turns NaN/Infinity (a diverged run's loss) into null; the store keeps them as NaN.
const Metric = z.number().nullable();
const LossValue = z.number().nullable().transform((v) => (v === null ? Number.NaN : v));

export const EpochMetricsSchema = z.object({
  epoch: z.number().int().positive(),
  trainLoss: LossValue,
  valLoss: Metric,
  trainAcc: Metric,
  valAcc: Metric,
  lr: z.number(),
  durationMs: z.number().min(0),
  samplesPerSec: z.number().min(0),
  layers: LayerStatsSchema.optional(),
});

export const BackendInfoSchema = z.object({
  backend: z.enum(['cpu', 'webgpu']),
  kernels: z.string().max(500),
  precision: z.enum(['float32', 'float64']),
  threads: z.number().int().positive().optional(),
  adapter: z
    .object({ vendor: z.string(), architecture: z.string(), device: z.string(), description: z.string(), isFallback: z.boolean() })
    .optional(),
});

export const DataInfoSchema = z.object({
  dataset: z.string(),
  task: z.enum(['classification', 'regression']),
  features: z.number().int().positive(),
  outputs: z.number().int().positive(),
  trainSamples: z.number().int().min(0),
  valSamples: z.number().int().min(0),
  classLabels: z.array(z.string()).optional(),
  head: z.enum(['softmax', 'sigmoid', 'identity']),
  loss: z.enum(['cross_entropy', 'binary_cross_entropy', 'mse']),
});

const BestOrFinal = z.enum(['best', 'final']);

export const RunSummarySchema = z.object({
  status: z.enum(['completed', 'cancelled', 'diverged', 'failed']),
  epochs: z.number().int().min(0),
  bestEpoch: z.number().int().nullable(),
  best: EpochMetricsSchema.nullable(),
  final: EpochMetricsSchema.nullable(),
  durationMs: z.number().min(0),
  samplesPerSecond: z.number().min(0),
  stoppedEarly: z.boolean(),
  error: z.string().optional(),
});

const FloatArray = z.array(z.number());

export const WireSnapshotSchema = z.object({
  task: z.enum(['classification', 'regression']),
  head: z.enum(['softmax', 'sigmoid', 'identity']),
  loss: z.enum(['cross_entropy', 'binary_cross_entropy', 'mse']),
  layers: z
    .array(
      z.object({
        inputs: z.number().int().positive(),
        units: z.number().int().positive(),
        activation: z.enum(ACTIVATIONS),
        W: FloatArray,
        b: FloatArray,
      }),
    )
    .min(1)
    .refine((ls) => ls.every((l) => l.W.length === l.inputs * l.units && l.b.length === l.units), 'layer weights do not match their shapes'),
  standardize: z.object({ mean: FloatArray, std: FloatArray }).nullable(),
  classLabels: z.array(z.string()).optional(),
  featureNames: z.array(z.string()).optional(),
});

/** One schema per method: the method's single input object. */
export const API_INPUTS = {
  info: z.object({}),
  listRuns: z.object({
    status: z.array(z.enum(RUN_STATUSES)).optional(),
    dataset: z.string().max(200).optional(),
    tag: Tag.optional(),
    sweepId: RunId.optional(),
    /** case-insensitive substring of id, name, dataset, layers, optimizer or a tag */
    search: z.string().max(200).optional(),
    sort: z.enum(RUN_SORT_FIELDS).optional(),
    descending: z.boolean().optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    offset: z.number().int().min(0).default(0),
  }),
  getRun: z.object({ id: RunId }),
  getEpochs: z.object({ id: RunId }),
  getCheckpoint: z.object({ id: RunId, kind: BestOrFinal }),
  createRun: z.object({ config: ExperimentConfigSchema, rerunOf: RunId.optional() }),
  recordStarted: z.object({ id: RunId, backend: BackendInfoSchema, data: DataInfoSchema }),
  recordEpoch: z.object({ id: RunId, metrics: EpochMetricsSchema }),
  /** several epochs in order, committed together (a fast run's epochs arrive faster than one request each) */
  recordEpochs: z.object({ id: RunId, metrics: z.array(EpochMetricsSchema).min(1).max(100_000) }),
  saveCheckpoint: z.object({ id: RunId, kind: BestOrFinal, epoch: z.number().int().min(0), snapshot: WireSnapshotSchema }),
  finishRun: z.object({ id: RunId, summary: RunSummarySchema }),
  failRun: z.object({ id: RunId, message: z.string().min(1).max(10_000) }),
  addTags: z.object({ id: RunId, tags: z.array(Tag).min(1).max(50) }),
  removeTags: z.object({ id: RunId, tags: z.array(Tag).min(1).max(50) }),
  addNote: z.object({ id: RunId, text: z.string().trim().min(1).max(20_000) }),
  deleteRuns: z.object({ ids: z.array(RunId).min(1).max(10_000) }),
  listImportedDatasets: z.object({}),
  loadImportedDataset: z.object({ name: z.string().trim().min(1).max(100) }),
  /** a file on the store host's machine (the desktop app: chosen in its native open dialog) */
  importDatasetFile: z.object({
    path: z.string().trim().min(1).max(4096),
    /** CSV: the column to predict, by header name or 1-based position */
    target: z.string().trim().min(1).max(200),
    name: z.string().trim().min(1).max(100).optional(),
    task: z.enum(['classification', 'regression']).optional(),
    dropMissing: z.boolean().optional(),
  }),
  /** writes a verified ONNX file of the run's checkpoint to `path` and records it as an artifact */
  exportOnnx: z.object({ id: RunId, checkpoint: BestOrFinal.default('final'), path: z.string().trim().min(1).max(4096) }),
  /** desktop app: the native save dialog for an ONNX file; resolves to the chosen path, or null when cancelled */
  chooseOnnxPath: z.object({ defaultName: z.string().trim().min(1).max(255) }),
  ...INSIGHT_INPUTS,
} as const;

export type ApiMethod = keyof typeof API_INPUTS;
export const API_METHODS = Object.keys(API_INPUTS) as ApiMethod[];

export function isApiMethod(name: string): name is ApiMethod {
  return Object.hasOwn(API_INPUTS, name);
}

// Inputs of the WorkbenchApi's insight methods (compare, sweeps, one run's insight, ONNX download), spread into
// API_INPUTS by schemas.ts. Same rules as there: one input object per method, validated on the store side.
import { z } from 'zod';
import { ExperimentConfigSchema } from '../engine/config.ts';
import { CheckpointKindSchema } from '../engine/schemas.ts';

const RunId = z.string().trim().min(1).max(64);
const Checkpoint = CheckpointKindSchema.default('best');

/** The sweep builder offers up to three keys; a value is a number, a word, a switch, or a layer list (units). */
const GridValue = z.union([z.number(), z.string().max(200), z.boolean(), z.array(z.number().int().positive()).max(64)]);

export const MAX_COMPARED_RUNS = 500;

export const INSIGHT_INPUTS = {
  /** the runs' records and every epoch of each, in the order given: one request for the compare view */
  compareRuns: z.strictObject({ ids: z.array(RunId).min(1).max(MAX_COMPARED_RUNS) }),
  getLayerStats: z.strictObject({ id: RunId }),
  confusionMatrix: z.strictObject({ id: RunId, checkpoint: Checkpoint }),
  decisionBoundary: z.strictObject({
    id: RunId,
    checkpoint: Checkpoint,
    resolution: z.number().int().min(8).max(200).default(60),
  }),
  gradientCheck: z.strictObject({
    id: RunId,
    checkpoint: Checkpoint,
    rows: z.number().int().min(1).max(256).default(16),
  }),
  /** the most confident mistakes on the validation split with their pixels (Insight's gallery for image runs) */
  misclassified: z.strictObject({
    id: RunId,
    checkpoint: Checkpoint,
    limit: z.number().int().min(1).max(200).default(48),
  }),
  /** a sweep and one queued run per grid point; the window's training queue then trains them */
  createSweep: z.strictObject({
    baseConfig: ExperimentConfigSchema,
    grid: z
      .array(z.strictObject({ key: z.string().trim().min(1).max(200), values: z.array(GridValue).min(1).max(50) }))
      .min(1)
      .max(3),
    /** the experiment its runs go in (created if new; as createRun's); default: the store's */
    experiment: z.string().trim().min(1).max(100).optional(),
    /** early termination as `mlpw sweep --early-stop` takes it: asha|hyperband[:metric=,min=,eta=,brackets=] */
    earlyStop: z.string().trim().min(1).max(200).optional(),
  }),
  /** a random or bayes (TPE) sweep over `KEY=DIST` params, as `mlpw sweep --method`: random queues all its runs,
   *  bayes its first; nextSearchRun proposes each next from the finished ones */
  createSearchSweep: z.strictObject({
    baseConfig: ExperimentConfigSchema,
    method: z.enum(['random', 'bayes']),
    params: z
      .array(z.strictObject({ key: z.string().trim().min(1).max(200), dist: z.string().trim().min(1).max(500) }))
      .min(1)
      .max(8),
    trials: z.number().int().min(1).max(500),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    experiment: z.string().trim().min(1).max(100).optional(),
    /** early termination as `mlpw sweep --early-stop` takes it: asha|hyperband[:metric=,min=,eta=,brackets=] */
    earlyStop: z.string().trim().min(1).max(200).optional(),
  }),
  /** a bayes sweep's next run: one still queued, else a new queued one proposed by TPE; none while one runs or done */
  nextSearchRun: z.strictObject({ sweepId: RunId }),
  /** a sweep run's pruner, trial number and the values its sweep's other trials recorded at their rungs */
  sweepRungs: z.strictObject({ id: RunId }),
  /** a trial the sweep's pruner stopped: the 0-based rung it reached (its run finished completed, stopped early) */
  recordStoppedRung: z.strictObject({ id: RunId, rung: z.number().int().min(0).max(64) }),
  listSweeps: z.strictObject({}),
  getSweep: z.strictObject({ id: RunId }),
  /** a queued run (of a sweep) starts training in this window */
  startQueuedRun: z.strictObject({ id: RunId }),
  /** queued runs that will not be trained (cancelled in the queue); runs no longer queued are left alone */
  cancelQueuedRuns: z.strictObject({ ids: z.array(RunId).min(1).max(10_000) }),
  /** the verified ONNX file's bytes (base64), for browser mode's download */
  onnxDownload: z.strictObject({ id: RunId, checkpoint: CheckpointKindSchema.default('final') }),
} as const;

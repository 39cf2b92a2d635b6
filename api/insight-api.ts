// What the insight methods resolve to (ApiOutputs extends this). Plain JSON-safe data, like the rest of the API.
import type { RunRecord, SweepRecord } from '../db/types.ts';
import type { ExperimentConfig } from '../engine/config.ts';
import type { CheckpointKind, EpochMetrics, LayerEpochStats } from '../engine/types.ts';
import type { Misclassified } from '../insight/misclassified-types.ts';
import type { ConfusionMatrix, DecisionGrid, GradientCheckResult } from '../insight/types.ts';

/** Which weights a view was computed from. */
export interface FromCheckpoint {
  runId: string;
  checkpoint: CheckpointKind;
  epoch: number;
}

/** An ONNX file built and run in onnxruntime against the engine on the run's validation rows. */
export interface VerifiedOnnx {
  bytes: number;
  checkpoint: CheckpointKind;
  epoch: number;
  /** largest |onnxruntime − engine| over the validation rows */
  maxAbsDiff: number;
  samples: number;
  tolerance: number;
}

export interface SweepSummary {
  id: string;
  createdAt: number;
  keys: string[];
  size: number;
}

export interface InsightOutputs {
  compareRuns: { runs: RunRecord[]; epochs: EpochMetrics[][] };
  getLayerStats: { epoch: number; layers: LayerEpochStats[] }[];
  confusionMatrix: FromCheckpoint & { split: string; matrix: ConfusionMatrix };
  /** grid.points holds the training split's points first: the first `trainPoints` of them */
  decisionBoundary: FromCheckpoint & { grid: DecisionGrid; trainPoints: number };
  gradientCheck: FromCheckpoint & { split: string; result: GradientCheckResult };
  misclassified: FromCheckpoint & { split: string } & Misclassified;
  createSweep: { sweepId: string; runIds: string[] };
  createSearchSweep: { sweepId: string; runIds: string[] };
  nextSearchRun: { runId: string | null; config: ExperimentConfig | null; done: boolean };
  listSweeps: SweepSummary[];
  getSweep: { sweep: SweepRecord; runs: RunRecord[] };
  startQueuedRun: void;
  cancelQueuedRuns: void;
  onnxDownload: VerifiedOnnx & {
    fileName: string;
    /** the file, base64 */
    base64: string;
  };
}

// What the insight methods resolve to (ApiOutputs extends this). Plain JSON-safe data, like the rest of the API.
import type { RunRecord, SweepRecord } from '../db/types.ts';
import type { ExperimentConfig } from '../engine/config.ts';
import type { PrunerSpec } from '../engine/experiment/asha.ts';
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

export interface SweepRungs {
  /** the sweep's pruner; null: the run is in no sweep, or its sweep stops nothing */
  pruner: PrunerSpec | null;
  /** the run's 0-based trial number */
  trial: number | null;
  /** every other trial's metric at its bracket's rungs, from its latest run's stored epochs (none of a queued or running run) */
  recorded: { trial: number; epoch: number; value: number | null }[];
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
  sweepRungs: SweepRungs;
  recordStoppedRung: void;
  listSweeps: SweepSummary[];
  /** stoppedRungs: run id → the rung its sweep's pruner stopped it at (runs.stopped_rung) */
  getSweep: { sweep: SweepRecord; runs: RunRecord[]; stoppedRungs: Record<string, number> };
  startQueuedRun: void;
  cancelQueuedRuns: void;
  onnxDownload: VerifiedOnnx & {
    fileName: string;
    /** the file, base64 */
    base64: string;
  };
}

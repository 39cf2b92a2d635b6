// What the insight methods resolve to (ApiOutputs extends this). Plain JSON-safe data, like the rest of the API.
import type { RunRecord, SweepRecord } from '../db/types.ts';
import type { CheckpointKind, EpochMetrics, LayerEpochStats } from '../engine/types.ts';
import type { ConfusionMatrix, DecisionGrid, GradientCheckResult } from '../insight/types.ts';

/** Which weights a view was computed from. */
export interface FromCheckpoint {
  runId: string;
  checkpoint: CheckpointKind;
  epoch: number;
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
  decisionBoundary: FromCheckpoint & { grid: DecisionGrid };
  gradientCheck: FromCheckpoint & { split: string; result: GradientCheckResult };
  createSweep: { sweepId: string; runIds: string[] };
  listSweeps: SweepSummary[];
  getSweep: { sweep: SweepRecord; runs: RunRecord[] };
  startQueuedRun: void;
  cancelQueuedRuns: void;
  onnxDownload: {
    fileName: string;
    /** the file, base64 */
    base64: string;
    bytes: number;
    checkpoint: CheckpointKind;
    epoch: number;
    maxAbsDiff: number;
    samples: number;
    tolerance: number;
  };
}

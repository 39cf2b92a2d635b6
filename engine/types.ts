// Types shared by the engine, the worker protocol, the store and the exporters: the in-memory ones holding typed
// arrays here, the plain data that crosses boundaries as schemas in schemas.ts (re-exported, so one import serves).
import type { Activation, ExperimentConfig, ResolvedHead, ResolvedLoss } from './config.ts';
import type { Task } from './schemas.ts';

export { RUN_STATUSES } from './schemas.ts';
export type {
  BackendInfo,
  CheckpointKind,
  DataInfo,
  EpochMetrics,
  FinishStatus,
  LayerEpochStats,
  Progress,
  RunStatus,
  RunSummary,
  Task,
  TestMetrics,
} from './schemas.ts';

/** A dataset in memory: features row-major (n × features); labels for classification, targets for regression. */
export interface Dataset {
  name: string;
  task: Task;
  n: number;
  features: number;
  x: Float32Array;
  /** classification: class index per row. */
  labels?: Uint32Array;
  /** regression: n × outputs, row-major. */
  targets?: Float32Array;
  /** classification: class count; regression: output count. */
  outputs: number;
  classLabels?: string[];
  featureNames?: string[];
}

/** One dense layer: W is inputs × units, row-major, so H = X·W + b. */
export interface LayerWeights {
  inputs: number;
  units: number;
  activation: Activation;
  W: Float32Array;
  b: Float32Array;
}

/** Everything needed to reproduce a trained network's predictions from raw features. */
export interface ModelSnapshot {
  task: Task;
  head: ResolvedHead;
  loss: ResolvedLoss;
  /** hidden layers then the output layer (its activation is 'identity'; the head is applied after). */
  layers: LayerWeights[];
  standardize: { mean: Float32Array; std: Float32Array } | null;
  classLabels?: string[];
  featureNames?: string[];
}

export type { ExperimentConfig };

// Plain-data types shared by the engine, the worker protocol, the store and the exporters.
import type { Activation, ExperimentConfig, ResolvedHead, ResolvedLoss, Task } from './config.ts';

export const RUN_STATUSES = ['queued', 'running', 'completed', 'cancelled', 'diverged', 'interrupted', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

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

export interface EpochMetrics {
  epoch: number; // 1-based
  trainLoss: number;
  valLoss: number | null;
  trainAcc: number | null;
  valAcc: number | null;
  lr: number;
  durationMs: number;
  samplesPerSec: number;
  /** per layer (hidden then output): what the insight views plot over epochs; absent where nobody computed them. */
  layers?: LayerEpochStats[];
}

/** One layer at the end of an epoch. */
export interface LayerEpochStats {
  /** histogram of W: counts[i] weights fall in the i-th of counts.length equal bins over [min, max] */
  weights: { min: number; max: number; counts: number[] };
  /** mean over the epoch's batches of ‖∂L/∂W‖₂ (the loss gradient, before weight decay); null when the backend has no hook */
  gradNorm: number | null;
}

export interface BackendInfo {
  backend: 'cpu' | 'webgpu';
  /** cpu: 'js' | 'wasm-simd'; webgpu: the adapter. */
  kernels: string;
  precision: 'float32' | 'float64';
  threads?: number;
  adapter?: { vendor: string; architecture: string; device: string; description: string; isFallback: boolean };
}

export type FinishStatus = Extract<RunStatus, 'completed' | 'cancelled' | 'diverged' | 'failed'>;

export interface RunSummary {
  status: FinishStatus;
  epochs: number;
  bestEpoch: number | null;
  best: EpochMetrics | null;
  final: EpochMetrics | null;
  durationMs: number;
  samplesPerSecond: number;
  stoppedEarly: boolean;
  error?: string;
}

export interface DataInfo {
  dataset: string;
  task: Task;
  features: number;
  outputs: number;
  trainSamples: number;
  valSamples: number;
  classLabels?: string[];
  head: ResolvedHead;
  loss: ResolvedLoss;
}

export type { ExperimentConfig };

// The interface every training backend implements (cpu reference, wasm-simd, webgpu). A backend owns the
// weights, the optimizer state and the epoch's data from `init` on; the trainer hands it one epoch at a time
// (the permutation and the learning rate) and reads back only sums, plus weights when it needs a checkpoint.
import type { ExperimentConfig, ResolvedHead, ResolvedLoss } from '../config.ts';
import type { PreparedData } from '../data/prepare.ts';
import type { BackendInfo, LayerWeights } from '../types.ts';
import type { Activation } from '../config.ts';
import type { DistillTargets } from '../distill.ts';

export interface ModelSpec {
  features: number;
  /** classes (classification) or target count (regression). */
  outputs: number;
  head: ResolvedHead;
  loss: ResolvedLoss;
  /** hidden layers then the output layer (activation 'identity', dropout 0). */
  layers: { inputs: number; units: number; activation: Activation; dropout: number }[];
  optimizer: ExperimentConfig['optimizer'];
  /** training seed: dropout masks are hashUniform(seed, step, layer, row·units + unit). */
  seed: number;
  /** the training batch size, when known: a backend sizes its thread team by the products a step runs. */
  batchSize?: number;
  /** a distilled student: training batches use distilledHeadLoss against these logits (row i of the training split) */
  distill?: DistillTargets;
}

export interface EpochPlan {
  /** training-set row order for this epoch; batches are consecutive slices of it, the last may be short. */
  order: Uint32Array;
  batchSize: number;
  lr: number;
  /** global step count before this epoch's first batch (dropout counter; Adam's t is step + 1). */
  step: number;
}

/** Sums over an epoch or a split: mean loss = lossSum / count, accuracy = correct / count. */
export interface LossSums {
  lossSum: number;
  correct: number;
  count: number;
}

export interface EpochHooks {
  /** called between batches, at most every ~100 ms; returning true stops the epoch early (cancel). */
  onBatch?(batchesDone: number, batches: number): boolean | void;
  /** Paused or stepping runs: awaited between batches while `held` (never after an epoch's last batch). */
  gate?: BatchGate;
}

/**
 * The between-batches gate of a paused run (engine/worker/run-gate.ts). A backend reads `held` after every batch
 * (one property read while playing) and, when it is set, awaits `afterBatch` with its weights current and readable;
 * `afterBatch` resolves true when the run was cancelled while waiting.
 */
export interface BatchGate {
  readonly held: boolean;
  afterBatch(batchesDone: number, batches: number): Promise<boolean>;
}

export interface TrainingBackend {
  readonly info: BackendInfo;
  init(spec: ModelSpec, weights: LayerWeights[], data: PreparedData): Promise<void>;
  /** Train one epoch; resolves with the training-mode sums (dropout on), or null when cancelled mid-epoch. */
  trainEpoch(plan: EpochPlan, hooks?: EpochHooks): Promise<LossSums | null>;
  /** Inference-mode sums over the training or validation split. */
  evaluate(split: 'train' | 'val'): Promise<LossSums>;
  /** Head outputs (probabilities or values), n × outputUnits, for raw rows already preprocessed. */
  predict(x: Float32Array, n: number): Promise<Float32Array>;
  getWeights(): Promise<LayerWeights[]>;
  /**
   * Optional, for the insight views: per layer, the mean over the batches trained since the last call of ‖∂L/∂W‖₂;
   * resets the accumulation. A backend without it leaves the trainer's gradNorm null.
   */
  gradientNorms?(): number[];
  setWeights(weights: LayerWeights[]): Promise<void>;
  dispose(): void;
}

/** Batches in an epoch of `n` rows. */
export function batchCount(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

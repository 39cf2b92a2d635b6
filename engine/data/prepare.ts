// From a dataset to training, validation and test arrays: a seeded (by default stratified) split, then
// standardisation with the training split's statistics (kept with the model so exports take raw features).
import type { ExperimentConfig } from '../config.ts';
import type { Dataset } from '../types.ts';
import { heldOutRows, splitRows, type SplitOptions } from './split.ts';

export { heldOutRows, type SplitOptions };

export interface Split {
  x: Float32Array;
  /** classification: class index per row; regression: undefined. */
  labels?: Uint32Array;
  /** regression: n × outputs. */
  targets?: Float32Array;
  n: number;
}

export interface PreparedData {
  train: Split;
  val: Split;
  /** the held-out test rows (config.testSplit > 0): the trainer scores them once after the last epoch */
  test?: Split;
  features: number;
  outputs: number;
  standardize: { mean: Float32Array; std: Float32Array } | null;
}

function take(d: Dataset, rows: Uint32Array): Split {
  const f = d.features;
  const x = new Float32Array(rows.length * f);
  rows.forEach((r, i) => x.set(d.x.subarray(r * f, r * f + f), i * f));
  const split: Split = { x, n: rows.length };
  if (d.labels) split.labels = Uint32Array.from(rows, (r) => d.labels![r]!);
  if (d.targets) {
    const o = d.outputs;
    split.targets = new Float32Array(rows.length * o);
    rows.forEach((r, i) => split.targets!.set(d.targets!.subarray(r * o, r * o + o), i * o));
  }
  return split;
}

export function featureStats(x: Float32Array, n: number, f: number): { mean: Float32Array; std: Float32Array } {
  const mean = new Float64Array(f);
  const sq = new Float64Array(f);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j]! += x[i * f + j]!;
  for (let j = 0; j < f; j++) mean[j]! /= Math.max(n, 1);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < f; j++) {
      const d = x[i * f + j]! - mean[j]!;
      sq[j]! += d * d;
    }
  // A constant column (e.g. an always-black MNIST pixel) keeps std 1 so it maps to 0 instead of NaN.
  const std = Float32Array.from(sq, (s) => {
    const v = Math.sqrt(s / Math.max(n, 1));
    return v > 1e-8 ? v : 1;
  });
  return { mean: Float32Array.from(mean), std };
}

export function applyStandardize(x: Float32Array, f: number, s: { mean: Float32Array; std: Float32Array }): void {
  for (let i = 0; i < x.length; i++) {
    const j = i % f;
    x[i] = (x[i]! - s.mean[j]!) / s.std[j]!;
  }
}

/** The split options a config asks for (what prepareData needs beyond the validation fraction and seed). */
export function splitOptions(config: ExperimentConfig): SplitOptions {
  return { stratify: config.stratify, testSplit: config.testSplit, crossValidation: config.crossValidation };
}

export function prepareData(
  d: Dataset,
  validationSplit: number,
  standardize: boolean,
  seed: number,
  options: SplitOptions = {},
): PreparedData {
  const rows = splitRows(d, validationSplit, seed, options);
  const val = take(d, rows.val);
  const train = take(d, rows.train);
  const test = rows.test.length > 0 ? take(d, rows.test) : undefined;
  let stats = null;
  if (standardize) {
    stats = featureStats(train.x, train.n, d.features);
    applyStandardize(train.x, d.features, stats);
    applyStandardize(val.x, d.features, stats);
    if (test) applyStandardize(test.x, d.features, stats);
  }
  return { train, val, ...(test ? { test } : {}), features: d.features, outputs: d.outputs, standardize: stats };
}

// From a dataset to training and validation arrays: a seeded split, then standardisation with the training
// split's statistics (kept with the model so exports take raw features).
import { Rng } from '../rng.ts';
import type { Dataset } from '../types.ts';

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

/** How many of `n` rows the split holds out for validation (at least one when there is a split and rows to spare). */
export function heldOutRows(n: number, validationSplit: number): number {
  const nVal = Math.round(n * validationSplit);
  return validationSplit > 0 && nVal === 0 && n > 1 ? 1 : nVal;
}

export function prepareData(d: Dataset, validationSplit: number, standardize: boolean, seed: number): PreparedData {
  const order = new Rng(seed ^ 0x5eed5917).permutation(d.n);
  const nVal = heldOutRows(d.n, validationSplit);
  const val = take(d, order.subarray(0, nVal));
  const train = take(d, order.subarray(nVal));
  let stats = null;
  if (standardize) {
    stats = featureStats(train.x, train.n, d.features);
    applyStandardize(train.x, d.features, stats);
    applyStandardize(val.x, d.features, stats);
  }
  return { train, val, features: d.features, outputs: d.outputs, standardize: stats };
}

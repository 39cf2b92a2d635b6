// Per-layer statistics the trainer attaches to each epoch: a weight histogram and the backend's mean gradient norm.
// Cheap next to an epoch's work: one pass over the weights the trainer already reads back for the divergence check.
import type { LayerEpochStats, LayerWeights } from './types.ts';

/** Fixed so every epoch's histogram has the same shape; the range follows the weights. */
export const HISTOGRAM_BINS = 24;

/** Counts of `values` in `bins` equal bins over [min, max]; the max falls in the last bin; all-equal values fill bin 0. */
export function histogram(
  values: ArrayLike<number>,
  bins = HISTOGRAM_BINS,
): { min: number; max: number; counts: number[] } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(bins).fill(0);
  if (values.length === 0) return { min: 0, max: 0, counts };
  const width = (max - min) / bins;
  for (let i = 0; i < values.length; i++) {
    const k = width > 0 ? Math.floor((values[i]! - min) / width) : 0;
    counts[Math.min(k, bins - 1)]!++;
  }
  return { min, max, counts };
}

/** One entry per layer; `gradNorms` as a backend reports them (per layer), or undefined when it cannot. */
export function layerEpochStats(weights: readonly LayerWeights[], gradNorms?: readonly number[]): LayerEpochStats[] {
  return weights.map((l, i) => ({ weights: histogram(l.W), gradNorm: gradNorms?.[i] ?? null }));
}

// The decision boundary of a two-feature model, as TensorFlow Playground draws it: the model evaluated on an N×N
// grid over the data's range (raw features, a margin around the points), one predicted class and its probability
// per cell. Regression models give their first output per cell instead.
import { expandRows, transformsOf } from '../engine/data/transforms.ts';
import type { DecisionGrid } from './types.ts';
import { enginePredict } from '../export/onnx/engine-predict.ts';
import type { ModelSnapshot } from '../engine/types.ts';
import { predictedClass } from './confusion.ts';

/** Cell centres' coordinates along one axis: resolution values from lo to hi inclusive. */
export function gridAxis(lo: number, hi: number, resolution: number): number[] {
  if (resolution === 1) return [(lo + hi) / 2];
  return Array.from({ length: resolution }, (_, i) => lo + ((hi - lo) * i) / (resolution - 1));
}

/** The data's bounding box grown by `margin` of its size on each side (a flat axis gets ±1). */
export function paddedRange(
  values: ArrayLike<number>,
  stride: number,
  offset: number,
  count: number,
  margin = 0.1,
): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = values[i * stride + offset]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return Number.isFinite(lo) ? [lo - 1, lo + 1] : [-1, 1];
  const pad = (hi - lo) * margin;
  return [lo - pad, hi + pad];
}

/** The model over the grid around `rows` (n × 2 raw features); `label` per row for the points drawn on top. */
export async function decisionBoundary(
  snapshot: ModelSnapshot,
  rows: { x: Float32Array; n: number; label: ArrayLike<number> },
  resolution = 60,
): Promise<DecisionGrid> {
  // Two raw features, or two plus feature transforms' columns (computed from them for every grid cell).
  const transforms = transformsOf(snapshot.featureNames, snapshot.layers[0]!.inputs);
  if (!transforms)
    throw new Error(`a decision boundary needs 2 input features (this model has ${snapshot.layers[0]!.inputs})`);
  const x = paddedRange(rows.x, 2, 0, rows.n);
  const y = paddedRange(rows.x, 2, 1, rows.n);
  const xs = gridAxis(x[0], x[1], resolution);
  const ys = gridAxis(y[0], y[1], resolution);
  const cells = resolution * resolution;
  const grid = new Float32Array(cells * 2);
  for (let r = 0; r < resolution; r++)
    for (let c = 0; c < resolution; c++) {
      grid[2 * (r * resolution + c)] = xs[c]!;
      grid[2 * (r * resolution + c) + 1] = ys[r]!;
    }
  const units = snapshot.layers[snapshot.layers.length - 1]!.units;
  const out = await enginePredict(snapshot, transforms.length ? expandRows(grid, cells, transforms) : grid, cells);
  const predicted: number[] = new Array(cells);
  const value: number[] = new Array(cells);
  for (let i = 0; i < cells; i++) {
    if (snapshot.task === 'regression') {
      predicted[i] = 0;
      value[i] = out[i * units]!;
      continue;
    }
    const k = predictedClass(out, i, units);
    predicted[i] = k;
    value[i] = units === 1 ? (k === 1 ? out[i]! : 1 - out[i]!) : out[i * units + k]!;
  }
  const points = Array.from({ length: rows.n }, (_, i) => ({
    x: rows.x[2 * i]!,
    y: rows.x[2 * i + 1]!,
    label: rows.label[i]!,
  }));
  return { resolution, x, y, predicted, value, points };
}

export type { DecisionGrid };

// Turning a dataset into what PointsChart draws, and a trained network into its decision-boundary grid.
import type { ExperimentConfig } from '../../engine/config.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { expandRows, transformsOf } from '../../engine/data/transforms.ts';
import type { Dataset, ModelSnapshot } from '../../engine/types.ts';
import { enginePredict } from '../../export/onnx/engine-predict.ts';

export interface Bounds {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface Points {
  x: number[];
  y: number[];
  label: number[];
  classes: number;
  bounds: Bounds;
}

export interface Boundary {
  nx: number;
  ny: number;
  /** predicted class per cell, row-major from the bottom-left */
  cls: number[];
  /** probability of that class, rescaled so 0 is a coin toss and 1 is certain */
  conf: number[];
}

export const BOUNDARY_CELLS = 64;

/** The dataset the engine will generate for this config (same generator, same seed). */
export function datasetOf(config: ExperimentConfig['dataset']): Dataset {
  return loadBuiltinDataset(config);
}

export function pointsOf(d: Dataset, max = 2000): Points | null {
  // x1, x2 plus feature transforms' columns (dataset.transforms) draw as the plain 2-D set they are computed from.
  const planar = transformsOf(d.featureNames, d.features) !== null;
  if (!planar && !(d.task === 'regression' && d.features === 1)) return null;
  const n = Math.min(d.n, max);
  const x: number[] = [];
  const y: number[] = [];
  const label: number[] = [];
  for (let i = 0; i < n; i++) {
    x.push(d.x[i * d.features]!);
    y.push(planar ? d.x[i * d.features + 1]! : d.targets![i]!);
    label.push(d.labels ? d.labels[i]! : 0);
  }
  const pad = (lo: number, hi: number) => [lo - 0.08 * (hi - lo || 1), hi + 0.08 * (hi - lo || 1)] as const;
  let [x0, x1] = pad(Math.min(...x), Math.max(...x));
  let [y0, y1] = pad(Math.min(...y), Math.max(...y));
  if (planar) {
    // Two features share one scale (a square plot, equal spans), so a spiral is not squashed into an ellipse.
    const half = Math.max(x1 - x0, y1 - y0) / 2;
    const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
    [x0, x1, y0, y1] = [cx - half, cx + half, cy - half, cy + half];
  }
  return { x, y, label, classes: d.task === 'classification' ? d.outputs : 1, bounds: { x0, x1, y0, y1 } };
}

/** Predicts every cell centre of a grid over the bounds with the engine's own forward pass. */
export async function boundaryOf(snapshot: ModelSnapshot, bounds: Bounds, cells = BOUNDARY_CELLS): Promise<Boundary> {
  const n = cells * cells;
  const grid = new Float32Array(n * 2);
  for (let j = 0; j < cells; j++)
    for (let i = 0; i < cells; i++) {
      grid[2 * (j * cells + i)] = bounds.x0 + ((i + 0.5) / cells) * (bounds.x1 - bounds.x0);
      grid[2 * (j * cells + i) + 1] = bounds.y0 + ((j + 0.5) / cells) * (bounds.y1 - bounds.y0);
    }
  const transforms = transformsOf(snapshot.featureNames, snapshot.layers[0]!.inputs);
  const out = await enginePredict(snapshot, transforms?.length ? expandRows(grid, n, transforms) : grid, n);
  const k = out.length / n;
  const cls: number[] = new Array(n);
  const conf: number[] = new Array(n);
  for (let c = 0; c < n; c++) {
    if (k === 1) {
      // sigmoid head: one probability of class 1
      const p = out[c]!;
      cls[c] = p >= 0.5 ? 1 : 0;
      conf[c] = Math.abs(p - 0.5) * 2;
    } else {
      let best = 0;
      for (let j = 1; j < k; j++) if (out[c * k + j]! > out[c * k + best]!) best = j;
      cls[c] = best;
      conf[c] = (out[c * k + best]! - 1 / k) / (1 - 1 / k);
    }
  }
  return { nx: cells, ny: cells, cls, conf };
}

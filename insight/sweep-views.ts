// A sweep's runs as the sweep view draws them: one row per run with the varied keys' values and its best validation
// loss, the axes of a parallel-coordinates chart (hyperparameters → loss, log scale where a numeric key spans
// decades, as W&B and TensorBoard's HParams offer), and a heatmap over two keys.
import { flattenConfig, type FlatValue } from '../engine/experiment/index.ts';
import type { ExperimentConfig } from '../engine/config.ts';

/** What the views need of a run (a RunRecord has all of it). */
export interface SweepRun {
  id: string;
  status: string;
  config: ExperimentConfig;
  bestValLoss: number | null;
  finalValAcc: number | null;
}

export interface SweepRow {
  id: string;
  status: string;
  /** the varied keys' values, in the keys' order */
  values: FlatValue[];
  bestValLoss: number | null;
  finalValAcc: number | null;
}

/** Runs a grid makes: the product of its axes' value counts. */
export function gridSize(axes: readonly { values: readonly unknown[] }[]): number {
  return axes.length === 0 ? 0 : axes.reduce((n, a) => n * a.values.length, 1);
}

export function sweepRows(runs: readonly SweepRun[], keys: readonly string[]): SweepRow[] {
  return runs.map((r) => {
    const flat = flattenConfig(r.config);
    return {
      id: r.id,
      status: r.status,
      values: keys.map((k) => flat.get(k) ?? null),
      bestValLoss: r.bestValLoss,
      finalValAcc: r.finalValAcc,
    };
  });
}

export interface ParallelAxis {
  name: string;
  type: 'value' | 'log' | 'category';
  /** category axes: the values in first-seen order */
  categories?: string[];
}

export interface ParallelData {
  axes: ParallelAxis[];
  /** one line per run that has a best validation loss: each axis's value (category axes: the category's text) */
  lines: { id: string; values: (number | string)[] }[];
}

/** Numbers that are all positive and span at least two decades read better on a log axis. */
function axisFor(name: string, values: FlatValue[]): ParallelAxis {
  const numeric = values.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!numeric) return { name, type: 'category', categories: [...new Set(values.map(String))] };
  const nums = values as number[];
  const min = Math.min(...nums);
  const max = Math.max(...nums);
  return { name, type: min > 0 && max / min >= 100 ? 'log' : 'value' };
}

export const LOSS_AXIS = 'best val loss';

export function parallelCoordinates(rows: readonly SweepRow[], keys: readonly string[]): ParallelData {
  const done = rows.filter((r) => r.bestValLoss !== null && Number.isFinite(r.bestValLoss));
  const axes = keys.map((k, i) =>
    axisFor(
      k,
      done.map((r) => r.values[i]!),
    ),
  );
  const losses = done.map((r) => r.bestValLoss!);
  axes.push({
    name: LOSS_AXIS,
    type:
      losses.length && Math.min(...losses) > 0 && Math.max(...losses) / Math.min(...losses) >= 100 ? 'log' : 'value',
  });
  const lines = done.map((r) => ({
    id: r.id,
    values: [...r.values.map((v, i) => (axes[i]!.type === 'category' ? String(v) : (v as number))), r.bestValLoss!],
  }));
  return { axes, lines };
}

export interface Heatmap {
  xKey: string;
  yKey: string;
  xValues: string[];
  yValues: string[];
  /** [xIndex, yIndex, best validation loss]: the lowest over the runs at that cell (others keys may vary too) */
  cells: [number, number, number][];
}

/** Sorted as numbers when every value is one, else in first-seen order. */
function orderedTexts(values: FlatValue[]): string[] {
  const unique = [...new Set(values)];
  if (unique.every((v) => typeof v === 'number')) (unique as number[]).sort((a, b) => a - b);
  return unique.map(String);
}

export function heatmap(rows: readonly SweepRow[], keys: readonly string[], xKey: string, yKey: string): Heatmap {
  const xi = keys.indexOf(xKey);
  const yi = keys.indexOf(yKey);
  if (xi < 0 || yi < 0)
    throw new Error(`heatmap keys ${xKey}, ${yKey} are not among the sweep's keys (${keys.join(', ')})`);
  const xValues = orderedTexts(rows.map((r) => r.values[xi]!));
  const yValues = orderedTexts(rows.map((r) => r.values[yi]!));
  const best = new Map<string, number>();
  for (const r of rows) {
    if (r.bestValLoss === null || !Number.isFinite(r.bestValLoss)) continue;
    const cell = `${xValues.indexOf(String(r.values[xi]))},${yValues.indexOf(String(r.values[yi]))}`;
    best.set(cell, Math.min(best.get(cell) ?? Infinity, r.bestValLoss));
  }
  const cells = [...best].map(([cell, v]): [number, number, number] => {
    const [x, y] = cell.split(',').map(Number);
    return [x!, y!, v];
  });
  return { xKey, yKey, xValues, yValues, cells };
}

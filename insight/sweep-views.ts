// A sweep's runs as the sweep view draws them: one row per run with the varied keys' values and its best validation
// loss, the axes of a parallel-coordinates chart (hyperparameters → loss, log scale where a numeric key spans
// decades, as W&B and TensorBoard's HParams offer), and a heatmap over two keys. The same axes for any runs (the
// Compare view, a whole experiment): any keys and a chosen metric, and a scatter of one key against the metric,
// each numeric axis's log scale automatic or switched by the reader.
import { flatText, flattenConfig, type FlatValue } from '../engine/experiment/index.ts';
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

/** Positive finite numbers whose largest is at least 10^decades times their smallest read better on a log axis. */
export function spansDecades(values: readonly number[], decades = 2): boolean {
  if (values.length === 0 || !values.every((v) => Number.isFinite(v) && v > 0)) return false;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max / min >= 10 ** decades;
}

export interface ComparedAxis extends ParallelAxis {
  /** the config key, or METRIC_AXIS for the chosen metric's axis */
  key: string;
  /** numeric, every value positive: a log scale is possible */
  canLog: boolean;
  /** what the axis is without the reader's switch: log where the values span two decades or more */
  autoLog: boolean;
}

/** The metric axis's key in a log-switch map (no config key starts with ':'). */
export const METRIC_AXIS = ':metric';

/**
 * An axis over values: category (first-seen order) unless every value is a finite number; then log where `log` says
 * so (and every value is positive), else where the values span two decades or more.
 */
export function comparedAxis(key: string, name: string, values: readonly FlatValue[], log?: boolean): ComparedAxis {
  const numeric = values.length > 0 && values.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!numeric)
    return {
      key,
      name,
      type: 'category',
      categories: [...new Set(values.map(flatText))],
      canLog: false,
      autoLog: false,
    };
  const nums = values as number[];
  const canLog = nums.every((v) => v > 0);
  const autoLog = spansDecades(nums);
  return { key, name, type: canLog && (log ?? autoLog) ? 'log' : 'value', canLog, autoLog };
}

function axisFor(name: string, values: FlatValue[]): ParallelAxis {
  const { type, categories } = comparedAxis(name, name, values);
  return categories ? { name, type, categories } : { name, type };
}

/** Any run as the compare views need it: its label (insight/run-labels.ts), config and the chosen metric's value. */
export interface ComparedRun {
  id: string;
  label: string;
  config: ExperimentConfig;
  value: number | null;
}

export interface ComparedParallel {
  axes: ComparedAxis[];
  /** one line per run with a finite metric value, in the runs' order: each axis's value (category axes: its text) */
  lines: { id: string; label: string; values: (number | string)[] }[];
  /** runs left out: no value of the metric (still running, no validation split) */
  missing: string[];
}

const axisValue = (axis: ComparedAxis, v: FlatValue): number | string =>
  axis.type === 'category' ? flatText(v) : (v as number);

/** Parallel coordinates over any runs: an axis per key, then the metric's (named `metricName`); `log` per axis key. */
export function parallelOf(
  runs: readonly ComparedRun[],
  keys: readonly string[],
  metricName: string,
  log: Readonly<Record<string, boolean>> = {},
): ComparedParallel {
  const done = runs.filter((r) => r.value !== null && Number.isFinite(r.value));
  const flat = done.map((r) => flattenConfig(r.config));
  const axes = keys.map((k) =>
    comparedAxis(
      k,
      k,
      flat.map((f) => f.get(k) ?? null),
      log[k],
    ),
  );
  axes.push(
    comparedAxis(
      METRIC_AXIS,
      metricName,
      done.map((r) => r.value),
      log[METRIC_AXIS],
    ),
  );
  const lines = done.map((r, i) => ({
    id: r.id,
    label: r.label,
    values: [...keys.map((k, j) => axisValue(axes[j]!, flat[i]!.get(k) ?? null)), r.value!],
  }));
  return { axes, lines, missing: runs.filter((r) => !done.includes(r)).map((r) => r.id) };
}

export interface ScatterData {
  x: ComparedAxis;
  y: ComparedAxis;
  points: { id: string; label: string; x: number | string; y: number }[];
  missing: string[];
}

/** One config key (x) against the metric (y), a point per run with a value; `log` per axis key as in parallelOf. */
export function scatterOf(
  runs: readonly ComparedRun[],
  key: string,
  metricName: string,
  log: Readonly<Record<string, boolean>> = {},
): ScatterData {
  const p = parallelOf(runs, [key], metricName, log);
  return {
    x: p.axes[0]!,
    y: p.axes[1]!,
    points: p.lines.map((l) => ({ id: l.id, label: l.label, x: l.values[0]!, y: l.values[1] as number })),
    missing: p.missing,
  };
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
  axes.push({ name: LOSS_AXIS, type: spansDecades(losses) ? 'log' : 'value' });
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

// The runs table's columns by key, one implementation for `mlpw runs --columns` and the app: any flattened config key
// (model.layers.activation, optimizer.lr), any metric at the run's best or last epoch (best.val_acc, last.train_loss),
// and the run's own facts (params, duration, backend, dataset, tags, …). Pure: the caller brings runs and epochs.
import { defaultConfig } from '../engine/config.ts';
import { flattenConfig, type FlatValue } from '../engine/experiment/index.ts';
import type { EpochMetrics } from '../engine/types.ts';
import type { RunRecord } from '../db/types.ts';
import { bestAndLast } from './compare.ts';

/** A run with its recorded epochs, oldest first. */
export interface RunWithEpochs {
  run: RunRecord;
  epochs: readonly EpochMetrics[];
}

export type CellValue = string | number | boolean | null;

/** The per-epoch metrics by their snake_case names (as `mlpw train` prints them). */
export const METRICS = {
  train_loss: 'trainLoss',
  val_loss: 'valLoss',
  train_acc: 'trainAcc',
  val_acc: 'valAcc',
  lr: 'lr',
  samples_per_sec: 'samplesPerSec',
  epoch_ms: 'durationMs',
} as const satisfies Record<string, keyof EpochMetrics>;
export type MetricName = keyof typeof METRICS;

/** Hidden + output weights and biases; null for a run whose data was never prepared (no input or output width). */
export function parameterCount(run: RunRecord): number | null {
  if (!run.dataInfo) return null;
  const widths = [run.dataInfo.features, ...run.config.model.layers.map((l) => l.units), run.dataInfo.outputs];
  let n = 0;
  for (let i = 1; i < widths.length; i++) n += widths[i - 1]! * widths[i]! + widths[i]!;
  return n;
}

/** The run's own facts, beside its config and metrics. `duration` is ms; `epochs` the epochs done. */
const RUN_FACTS: Record<string, (r: RunRecord) => CellValue> = {
  id: (r) => r.id,
  name: (r) => r.name,
  status: (r) => r.status,
  experiment: (r) => r.experiment,
  dataset: (r) => r.dataset,
  backend: (r) => r.backendInfo?.backend ?? r.backend,
  tags: (r) => r.tags.join(','),
  params: parameterCount,
  duration: (r) => r.durationMs,
  epochs: (r) => r.epochsDone,
  created: (r) => r.createdAt,
  sweep: (r) => r.sweepId,
};

/** The held-out test set's score (config.testSplit), taken once on the model the run ships; null without one. */
export const TEST_COLUMNS: Record<string, (r: RunRecord) => number | null> = {
  'test.loss': (r) => r.test?.loss ?? null,
  'test.acc': (r) => r.test?.acc ?? null,
  /** macro F1: the mean over classes that have one */
  'test.f1': (r) => {
    const f1 = (r.test?.classes ?? []).map((c) => c.f1).filter((v): v is number => v !== null);
    return f1.length ? f1.reduce((a, b) => a + b, 0) / f1.length : null;
  },
  'test.samples': (r) => r.test?.samples ?? null,
};

export type ColumnKind = 'fact' | 'metric' | 'config';

export interface Column {
  /** as the user wrote it */
  key: string;
  kind: ColumnKind;
  /** numbers that group means and standard deviations are taken of */
  numeric: boolean;
  value(r: RunWithEpochs): CellValue;
}

export class ColumnError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'ColumnError';
  }
}

/** `at12.val_acc`: a metric at a chosen epoch (compare runs at one point of training); needs every epoch read. */
export const AT_EPOCH_KEY = /^at(\d+)\.(\w+)$/;

function metricColumn(key: string, at: 'best' | 'last' | number, name: MetricName): Column {
  const field = METRICS[name];
  return {
    key,
    kind: 'metric',
    numeric: true,
    value: ({ run, epochs }) => {
      const { best, last } = bestAndLast(epochs, run.bestEpoch);
      const e = typeof at === 'number' ? epochs.find((x) => x.epoch === at) : at === 'best' ? best : last;
      return e ? ((e[field] as number | null | undefined) ?? null) : null;
    },
  };
}

// One flattening per config object: the picker's keys, a config column's type and its every cell read the same map
// (a table of 5,000 runs flattened each config three times or more).
const flattened = new WeakMap<object, Map<string, FlatValue>>();
function flatConfig(config: RunRecord['config']): Map<string, FlatValue> {
  let flat = flattened.get(config);
  if (!flat) flattened.set(config, (flat = flattenConfig(config)));
  return flat;
}

// One key list per list of runs: a table call asks for it for the picker, each config column and the filter
// (~20 ms each at 5,000 runs). Callers hand a list they no longer change; the answer is read, never edited.
const keysOf = new WeakMap<readonly RunWithEpochs[], string[]>();

/** Every config key the runs (and a default config) have, flattened, in first-seen order. */
export function configKeys(runs: readonly RunWithEpochs[]): string[] {
  let known = keysOf.get(runs);
  if (known) return known;
  const keys = new Set(flattenConfig(defaultConfig()).keys());
  for (const { run } of runs) for (const k of flatConfig(run.config).keys()) keys.add(k);
  keysOf.set(runs, (known = [...keys]));
  return known;
}

/**
 * A column by key. `best.M` / `last.M` is metric M at the run's best epoch (the trainer's, as `mlpw compare` shows it)
 * or its last; a bare metric name is its last value (the runs table's val_acc). Then the run's facts, then config
 * keys: a full flattened key, or its unique last part (`activation` for model.layers.activation).
 */
export function resolveColumn(key: string, runs: readonly RunWithEpochs[]): Column {
  const text = key.trim();
  const atEpoch = AT_EPOCH_KEY.exec(text);
  if (atEpoch) {
    const [, n, name] = atEpoch;
    if (!Object.hasOwn(METRICS, name!))
      throw new ColumnError(
        text,
        `unknown metric "${name}" in "${text}" (metrics: ${Object.keys(METRICS).join(', ')})`,
      );
    if (Number(n) < 1) throw new ColumnError(text, `epoch ${n} in "${text}" is not an epoch (epochs count from 1)`);
    return metricColumn(text, Number(n), name as MetricName);
  }
  const dotted = /^(best|last)\.(\w+)$/.exec(text);
  if (dotted) {
    const [, at, name] = dotted;
    if (!Object.hasOwn(METRICS, name!))
      throw new ColumnError(
        text,
        `unknown metric "${name}" in "${text}" (metrics: ${Object.keys(METRICS).join(', ')})`,
      );
    return metricColumn(text, at as 'best' | 'last', name as MetricName);
  }
  if (Object.hasOwn(METRICS, text)) return metricColumn(text, 'last', text as MetricName);
  const test = Object.hasOwn(TEST_COLUMNS, text) ? TEST_COLUMNS[text] : undefined;
  if (test) return { key: text, kind: 'metric', numeric: true, value: ({ run }) => test(run) };
  const fact = RUN_FACTS[text];
  if (fact && Object.hasOwn(RUN_FACTS, text))
    return {
      key: text,
      kind: 'fact',
      numeric: ['params', 'duration', 'epochs', 'created'].includes(text),
      value: ({ run }) => fact(run),
    };
  const keys = configKeys(runs);
  const matches = keys.includes(text) ? [text] : keys.filter((k) => k.endsWith(`.${text}`));
  if (matches.length === 1) {
    const path = matches[0]!;
    const numeric = runs.some(({ run }) => typeof flatConfig(run.config).get(path) === 'number');
    return {
      key: text,
      kind: 'config',
      numeric,
      value: ({ run }) => (flatConfig(run.config).get(path) ?? null) as FlatValue,
    };
  }
  if (matches.length > 1)
    throw new ColumnError(text, `column "${text}" is ambiguous (${matches.join(', ')}); give the full key`);
  throw new ColumnError(
    text,
    `unknown column "${text}" (run: ${Object.keys(RUN_FACTS).join(', ')}; metrics: best.M, last.M or atN.M with M one of ${Object.keys(METRICS).join(', ')}; ` +
      `test set: ${Object.keys(TEST_COLUMNS).join(', ')}; ` +
      `config keys such as ${keys.slice(0, 6).join(', ')}, …)`,
  );
}

/** "a,b,c" → the columns, each checked. */
export function parseColumns(list: string, runs: readonly RunWithEpochs[]): Column[] {
  const keys = list
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length === 0)
    throw new ColumnError(list, 'no columns given (e.g. model.layers.activation,best.val_acc,params)');
  return keys.map((k) => resolveColumn(k, runs));
}

/** Rows ordered on a column; missing values last either way, numbers by value, the rest as text. */
export function sortRuns<R extends RunWithEpochs>(rows: readonly R[], column: Column, descending: boolean): R[] {
  const dir = descending ? -1 : 1;
  const value = new Map(rows.map((r) => [r, column.value(r)]));
  return [...rows].sort((a, b) => {
    const x = value.get(a)!;
    const y = value.get(b)!;
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return dir * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)));
  });
}

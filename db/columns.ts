// The mapping between rows and records: the indexed hyperparameter columns a config yields, and a runs row read back.
import { parseConfig, withImportedDataset, withLegacySplit, type ExperimentConfig } from '../engine/config.ts';
import type { BackendInfo, DataInfo, RunStatus, TestMetrics } from '../engine/types.ts';
import { StoreError } from './errors.ts';
import { fastStoredConfig } from './stored-config-fast.ts';
import type { RunRecord } from './types.ts';

export function hyperColumns(config: ExperimentConfig) {
  const acts = [...new Set(config.model.layers.map((l) => l.activation))];
  const { type, nesterov } = config.optimizer;
  return {
    name: config.name ?? null,
    dataset: config.dataset.name,
    layers: config.model.layers.map((l) => l.units).join('x'),
    activation: acts.length <= 1 ? (acts[0] ?? 'identity') : config.model.layers.map((l) => l.activation).join(','),
    optimizer: type === 'momentum' && nesterov ? 'nesterov' : type,
    lr: config.optimizer.lr,
    batch_size: config.batchSize,
    epochs: config.epochs,
    seed: config.seed,
    backend: config.backend,
  };
}

/** A runs row as SELECTed by RUN_COLUMNS. */
export interface RunRow {
  id: string;
  name: string | null;
  status: string;
  config: string;
  dataset: string;
  layers: string;
  activation: string;
  optimizer: string;
  lr: number;
  batch_size: number;
  epochs: number;
  seed: number;
  backend: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  error: string | null;
  app_version: string;
  sweep_id: string | null;
  rerun_of: string | null;
  experiment_id: number;
  experiment: string;
  backend_info: string | null;
  data_info: string | null;
  epochs_done: number;
  best_val_loss: number | null;
  best_epoch: number | null;
  final_train_loss: number | null;
  final_val_loss: number | null;
  final_val_acc: number | null;
  duration_ms: number | null;
  samples_per_sec: number | null;
  stopped_early: number | null;
  test_metrics: string | null;
  tags: string | null;
  dataset_hash: string | null;
  dataset_rows: number | null;
}

/** The artifact kind that holds a run's test-set score (TestMetrics as its details; no file, so path ''): written
 *  once when the run finishes, like the loss surface's computed result, so the schema needs no new column. */
export const TEST_METRICS_ARTIFACT = 'test-metrics';

// Tags come back in one column, separated by the ASCII unit separator (a tag cannot contain it).
export const TAG_SEPARATOR = '\x1f';
const RUN_COLUMNS_TAIL = `runs.dataset, runs.layers, runs.activation,
  runs.optimizer, runs.lr, runs.batch_size, runs.epochs, runs.seed, runs.backend, runs.created_at, runs.started_at,
  runs.finished_at, runs.error, runs.app_version, runs.sweep_id, runs.rerun_of, runs.backend_info, runs.data_info,
  runs.epochs_done, runs.best_val_loss, runs.best_epoch, runs.final_train_loss, runs.final_val_loss, runs.final_val_acc,
  runs.duration_ms, runs.samples_per_sec, runs.stopped_early, runs.experiment_id, runs.dataset_hash,
  (SELECT rows FROM datasets WHERE datasets.hash = runs.dataset_hash AND datasets.complete = 1 LIMIT 1) AS dataset_rows,
  (SELECT name FROM experiments WHERE experiments.id = runs.experiment_id) AS experiment,
  (SELECT details FROM artifacts WHERE artifacts.run_id = runs.id AND artifacts.kind = '${TEST_METRICS_ARTIFACT}'
    ORDER BY artifacts.id DESC LIMIT 1) AS test_metrics,
  (SELECT group_concat(tag, char(31)) FROM tags WHERE tags.run_id = runs.id) AS tags`;
export const RUN_COLUMNS = `runs.id, runs.name, runs.status, runs.config, ${RUN_COLUMNS_TAIL}`;
/** The same for listings, with the config text's length in place of the text: RunStore keeps each run's parsed config
 *  and reads the text only for a run it has not seen (5,000 texts were ~110 of a listing's ~125 ms in SQLite). */
export const RUN_LIST_COLUMNS = `runs.id, runs.name, runs.status, length(runs.config) AS config_length,
  ${RUN_COLUMNS_TAIL}`;

/** A runs row as SELECTed by RUN_LIST_COLUMNS. */
export type ListedRunRow = Omit<RunRow, 'config'> & { config_length: number };

/** A stored config, checked against the engine's schema as it is read: a row edited or damaged outside the app is
 *  named here rather than failing later inside training or an export. `owner` names the row ("run …", "sweep …"). */
export function storedConfig(owner: string, text: string): ExperimentConfig {
  try {
    // Stored before configs had `stratify`: those runs split unstratified, so that is how they read (and rerun).
    const input = withLegacySplit(JSON.parse(text) as unknown);
    // a config in the full form this app writes is checked by hand (~20x cheaper cold); anything else by the schema
    return fastStoredConfig(input) ?? parseConfig(input);
  } catch (e) {
    throw new StoreError(
      'damaged',
      `${owner}: its stored config is not a valid experiment config: ${(e as Error).message}`,
    );
  }
}

/** A run's config as it reads now: a run that trained on an imported snapshot but was stored before imported datasets
 *  had their own config shape (it carried the generator's leftover settings) reads as name, hash and rows. */
function runConfig(r: RunRow): ExperimentConfig {
  const config = storedConfig(`run ${r.id}`, r.config);
  if (r.dataset_hash === null || config.dataset.source === 'imported') return config;
  return withImportedDataset(config, { name: config.dataset.name, hash: r.dataset_hash, rows: r.dataset_rows ?? 0 });
}

/** `config`: the row's config already parsed (RunStore's listRuns keeps them), else parsed here. */
export function toRunRecord(r: RunRow, config: ExperimentConfig = runConfig(r)): RunRecord {
  return recordOf(r, config);
}

/** A listed row (no config text) with its config already parsed. */
export function recordOf(r: Omit<RunRow, 'config'>, config: ExperimentConfig): RunRecord {
  return {
    id: r.id,
    name: r.name,
    status: r.status as RunStatus,
    config,
    dataset: r.dataset,
    layers: r.layers,
    activation: r.activation,
    optimizer: r.optimizer,
    lr: r.lr,
    batchSize: r.batch_size,
    epochs: r.epochs,
    seed: r.seed,
    backend: r.backend,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    error: r.error,
    appVersion: r.app_version,
    sweepId: r.sweep_id,
    rerunOf: r.rerun_of,
    experimentId: r.experiment_id,
    experiment: r.experiment,
    backendInfo: r.backend_info ? (JSON.parse(r.backend_info) as BackendInfo) : null,
    dataInfo: r.data_info ? (JSON.parse(r.data_info) as DataInfo) : null,
    epochsDone: r.epochs_done,
    bestValLoss: r.best_val_loss,
    bestEpoch: r.best_epoch,
    finalTrainLoss: r.final_train_loss,
    finalValLoss: r.final_val_loss,
    finalValAcc: r.final_val_acc,
    durationMs: r.duration_ms,
    samplesPerSec: r.samples_per_sec,
    stoppedEarly: r.stopped_early === null ? null : r.stopped_early !== 0,
    test: r.test_metrics ? (JSON.parse(r.test_metrics) as TestMetrics) : null,
    tags: r.tags ? r.tags.split(TAG_SEPARATOR).sort() : [],
  };
}

/** Column and natural direction of each sort field; ties fall back to newest first. */
export const SORT_COLUMNS: Record<string, { column: string; descending: boolean }> = {
  created: { column: 'created_at', descending: true },
  started: { column: 'started_at', descending: true },
  finished: { column: 'finished_at', descending: true },
  val_loss: { column: 'best_val_loss', descending: false },
  val_acc: { column: 'final_val_acc', descending: true },
  train_loss: { column: 'final_train_loss', descending: false },
  duration: { column: 'duration_ms', descending: false },
  lr: { column: 'lr', descending: false },
  batch: { column: 'batch_size', descending: false },
  epochs: { column: 'epochs', descending: false },
  seed: { column: 'seed', descending: false },
  status: { column: 'status', descending: false },
  dataset: { column: 'dataset', descending: false },
  layers: { column: 'layers', descending: false },
  optimizer: { column: 'optimizer', descending: false },
  activation: { column: 'activation', descending: false },
  name: { column: 'name', descending: false },
  id: { column: 'id', descending: false },
};

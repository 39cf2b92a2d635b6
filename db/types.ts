// What the store hands out: plain data, safe to send over IPC or HTTP as JSON (times are Unix milliseconds).
import type { ExperimentConfig } from '../engine/config.ts';
import type { Preprocessing } from '../engine/data/preprocessing.ts';
import type { GridAxis } from '../engine/experiment/grid-axis.ts';
import type { PrunerSpec } from '../engine/experiment/asha.ts';
import type {
  BackendInfo,
  CheckpointKind,
  DataInfo,
  EpochMetrics,
  RunStatus,
  Task,
  TestMetrics,
} from '../engine/types.ts';

export interface RunRecord {
  id: string;
  name: string | null;
  status: RunStatus;
  config: ExperimentConfig;
  /** copied out of config for filtering and sorting */
  dataset: string;
  layers: string;
  activation: string;
  optimizer: string;
  lr: number;
  batchSize: number;
  epochs: number;
  seed: number;
  backend: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  error: string | null;
  appVersion: string;
  sweepId: string | null;
  rerunOf: string | null;
  /** the experiment the run belongs to ("Default" unless one was named) */
  experimentId: number;
  experiment: string;
  backendInfo: BackendInfo | null;
  dataInfo: DataInfo | null;
  epochsDone: number;
  /** the trainer's best epoch (its monitored metric and minDelta, the best checkpoint's) and its validation loss */
  bestValLoss: number | null;
  bestEpoch: number | null;
  finalTrainLoss: number | null;
  finalValLoss: number | null;
  finalValAcc: number | null;
  durationMs: number | null;
  samplesPerSec: number | null;
  stoppedEarly: boolean | null;
  /** the held-out test set's score (config.testSplit), taken once after training; null without one */
  test: TestMetrics | null;
  tags: string[];
}

export interface Note {
  id: number;
  createdAt: number;
  text: string;
}

export interface Artifact {
  id: number;
  kind: string;
  path: string;
  details: unknown;
  createdAt: number;
}

export interface CheckpointInfo {
  kind: CheckpointKind;
  epoch: number;
  bytes: number;
  createdAt: number;
}

export interface RunDetail extends RunRecord {
  notes: Note[];
  artifacts: Artifact[];
  checkpoints: CheckpointInfo[];
}

export const RUN_SORT_FIELDS = [
  'created',
  'started',
  'finished',
  'val_loss',
  'val_acc',
  'train_loss',
  'duration',
  'lr',
  'batch',
  'epochs',
  'seed',
  'status',
  'dataset',
  'layers',
  'optimizer',
  'activation',
  'name',
  'id',
] as const;
export type RunSortField = (typeof RUN_SORT_FIELDS)[number];

export interface RunFilter {
  status?: RunStatus[];
  dataset?: string;
  tag?: string;
  sweepId?: string;
  /** an experiment's name (any case); an unknown one is an error naming the experiments there are */
  experiment?: string;
  sort?: RunSortField;
  /** default: the field's natural order (losses ascending, accuracy and times descending) */
  descending?: boolean;
  limit?: number;
  offset?: number;
}

/** A named group of runs (MLflow's experiment); id 1 is "Default", where runs go unless another is named. */
export interface ExperimentRecord {
  id: number;
  name: string;
  createdAt: number;
  runCount: number;
}

export type SweepMethod = 'grid' | 'random' | 'bayes';

/** How a sweep searched (migration 005): everything `mlpw sweep --resume` needs besides the base config and grid. */
export interface SweepSearch {
  method: SweepMethod;
  /** random and bayes: each --param's key and DIST text ("optimizer.lr", "loguniform:0.001:0.1"); null for a grid */
  space: { key: string; dist: string }[] | null;
  sweepSeed: number | null;
  trials: number | null;
  /** no new trial starts after this long; null: no limit */
  timeBudgetMs: number | null;
  /** early termination (ASHA / Hyperband); null: every trial runs to its epochs */
  pruner: PrunerSpec | null;
}

export interface SweepRecord extends SweepSearch {
  id: string;
  createdAt: number;
  baseConfig: ExperimentConfig;
  grid: GridAxis[];
  parallel: number;
  size: number;
}

/** One run of a sweep with its trial number (a trial rerun after an interruption has two runs, oldest first). */
export interface SweepTrialRun {
  runId: string;
  /** 0-based; null only for a run added to a sweep by hand before migration 005 numbered them */
  trial: number | null;
  status: RunStatus;
  config: ExperimentConfig;
  startedAt: number | null;
  epochsDone: number;
  stoppedEarly: boolean;
  /** the pruner's rung a trial it stopped reached (0-based); null otherwise */
  stoppedRung: number | null;
  bestValLoss: number | null;
  bestEpoch: number | null;
  rerunOf: string | null;
}

export type { EpochMetrics };

/** An imported dataset snapshot (db/datasets.ts): its shape, what it came from and how it was encoded. */
export interface DatasetRecord {
  id: number;
  name: string;
  hash: string;
  task: Task;
  rows: number;
  features: number;
  outputs: number;
  featureNames: string[];
  targetName: string | null;
  classLabels: string[] | null;
  /** where it came from: {kind: 'csv' | 'idx', files, bytes, …} */
  source: Record<string, unknown>;
  /** a table's preprocessing with its fitted values; null for IDX files and the numeric CSV reader */
  preprocessing: Preprocessing | null;
  createdAt: number;
  /** compressed size of the features in the store */
  storedBytes: number;
}

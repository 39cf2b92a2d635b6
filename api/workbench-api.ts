// WorkbenchApi: the only way the renderer reaches the store. One method per operation, each taking one input object
// (validated by API_INPUTS on the store side) and resolving to plain JSON-safe data. Two transports carry it:
// Electron IPC (electron/ipc.ts + preload) and HTTP (server/, for browser mode). Errors arrive as ApiError.
import type { z } from 'zod';
import type { EpochMetrics, Task } from '../engine/types.ts';
import type { Artifact, DatasetRecord, ExperimentRecord, Note, RunDetail, RunRecord } from '../db/types.ts';
import type { API_INPUTS, ApiMethod, DatasetUploadSchema } from './schemas.ts';
import type { WireSnapshot } from './snapshot-wire.ts';
import type { WireDataset, WireDatasetChunk } from './dataset-wire.ts';
import type { InsightOutputs, VerifiedOnnx } from './insight-api.ts';
import type { RunTableOutputs } from './run-table-api.ts';
import type { QueueSweepOutputs } from './queue-sweep-api.ts';
import type { SurfaceOutputs } from './surface-schemas.ts';

export interface AppInfo {
  /** 'electron': the desktop app; 'browser': `mlpw serve` */
  mode: 'electron' | 'browser';
  storePath: string;
  appVersion: string;
  schemaVersion: number;
  runCount: number;
}

export interface RunPage {
  runs: RunRecord[];
  /** runs matching the filter, over all pages */
  total: number;
}

/** What each method resolves to. */
export interface ApiOutputs extends InsightOutputs, RunTableOutputs, SurfaceOutputs, QueueSweepOutputs {
  info: AppInfo;
  listRuns: RunPage;
  getRun: RunDetail;
  getEpochs: EpochMetrics[];
  getCheckpoint: { epoch: number; snapshot: WireSnapshot } | null;
  createRun: { id: string };
  recordStarted: void;
  recordEpoch: void;
  recordEpochs: void;
  saveCheckpoint: void;
  finishRun: void;
  failRun: void;
  addTags: string[];
  removeTags: string[];
  renameRun: RunRecord;
  addNote: Note;
  deleteRuns: string[];
  listExperiments: ExperimentRecord[];
  createExperiment: ExperimentRecord;
  renameExperiment: ExperimentRecord;
  moveRuns: string[];
  listImportedDatasets: ImportedDataset[];
  loadImportedDataset: WireDataset;
  loadImportedDatasetChunk: WireDatasetChunk;
  importDatasetFile: DatasetImport | DatasetCheck;
  deleteDataset: DatasetDeletion;
  exportOnnx: OnnxExportResult;
  chooseDatasetFile: ChosenFile | null;
  chooseOnnxFile: ChosenFile | null;
}

/** A file the desktop's native dialog chose: a one-time handle for the store host and the file's name to show. */
export interface ChosenFile {
  file: string;
  name: string;
}

/** Browser mode's upload of a table chosen in the page (a file picker or a drop): how to read it. */
export type DatasetUpload = z.input<typeof DatasetUploadSchema>;

/** An imported dataset snapshot as the store describes it: the part of its DatasetRecord the page sees. */
export type ImportedDataset = Pick<DatasetRecord, (typeof IMPORTED_DATASET_KEYS)[number]>;
/** The DatasetRecord fields an ImportedDataset carries (api/store-datasets.ts copies these). */
export const IMPORTED_DATASET_KEYS = [
  'name',
  'hash',
  'task',
  'rows',
  'features',
  'outputs',
  'featureNames',
  'targetName',
  'classLabels',
  'createdAt',
] as const satisfies readonly (keyof DatasetRecord)[];

/** deleteDataset's answer: deleted, or kept because runs trained on it (the first ten of them, and how many). */
export interface DatasetDeletion {
  name: string;
  deleted: boolean;
  runs: string[];
  totalRuns: number;
}

/** One line of the import's column table (datasets/table/import.ts ColumnReport, restated for the page: no Node here). */
export interface ImportColumn {
  /** 1-based position */
  column: number;
  name: string;
  type: 'numeric' | 'categorical' | 'date' | 'id' | 'empty';
  missing: number;
  /** null: more distinct values than were counted */
  distinct: number | null;
  role: 'feature' | 'target' | 'ignored';
  /** how it is used: "3 one-hot", "median 41.5 + missing indicator" */
  note: string;
}

/** What a table import found, as `mlpw import` prints it: the column table, its warnings and the row counts. */
export interface ImportTable {
  columns: ImportColumn[];
  warnings: string[];
  imputedRows: number;
  /** rows left out for a gap (missing: 'drop') */
  droppedRows: number;
  /** rows left out for a missing target */
  missingTargetRows: number;
}

/** An import's answer: the stored snapshot and its column table. */
export interface DatasetImport extends ImportedDataset {
  dryRun: false;
  table: ImportTable;
}

/** A dry run's answer (Check columns): what the snapshot would be; nothing is stored, so no hash. */
export interface DatasetCheck extends Omit<ImportedDataset, 'hash' | 'createdAt'> {
  dryRun: true;
  table: ImportTable;
}

export interface OnnxExportResult extends VerifiedOnnx {
  path: string;
}

export type ApiInput<K extends ApiMethod> = z.input<(typeof API_INPUTS)[K]>;
export type ApiParsedInput<K extends ApiMethod> = z.output<(typeof API_INPUTS)[K]>;

/** Commands the desktop shell's menu sends to the renderer; a file chosen in a native dialog comes with them, as a handle. */
export type MenuCommand = 'new-experiment' | 'import-dataset' | 'export-onnx';
export interface MenuEvent {
  command: MenuCommand;
  file?: ChosenFile;
}

/** A File or Blob the page holds (a DOM type; api/ compiles without the DOM library). */
export interface PageFile {
  readonly size: number;
  readonly type: string;
}

/** The renderer's view: every method is async, whatever carries it. */
export type WorkbenchApi = { [K in ApiMethod]: (input: ApiInput<K>) => Promise<ApiOutputs[K]> } & {
  /** Desktop shell only: menu commands for the renderer to act on; returns an unsubscribe function. */
  onMenuCommand?(listener: (event: MenuEvent) => void): () => void;
  /** Browser mode only: imports a file the page holds by sending its bytes (the server opens no path the page names). */
  uploadDataset?(file: PageFile, fields: DatasetUpload): Promise<DatasetImport | DatasetCheck>;
};

/** The store host's side: receives parsed input, may answer synchronously (RunStore is synchronous). */
export type ApiHandlers = { [K in ApiMethod]: (input: ApiParsedInput<K>) => ApiOutputs[K] | Promise<ApiOutputs[K]> };

export type { Artifact, ApiMethod, ExperimentRecord };

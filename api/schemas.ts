// Runtime schemas of every WorkbenchApi method's input. Both transports validate here, where a payload enters the
// store host; the renderer validates configs with the same ExperimentConfigSchema before it sends them. Every object
// is strict: a field the store would not keep is an error naming it, not silently dropped.
import { z } from 'zod';
import { ExperimentConfigSchema } from '../engine/config.ts';
import {
  BackendInfoSchema,
  CheckpointKindSchema,
  DataInfoSchema,
  EpochMetricsSchema,
  RunStatusSchema,
  RunSummarySchema,
  TaskSchema,
} from '../engine/schemas.ts';
import { RUN_SORT_FIELDS } from '../db/types.ts';
import { INSIGHT_INPUTS } from './insight-schemas.ts';
import { RUN_TABLE_INPUTS } from './run-table-api.ts';
import { QUEUE_SWEEP_INPUTS } from './queue-sweep-api.ts';
import { SURFACE_INPUTS } from './surface-schemas.ts';
import { WireSnapshotSchema } from './snapshot-wire.ts';

const RunId = z.string().trim().min(1).max(64);
const Tag = z.string().trim().min(1).max(100);
/** An experiment's name; the store also refuses control characters, naming the name. */
const ExperimentName = z.string().trim().min(1).max(100);

/** A file chosen in the desktop's native dialog: an opaque one-time id (electron/file-grants.ts), never a path. */
const FileHandle = z
  .string()
  .regex(/^[\w-]{16,64}$/, 'a handle from the desktop app’s file dialog (chooseDatasetFile / chooseOnnxFile)');
/** Column lists as `mlpw import` takes them: names or 1-based positions, comma-separated, ranges 3-7. */
const ColumnList = z.string().trim().min(1).max(2000);
/** How to read a table (CSV, JSON, NDJSON), the same for a chosen file, an upload and `mlpw import`. */
const CSV_IMPORT_FIELDS = {
  /** the column to predict, by header name or 1-based position */
  target: z.string().trim().min(1).max(200),
  name: z.string().trim().min(1).max(100).optional(),
  task: TaskSchema.optional(),
  /** only these columns are features (exclusive with ignore) */
  features: ColumnList.optional(),
  ignore: ColumnList.optional(),
  /** these columns are categories even where their values are numbers */
  categorical: ColumnList.optional(),
  /** default impute (median / most frequent value plus an is-missing column); drop leaves out rows with a gap */
  missing: z.enum(['impute', 'drop']).optional(),
  /** the same as missing: 'drop' (kept for older pages) */
  dropMissing: z.boolean().optional(),
};
/** Browser mode's upload (POST /api/upload/dataset, the file's bytes as the body): the fields beside the bytes.
 * dryRun: type the columns and encode every row, store nothing (mlpw import --dry-run). */
export const DatasetUploadSchema = z.strictObject({
  fileName: z.string().trim().min(1).max(255),
  dryRun: z.boolean().optional(),
  ...CSV_IMPORT_FIELDS,
});

/** One schema per method: the method's single input object. */
export const API_INPUTS = {
  info: z.strictObject({}),
  listRuns: z.strictObject({
    status: z.array(RunStatusSchema).optional(),
    dataset: z.string().max(200).optional(),
    tag: Tag.optional(),
    sweepId: RunId.optional(),
    /** an experiment's name (any case) */
    experiment: ExperimentName.optional(),
    /** case-insensitive substring of id, name, dataset, layers, optimizer or a tag */
    search: z.string().max(200).optional(),
    sort: z.enum(RUN_SORT_FIELDS).optional(),
    descending: z.boolean().optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    offset: z.number().int().min(0).default(0),
  }),
  getRun: z.strictObject({ id: RunId }),
  getEpochs: z.strictObject({ id: RunId }),
  getCheckpoint: z.strictObject({ id: RunId, kind: CheckpointKindSchema }),
  /** experiment: its name, created if new; default: the original's for a rerun, else Default */
  createRun: z.strictObject({
    config: ExperimentConfigSchema,
    rerunOf: RunId.optional(),
    experiment: ExperimentName.optional(),
  }),
  recordStarted: z.strictObject({ id: RunId, backend: BackendInfoSchema, data: DataInfoSchema }),
  recordEpoch: z.strictObject({ id: RunId, metrics: EpochMetricsSchema }),
  /** several epochs in order, committed together (a fast run's epochs arrive faster than one request each) */
  recordEpochs: z.strictObject({ id: RunId, metrics: z.array(EpochMetricsSchema).min(1).max(100_000) }),
  saveCheckpoint: z.strictObject({
    id: RunId,
    kind: CheckpointKindSchema,
    epoch: z.number().int().min(0),
    snapshot: WireSnapshotSchema,
  }),
  finishRun: z.strictObject({ id: RunId, summary: RunSummarySchema }),
  failRun: z.strictObject({ id: RunId, message: z.string().min(1).max(10_000) }),
  addTags: z.strictObject({ id: RunId, tags: z.array(Tag).min(1).max(50) }),
  removeTags: z.strictObject({ id: RunId, tags: z.array(Tag).min(1).max(50) }),
  /** trimmed; empty clears the name; also on a finished run */
  renameRun: z.strictObject({ id: RunId, name: z.string().trim().max(200) }),
  addNote: z.strictObject({ id: RunId, text: z.string().trim().min(1).max(20_000) }),
  deleteRuns: z.strictObject({ ids: z.array(RunId).min(1).max(10_000) }),
  listExperiments: z.strictObject({}),
  createExperiment: z.strictObject({ name: ExperimentName }),
  renameExperiment: z.strictObject({ from: ExperimentName, to: ExperimentName }),
  /** into an existing experiment, all or none */
  moveRuns: z.strictObject({ ids: z.array(RunId).min(1).max(10_000), experiment: ExperimentName }),
  listImportedDatasets: z.strictObject({}),
  /** a whole snapshot in one call, up to MAX_CHUNK_VALUES feature values (the window streams with the chunks below) */
  loadImportedDataset: z.strictObject({ name: z.string().trim().min(1).max(100) }),
  /** rows [offset, offset + rows) of a snapshot, by its hash; fewer when the chunk would pass MAX_CHUNK_VALUES */
  loadImportedDatasetChunk: z.strictObject({
    hash: z.string().regex(/^[0-9a-f]{64}$/, 'a snapshot hash (64 hex digits) from listImportedDatasets'),
    offset: z.number().int().min(0),
    rows: z.number().int().min(1).max(10_000_000),
  }),
  /** deletes an imported snapshot, unless runs trained on it: then nothing is deleted and the answer names them */
  deleteDataset: z.strictObject({ name: z.string().trim().min(1).max(100) }),
  /**
   * the desktop app: a table chosen in its native open dialog, named by the handle chooseDatasetFile gave; dryRun
   * (Check columns) types the columns and stores nothing, and leaves the handle for the import
   */
  importDatasetFile: z.strictObject({ file: FileHandle, dryRun: z.boolean().optional(), ...CSV_IMPORT_FIELDS }),
  /** the desktop app: writes a verified ONNX file of the run's checkpoint where chooseOnnxFile's dialog chose */
  exportOnnx: z.strictObject({ id: RunId, checkpoint: CheckpointKindSchema.default('final'), file: FileHandle }),
  /** the desktop app: the native open dialog for a dataset; resolves to a one-time handle, or null when cancelled */
  chooseDatasetFile: z.strictObject({}),
  /** the desktop app: the native save dialog for an ONNX file; resolves to a one-time handle, or null when cancelled */
  chooseOnnxFile: z.strictObject({ defaultName: z.string().trim().min(1).max(255) }),
  ...INSIGHT_INPUTS,
  ...RUN_TABLE_INPUTS,
  ...QUEUE_SWEEP_INPUTS,
  ...SURFACE_INPUTS,
} as const;

export type ApiMethod = keyof typeof API_INPUTS;
export const API_METHODS = Object.keys(API_INPUTS) as ApiMethod[];

export function isApiMethod(name: string): name is ApiMethod {
  return Object.hasOwn(API_INPUTS, name);
}

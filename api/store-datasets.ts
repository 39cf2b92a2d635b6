// The dataset methods of the WorkbenchApi over the store (Node side): imported snapshots listed, loaded for the
// renderer's engine worker, imported, and recorded on the runs that train on them. Nothing here opens a path a page
// names: the desktop app's file arrives as a handle its own open dialog issued (FileGrants), browser mode's as the
// bytes the page uploads (importUpload). Both go through mlpw import's typed two-pass importer (datasets/table/import.ts)
// with its options, and answer with its column table.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetRecord } from '../db/datasets.ts';
import type { RunStore } from '../db/run-store.ts';
import { ImportError } from '../datasets/errors.ts';
import type { RowSink } from '../datasets/sink.ts';
import { importTableFile, type TableImport, type TableImportOptions } from '../datasets/table/import.ts';
import { formatOf, type TableFormat } from '../datasets/table/sources.ts';
import { findDataset } from '../engine/data/builtin.ts';
import { toWireDataset } from './dataset-wire.ts';
import { ApiError } from './errors.ts';
import type { DatasetUploadSchema } from './schemas.ts';
import type { FileGrants } from './store-api.ts';
import { MAX_CHUNK_VALUES } from './store-dataset-chunks.ts';
import {
  IMPORTED_DATASET_KEYS,
  type ApiHandlers,
  type ApiParsedInput,
  type DatasetCheck,
  type DatasetImport,
  type ImportedDataset,
  type ImportTable,
} from './workbench-api.ts';
import type { z } from 'zod';

type DatasetHandlers = Pick<
  ApiHandlers,
  'listImportedDatasets' | 'loadImportedDataset' | 'importDatasetFile' | 'deleteDataset'
>;
type TableFields = Omit<ApiParsedInput<'importDatasetFile'>, 'file'>;

function summary(r: DatasetRecord): ImportedDataset {
  return Object.fromEntries(IMPORTED_DATASET_KEYS.map((k) => [k, r[k]])) as ImportedDataset;
}

/** The importer's options from the API's fields, as mlpw import builds them from its flags. */
function tableOptions(fields: TableFields, format?: TableFormat): TableImportOptions {
  if (fields.dropMissing && fields.missing === 'impute')
    throw new ApiError('invalid_argument', 'dropMissing and missing: "impute" contradict each other', 'missing');
  const { target, task, features, ignore, categorical } = fields;
  return {
    target,
    task,
    features,
    ignore,
    categorical,
    missing: fields.dropMissing ? 'drop' : (fields.missing ?? 'impute'),
    format,
  };
}

function tableOf(data: TableImport): ImportTable {
  const s = data.source;
  const missingTargetRows = s.missingTargetRows ?? 0;
  return {
    columns: data.columns,
    warnings: data.warnings,
    imputedRows: s.imputedRows ?? 0,
    droppedRows: (s.droppedRows ?? 0) - missingTargetRows,
    missingTargetRows,
  };
}

const datasetName = (fileName: string, fields: TableFields) =>
  (fields.name ?? fileName.replace(/^.*[\\/]/, '').replace(/\.(csv|tsv|txt|data|json|ndjson|jsonl)$/i, '')).trim();

/** A table into a new snapshot named `name` (default: the file's name); a failure stores nothing. */
async function importTable(
  store: RunStore,
  fileName: string,
  fields: TableFields,
  read: (sink: RowSink) => Promise<TableImport>,
): Promise<DatasetImport> {
  const dsName = datasetName(fileName, fields);
  if (findDataset(dsName))
    throw new ApiError('invalid_argument', `"${dsName}" is a built-in dataset; choose another name`, 'name');
  const writer = store.datasets.writer(dsName);
  try {
    const data = await read(writer);
    return { ...summary(writer.finish(data)), dryRun: false, table: tableOf(data) };
  } catch (e) {
    writer.abort();
    throw e;
  }
}

/** A sink that keeps nothing: a dry run reads and encodes every row, and stores none (mlpw import --dry-run). */
const DISCARD: RowSink = { start() {}, append() {} };

async function checkTable(
  fileName: string,
  fields: TableFields,
  read: (sink: RowSink) => Promise<TableImport>,
): Promise<DatasetCheck> {
  const dsName = datasetName(fileName, fields);
  const d = await read(DISCARD);
  return {
    name: dsName,
    task: d.task,
    rows: d.rows,
    features: d.features,
    outputs: d.outputs,
    featureNames: d.featureNames,
    targetName: d.targetName,
    classLabels: d.classLabels ?? null,
    dryRun: true,
    table: tableOf(d),
  };
}

export function createDatasetHandlers(store: RunStore, files: FileGrants | undefined): DatasetHandlers {
  const { datasets } = store;
  return {
    listImportedDatasets: () => datasets.list().map(summary),
    loadImportedDataset: ({ name }) => {
      const rec = datasets.find(name);
      if (!rec) throw new ApiError('unknown_dataset', `no imported dataset "${name}" in ${store.path}`, 'name');
      if (rec.rows * rec.features > MAX_CHUNK_VALUES)
        throw new ApiError(
          'too_large',
          `"${name}" has ${rec.rows} × ${rec.features} values, more than one call sends (${MAX_CHUNK_VALUES}); load it in pieces with loadImportedDatasetChunk, as the window does`,
        );
      return toWireDataset(datasets.load({ name }));
    },
    // A snapshot that runs trained on stays (they would lose their data): the answer names those runs instead.
    deleteDataset: ({ name }) => {
      const rec = datasets.find(name);
      if (!rec) throw new ApiError('unknown_dataset', `no imported dataset "${name}" in ${store.path}`, 'name');
      const { ids, total } = datasets.runsUsing(rec.hash);
      if (total > 0) return { name: rec.name, deleted: false, runs: ids, totalRuns: total };
      datasets.remove(rec.name);
      return { name: rec.name, deleted: true, runs: [], totalRuns: 0 };
    },
    importDatasetFile: async ({ file, dryRun, ...fields }) => {
      if (!files)
        throw new ApiError(
          'desktop_only',
          'browser mode opens no file by name: choose the file in the import dialog, and the page uploads it',
          'file',
        );
      // A check leaves the handle for the import that follows it; the import uses it up.
      const path = dryRun ? files.peek(file, 'open') : files.take(file, 'open');
      const options = tableOptions(fields);
      const read = (sink: RowSink) => importTableFile(path, options, sink);
      return dryRun ? checkTable(path, fields, read) : importTable(store, path, fields, read);
    },
  };
}

/** The page's file name in place of the temporary file's path, in an import error's message and its file. */
function named(e: unknown, path: string, fileName: string): unknown {
  if (!(e instanceof ImportError)) return e;
  const renamed = new ImportError(e.code, e.message.split(path).join(fileName), { ...e.where, file: fileName });
  renamed.stack = e.stack;
  return renamed;
}

/**
 * Browser mode's upload: the importer reads its file twice (types, then rows), and the page's bytes arrive once, so
 * they go to a file of their own first (the OS temp folder, a fresh 0700 folder, the file 0600, removed whatever
 * happens). Messages and the snapshot's source name the page's file name, never the temporary path.
 */
export async function importUpload(
  store: RunStore,
  fields: z.output<typeof DatasetUploadSchema>,
  body: { bytes: number; chunks: AsyncIterable<Uint8Array> },
): Promise<DatasetImport | DatasetCheck> {
  const { fileName, dryRun, ...tableFields } = fields;
  const options = tableOptions(tableFields, formatOf(fileName));
  const dir = mkdtempSync(join(tmpdir(), 'mlpw-upload-'));
  const path = join(dir, `upload-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      for await (const chunk of body.chunks) await handle.write(chunk);
    } finally {
      await handle.close();
    }
    const read = async (sink: RowSink) => {
      const data = await importTableFile(path, options, sink);
      return { ...data, source: { ...data.source, files: [fileName] } };
    };
    return await (dryRun ? checkTable(fileName, tableFields, read) : importTable(store, fileName, tableFields, read));
  } catch (e) {
    throw named(e, path, fileName);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** After createRun: a run on an imported dataset records the snapshot's hash, as `mlpw train` does. */
export function recordRunDataset(store: RunStore, runId: string, datasetName: string): void {
  const rec = findDataset(datasetName) ? undefined : store.datasets.find(datasetName);
  if (rec) store.datasets.recordRunDataset(runId, rec.hash);
}

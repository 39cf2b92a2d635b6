// The dataset methods of the WorkbenchApi over the store (Node side): imported snapshots listed, loaded for the
// renderer's engine worker, imported, and recorded on the runs that train on them. Nothing here opens a path a page
// names: the desktop app's file arrives as a handle its own open dialog issued (FileGrants), browser mode's as the
// bytes the page uploads (importUpload, streamed straight into the CSV importer).
import type { DatasetRecord } from '../db/datasets.ts';
import type { RunStore } from '../db/run-store.ts';
import { importCsvFile } from '../datasets/csv/file.ts';
import { importCsvStream, type ByteSource } from '../datasets/csv/import.ts';
import type { ImportedData } from '../datasets/imported.ts';
import type { RowSink } from '../datasets/sink.ts';
import { findDataset } from '../engine/data/builtin.ts';
import { toWireDataset } from './dataset-wire.ts';
import { ApiError } from './errors.ts';
import type { DatasetUploadSchema } from './schemas.ts';
import type { FileGrants } from './store-api.ts';
import { MAX_CHUNK_VALUES } from './store-dataset-chunks.ts';
import type { ApiHandlers, ApiParsedInput, ImportedDataset } from './workbench-api.ts';
import type { z } from 'zod';

type DatasetHandlers = Pick<ApiHandlers, 'listImportedDatasets' | 'loadImportedDataset' | 'importDatasetFile'>;
type CsvFields = Omit<ApiParsedInput<'importDatasetFile'>, 'file'>;

function summary(r: DatasetRecord): ImportedDataset {
  return {
    name: r.name, hash: r.hash, task: r.task, rows: r.rows, features: r.features, outputs: r.outputs,
    featureNames: r.featureNames, targetName: r.targetName, classLabels: r.classLabels, createdAt: r.createdAt,
  };
}

/** A CSV into a new snapshot named `name` (default: the file's name); a failure stores nothing. */
async function importCsv(store: RunStore, fileName: string, fields: CsvFields, read: (sink: RowSink) => Promise<ImportedData>): Promise<ImportedDataset> {
  const dsName = (fields.name ?? fileName.replace(/^.*[\\/]/, '').replace(/\.(csv|tsv|txt)$/i, '')).trim();
  if (findDataset(dsName)) throw new ApiError('invalid_argument', `"${dsName}" is a built-in dataset; choose another name`, 'name');
  const writer = store.datasets.writer(dsName);
  try {
    const data = await read(writer);
    return summary(writer.finish(data));
  } catch (e) {
    writer.abort();
    throw e;
  }
}

export function createDatasetHandlers(store: RunStore, files: FileGrants | undefined): DatasetHandlers {
  const { datasets } = store;
  return {
    listImportedDatasets: () => datasets.list().map(summary),
    loadImportedDataset: ({ name }) => {
      const rec = datasets.find(name);
      if (!rec) throw new ApiError('unknown_dataset', `no imported dataset "${name}" in ${store.path}`, 'name');
      if (rec.rows * rec.features > MAX_CHUNK_VALUES)
        throw new ApiError('too_large', `"${name}" has ${rec.rows} × ${rec.features} values, more than one call sends (${MAX_CHUNK_VALUES}); load it in pieces with loadImportedDatasetChunk, as the window does`);
      return toWireDataset(datasets.load({ name }));
    },
    importDatasetFile: async ({ file, ...fields }) => {
      if (!files) throw new ApiError('desktop_only', 'browser mode opens no file by name: choose the file in the import dialog, and the page uploads it', 'file');
      const path = files.take(file, 'open');
      const { target, task, dropMissing } = fields;
      return importCsv(store, path, fields, (sink) => importCsvFile(path, { target, task, dropMissing }, sink));
    },
  };
}

/** Browser mode's upload: the page's bytes, read once as they arrive; messages name the page's file name. */
export function importUpload(store: RunStore, fields: z.output<typeof DatasetUploadSchema>, body: Omit<ByteSource, 'name'>): Promise<ImportedDataset> {
  const { fileName, target, task, dropMissing } = fields;
  return importCsv(store, fileName, fields, (sink) => importCsvStream({ ...body, name: fileName }, { target, task, dropMissing }, sink));
}

/** After createRun: a run on an imported dataset records the snapshot's hash, as `mlpw train` does. */
export function recordRunDataset(store: RunStore, runId: string, datasetName: string): void {
  const rec = findDataset(datasetName) ? undefined : store.datasets.find(datasetName);
  if (rec) store.datasets.recordRunDataset(runId, rec.hash);
}

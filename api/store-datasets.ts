// The dataset methods of the WorkbenchApi over the store (Node side): imported snapshots listed, loaded for the
// renderer's engine worker, imported from a file on this machine, and recorded on the runs that train on them.
import { resolve } from 'node:path';
import type { DatasetRecord } from '../db/datasets.ts';
import type { RunStore } from '../db/run-store.ts';
import { importCsvFile } from '../datasets/csv/file.ts';
import { findDataset } from '../engine/data/builtin.ts';
import { MAX_WIRE_VALUES, toWireDataset } from './dataset-wire.ts';
import { ApiError } from './errors.ts';
import type { ApiHandlers, ImportedDataset } from './workbench-api.ts';

type DatasetHandlers = Pick<ApiHandlers, 'listImportedDatasets' | 'loadImportedDataset' | 'importDatasetFile'>;

function summary(r: DatasetRecord): ImportedDataset {
  return {
    name: r.name, hash: r.hash, task: r.task, rows: r.rows, features: r.features, outputs: r.outputs,
    featureNames: r.featureNames, targetName: r.targetName, classLabels: r.classLabels, createdAt: r.createdAt,
  };
}

export function createDatasetHandlers(store: RunStore): DatasetHandlers {
  const { datasets } = store;
  return {
    listImportedDatasets: () => datasets.list().map(summary),
    loadImportedDataset: ({ name }) => {
      const rec = datasets.find(name);
      if (!rec) throw new ApiError('unknown_dataset', `no imported dataset "${name}" in ${store.path}`, 'name');
      if (rec.rows * rec.features > MAX_WIRE_VALUES)
        throw new ApiError('too_large', `"${name}" has ${rec.rows} × ${rec.features} values, more than the app trains in a window; train it with: mlpw train --dataset ${name}`);
      return toWireDataset(datasets.load({ name }));
    },
    importDatasetFile: async ({ path, target, name, task, dropMissing }) => {
      const file = resolve(path);
      const dsName = (name ?? file.replace(/^.*[\\/]/, '').replace(/\.(csv|tsv|txt)$/i, '')).trim();
      if (findDataset(dsName)) throw new ApiError('invalid_argument', `"${dsName}" is a built-in dataset; choose another name`, 'name');
      const writer = datasets.writer(dsName);
      try {
        const data = await importCsvFile(file, { target, task, dropMissing }, writer);
        return summary(writer.finish({ ...data, source: { ...data.source, files: [file] } }));
      } catch (e) {
        writer.abort();
        throw e;
      }
    },
  };
}

/** After createRun: a run on an imported dataset records the snapshot's hash, as `mlpw train` does. */
export function recordRunDataset(store: RunStore, runId: string, datasetName: string): void {
  const rec = findDataset(datasetName) ? undefined : store.datasets.find(datasetName);
  if (rec) store.datasets.recordRunDataset(runId, rec.hash);
}

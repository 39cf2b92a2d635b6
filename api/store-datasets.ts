// The dataset and export methods of the WorkbenchApi over the store (Node side): imported snapshots listed, loaded
// for the renderer's engine worker, imported from a file on this machine; a run's checkpoint exported as verified ONNX.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { DatasetStore, type DatasetRecord } from '../db/datasets.ts';
import type { RunStore } from '../db/run-store.ts';
import { importCsvFile } from '../datasets/csv/file.ts';
import { findDataset, loadBuiltinDataset } from '../engine/data/builtin.ts';
import type { Dataset } from '../engine/types.ts';
import { readOnnxModel } from '../export/onnx/index.ts';
import { exportVerified, OnnxError, validationRows, writeOnnxFile } from '../export/onnx/node/index.ts';
import { MAX_WIRE_VALUES, toWireDataset } from './dataset-wire.ts';
import { ApiError } from './errors.ts';
import type { ApiHandlers, ImportedDataset } from './workbench-api.ts';

type DatasetHandlers = Pick<ApiHandlers, 'listImportedDatasets' | 'loadImportedDataset' | 'importDatasetFile' | 'exportOnnx'>;

function summary(r: DatasetRecord): ImportedDataset {
  return {
    name: r.name, hash: r.hash, task: r.task, rows: r.rows, features: r.features, outputs: r.outputs,
    featureNames: r.featureNames, targetName: r.targetName, classLabels: r.classLabels, createdAt: r.createdAt,
  };
}

/** The data a run trained on: its imported snapshot (by the hash it recorded) or the built-in generator. */
function runDataset(datasets: DatasetStore, runId: string, config: Parameters<typeof loadBuiltinDataset>[0]): Dataset {
  const hash = datasets.runDatasetHash(runId);
  return hash === null ? loadBuiltinDataset(config) : datasets.load({ hash });
}

export function createDatasetHandlers(store: RunStore): DatasetHandlers {
  const datasets = new DatasetStore(store.db, store.path);
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
    exportOnnx: async ({ id, checkpoint: kind, path }) => {
      const run = store.getRun(id);
      const checkpoint = store.getCheckpoint(run.id, kind);
      if (!checkpoint) throw new ApiError('no_checkpoint', `run ${run.id} has no ${kind} checkpoint (status ${run.status})`, 'checkpoint');
      const epochs = store.getEpochs(run.id);
      const metrics = { final: epochs.at(-1) ?? null, best: epochs.find((e) => e.epoch === run.bestEpoch) ?? null };
      const rows = validationRows(run.config, runDataset(datasets, run.id, run.config.dataset));
      const { bytes, verification } = await exportVerified(checkpoint.snapshot, { runId: run.id, config: run.config, dataset: run.dataset, checkpoint: kind, metrics }, rows);
      const out = resolve(path);
      refuseForeignTarget(out);
      try {
        await mkdir(dirname(out), { recursive: true });
        await writeOnnxFile(out, bytes);
      } catch (e) {
        if (e instanceof OnnxError || (e as NodeJS.ErrnoException).code) throw new ApiError('write_failed', (e as Error).message, 'path');
        throw e;
      }
      const details = { ...verification, checkpoint: kind, epoch: checkpoint.epoch, bytes: bytes.length };
      store.addArtifact(run.id, { kind: 'onnx', path: out, details });
      return { path: out, bytes: bytes.length, checkpoint: kind, epoch: checkpoint.epoch, maxAbsDiff: verification.maxAbsDiff, samples: verification.samples, tolerance: verification.tolerance };
    },
  };
}

/** After createRun: a run on an imported dataset records the snapshot's hash, as `mlpw train` does. */
export function recordRunDataset(store: RunStore, runId: string, datasetName: string): void {
  const datasets = new DatasetStore(store.db, store.path);
  const rec = findDataset(datasetName) ? undefined : datasets.find(datasetName);
  if (rec) datasets.recordRunDataset(runId, rec.hash);
}

/**
 * The API writes files where a page asks, so it writes only `.onnx` files and replaces an existing file only when it
 * is one of our models: a page holding the token cannot overwrite ~/.bashrc or any other file with it.
 */
function refuseForeignTarget(out: string): void {
  if (extname(out).toLowerCase() !== '.onnx') throw new ApiError('invalid_argument', `exportOnnx: ${out} must end in .onnx`, 'path');
  if (!existsSync(out)) return;
  try {
    readOnnxModel(readFileSync(out), out);
  } catch {
    throw new ApiError('invalid_argument', `exportOnnx: ${out} exists and is not an MLP Workbench model; choose another file`, 'path');
  }
}

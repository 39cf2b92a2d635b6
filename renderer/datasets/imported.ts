// Imported datasets in the window: listed from the store, registered with the engine's dataset registry so the
// Designer validates and previews them like built-ins. The Designer loads the first rows only (a preview); a run
// streams all of them to its engine worker in chunks (importedStream), so the page never holds a large set whole.
import { markRaw, ref } from 'vue';
import { fromWireFloats, fromWireUints, type WireDatasetChunk } from '../../api/dataset-wire.ts';
import type { ImportedDataset, WorkbenchApi } from '../../api/workbench-api.ts';
import type { ImportedDatasetConfig } from '../../engine/config.ts';
import { BUILTIN_DATASETS, registerDataset, unregisterDataset } from '../../engine/data/builtin.ts';
import type { Dataset } from '../../engine/types.ts';
import type { DatasetChunk } from '../../engine/worker/protocol.ts';
import type { StreamedDataset } from '../../engine/worker/client.ts';

export const importedDatasets = ref<ImportedDataset[]>([]);
/** bumps when a dataset's rows arrive, so previews computed from the registry recompute */
export const datasetsVersion = ref(0);
const loaded = new Map<string, Dataset>();
const loading = new Map<string, Promise<Dataset>>();

/** Rows the Designer's preview holds (its scatter draws at most 3,000 points). */
export const PREVIEW_ROWS = 3000;
/** Feature values per chunk a run streams: 1 M (4 MB as float32), so progress moves every few thousand rows. */
export const STREAM_CHUNK_VALUES = 1_000_000;

/** A dataset the Designer waits for: its rows loading, or why they could not be loaded. */
export const datasetLoads = ref<Record<string, { state: 'loading' } | { state: 'failed'; error: string }>>({});

/** Until its rows are loaded, an imported dataset generates an empty stand-in with the right shape. */
function placeholder(r: ImportedDataset): Dataset {
  return {
    name: r.name,
    task: r.task,
    n: 0,
    features: r.features,
    outputs: r.outputs,
    x: new Float32Array(0),
    ...(r.task === 'classification'
      ? { labels: new Uint32Array(0), classLabels: r.classLabels ?? undefined }
      : { targets: new Float32Array(0) }),
    featureNames: r.featureNames,
  };
}

export function isImported(name: string): boolean {
  return importedDatasets.value.some((d) => d.name === name);
}

/** A run's dataset when `name` is an imported snapshot: its name, hash and rows only (no generator settings). */
export function importedDatasetConfig(name: string): ImportedDatasetConfig | null {
  if (BUILTIN_DATASETS.some((b) => b.name === name)) return null;
  const r = importedDatasets.value.find((d) => d.name === name);
  return r ? { source: 'imported', name: r.name, hash: r.hash, rows: r.rows } : null;
}

export async function refreshImported(api: WorkbenchApi): Promise<void> {
  const list = await api.listImportedDatasets({});
  // A dataset deleted from the store leaves the Designer's list and its cached rows too.
  for (const gone of importedDatasets.value)
    if (!list.some((r) => r.name === gone.name && r.hash === gone.hash)) {
      loaded.delete(gone.name);
      if (!list.some((r) => r.name === gone.name)) unregisterDataset(gone.name);
    }
  for (const r of list) {
    if (BUILTIN_DATASETS.some((b) => b.name === r.name)) continue; // a built-in name always wins, as in the engine
    registerDataset({
      name: r.name,
      description: `imported: ${r.rows} rows, ${r.features} features → ${r.targetName ?? 'target'}`,
      task: r.task,
      generated: false,
      generate: () => loaded.get(r.name) ?? placeholder(r),
    });
  }
  importedDatasets.value = list;
  datasetsVersion.value++;
}

function chunkOf(w: WireDatasetChunk): DatasetChunk {
  return {
    offset: w.offset,
    x: fromWireFloats(w.x),
    ...(w.labels !== undefined ? { labels: fromWireUints(w.labels) } : {}),
    ...(w.targets !== undefined ? { targets: fromWireFloats(w.targets) } : {}),
  };
}

/** Plain data (the list is reactive, and a proxy cannot be posted to a worker). */
function headerOf(r: ImportedDataset): StreamedDataset['header'] {
  const { featureNames, classLabels } = placeholder(r);
  return {
    name: r.name,
    task: r.task,
    n: r.rows,
    features: r.features,
    outputs: r.outputs,
    featureNames: [...(featureNames ?? [])],
    ...(classLabels ? { classLabels: [...classLabels] } : {}),
  };
}

function recordOf(name: string): ImportedDataset {
  const r = importedDatasets.value.find((d) => d.name === name);
  if (!r) throw new Error(`no imported dataset "${name}" in this store (refresh the Designer's list)`);
  return r;
}

/** The first rows of `name` (the Designer's preview and the live scatter): at most PREVIEW_ROWS, loaded once. */
export function loadImported(api: WorkbenchApi, name: string): Promise<Dataset> {
  const done = loaded.get(name);
  if (done) return Promise.resolve(done);
  let pending = loading.get(name);
  if (!pending) {
    datasetLoads.value = { ...datasetLoads.value, [name]: { state: 'loading' } };
    pending = (async () => {
      const r = recordOf(name);
      const w = await api.loadImportedDatasetChunk({ hash: r.hash, offset: 0, rows: Math.min(r.rows, PREVIEW_ROWS) });
      const c = chunkOf(w);
      const d = markRaw<Dataset>({
        ...headerOf(r),
        n: w.rows,
        x: c.x,
        ...(c.labels ? { labels: c.labels } : { targets: c.targets }),
      });
      loaded.set(name, d);
      const { [name]: _, ...rest } = datasetLoads.value;
      datasetLoads.value = rest;
      datasetsVersion.value++;
      return d;
    })()
      .catch((e: unknown) => {
        datasetLoads.value = { ...datasetLoads.value, [name]: { state: 'failed', error: (e as Error).message } };
        throw e;
      })
      .finally(() => loading.delete(name));
    loading.set(name, pending);
  }
  return pending;
}

/** Every row of `name`, in chunks of about STREAM_CHUNK_VALUES values, for a run's engine worker. */
export function importedStream(api: WorkbenchApi, name: string): StreamedDataset {
  const r = recordOf(name);
  const rows = Math.max(1, Math.floor(STREAM_CHUNK_VALUES / r.features));
  async function* chunks(): AsyncGenerator<DatasetChunk> {
    for (let offset = 0; offset < r.rows;) {
      const w = await api.loadImportedDatasetChunk({ hash: r.hash, offset, rows });
      if (w.rows === 0) throw new Error(`"${name}": the store sent no rows at ${offset} of ${r.rows}`);
      offset += w.rows;
      yield chunkOf(w);
    }
  }
  return { header: headerOf(r), chunks: chunks() };
}

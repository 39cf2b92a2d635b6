// Imported datasets in the window: listed from the store, registered with the engine's dataset registry so the
// Designer validates and previews them like built-ins, and loaded (once) when a design or a run needs the rows.
// The engine worker has its own registry, so a run on an imported dataset sends the rows with its start message.
import { markRaw, ref } from 'vue';
import { fromWireDataset } from '../../api/dataset-wire.ts';
import type { ImportedDataset, WorkbenchApi } from '../../api/workbench-api.ts';
import type { ImportedDatasetConfig } from '../../engine/config.ts';
import { BUILTIN_DATASETS, registerDataset } from '../../engine/data/builtin.ts';
import type { Dataset } from '../../engine/types.ts';

export const importedDatasets = ref<ImportedDataset[]>([]);
/** bumps when a dataset's rows arrive, so previews computed from the registry recompute */
export const datasetsVersion = ref(0);
const loaded = new Map<string, Dataset>();
const loading = new Map<string, Promise<Dataset>>();

/** Until its rows are loaded, an imported dataset generates an empty stand-in with the right shape. */
function placeholder(r: ImportedDataset): Dataset {
  return {
    name: r.name, task: r.task, n: 0, features: r.features, outputs: r.outputs, x: new Float32Array(0),
    ...(r.task === 'classification' ? { labels: new Uint32Array(0), classLabels: r.classLabels ?? undefined } : { targets: new Float32Array(0) }),
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

export function loadImported(api: WorkbenchApi, name: string): Promise<Dataset> {
  const done = loaded.get(name);
  if (done) return Promise.resolve(done);
  let pending = loading.get(name);
  if (!pending) {
    pending = api
      .loadImportedDataset({ name })
      .then((wire) => {
        const d = markRaw(fromWireDataset(wire));
        loaded.set(name, d);
        datasetsVersion.value++;
        return d;
      })
      .finally(() => loading.delete(name));
    loading.set(name, pending);
  }
  return pending;
}

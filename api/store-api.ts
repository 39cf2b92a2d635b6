// WorkbenchApi over a RunStore, for the Node side (Electron main process, `mlpw serve`). Input arrives parsed by
// API_INPUTS (see dispatch.ts), so this file only maps methods onto the store.
import { ApiError } from './errors.ts';
import type { RunStore } from '../db/run-store.ts';
import { SCHEMA_VERSION } from '../db/migrations/index.ts';
import type { RunRecord } from '../db/types.ts';
import { fromWireSnapshot, toWireSnapshot } from './snapshot-wire.ts';
import { createDatasetChunkHandlers } from './store-dataset-chunks.ts';
import { createDatasetHandlers, recordRunDataset } from './store-datasets.ts';
import { createExportHandlers } from './store-export.ts';
import { createInsightHandlers } from './store-insight.ts';
import { runTable } from './store-run-table.ts';
import { createSurfaceHandlers } from './store-surface.ts';
import { createQueueSweepHandlers } from './store-queue-sweeps.ts';
import type { QueueSweepHost } from './queue-sweep-api.ts';
import type { ApiHandlers, ApiParsedInput, AppInfo, RunPage } from './workbench-api.ts';

export type FilePurpose = 'open' | 'save';

/** The desktop's chosen files (electron/file-grants.ts): a handle becomes its path once, for the purpose it was chosen for. */
export interface FileGrants {
  take(file: string, purpose: FilePurpose): string;
  /** The path without using the handle up: a dry run (Check columns) reads the file the import will read again. */
  peek(file: string, purpose: FilePurpose): string;
}

export interface StoreApiOptions {
  mode: AppInfo['mode'];
  appVersion: string;
  /** the desktop app's dialog handles; without them (browser mode) no method opens or writes a path */
  files?: FileGrants;
  /** the coordinator of sweeps trained by agents (server/queue-sweeps.ts); without it those methods refuse */
  queue?: QueueSweepHost;
}

const desktopOnly = () => {
  throw new ApiError(
    'desktop_only',
    'a file dialog exists only in the desktop app; in the browser, upload or download the file',
  );
};

function matches(run: RunRecord, needle: string): boolean {
  const fields = [
    run.id,
    run.name ?? '',
    run.dataset,
    run.layers,
    run.optimizer,
    run.activation,
    run.status,
    ...run.tags,
  ];
  return fields.some((f) => f.toLowerCase().includes(needle));
}

/** `shared`: the runs' configs are only read (runTable), so the store need not copy them (RunStore.listRuns). */
function listRuns(store: RunStore, q: ApiParsedInput<'listRuns'>, shared = false): RunPage {
  const { limit, offset, search, ...filter } = q;
  const needle = search?.trim().toLowerCase();
  if (needle) {
    const all = store.listRuns(filter, { shared }).filter((r) => matches(r, needle));
    return { runs: all.slice(offset, offset + limit), total: all.length };
  }
  const runs = store.listRuns({ ...filter, limit, offset }, { shared });
  const unfiltered =
    !filter.status?.length &&
    filter.dataset === undefined &&
    filter.tag === undefined &&
    filter.sweepId === undefined &&
    filter.experiment === undefined;
  // A short first page is the whole answer; otherwise count (the store counts only the unfiltered table).
  const total =
    offset === 0 && runs.length < limit ? runs.length : unfiltered ? store.countRuns() : store.listRuns(filter).length;
  return { runs, total };
}

export function createStoreApi(store: RunStore, options: StoreApiOptions): ApiHandlers {
  const insight = createInsightHandlers(store);
  return {
    info: () => ({
      mode: options.mode,
      storePath: store.path,
      appVersion: options.appVersion,
      schemaVersion: SCHEMA_VERSION,
      runCount: store.countRuns(),
    }),
    listRuns: (q) => listRuns(store, q),
    runTable: (q) => {
      const { columns, filter, groupBy, sortColumn, limit, offset, ...listing } = q;
      return runTable(
        q,
        () => listRuns(store, { ...listing, limit: Number.MAX_SAFE_INTEGER, offset: 0 }, true).runs,
        store,
      );
    },
    getRun: ({ id }) => store.getRunDetail(id),
    getEpochs: ({ id }) => store.getEpochs(id),
    getCheckpoint: ({ id, kind }) => {
      const found = store.getCheckpoint(id, kind);
      return found && { epoch: found.epoch, snapshot: toWireSnapshot(found.snapshot) };
    },
    createRun: ({ config: input, rerunOf, experiment }) => {
      const config = store.datasets.runConfig(input);
      const id = store.createRun(config, {
        status: 'running',
        rerunOf: rerunOf === undefined ? undefined : store.resolveRunId(rerunOf),
        experiment,
      });
      recordRunDataset(store, id, config.dataset.name);
      return { id };
    },
    recordStarted: ({ id, backend, data }) => store.recordStarted(id, backend, data),
    recordEpoch: ({ id, metrics }) => store.recordEpoch(id, metrics),
    recordEpochs: ({ id, metrics }) =>
      store.db.transaction(() => metrics.forEach((m) => store.recordEpoch(id, m))).immediate(),
    saveCheckpoint: ({ id, kind, epoch, snapshot }) =>
      store.saveCheckpoint(id, kind, epoch, fromWireSnapshot(snapshot)),
    finishRun: ({ id, summary }) => store.finishRun(id, summary),
    failRun: ({ id, message }) => store.failRun(id, message),
    addTags: ({ id, tags }) => store.addTags(id, tags),
    removeTags: ({ id, tags }) => store.removeTags(id, tags),
    renameRun: ({ id, name }) => store.renameRun(id, name),
    addNote: ({ id, text }) => store.addNote(id, text),
    deleteRuns: ({ ids }) => store.deleteRuns(ids),
    listExperiments: () => store.listExperiments(),
    createExperiment: ({ name }) => store.createExperiment(name),
    renameExperiment: ({ from, to }) => store.renameExperiment(from, to),
    moveRuns: ({ ids, experiment }) => store.moveRuns(ids, experiment),
    ...createDatasetHandlers(store, options.files),
    ...createDatasetChunkHandlers(store),
    ...createExportHandlers(store, options.files),
    ...insight,
    ...createSurfaceHandlers(store),
    ...createQueueSweepHandlers(store, insight, options.queue),
    // The desktop shell replaces these with its native dialogs (electron/main.ts); a browser uploads and downloads.
    chooseDatasetFile: desktopOnly,
    chooseOnnxFile: desktopOnly,
  };
}

// The training queue: runs one experiment at a time in the engine worker and records it through the WorkbenchApi
// as it goes (created, started, every epoch, checkpoints, the end). The live run's curves and boundary are
// reactive state the Training view draws.
import { reactive } from 'vue';
import type { WorkbenchApi } from '../../api/workbench-api.ts';
import { toWireSnapshot } from '../../api/snapshot-wire.ts';
import type { ExperimentConfig } from '../../engine/config.ts';
import type { BackendInfo, DataInfo, EpochMetrics, ModelSnapshot, RunSummary } from '../../engine/types.ts';
import { boundaryOf, datasetOf, pointsOf, type Boundary, type Points } from '../charts/points.ts';
import { isImported, loadImported } from '../datasets/imported.ts';
import { startEngineRun, type EngineRun } from './engine-run.ts';

export type QueueStatus = 'waiting' | 'running' | 'completed' | 'cancelled' | 'diverged' | 'failed';

export interface QueueItem {
  key: number;
  config: ExperimentConfig;
  rerunOf?: string;
  status: QueueStatus;
  runId: string | null;
  error: string | null;
}

export interface LiveRun {
  item: QueueItem;
  epochs: EpochMetrics[];
  progress: { epoch: number; batch: number; batches: number; samplesPerSec: number } | null;
  backend: BackendInfo | null;
  data: DataInfo | null;
  points: Points | null;
  boundary: Boundary | null;
  summary: RunSummary | null;
  startedAt: number;
}

export type TrainingQueue = ReturnType<typeof createTrainingQueue>;

export function createTrainingQueue(api: WorkbenchApi) {
  let nextKey = 1;
  let engine: EngineRun | null = null;
  // `shown` is the run the Training view draws: the one training now, else the last one, kept after it ends.
  const state = reactive({ items: [] as QueueItem[], shown: null as LiveRun | null, busy: false });

  function add(config: ExperimentConfig, options: { rerunOf?: string; first?: boolean } = {}): QueueItem {
    const item: QueueItem = { key: nextKey++, config, rerunOf: options.rerunOf, status: 'waiting', runId: null, error: null };
    if (options.first) {
      const firstWaiting = state.items.findIndex((i) => i.status === 'waiting');
      state.items.splice(firstWaiting < 0 ? state.items.length : firstWaiting, 0, item);
    } else state.items.push(item);
    void pump();
    return state.items.find((i) => i.key === item.key)!;
  }

  function cancel(key: number): void {
    const item = state.items.find((i) => i.key === key);
    if (!item) return;
    if (item.status === 'waiting') item.status = 'cancelled';
    else if (item.status === 'running') engine?.cancel();
  }

  function clearFinished(): void {
    state.items = state.items.filter((i) => i.status === 'waiting' || i.status === 'running');
  }

  async function pump(): Promise<void> {
    if (state.busy) return;
    const item = state.items.find((i) => i.status === 'waiting');
    if (!item) return;
    state.busy = true;
    item.status = 'running';
    try {
      await train(item);
    } catch (e) {
      item.status = 'failed';
      item.error = (e as Error).message;
    } finally {
      engine = null;
      state.busy = false;
      void pump();
    }
  }

  async function train(item: QueueItem): Promise<void> {
    // Imported rows travel with the start message; built-ins are generated in the worker from the config.
    const imported = isImported(item.config.dataset.name) ? await loadImported(api, item.config.dataset.name) : undefined;
    const { id } = await api.createRun({ config: item.config, rerunOf: item.rerunOf });
    item.runId = id;
    const dataset = imported ?? datasetOf(item.config.dataset);
    const live: LiveRun = reactive({
      item, epochs: [], progress: null, backend: null, data: null, points: pointsOf(dataset), boundary: null, summary: null, startedAt: Date.now(),
    });
    state.shown = live;
    // Store writes go out in message order, one after another; the run ends only after all of them.
    let writes: Promise<unknown> = Promise.resolve();
    const write = (fn: () => Promise<unknown>) => (writes = writes.then(fn));
    const checkpoints: Partial<Record<'best' | 'final', { epoch: number; snapshot: ModelSnapshot }>> = {};
    let drawing = false;
    const draw = (snapshot: ModelSnapshot) => {
      if (!live.points || drawing || dataset.features !== 2) return;
      drawing = true;
      boundaryOf(snapshot, live.points.bounds)
        .then((b) => (live.boundary = b))
        .catch(() => undefined)
        .finally(() => (drawing = false));
    };
    engine = startEngineRun(item.config, {
      started: (backend, data) => {
        live.backend = backend;
        live.data = data;
        write(() => api.recordStarted({ id, backend, data }));
      },
      epoch: (metrics) => {
        live.epochs.push(metrics);
        write(() => api.recordEpoch({ id, metrics }));
      },
      progress: (p) => (live.progress = p),
      checkpoint: (kind, epoch, snapshot) => {
        checkpoints[kind] = { epoch, snapshot };
        draw(snapshot);
      },
    }, imported);
    try {
      const { summary } = await engine.result;
      live.summary = summary;
      for (const kind of ['best', 'final'] as const) {
        const c = checkpoints[kind];
        if (c) write(() => api.saveCheckpoint({ id, kind, epoch: c.epoch, snapshot: toWireSnapshot(c.snapshot) }));
      }
      write(() => api.finishRun({ id, summary }));
      await writes;
      if (checkpoints.final && live.points && dataset.features === 2)
        live.boundary = await boundaryOf(checkpoints.final.snapshot, live.points.bounds).catch(() => live.boundary);
      item.status = summary.status;
      item.error = summary.error ?? null;
    } catch (e) {
      await writes.catch(() => undefined);
      await api.failRun({ id, message: (e as Error).message }).catch(() => undefined);
      throw e;
    }
  }

  return { state, add, cancel, clearFinished };
}

// The training queue: runs one experiment at a time in the engine worker and records it through the WorkbenchApi
// as it goes (created, started, every epoch, checkpoints, the end). The live run's curves and boundary are
// shallow reactive state the Training view draws, refreshed a few times a second.
import { reactive, shallowReactive } from 'vue';
import type { WorkbenchApi } from '../../api/workbench-api.ts';
import type { ExperimentConfig } from '../../engine/config.ts';
import type { BackendInfo, DataInfo, EpochMetrics, ModelSnapshot, Progress, RunSummary } from '../../engine/types.ts';
import { boundaryOf, datasetOf, pointsOf, type Boundary, type Points } from '../charts/points.ts';
import { isImported, loadImported } from '../datasets/imported.ts';
import { startEngineRun, type EngineRun } from './engine-run.ts';
import { createRunWriter } from './run-writer.ts';
import { throttle } from './throttle.ts';

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
  progress: Progress | null;
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

  /** `queuedRunId`: a run the store already holds as queued (a sweep's), trained under that id. */
  function add(config: ExperimentConfig, options: { rerunOf?: string; first?: boolean; queuedRunId?: string } = {}): QueueItem {
    const item: QueueItem = { key: nextKey++, config, rerunOf: options.rerunOf, status: 'waiting', runId: options.queuedRunId ?? null, error: null };
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
    if (item.status === 'waiting') {
      item.status = 'cancelled';
      // A sweep's run already waits in the store as queued: say it will not run.
      if (item.runId) void api.cancelQueuedRuns({ ids: [item.runId] }).catch(() => undefined);
    } else if (item.status === 'running') engine?.cancel();
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
    const id = item.runId ?? (await api.createRun({ config: item.config, rerunOf: item.rerunOf })).id;
    if (item.runId) await api.startQueuedRun({ id });
    item.runId = id;
    const dataset = imported ?? datasetOf(item.config.dataset);
    const live: LiveRun = shallowReactive({
      item, epochs: [], progress: null, backend: null, data: null, points: pointsOf(dataset), boundary: null, summary: null, startedAt: Date.now(),
    });
    state.shown = live;
    const writer = createRunWriter(api, id);
    let finalSnapshot = null as ModelSnapshot | null;
    // The page redraws a few times a second whatever the epoch rate; the store gets every epoch.
    const epochs: EpochMetrics[] = [];
    const showEpochs = throttle(() => (live.epochs = epochs.slice()), 200);
    const showProgress = throttle((p: LiveRun['progress']) => (live.progress = p), 200);
    const boundaries = dataset.features === 2 && live.points;
    const drawBoundary = throttle((snapshot: ModelSnapshot) => {
      if (boundaries) void boundaryOf(snapshot, boundaries.bounds).then((b) => (live.boundary = b), () => undefined);
    }, 400);
    engine = startEngineRun(
      item.config,
      {
        onStarted: (backend, data) => {
          live.backend = backend;
          live.data = data;
          writer.onStarted(backend, data);
        },
        onEpoch: (metrics) => {
          epochs.push(metrics);
          writer.onEpoch(metrics);
          showEpochs();
        },
        onProgress: (p) => showProgress(p),
        onCheckpoint: (kind, epoch, snapshot) => {
          if (kind === 'final') finalSnapshot = snapshot;
          writer.onCheckpoint(kind, epoch, snapshot);
          drawBoundary(snapshot);
        },
        onFinished: (summary) => {
          showEpochs.flush();
          showProgress.cancel();
          drawBoundary.cancel();
          live.summary = summary;
          writer.onFinished(summary);
        },
      },
      { dataset: imported },
    );
    try {
      const { summary } = await engine.result;
      await writer.settle();
      if (finalSnapshot && boundaries) live.boundary = await boundaryOf(finalSnapshot, boundaries.bounds).catch(() => live.boundary);
      item.status = summary.status;
      item.error = summary.error ?? null;
    } catch (e) {
      // The engine's failure, or a write's: either way the store hears of it after the writes already queued.
      showEpochs.flush();
      writer.onFailed(e);
      await writer.settle().catch(() => undefined);
      throw e;
    }
  }

  /** The page is going away mid-run (closed, reloaded): the run cannot finish, so say so in the store now. */
  function abandon(): void {
    const run = state.busy ? state.shown : null;
    if (!run?.item.runId || run.item.status !== 'running') return;
    engine?.cancel();
    void api.failRun({ id: run.item.runId, message: 'the window was closed or reloaded while this run was training' }).catch(() => undefined);
  }

  return { state, add, cancel, clearFinished, abandon };
}

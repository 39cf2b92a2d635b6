// The training queue: runs one experiment at a time in the engine worker and records it through the WorkbenchApi
// as it goes (created, started, every epoch, checkpoints, the end). The live run's curves and boundary are
// shallow reactive state the Training view draws, refreshed a few times a second.
import { reactive, shallowReactive } from 'vue';
import type { WorkbenchApi } from '../../api/workbench-api.ts';
import type { ExperimentConfig } from '../../engine/config.ts';
import type { StepPosition } from '../../engine/trainer.ts';
import type { BackendInfo, DataInfo, EpochMetrics, ModelSnapshot, Progress, RunSummary } from '../../engine/types.ts';
import type { StepUnit } from '../../engine/worker/run-gate.ts';
import { transformsOf } from '../../engine/data/transforms.ts';
import { boundaryOf, datasetOf, pointsOf, type Boundary, type Points } from '../charts/points.ts';
import { importedStream, isImported, loadImported } from '../datasets/imported.ts';
import { startEngineRun, type EngineRun } from './engine-run.ts';
import { createRunWriter, type RunWriter } from './run-writer.ts';
import { teacherSnapshot } from '../runs/distill-teacher.ts';
import { coalesceToFrame } from './frame.ts';
import { throttle } from './throttle.ts';
import { judgedTrialHandlers } from '../../engine/experiment/asha-trial.ts';
import type { RungDecision } from '../../engine/experiment/asha.ts';
import type { RunHandlers } from '../../engine/worker/client.ts';
import { sweepJudge } from './sweep-judge.ts';

export type QueueStatus = 'waiting' | 'running' | 'completed' | 'cancelled' | 'diverged' | 'failed';

export interface QueueItem {
  key: number;
  config: ExperimentConfig;
  rerunOf?: string;
  /** the experiment createRun puts the run in (created if new); undefined: the store's default */
  experiment?: string;
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
  /** an imported dataset's rows on their way to the engine worker; null once training starts (or for a built-in) */
  loading: { rows: number; total: number } | null;
  /** the user asked to pause (until play): the controls say so before the worker answers */
  pausing: boolean;
  /** a step asked for and not yet answered: the step buttons wait for it */
  stepping: boolean;
  /** where the paused run waits, with the weights after exactly that step (the views draw these); null while it runs */
  paused: PausedAt | null;
  /** a sweep trial its pruner judges at each rung (it steps one epoch at a time); the rung it was stopped at */
  judged: { kind: string; rungs: number[]; stopped: RungDecision | null } | null;
}

export interface PausedAt {
  at: StepPosition;
  snapshot: ModelSnapshot;
}

/** The curves redraw at most 10 times a second (a fast run's hundreds of epochs a second coalesce into one frame). */
const EPOCHS_GAP_MS = 100;

/** The speeds the Training view offers, in epochs per second; null is as fast as possible. */
export const SPEEDS = [null, 100, 30, 10, 3, 1, 0.3] as const;
export type Speed = (typeof SPEEDS)[number];

/** A failure's words for the queue entry: never empty, whatever was thrown. */
export function failureReason(e: unknown): string {
  const err = e as { message?: unknown; code?: unknown } | null;
  if (typeof err?.message === 'string' && err.message.trim()) return err.message;
  if (typeof err?.code === 'string') return `failed (${err.code}) without a message`;
  const text = String(e);
  return text && text !== '[object Object]' ? text : 'failed without a message (see the developer console)';
}

export type TrainingQueue = ReturnType<typeof createTrainingQueue>;

export function createTrainingQueue(api: WorkbenchApi) {
  let nextKey = 1;
  let engine: EngineRun | null = null;
  // A judged trial steps itself an epoch at a time; pausing it holds the next step here until play.
  let gate: { held: StepUnit | null; resume: () => void } | null = null;
  // `shown` is the run the Training view draws: the one training now, else the last one, kept after it ends.
  // `speed` and `startPaused` carry over to the next run (RunPace.vue sets them, before the first run too).
  const state = reactive({
    items: [] as QueueItem[],
    shown: null as LiveRun | null,
    busy: false,
    speed: null as Speed,
    startPaused: false,
  });

  /** `queuedRunId`: a run the store already holds as queued (a sweep's), trained under that id. */
  function add(
    config: ExperimentConfig,
    options: { rerunOf?: string; first?: boolean; queuedRunId?: string; experiment?: string } = {},
  ): QueueItem {
    const item: QueueItem = {
      key: nextKey++,
      config,
      rerunOf: options.rerunOf,
      experiment: options.experiment,
      status: 'waiting',
      runId: options.queuedRunId ?? null,
      error: null,
    };
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

  /** The run training now, if any, with its engine. */
  const current = () => {
    const live = state.shown;
    return engine && live?.item.status === 'running' ? { engine, live } : null;
  };

  function pause(): void {
    const c = current();
    if (!c) return;
    c.live.pausing = true;
    if (!gate) c.engine.pause();
  }

  function play(): void {
    const c = current();
    if (!c) return;
    c.live.pausing = false;
    c.live.stepping = false;
    c.live.paused = null;
    if (gate) gate.resume();
    else c.engine.play();
  }

  /** One minibatch or to the end of the current epoch; only while paused and answered. */
  function step(unit: StepUnit): void {
    const c = current();
    if (!c?.live.paused || c.live.stepping) return;
    c.live.stepping = true;
    c.engine.step(unit);
  }

  /** Changes when results show, never them; kept for the next run. */
  function setSpeed(speed: Speed): void {
    state.speed = speed;
    current()?.engine.setSpeed(speed);
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
      item.error = failureReason(e);
    } finally {
      engine = null;
      gate = null;
      state.busy = false;
      void pump();
    }
  }

  async function train(item: QueueItem): Promise<void> {
    // An imported set's rows stream to the worker in chunks before the run is created in the store (a cancel or a
    // failure while they load leaves no run behind); built-ins are generated in the worker from the config.
    const name = item.config.dataset.name;
    const imported = isImported(name);
    const shown = imported ? await loadImported(api, name).catch(() => null) : datasetOf(item.config.dataset);
    const live: LiveRun = shallowReactive({
      item,
      epochs: [],
      progress: null,
      backend: null,
      data: null,
      points: shown && pointsOf(shown),
      boundary: null,
      summary: null,
      startedAt: Date.now(),
      loading: null,
      pausing: state.startPaused,
      stepping: false,
      paused: null,
      judged: null,
    });
    state.shown = live;
    // Created in beforeStart, once the rows are in the worker (assigned in a callback, so read through store()).
    let writer = null as RunWriter | null;
    const store = () => writer!;
    let finalSnapshot = null as ModelSnapshot | null;
    // The page redraws at most once a display frame whatever the epoch rate; the store gets every epoch.
    const epochs: EpochMetrics[] = [];
    const showEpochs = coalesceToFrame(() => (live.epochs = epochs.slice()), EPOCHS_GAP_MS);
    let progress: Progress | null = null;
    const showProgress = coalesceToFrame(() => (live.progress = progress));
    const showLoading = throttle((l: LiveRun['loading']) => (live.loading = l), 200);
    // Two features, or x1, x2 plus feature transforms' columns (boundaryOf expands its grid through them).
    const boundaries = !!shown && transformsOf(shown.featureNames, shown.features) !== null && live.points;
    // A paused step's boundary wins over a checkpoint's still being computed.
    let boundaryAsked = 0;
    const boundaryFrom = (snapshot: ModelSnapshot) => {
      if (!boundaries) return;
      const mine = ++boundaryAsked;
      void boundaryOf(snapshot, boundaries.bounds).then(
        (b) => mine === boundaryAsked && (live.boundary = b),
        () => undefined,
      );
    };
    const drawBoundary = throttle((snapshot: ModelSnapshot) => !live.paused && boundaryFrom(snapshot), 400);
    const stream = imported ? importedStream(api, name) : undefined;
    if (stream) live.loading = { rows: 0, total: stream.header.n };
    // A student (config.distill) takes its teacher's best checkpoint to the worker; a missing one fails the item here.
    const teacher = await teacherSnapshot(api, item.config);
    // A sweep trial whose sweep has a pruner is judged at its rungs, as `mlpw sweep --early-stop` judges it.
    const judge = item.runId ? await sweepJudge(api, item.runId) : null;
    let lastPause: PausedAt | null = null;
    const showPaused = ({ at, snapshot }: PausedAt) => {
      // Paused: that exact step at once, the curves up to it included.
      showEpochs.flush();
      if (at.batch > 0) {
        progress = {
          epoch: at.epoch + 1,
          batch: at.batch,
          batches: at.batches,
          samplesPerSec: progress?.samplesPerSec ?? 0,
        };
        showProgress();
        showProgress.flush();
      }
      drawBoundary.cancel();
      live.stepping = false;
      live.paused = { at, snapshot };
      boundaryFrom(snapshot);
    };
    const handlers: RunHandlers = {
      onLoading: (rows, total) => showLoading({ rows, total }),
      onStarted: (backend, data) => {
        live.backend = backend;
        live.data = data;
        store().onStarted(backend, data);
      },
      onEpoch: (metrics) => {
        epochs.push(metrics);
        store().onEpoch(metrics);
        showEpochs();
      },
      onProgress: (p) => ((progress = p), showProgress()),
      onPaused: (at, snapshot) => {
        // A judged trial pauses at every epoch boundary: shown only where the user's pause holds it (gate.held).
        lastPause = { at, snapshot };
        if (!judge) showPaused(lastPause);
      },
      onCheckpoint: (kind, epoch, snapshot) => {
        if (kind === 'final') finalSnapshot = snapshot;
        store().onCheckpoint(kind, epoch, snapshot);
        drawBoundary(snapshot);
      },
      onFinished: (summary) => {
        showEpochs.flush();
        showProgress.cancel();
        drawBoundary.cancel();
        live.paused = null;
        live.pausing = false;
        live.summary = summary;
        store().onFinished(summary);
      },
    };
    let stopped: RungDecision | null = null;
    // Stored as soon as the pruner decides (as cli/sweep/run-sweep.ts does), before the run's end is written.
    let rungWrite: Promise<void> = Promise.resolve();
    if (judge) {
      live.judged = { kind: judge.pruner.spec.kind, rungs: judge.pruner.rungsOf(judge.trial), stopped: null };
      const held = { held: null as StepUnit | null, resume: () => {} };
      held.resume = () => {
        const unit = held.held;
        held.held = null;
        if (unit) engine?.step(unit);
      };
      gate = held;
    }
    const runHandlers = judge
      ? judgedTrialHandlers(
          judge.pruner,
          judge.trial,
          handlers,
          () => ({
            cancel: () => engine?.cancel(),
            // The user's pause holds the trial at this boundary (after it was judged) until play.
            step: (unit: StepUnit) => {
              if (!live.pausing) return engine?.step(unit);
              gate!.held = unit;
              if (lastPause) showPaused(lastPause);
            },
          }),
          (d) => {
            stopped = d;
            rungWrite = api.recordStoppedRung({ id: item.runId!, rung: d.rung });
            rungWrite.catch(() => undefined); // awaited after the run's writes: its failure fails the item there
            live.judged = { ...live.judged!, stopped: d };
          },
        )
      : handlers;
    engine = startEngineRun(item.config, runHandlers, {
      dataset: stream,
      teacher,
      paused: judge ? true : state.startPaused,
      epochsPerSecond: state.speed,
      beforeStart: async () => {
        showLoading.cancel();
        live.loading = null;
        const id =
          item.runId ??
          (await api.createRun({ config: item.config, rerunOf: item.rerunOf, experiment: item.experiment })).id;
        if (item.runId) await api.startQueuedRun({ id });
        item.runId = id;
        writer = createRunWriter(api, id);
        live.startedAt = Date.now();
      },
    });
    try {
      const { summary } = await engine.result;
      await store().settle();
      // Stopped by the pruner: finished completed, stopped early, at its rung (as cli/sweep/run-sweep.ts records it).
      const rung = (stopped as RungDecision | null)?.rung;
      await rungWrite;
      if (finalSnapshot && boundaries)
        live.boundary = await boundaryOf(finalSnapshot, boundaries.bounds).catch(() => live.boundary);
      item.status = rung !== undefined ? 'completed' : summary.status;
      item.error = summary.error ?? null;
    } catch (e) {
      showLoading.cancel();
      live.loading = null;
      const w = writer as RunWriter | null;
      if (!w) {
        // Nothing reached the store: cancelled or failed while the rows loaded (a sweep's queued run says so).
        const cancelled = (e as { code?: string }).code === 'cancelled';
        if (item.runId) {
          if (cancelled) await api.cancelQueuedRuns({ ids: [item.runId] }).catch(() => undefined);
          else await api.failRun({ id: item.runId, message: failureReason(e) }).catch(() => undefined);
        }
        if (cancelled) {
          item.status = 'cancelled';
          return;
        }
        throw e;
      }
      // The engine's failure, or a write's: either way the store hears of it after the writes already queued.
      showEpochs.flush();
      w.onFailed(e);
      await w.settle().catch(() => undefined);
      throw e;
    }
  }

  /** The page is going away mid-run (closed, reloaded): the run cannot finish, so say so in the store now. */
  function abandon(): void {
    const run = state.busy ? state.shown : null;
    if (!run?.item.runId || run.item.status !== 'running') return;
    engine?.cancel();
    void api
      .failRun({ id: run.item.runId, message: 'the window was closed or reloaded while this run was training' })
      .catch(() => undefined);
  }

  return { state, add, cancel, clearFinished, abandon, pause, play, step, setSpeed };
}

// The host side of the worker protocol, whatever the host: start one run on an engine worker, hand its messages to
// a recorder in order, and settle with `done` or `failed`. The hosts' adapters (worker_threads under Node, a Web
// Worker in the page) only wrap their worker as an EngineWorkerPort.
import type { ExperimentConfigInput } from '../config.ts';
import type {
  BackendInfo,
  CheckpointKind,
  DataInfo,
  Dataset,
  EpochMetrics,
  ModelSnapshot,
  Progress,
  RunSummary,
} from '../types.ts';
import { fromWireError } from '../wire-error.ts';
import type { StepPosition } from '../trainer.ts';
import type { DatasetChunk, DatasetHeader, HostToWorker, MessagePortLike, WorkerToHost } from './protocol.ts';
import type { StepUnit } from './run-gate.ts';

/**
 * What a run reports, in order: started, every epoch and checkpoint, then finished or failed. One contract for
 * whoever keeps a run: the store (db/recorder.ts) and the renderer's writer over the WorkbenchApi (run-writer.ts).
 */
export interface RunRecorder {
  onStarted(backend: BackendInfo, data: DataInfo): void | Promise<void>;
  onEpoch(metrics: EpochMetrics): void | Promise<void>;
  onCheckpoint(kind: CheckpointKind, epoch: number, snapshot: ModelSnapshot): void | Promise<void>;
  onFinished(summary: RunSummary): void | Promise<void>;
  onFailed(error: unknown): void | Promise<void>;
}

/** What the client calls: any of a recorder's events, and progress (shown live, never kept). */
export type RunHandlers = Partial<RunRecorder> & {
  onProgress?(p: Progress): void;
  /** a streamed dataset's rows in the worker so far, after each chunk */
  onLoading?(rows: number, total: number): void;
  /** the run waits at `at` (paused, or a step done), `snapshot` the weights after exactly that step */
  onPaused?(at: StepPosition, snapshot: ModelSnapshot): void;
};

/** An imported dataset sent in pieces: its shape, then its rows in order (each chunk's buffers are transferred). */
export interface StreamedDataset {
  header: DatasetHeader;
  chunks: AsyncIterable<DatasetChunk>;
}

export interface RunOptions {
  /** an imported dataset, whole or streamed; without one the worker generates the config's built-in */
  dataset?: Dataset | StreamedDataset;
  /** runs after the rows are in the worker and before training starts (the queue creates the run in the store) */
  beforeStart?(): Promise<void> | void;
  /** start paused before the first epoch */
  paused?: boolean;
  /** epochs per second, or null: as fast as possible (the default) */
  epochsPerSecond?: number | null;
  /** a distilled student's teacher: that run's best checkpoint (engine/distill.ts runs it in the worker) */
  teacher?: ModelSnapshot;
}

/** A started engine worker as the client sees it. */
export interface EngineWorkerPort extends MessagePortLike<WorkerToHost, HostToWorker> {
  /** the worker died or never loaded: nothing more will arrive */
  onFailure(handler: (error: Error) => void): void;
  terminate(): void;
  /**
   * The run ended with `done`, the last message the runner posts once its state is reset: a pooling host keeps the
   * worker for the next run. Without it the worker is terminated, as after any other end.
   */
  release?(): void;
}

export interface EngineRunResult {
  summary: RunSummary;
  backend: BackendInfo;
  data: DataInfo;
}

export interface EngineRun {
  result: Promise<EngineRunResult>;
  cancel(): void;
  /** stop after the batch in progress (onPaused follows); before the run starts, it starts paused */
  pause(): void;
  play(): void;
  /** while paused: one minibatch, or to the end of the current epoch */
  step(unit: StepUnit): void;
  /** epochs per second, or null: as fast as possible */
  setSpeed(epochsPerSecond: number | null): void;
}

/** A failure the engine reported (a bad config names its field), rebuilt from the wire. */
export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/**
 * Trains one run on `port`'s worker, which is terminated when the run ends (released instead after `done`, where
 * the port can keep it). Handlers run in message order; an async
 * one (a database write, say) finishes before the next message is handled, so epochs are recorded in order and
 * onFinished comes last. A failure (the engine's, the worker's, or a handler's, onFinished included) goes to
 * onFailed, then rejects `result`.
 */
export function runEngine(
  port: EngineWorkerPort,
  config: ExperimentConfigInput,
  handlers: RunHandlers = {},
  options: RunOptions = {},
): EngineRun {
  let resolveRun!: (r: EngineRunResult) => void;
  let rejectRun!: (e: unknown) => void;
  const result = new Promise<EngineRunResult>((resolve, reject) => {
    resolveRun = resolve;
    rejectRun = reject;
  });
  let chain: Promise<void> = Promise.resolve();
  // closed: the worker is gone, later messages are ignored; settled: result is decided, queued steps are skipped.
  let closed = false;
  let settled = false;
  const close = (reusable = false) => {
    if (closed) return;
    closed = true;
    if (reusable && port.release) port.release();
    else port.terminate();
  };
  const fail = async (error: unknown) => {
    close();
    if (settled) return;
    settled = true;
    try {
      await handlers.onFailed?.(error);
      rejectRun(error);
    } catch (e) {
      rejectRun(e);
    }
  };
  const inOrder = (step: () => unknown) => {
    chain = chain
      .then(async () => {
        if (!settled) await step();
      })
      .catch(fail);
  };

  port.onMessage((msg) => {
    if (closed) return;
    if (msg.type === 'done' || msg.type === 'failed') close(msg.type === 'done');
    inOrder(async () => {
      switch (msg.type) {
        case 'started':
          return handlers.onStarted?.(msg.backend, msg.data);
        case 'epoch':
          return handlers.onEpoch?.(msg.metrics);
        case 'progress':
          return handlers.onProgress?.({
            epoch: msg.epoch,
            batch: msg.batch,
            batches: msg.batches,
            samplesPerSec: msg.samplesPerSec,
          });
        case 'checkpoint':
          return handlers.onCheckpoint?.(msg.kind, msg.epoch, msg.snapshot);
        case 'paused':
          return handlers.onPaused?.(msg.at, msg.snapshot);
        case 'done':
          await handlers.onFinished?.(msg.summary);
          settled = true;
          return resolveRun({ summary: msg.summary, backend: msg.backend, data: msg.data });
        case 'failed':
          throw fromWireError(msg.error, EngineError, 'the engine worker');
      }
    });
  });
  port.onFailure((error) => {
    if (closed) return;
    close();
    inOrder(() => {
      throw error;
    });
  });

  // Until `start` is posted a cancel stops the loading: the run ends as EngineError 'cancelled', never started.
  let started = false;
  let cancelled = false;
  const cancelledBeforeStart = () =>
    new EngineError('cancelled', 'cancelled before training started (while the rows were loading)');
  const begin = async () => {
    const { dataset, beforeStart } = options;
    let whole: Dataset | undefined;
    if (dataset && 'chunks' in dataset) {
      port.post({ type: 'datasetBegin', header: dataset.header });
      let rows = 0;
      for await (const chunk of dataset.chunks) {
        if (closed || cancelled) break;
        // Counted before the post: a transferred array is empty (detached) on this side afterwards.
        rows += chunk.x.length / dataset.header.features;
        const buffers = [chunk.x, chunk.labels, chunk.targets].flatMap((a) => (a ? [a.buffer] : []));
        port.post({ type: 'datasetChunk', ...chunk }, buffers);
        handlers.onLoading?.(rows, dataset.header.n);
      }
    } else whole = dataset;
    if (!closed && !cancelled) await beforeStart?.();
    if (closed) return;
    if (cancelled) throw cancelledBeforeStart();
    started = true;
    const teacher = options.teacher;
    port.post({
      type: 'start',
      config,
      dataset: whole,
      checkpoints: true,
      paused,
      epochsPerSecond,
      ...(teacher ? { teacher } : {}),
    });
  };
  // Controls before `start` is posted ride on it; after, each is one message (ignored once the worker is gone).
  let paused = options.paused ?? false;
  let epochsPerSecond = options.epochsPerSecond ?? null;
  const control = (message: HostToWorker) => {
    if (started && !closed) port.post(message);
  };
  begin().catch(fail);
  return {
    result,
    cancel: () => {
      if (closed) return;
      if (started) port.post({ type: 'cancel' });
      else cancelled = true;
    },
    pause: () => {
      paused = true;
      control({ type: 'pause' });
    },
    play: () => {
      paused = false;
      control({ type: 'play' });
    },
    step: (unit) => control({ type: 'step', unit }),
    setSpeed: (eps) => {
      epochsPerSecond = eps;
      control({ type: 'speed', epochsPerSecond: eps });
    },
  };
}

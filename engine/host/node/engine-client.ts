// Host side under Node: starts the engine in a worker thread and turns its messages into callbacks and a promise.
import { Worker } from 'node:worker_threads';
import type { ExperimentConfigInput } from '../../config.ts';
import type { BackendInfo, DataInfo, Dataset, EpochMetrics, ModelSnapshot, RunSummary } from '../../types.ts';
import type { HostToWorker, WireError, WorkerToHost } from '../../worker/protocol.ts';

export interface RunHandlers {
  onStarted?(backend: BackendInfo, data: DataInfo): void | Promise<void>;
  onEpoch?(metrics: EpochMetrics): void | Promise<void>;
  onProgress?(p: { epoch: number; batch: number; batches: number; samplesPerSec: number }): void;
  onCheckpoint?(kind: 'best' | 'final', epoch: number, snapshot: ModelSnapshot): void | Promise<void>;
}

export interface WorkerRunResult {
  summary: RunSummary;
  backend: BackendInfo;
  data: DataInfo;
}

export class EngineError extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
    this.name = 'EngineError';
  }
  get code(): string {
    return this.wire.code;
  }
  get field(): string | undefined {
    return this.wire.field;
  }
}

export interface WorkerRun {
  result: Promise<WorkerRunResult>;
  cancel(): void;
}

const WORKER_URL = new URL('./engine-worker.mjs', import.meta.url);

/**
 * Train one run in a fresh worker thread. Handlers run in message order; an async handler (a database write, say)
 * finishes before the next message is handled, so epochs are recorded in order and `done` comes last.
 */
export function runInWorker(
  config: ExperimentConfigInput,
  handlers: RunHandlers = {},
  options: { dataset?: Dataset } = {},
): WorkerRun {
  const worker = new Worker(WORKER_URL);
  let chain: Promise<unknown> = Promise.resolve();
  let settled = false;
  const result = new Promise<WorkerRunResult>((resolve, reject) => {
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      fn();
    };
    worker.on('message', (msg: WorkerToHost) => {
      chain = chain.then(async () => {
        if (settled) return;
        switch (msg.type) {
          case 'started':
            return handlers.onStarted?.(msg.backend, msg.data);
          case 'epoch':
            return handlers.onEpoch?.(msg.metrics);
          case 'progress':
            return handlers.onProgress?.(msg);
          case 'checkpoint':
            return handlers.onCheckpoint?.(msg.kind, msg.epoch, msg.snapshot);
          case 'done':
            return finish(() => resolve({ summary: msg.summary, backend: msg.backend, data: msg.data }));
          case 'failed':
            return finish(() => reject(new EngineError(msg.error)));
        }
      }).catch((e: unknown) => finish(() => reject(e)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) =>
      finish(() => reject(new EngineError({ code: 'worker_exit', message: `engine worker exited with code ${code}` }))),
    );
  });
  const start: HostToWorker = { type: 'start', config, dataset: options.dataset, checkpoints: true };
  worker.postMessage(start);
  return {
    result,
    cancel: () => worker.postMessage({ type: 'cancel' } satisfies HostToWorker),
  };
}

// One run in the engine's module Web Worker (WebGPU registered there when the browser has it). Messages come back
// as callbacks in order; the promise settles with `done` or `failed`.
import type { ExperimentConfig } from '../../engine/config.ts';
import type { BackendInfo, DataInfo, Dataset, EpochMetrics, ModelSnapshot, RunSummary } from '../../engine/types.ts';
import type { HostToWorker, WireError, WorkerToHost } from '../../engine/worker/protocol.ts';

export interface EngineHandlers {
  started(backend: BackendInfo, data: DataInfo): void;
  epoch(metrics: EpochMetrics): void;
  progress(p: { epoch: number; batch: number; batches: number; samplesPerSec: number }): void;
  checkpoint(kind: 'best' | 'final', epoch: number, snapshot: ModelSnapshot): void;
}

export class EngineRunError extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
    this.name = 'EngineRunError';
  }
}

export interface EngineRun {
  result: Promise<{ summary: RunSummary; backend: BackendInfo; data: DataInfo }>;
  cancel(): void;
}

export function startEngineRun(config: ExperimentConfig, on: EngineHandlers, dataset?: Dataset): EngineRun {
  const worker = new Worker(new URL('../../engine/host/browser/engine-worker.ts', import.meta.url), { type: 'module', name: 'engine' });
  const result = new Promise<{ summary: RunSummary; backend: BackendInfo; data: DataInfo }>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<WorkerToHost>) => {
      const msg = e.data;
      switch (msg.type) {
        case 'started':
          return on.started(msg.backend, msg.data);
        case 'epoch':
          return on.epoch(msg.metrics);
        case 'progress':
          return on.progress(msg);
        case 'checkpoint':
          return on.checkpoint(msg.kind, msg.epoch, msg.snapshot);
        case 'done':
          worker.terminate();
          return resolve({ summary: msg.summary, backend: msg.backend, data: msg.data });
        case 'failed':
          worker.terminate();
          return reject(new EngineRunError(msg.error));
      }
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new EngineRunError({ code: 'worker_error', message: e.message || 'the engine worker failed to load' }));
    };
  });
  // A plain copy: the queue's config is a reactive proxy, which structured clone refuses.
  const start: HostToWorker = { type: 'start', config: JSON.parse(JSON.stringify(config)) as ExperimentConfig, dataset, checkpoints: true };
  worker.postMessage(start);
  return { result, cancel: () => worker.postMessage({ type: 'cancel' } satisfies HostToWorker) };
}

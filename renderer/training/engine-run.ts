// The engine client in the page: the run in the engine's module Web Worker (WebGPU registered there when the browser
// has it), driven by engine/worker/client.ts.
import type { ExperimentConfig } from '../../engine/config.ts';
import {
  EngineError,
  runEngine,
  type EngineRun,
  type RunHandlers,
  type RunOptions,
} from '../../engine/worker/client.ts';
import type { HostToWorker, WorkerToHost } from '../../engine/worker/protocol.ts';

export type { EngineRun };

export function startEngineRun(config: ExperimentConfig, handlers: RunHandlers, options: RunOptions = {}): EngineRun {
  const worker = new Worker(new URL('../../engine/host/browser/engine-worker.ts', import.meta.url), {
    type: 'module',
    name: 'engine',
  });
  // A plain copy: the queue's config is a reactive proxy, which structured clone refuses.
  const plain = JSON.parse(JSON.stringify(config)) as ExperimentConfig;
  return runEngine(
    {
      // A streamed chunk's buffers move to the worker (transferred): the page keeps no copy of the rows.
      post: (message: HostToWorker, transfer?: ArrayBufferLike[]) =>
        worker.postMessage(message, (transfer ?? []) as Transferable[]),
      onMessage: (handler: (message: WorkerToHost) => void) => {
        worker.onmessage = (e: MessageEvent<WorkerToHost>) => handler(e.data);
      },
      onFailure: (handler) => {
        worker.onerror = (e) =>
          handler(new EngineError('worker_error', e.message || 'the engine worker failed to load'));
      },
      terminate: () => worker.terminate(),
    },
    plain,
    handlers,
    options,
  );
}

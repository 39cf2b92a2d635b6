// The engine client under Node: the run in a fresh worker_threads Worker, driven by engine/worker/client.ts.
import { Worker } from 'node:worker_threads';
import type { ExperimentConfigInput } from '../../config.ts';
import { EngineError, runEngine, type EngineRun, type RunHandlers, type RunOptions } from '../../worker/client.ts';
import type { HostToWorker, WorkerToHost } from '../../worker/protocol.ts';

export { EngineError, type EngineRun, type EngineRunResult, type RunHandlers } from '../../worker/client.ts';

const WORKER_URL = new URL('./engine-worker.mjs', import.meta.url);

/** Train one run in a fresh worker thread; see runEngine for the order handlers run in. */
export function runInWorker(
  config: ExperimentConfigInput,
  handlers: RunHandlers = {},
  options: RunOptions = {},
): EngineRun {
  const worker = new Worker(WORKER_URL);
  return runEngine(
    {
      post: (message: HostToWorker, transfer?: ArrayBufferLike[]) =>
        worker.postMessage(message, transfer as ArrayBuffer[] | undefined),
      onMessage: (handler: (message: WorkerToHost) => void) => worker.on('message', handler),
      onFailure: (handler) => {
        worker.on('error', handler);
        worker.on('exit', (code) => handler(new EngineError('worker_exit', `engine worker exited with code ${code}`)));
      },
      terminate: () => void worker.terminate(),
    },
    config,
    handlers,
    options,
  );
}

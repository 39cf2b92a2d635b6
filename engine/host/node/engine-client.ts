// The engine client under Node: the run in a worker_threads Worker, driven by engine/worker/client.ts. Workers are
// pooled (engine-pool.ts): a run whose predecessor ended cleanly reuses its thread and compiled engine.
import { Worker } from 'node:worker_threads';
import type { ExperimentConfigInput } from '../../config.ts';
import { EngineError, runEngine, type EngineRun, type RunHandlers, type RunOptions } from '../../worker/client.ts';
import type { HostToWorker, WorkerToHost } from '../../worker/protocol.ts';
import { EngineWorkerPool } from './engine-pool.ts';

export { EngineError, type EngineRun, type EngineRunResult, type RunHandlers } from '../../worker/client.ts';

/** The engine worker's bootstrap (tsx, then engine-worker.ts); the tests pool it themselves. */
export const ENGINE_WORKER_URL = new URL('./engine-worker.mjs', import.meta.url);

/** MLPW_ENGINE_WORKER_REUSE=0 gives every run a fresh worker, as before the pool (the bench's A/B). */
const reuse = process.env.MLPW_ENGINE_WORKER_REUSE !== '0';

/** The process's engine workers; idle ones never hold the process open. */
export const engineWorkers = new EngineWorkerPool(ENGINE_WORKER_URL);

/** Train one run in a worker thread (a pooled one, see engine-pool.ts); see runEngine for the order handlers run in. */
export function runInWorker(
  config: ExperimentConfigInput,
  handlers: RunHandlers = {},
  options: RunOptions = {},
): EngineRun {
  return runEngine(reuse ? engineWorkers.acquire() : freshWorker(), config, handlers, options);
}

function freshWorker() {
  const worker = new Worker(ENGINE_WORKER_URL);
  return {
    post: (message: HostToWorker, transfer?: ArrayBufferLike[]) =>
      worker.postMessage(message, transfer as ArrayBuffer[] | undefined),
    onMessage: (handler: (message: WorkerToHost) => void) => void worker.on('message', handler),
    onFailure: (handler: (error: Error) => void) => {
      worker.on('error', handler);
      worker.on('exit', (code) => handler(new EngineError('worker_exit', `engine worker exited with code ${code}`)));
    },
    terminate: () => void worker.terminate(),
  };
}

// worker_threads entry of the engine: adapts parentPort to the engine's MessagePortLike and serves runs.
import { parentPort } from 'node:worker_threads';
import type { HostToWorker, WorkerToHost } from '../../worker/protocol.ts';
import { serveEngine } from '../../worker/runner.ts';
import './providers.ts';

if (!parentPort) throw new Error('engine-worker.ts must run inside a worker thread');
const port = parentPort;
serveEngine({
  post: (message: WorkerToHost) => port.postMessage(message),
  onMessage: (handler: (m: HostToWorker) => void) => port.on('message', handler),
});

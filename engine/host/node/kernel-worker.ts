// worker_threads entry of a kernel worker: adapts parentPort to the wasm backend's worker loop.
import { parentPort } from 'node:worker_threads';
import { serveKernelWorker } from '../../backends/wasm/worker-loop.ts';

if (!parentPort) throw new Error('kernel-worker.ts must run inside a worker thread');
const port = parentPort;
serveKernelWorker({
  post: (message) => port.postMessage(message),
  onMessage: (handler) => port.once('message', handler),
});

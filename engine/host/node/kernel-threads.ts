// Kernel worker threads under Node (worker_threads), registered with the wasm backend. Workers are unref'd so a
// backend that is never disposed does not keep the process alive.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { registerKernelWorkerHost, type KernelWorkerReply } from '../../backends/wasm/threads.ts';

const WORKER_URL = new URL('./kernel-worker.mjs', import.meta.url);

registerKernelWorkerHost({
  cores: os.availableParallelism(),
  spawn() {
    const worker = new Worker(WORKER_URL);
    worker.unref();
    return {
      post: (message) => worker.postMessage(message),
      onMessage(handler: (m: KernelWorkerReply) => void) {
        worker.on('message', handler);
        worker.on('error', (e) => handler({ type: 'failed', message: e.message }));
      },
      terminate: () => void worker.terminate(),
    };
  },
});

// Kernel worker threads under Node (worker_threads), registered with the wasm backend. A worker is unref'd once
// ready (not before: the host awaits that message), so a backend that is never disposed does not keep the process alive.
import './wasm-features.ts';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { registerKernelWorkerHost, type KernelWorkerReply } from '../../backends/wasm/threads.ts';

const WORKER_URL = new URL('./kernel-worker.mjs', import.meta.url);

registerKernelWorkerHost({
  cores: os.availableParallelism(),
  spawn() {
    const worker = new Worker(WORKER_URL);
    return {
      post: (message) => worker.postMessage(message),
      onMessage(handler: (m: KernelWorkerReply) => void) {
        worker.on('message', (m: KernelWorkerReply) => {
          if (m.type === 'ready') worker.unref();
          handler(m);
        });
        worker.on('error', (e) => handler({ type: 'failed', message: e.message }));
      },
      terminate: () => void worker.terminate(),
    };
  },
});

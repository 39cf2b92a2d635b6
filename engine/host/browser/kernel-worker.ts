// Module Web Worker entry of a kernel thread: hands its first message (the init) to the wasm worker loop.
import { serveKernelWorker } from '../../backends/wasm/worker-loop.ts';
import type { KernelWorkerInit, KernelWorkerReply } from '../../backends/wasm/threads.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
serveKernelWorker({
  post: (message: KernelWorkerReply) => scope.postMessage(message),
  onMessage: (handler: (m: KernelWorkerInit) => void) => {
    scope.onmessage = (e: MessageEvent<KernelWorkerInit>) => {
      scope.onmessage = null;
      handler(e.data);
    };
  },
});

// Kernel threads in a browser: nested module Web Workers sharing the engine worker's WebAssembly.Memory. Only
// registered where the page is cross-origin isolated (SharedArrayBuffer exists); elsewhere the wasm backend runs on
// the engine worker's own thread.
import { registerKernelWorkerHost, type KernelWorkerReply } from '../../backends/wasm/threads.ts';

if (typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated) {
  registerKernelWorkerHost({
    cores: Math.max(1, navigator.hardwareConcurrency || 1),
    spawn() {
      const worker = new Worker(new URL('./kernel-worker.ts', import.meta.url), { type: 'module' });
      return {
        post: (message) => worker.postMessage(message),
        onMessage(handler: (m: KernelWorkerReply) => void) {
          worker.onmessage = (e: MessageEvent<KernelWorkerReply>) => handler(e.data);
          worker.onerror = (e) => handler({ type: 'failed', message: e.message || 'kernel worker failed to load' });
        },
        terminate: () => worker.terminate(),
      };
    },
  });
}

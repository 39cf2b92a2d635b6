// Browser module Web Worker entry of the engine (Vite: `new Worker(new URL('./engine-worker.ts', import.meta.url),
// { type: 'module' })`): adapts self.postMessage/onmessage to the engine's MessagePortLike and serves runs, with
// the WebGPU backend and the WebAssembly SIMD CPU backend (threaded where the page is cross-origin isolated) registered.
// `mnist` is registered too; its pixels are fetched when a run needs them.
import '../../backends/webgpu/provider.ts';
import './kernel-threads.ts';
import '../../backends/wasm/provider.ts';
import type { HostToWorker, WorkerToHost } from '../../worker/protocol.ts';
import { serveEngine } from '../../worker/runner.ts';
import { prepareMnist, registerBrowserMnist } from './mnist.ts';

registerBrowserMnist();
const scope = self as unknown as DedicatedWorkerGlobalScope;
serveEngine(
  {
    post: (message: WorkerToHost, transfer?: ArrayBufferLike[]) =>
      scope.postMessage(message, (transfer ?? []) as Transferable[]),
    onMessage: (handler: (m: HostToWorker) => void) => {
      scope.onmessage = (e: MessageEvent<HostToWorker>) => handler(e.data);
    },
  },
  { prepareDataset: (name) => (name === 'mnist' ? prepareMnist() : undefined) },
);

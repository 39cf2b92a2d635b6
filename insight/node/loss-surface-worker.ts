// worker_threads entry of the loss surface: the run's CPU backend (wasm-simd where it loads, else the typed-array
// reference) evaluates every point in inference mode, off the store host's thread, with progress and cancel.
import { parentPort } from 'node:worker_threads';
import '../../engine/host/node/providers.ts';
import { createBackend } from '../../engine/backends/select.ts';
import { toWireError } from '../../engine/wire-error.ts';
import { computeLossSurface, type LossEvaluator } from '../loss-surface.ts';
import type { HostToSurfaceWorker, SurfaceWorkerToHost } from './loss-surface-protocol.ts';

if (!parentPort) throw new Error('loss-surface-worker.ts must run inside a worker thread');
const port = parentPort;
const send = (m: SurfaceWorkerToHost) => port.postMessage(m);
let cancelled = false;

async function start(msg: Extract<HostToSurfaceWorker, { type: 'start' }>): Promise<void> {
  // The store host has no GPU adapter: a WebGPU run is evaluated on the CPU (same weights, float32).
  const backend = await createBackend({ ...msg.config, backend: 'cpu' });
  try {
    await backend.init(msg.spec, msg.inputs.final.layers, msg.data);
    const hasVal = msg.data.val.n > 0;
    const evaluate: LossEvaluator = async (layers) => {
      await backend.setWeights(layers);
      const train = await backend.evaluate('train');
      const val = hasVal ? await backend.evaluate('val') : null;
      return { train: train.lossSum / train.count, val: val ? val.lossSum / val.count : null };
    };
    let lastSent = 0;
    const surface = await computeLossSurface({ ...msg.inputs, kernels: backend.info.kernels }, evaluate, msg.options, {
      onProgress(done, total) {
        const now = performance.now();
        if (now - lastSent < 100 && done < total) return;
        lastSent = now;
        send({ type: 'progress', done, total });
      },
      shouldCancel: () => cancelled,
    });
    send({ type: 'done', surface });
  } finally {
    backend.dispose();
  }
}

port.on('message', (msg: HostToSurfaceWorker) => {
  if (msg.type === 'cancel') cancelled = true;
  else start(msg).catch((e: unknown) => send({ type: 'failed', error: toWireError(e) }));
});

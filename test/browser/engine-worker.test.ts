// The browser module Web Worker (engine/host/browser/engine-worker.ts) trains a run on webgpu end to end.
import { expect, it } from 'vitest';
import type { HostToWorker, WorkerToHost } from '../../engine/worker/protocol.ts';

/** The browser's Worker, typed here because the root tsconfig checks test files without the DOM library. */
declare const Worker: new (
  url: URL,
  options: { type: 'module' },
) => {
  postMessage(message: HostToWorker): void;
  onmessage: ((e: { data: WorkerToHost }) => void) | null;
  onerror: ((e: { message: string }) => void) | null;
  terminate(): void;
};

// Two moons in 10 epochs (100 steps): SwiftShader's time is per step, and 40 epochs of a spiral took minutes under load.
it('runs two moons through the engine worker on webgpu', async () => {
  const worker = new Worker(new URL('../../engine/host/browser/engine-worker.ts', import.meta.url), { type: 'module' });
  const messages: WorkerToHost[] = [];
  const end = await new Promise<WorkerToHost>((resolve, reject) => {
    worker.onerror = (e) => reject(new Error(e.message));
    worker.onmessage = ({ data }) => {
      messages.push(data);
      if (data.type === 'done' || data.type === 'failed') resolve(data);
    };
    worker.postMessage({
      type: 'start',
      config: {
        dataset: { name: 'moons', samples: 400, noise: 0.1, seed: 3 },
        model: {
          layers: [
            { units: 32, activation: 'relu' },
            { units: 32, activation: 'relu' },
          ],
        },
        optimizer: { type: 'adam', lr: 0.02 },
        batchSize: 32,
        epochs: 10,
        seed: 5,
        backend: 'webgpu',
      },
      checkpoints: false,
    });
  });
  worker.terminate();
  if (end.type === 'failed') throw new Error(`worker run failed: ${end.error.message}`);
  expect(end).toMatchObject({
    type: 'done',
    backend: { backend: 'webgpu', adapter: { isFallback: expect.any(Boolean) } },
    summary: { status: 'completed', epochs: 10 },
  });
  expect(messages.find((m) => m.type === 'started')).toMatchObject({ backend: { backend: 'webgpu' } });
  expect(messages.filter((m) => m.type === 'epoch')).toHaveLength(10);
  if (end.type === 'done') expect(end.summary.final!.valAcc).toBeGreaterThanOrEqual(0.9);
}, 300_000); // software WebGPU compiles its pipelines first, slow on a busy 2-core machine: a wide margin

it('trains on the WebAssembly SIMD CPU backend with kernel threads, matching the JS reference', async () => {
  expect((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated).toBe(true);
  const config = {
    dataset: { name: 'spiral', samples: 600, noise: 0.05, classes: 2, seed: 3 },
    model: {
      layers: [
        { units: 256, activation: 'tanh' as const },
        { units: 256, activation: 'relu' as const, dropout: 0.1 },
      ],
    },
    optimizer: { type: 'adam' as const, lr: 0.01 },
    batchSize: 64,
    epochs: 3,
    seed: 5,
    backend: 'cpu' as const,
  };
  const worker = new Worker(new URL('../../engine/host/browser/engine-worker.ts', import.meta.url), { type: 'module' });
  const epochs: number[] = [];
  const end = await new Promise<WorkerToHost>((resolve, reject) => {
    worker.onerror = (e) => reject(new Error(e.message));
    worker.onmessage = ({ data }) => {
      if (data.type === 'epoch') epochs.push(data.metrics.valLoss!);
      if (data.type === 'done' || data.type === 'failed') resolve(data);
    };
    worker.postMessage({ type: 'start', config, checkpoints: false });
  });
  worker.terminate();
  if (end.type !== 'done')
    throw new Error(`worker run failed: ${end.type === 'failed' ? end.error.message : end.type}`);
  expect(end.backend).toMatchObject({ backend: 'cpu', kernels: 'wasm-relaxed-simd', precision: 'float32' });
  expect(end.backend.threads).toBeGreaterThanOrEqual(2);

  const { parseConfig } = await import('../../engine/config.ts');
  const { loadBuiltinDataset } = await import('../../engine/data/builtin.ts');
  const { CpuBackend } = await import('../../engine/backends/cpu/backend.ts');
  const { train } = await import('../../engine/trainer.ts');
  const parsed = parseConfig(config);
  const reference: number[] = [];
  await train(parsed, loadBuiltinDataset(parsed.dataset), new CpuBackend('float32'), {
    onEpoch: (m) => void reference.push(m.valLoss!),
  });
  expect(epochs).toHaveLength(3);
  epochs.forEach((v, i) => expect(Math.abs(v - reference[i]!) / reference[i]!).toBeLessThan(1e-4));
});

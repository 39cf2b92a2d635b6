// The browser module Web Worker (engine/host/browser/engine-worker.ts) trains a run on webgpu end to end.
import { expect, it } from 'vitest';
import type { HostToWorker, WorkerToHost } from '../../engine/worker/protocol.ts';

/** The browser's Worker, typed here because the root tsconfig checks test files without the DOM library. */
declare const Worker: new (url: URL, options: { type: 'module' }) => {
  postMessage(message: HostToWorker): void;
  onmessage: ((e: { data: WorkerToHost }) => void) | null;
  onerror: ((e: { message: string }) => void) | null;
  terminate(): void;
};

it('runs a spiral through the engine worker on webgpu', async () => {
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
        dataset: { name: 'spiral', samples: 400, noise: 0.05, classes: 2, seed: 3 },
        model: { layers: [{ units: 32, activation: 'relu' }, { units: 32, activation: 'relu' }] },
        optimizer: { type: 'adam', lr: 0.02 },
        batchSize: 32,
        epochs: 40,
        seed: 5,
        backend: 'webgpu',
      },
      checkpoints: false,
    });
  });
  worker.terminate();
  if (end.type === 'failed') throw new Error(`worker run failed: ${end.error.message}`);
  expect(end).toMatchObject({ type: 'done', backend: { backend: 'webgpu', adapter: { isFallback: expect.any(Boolean) } }, summary: { status: 'completed', epochs: 40 } });
  expect(messages.find((m) => m.type === 'started')).toMatchObject({ backend: { backend: 'webgpu' } });
  expect(messages.filter((m) => m.type === 'epoch')).toHaveLength(40);
  if (end.type === 'done') expect(end.summary.final!.valAcc).toBeGreaterThanOrEqual(0.9);
});

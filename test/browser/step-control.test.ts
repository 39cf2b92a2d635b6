// Play / pause / step on the WebGPU backend, through the browser's engine worker: a run started paused, stepped two
// minibatches (one batch per submit while held) and one epoch, then played, gives bit-identical per-epoch metrics to
// an uninterrupted run, and each pause reports the position it stopped at.
import { expect, it } from 'vitest';
import type { ExperimentConfigInput } from '../../engine/config.ts';
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

// 320 training rows / 32 → 10 minibatches an epoch; 4 epochs keep SwiftShader's per-step time in bounds.
const config: ExperimentConfigInput = {
  dataset: { name: 'moons', samples: 400, noise: 0.1, seed: 3 },
  model: { layers: [{ units: 16, activation: 'relu' }] },
  optimizer: { type: 'adam', lr: 0.02 },
  batchSize: 32,
  epochs: 4,
  seed: 5,
  backend: 'webgpu',
};

/** Trains in a fresh engine worker; `onPaused` answers each pause with the next control message. */
async function trainInWorker(paused: boolean, onPaused?: (at: string) => HostToWorker): Promise<WorkerToHost[]> {
  const worker = new Worker(new URL('../../engine/host/browser/engine-worker.ts', import.meta.url), { type: 'module' });
  const messages: WorkerToHost[] = [];
  const end = await new Promise<WorkerToHost>((resolve, reject) => {
    worker.onerror = (e) => reject(new Error(e.message));
    worker.onmessage = ({ data }) => {
      messages.push(data);
      if (data.type === 'paused' && onPaused) worker.postMessage(onPaused(`${data.at.epoch}:${data.at.batch}`));
      if (data.type === 'done' || data.type === 'failed') resolve(data);
    };
    worker.postMessage({ type: 'start', config, checkpoints: false, paused });
  });
  worker.terminate();
  if (end.type === 'failed') throw new Error(`worker run failed: ${end.error.message}`);
  return messages;
}

const epochNumbers = (messages: WorkerToHost[]) =>
  messages.flatMap((m) =>
    m.type === 'epoch' ? [[m.metrics.epoch, m.metrics.trainLoss, m.metrics.valLoss, m.metrics.valAcc]] : [],
  );

it('steps a WebGPU run by minibatches and epochs with the same numbers as an uninterrupted run', async () => {
  const plain = await trainInWorker(false);
  const plan: HostToWorker[] = [
    { type: 'step', unit: 'batch' },
    { type: 'step', unit: 'batch' },
    { type: 'step', unit: 'epoch' },
    { type: 'play' },
  ];
  const stops: string[] = [];
  const stepped = await trainInWorker(true, (at) => (stops.push(at), plan.shift() ?? { type: 'play' }));
  expect(stepped.find((m) => m.type === 'started')).toMatchObject({ backend: { backend: 'webgpu' } });
  expect(stops).toEqual(['0:0', '0:1', '0:2', '1:0']);
  expect(epochNumbers(stepped)).toEqual(epochNumbers(plain));
  expect(epochNumbers(plain)).toHaveLength(4);
  // A mid-epoch pause reads the weights after that minibatch: they differ from the ones before it.
  const snaps = stepped.flatMap((m) =>
    m.type === 'paused' ? [JSON.stringify(Array.from(m.snapshot.layers[0]!.W))] : [],
  );
  expect(new Set(snaps).size).toBe(4);
}, 300_000); // software WebGPU compiles its pipelines first, slow on a busy 2-core machine: a wide margin

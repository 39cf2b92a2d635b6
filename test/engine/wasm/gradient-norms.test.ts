// Gradient norms on the wasm backend: the sum-of-squares kernel against an f64 loop, the per-epoch mean ‖dW‖₂ per
// layer against the CPU reference (float32) through the trainer, and that tracking them changes no bit of training.
import { describe, expect, test } from 'vitest';
import '../../../engine/host/node/kernel-threads.ts';
import { CpuBackend } from '../../../engine/backends/cpu/backend.ts';
import { WasmBackend } from '../../../engine/backends/wasm/backend.ts';
import { loadKernelModule } from '../../../engine/backends/wasm/module.ts';
import type { TrainingBackend } from '../../../engine/backends/backend.ts';
import { parseConfig } from '../../../engine/config.ts';
import { loadBuiltinDataset } from '../../../engine/data/builtin.ts';
import { train } from '../../../engine/trainer.ts';
import { bitsEqual, randomArray, runtime } from './helpers.ts';

/** Every kernel split across the threads (minParallelWork 0), as in training.test.ts. */
async function wasm(threads: number, gradientNorms = true): Promise<WasmBackend> {
  const kernels = await loadKernelModule();
  if ('unavailable' in kernels) throw new Error(kernels.unavailable);
  return new WasmBackend(kernels, { threads, minParallelWork: 0, gradientNorms });
}

// Three hidden layers with dropout, Adam with weight decay, a short last batch (500 train rows / 48).
const config = parseConfig({
  dataset: { name: 'spiral', samples: 600, classes: 3 },
  model: {
    layers: [
      { units: 40, activation: 'relu', dropout: 0.2 },
      { units: 27, activation: 'tanh', dropout: 0.1 },
      { units: 19, activation: 'gelu' },
    ],
  },
  optimizer: { type: 'adam', lr: 0.01, weightDecay: 1e-4 },
  batchSize: 48,
  epochs: 3,
  seed: 11,
});

async function run(backend: TrainingBackend) {
  const epochs: { train: number; val: number | null; norms: (number | null)[] }[] = [];
  const result = await train(config, loadBuiltinDataset(config.dataset), backend, {
    onEpoch: (m) => void epochs.push({ train: m.trainLoss, val: m.valLoss, norms: m.layers!.map((l) => l.gradNorm) }),
  });
  const afterRun = backend.gradientNorms?.();
  backend.dispose();
  return { epochs, weights: result.final.layers.map((l) => l.W), afterRun };
}

describe('sumOfSquares kernel', () => {
  test.each([0, 1, 7, 8, 9, 33, 1000, 12_345])('%i floats: the f64 sum of squares', async (count) => {
    const rt = await runtime(1);
    const x = randomArray(count, count + 1, -3, 3);
    let expected = 0;
    for (const v of x) expected += v * v;
    const got = rt.exports.sumOfSquares(rt.upload(x), count);
    expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-13 * expected);
    rt.dispose();
  });
});

describe('wasm gradientNorms', () => {
  test('per layer and epoch, the mean ‖dW‖₂ matches the CPU reference within 1e-5 relative (1 and 2 threads)', async () => {
    const reference = await run(new CpuBackend('float32'));
    expect(reference.epochs).toHaveLength(3);
    for (const threads of [1, 2]) {
      const fast = await run(await wasm(threads));
      fast.epochs.forEach((e, i) => {
        const r = reference.epochs[i]!;
        expect(e.norms).toHaveLength(4);
        e.norms.forEach((norm, li) => {
          const want = r.norms[li]!;
          expect(want).toBeGreaterThan(0);
          expect(Math.abs(norm! - want) / want).toBeLessThan(1e-5);
        });
      });
      // read by the trainer after the last epoch, so the accumulators are empty again
      expect(fast.afterRun).toEqual([0, 0, 0, 0]);
    }
  });

  test('tracking the norms changes no loss and no weight bit', async () => {
    const tracked = await run(await wasm(2, true));
    const untracked = await run(await wasm(2, false));
    expect(untracked.epochs.map((e) => [e.train, e.val])).toEqual(tracked.epochs.map((e) => [e.train, e.val]));
    tracked.weights.forEach((w, i) => expect(bitsEqual(w, untracked.weights[i]!)).toBe(true));
    expect(untracked.epochs[0]!.norms).toEqual([null, null, null, null]);
  });
});

// Whole training runs on the wasm backend against the typed-array CpuBackend (float32): a few epochs with dropout
// and Adam (and other optimizers/activations) give the same losses within 1e-4 relative, with 1 and 2 threads, in
// both instruction sets (SIMD128, relaxed SIMD); a fixed seed and variant reproduce every bit at 1, 2, 4 and 8
// threads; the provider is what createBackend picks for float32, relaxed SIMD where it validates (Node: the flag).
import { describe, expect, test } from 'vitest';
import '../../../engine/host/node/kernel-threads.ts';
import { CpuBackend } from '../../../engine/backends/cpu/backend.ts';
import { createBackend } from '../../../engine/backends/select.ts';
import { kernelsName, type KernelVariant } from '../../../engine/backends/wasm/module.ts';
import { createWasmBackend } from '../../../engine/backends/wasm/provider.ts';
import type { TrainingBackend } from '../../../engine/backends/backend.ts';
import { parseConfig, type ExperimentConfigInput } from '../../../engine/config.ts';
import { loadBuiltinDataset } from '../../../engine/data/builtin.ts';
import { train } from '../../../engine/trainer.ts';
import { VARIANTS } from './helpers.ts';

/** Every kernel split across the threads (minParallelWork 0), so small test models exercise the split too. */
async function wasm(threads: number, variant?: KernelVariant): Promise<TrainingBackend> {
  const made = await createWasmBackend(threads, 0, variant);
  if ('unavailable' in made) throw new Error(made.unavailable);
  return made.backend;
}

async function losses(input: ExperimentConfigInput, backend: TrainingBackend) {
  const config = parseConfig(input);
  const epochs: { train: number; val: number | null; acc: number | null }[] = [];
  const result = await train(config, loadBuiltinDataset(config.dataset), backend, {
    onEpoch: (m) => void epochs.push({ train: m.trainLoss, val: m.valLoss, acc: m.trainAcc }),
  });
  const weights = result.final.layers.map((l) => l.W);
  backend.dispose();
  return { epochs, weights, info: result.backend };
}

const CASES: [string, ExperimentConfigInput][] = [
  [
    'spiral, relu + dropout, adam',
    {
      dataset: { name: 'spiral', samples: 600, classes: 3 },
      model: {
        layers: [
          { units: 48, activation: 'relu', dropout: 0.2 },
          { units: 33, activation: 'relu', dropout: 0.1 },
        ],
      },
      optimizer: { type: 'adam', lr: 0.01, weightDecay: 1e-4 },
      batchSize: 32,
      epochs: 5,
    },
  ],
  [
    'circles, tanh + gelu, nesterov momentum, sigmoid head',
    {
      dataset: { name: 'circles', samples: 400 },
      model: {
        layers: [
          { units: 17, activation: 'tanh' },
          { units: 9, activation: 'gelu', dropout: 0.3 },
        ],
        head: 'sigmoid',
      },
      optimizer: { type: 'momentum', lr: 0.05, nesterov: true, weightDecay: 1e-3 },
      batchSize: 7,
      epochs: 4,
    },
  ],
  [
    'sine regression, sigmoid + leaky_relu, sgd, mse',
    {
      dataset: { name: 'sine', samples: 300 },
      model: {
        layers: [
          { units: 33, activation: 'sigmoid' },
          { units: 13, activation: 'leaky_relu' },
        ],
      },
      optimizer: { type: 'sgd', lr: 0.1 },
      batchSize: 130,
      epochs: 4,
    },
  ],
];

describe('wasm backend trains like the CPU reference', () => {
  test.each(CASES.flatMap(([name, config]) => VARIANTS.map((v) => [name, v, config] as const)))(
    '%s (%s)',
    async (_, variant, config) => {
      const reference = await losses(config, new CpuBackend('float32'));
      for (const threads of [1, 2]) {
        const fast = await losses(config, await wasm(threads, variant));
        expect(fast.info).toEqual({ backend: 'cpu', kernels: kernelsName(variant), precision: 'float32', threads });
        expect(fast.epochs.length).toBe(reference.epochs.length);
        fast.epochs.forEach((e, i) => {
          const r = reference.epochs[i]!;
          expect(Math.abs(e.train - r.train) / r.train).toBeLessThan(1e-4);
          if (r.val !== null) expect(Math.abs(e.val! - r.val) / r.val).toBeLessThan(1e-4);
        });
      }
    },
  );

  test.each(VARIANTS)(
    'same seed and thread count reproduce every bit; 1, 2, 4 and 8 threads agree bit for bit (%s)',
    async (variant) => {
      const config = CASES[0]![1];
      // 4 and 8 threads on a 2-core machine take turns on the cores: one epoch keeps them within the timeout.
      const short = { ...config, epochs: 1 };
      const same = (runs: Awaited<ReturnType<typeof losses>>[]) => {
        for (const run of runs.slice(1)) {
          expect(run.epochs).toEqual(runs[0]!.epochs);
          runs[0]!.weights.forEach((w, i) => {
            expect(Buffer.compare(Buffer.from(w.buffer), Buffer.from(run.weights[i]!.buffer))).toBe(0);
          });
        }
      };
      same([
        await losses(config, await wasm(2, variant)),
        await losses(config, await wasm(2, variant)),
        await losses(config, await wasm(1, variant)),
      ]);
      same([
        await losses(short, await wasm(1, variant)),
        await losses(short, await wasm(4, variant)),
        await losses(short, await wasm(8, variant)),
      ]);
    },
  );

  test('the two instruction sets differ only in rounding: relaxed SIMD within 1e-4 of SIMD128', async () => {
    const config = CASES[0]![1];
    const [simd, relaxed] = [
      await losses(config, await wasm(2, 'simd')),
      await losses(config, await wasm(2, 'relaxed-simd')),
    ];
    expect(relaxed.info.kernels).toBe('wasm-relaxed-simd');
    relaxed.epochs.forEach((e, i) =>
      expect(Math.abs(e.train - simd.epochs[i]!.train) / simd.epochs[i]!.train).toBeLessThan(1e-4),
    );
  });

  test('createBackend picks the registered cpu-fast provider for float32 and the reference for float64', async () => {
    await import('../../../engine/backends/wasm/provider.ts');
    const fast = await createBackend(parseConfig({ backend: 'cpu' }));
    expect(fast.info.kernels).toBe('wasm-relaxed-simd');
    fast.dispose();
    const reference = await createBackend(parseConfig({ backend: 'cpu', precision: 'float64' }));
    expect(reference.info.kernels).toBe('js');
  });
});

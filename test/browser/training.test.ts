// End to end in Chromium: the same seeded runs through the trainer on `webgpu` and on the CPU reference. The GPU
// run must reach the same validation accuracy and its per-epoch losses must track the CPU's (same data, initial
// weights, permutations and dropout masks) within 1e-3 relative.
import { describe, expect, it } from 'vitest';
import '../../engine/backends/webgpu/provider.ts';
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { createBackend } from '../../engine/backends/select.ts';
import { parseConfig, type ExperimentConfigInput } from '../../engine/config.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { train, type TrainResult } from '../../engine/trainer.ts';
import type { EpochMetrics } from '../../engine/types.ts';

const SPIRAL: ExperimentConfigInput = {
  dataset: { name: 'spiral', samples: 400, noise: 0.05, classes: 2, seed: 3 },
  model: {
    layers: [
      { units: 32, activation: 'relu' },
      { units: 32, activation: 'relu' },
    ],
  },
  optimizer: { type: 'adam', lr: 0.02 },
  batchSize: 32,
  epochs: 60,
  seed: 5,
};

// The accuracy run, sized for SwiftShader on a busy 2-core machine (its time is per step: the spiral's 600 steps took
// 230 s at load 17): two moons, which no linear boundary separates (a linear model stops at 0.912 after 60 epochs), learnt to
// 1.0 in 100 steps by the CPU float32 reference (0.988–1.0 over seeds 5–9).
const MOONS: ExperimentConfigInput = {
  ...SPIRAL,
  dataset: { name: 'moons', samples: 400, noise: 0.1, seed: 3 },
  epochs: 10,
};

async function runBoth(
  input: ExperimentConfigInput,
): Promise<{ gpu: TrainResult & { epochs: EpochMetrics[] }; cpu: TrainResult & { epochs: EpochMetrics[] } }> {
  const run = async (backend: 'webgpu' | 'cpu') => {
    const config = parseConfig({ ...input, backend });
    const epochs: EpochMetrics[] = [];
    const impl = backend === 'cpu' ? new CpuBackend('float32') : await createBackend(config);
    try {
      const result = await train(config, loadBuiltinDataset(config.dataset), impl, {
        onEpoch: (m) => void epochs.push(m),
      });
      return { ...result, epochs };
    } finally {
      impl.dispose();
    }
  };
  return { gpu: await run('webgpu'), cpu: await run('cpu') };
}

function expectTracks(gpu: EpochMetrics[], cpu: EpochMetrics[], epochs: number): void {
  expect(gpu.length).toBeGreaterThanOrEqual(epochs);
  for (let e = 0; e < epochs; e++) {
    const g = gpu[e]!;
    const c = cpu[e]!;
    expect(
      Math.abs(g.trainLoss - c.trainLoss) / c.trainLoss,
      `epoch ${e + 1} train loss ${g.trainLoss} vs ${c.trainLoss}`,
    ).toBeLessThanOrEqual(1e-3);
    if (c.valLoss !== null)
      expect(
        Math.abs(g.valLoss! - c.valLoss) / c.valLoss,
        `epoch ${e + 1} val loss ${g.valLoss} vs ${c.valLoss}`,
      ).toBeLessThanOrEqual(1e-3);
  }
}

describe('training on webgpu', () => {
  it('reaches the CPU run’s validation accuracy on two moons, tracking its losses', async () => {
    const { gpu, cpu } = await runBoth(MOONS);
    expect(gpu.backend.backend).toBe('webgpu');
    expect(gpu.backend.adapter).toMatchObject({
      isFallback: expect.any(Boolean),
      vendor: expect.any(String),
      architecture: expect.any(String),
    });
    expect(gpu.summary.status).toBe('completed');
    expect(cpu.summary.final!.valAcc).toBeGreaterThanOrEqual(0.95);
    expect(gpu.summary.final!.valAcc).toBeGreaterThanOrEqual(0.95);
    expectTracks(gpu.epochs, cpu.epochs, 5);
  }, 300_000); // software WebGPU compiles its pipelines first (20–40 s at load 17): a wide margin over both

  it('tracks the CPU with dropout, weight decay, Nesterov momentum, gelu/tanh and a short last batch', async () => {
    const { gpu, cpu } = await runBoth({
      ...SPIRAL,
      model: {
        layers: [
          { units: 24, activation: 'gelu', dropout: 0.2 },
          { units: 20, activation: 'tanh', dropout: 0.1 },
        ],
      },
      optimizer: { type: 'momentum', nesterov: true, lr: 0.05, momentum: 0.9, weightDecay: 0.001 },
      batchSize: 48,
      epochs: 4,
    });
    expectTracks(gpu.epochs, cpu.epochs, 4);
    const g = gpu.final.layers;
    const c = cpu.final.layers;
    g.forEach((layer, li) => {
      let diff = 0;
      let scale = 0;
      layer.W.forEach((w, i) => {
        diff = Math.max(diff, Math.abs(w - c[li]!.W[i]!));
        scale = Math.max(scale, Math.abs(c[li]!.W[i]!));
      });
      expect(diff / scale, `layer ${li} weights`).toBeLessThanOrEqual(1e-3);
    });
  });

  it('tracks the CPU on regression (identity head, MSE) with SGD', async () => {
    const { gpu, cpu } = await runBoth({
      dataset: { name: 'sine', samples: 200, noise: 0.05, seed: 2 },
      model: { layers: [{ units: 16, activation: 'sigmoid' }] },
      optimizer: { type: 'sgd', lr: 0.1 },
      batchSize: 16,
      epochs: 3,
    });
    expect(gpu.summary.final!.valAcc).toBeNull();
    expectTracks(gpu.epochs, cpu.epochs, 3);
  });

  it('predicts what the CPU predicts from the same weights', async () => {
    const config = parseConfig({ ...SPIRAL, backend: 'webgpu', epochs: 2 });
    const dataset = loadBuiltinDataset(config.dataset);
    const gpu = await createBackend(config);
    const result = await train(config, dataset, gpu);
    const cpu = new CpuBackend('float32');
    const layers = result.final.layers;
    await cpu.init(
      {
        features: 2,
        outputs: 2,
        head: 'softmax',
        loss: 'cross_entropy',
        layers: layers.map((l) => ({ ...l, dropout: 0 })),
        optimizer: config.optimizer,
        seed: 5,
      },
      layers,
      {
        train: { x: new Float32Array(0), n: 0 },
        val: { x: new Float32Array(0), n: 0 },
        features: 2,
        outputs: 2,
        standardize: null,
      },
    );
    const x = dataset.x.subarray(0, 2 * 37);
    const want = await cpu.predict(x, 37);
    const got = await gpu.predict(x, 37);
    gpu.dispose();
    want.forEach((p, i) => expect(Math.abs(got[i]! - p)).toBeLessThanOrEqual(1e-5));
  });

  it('auto declines a software fallback adapter and runs on the CPU; float64 is refused on webgpu', async () => {
    const gpu = await navigatorGpu()!.requestAdapter();
    const fallback = Boolean((gpu?.info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter);
    const auto = await createBackend(parseConfig({ backend: 'auto' }));
    expect(auto.info.backend).toBe(fallback ? 'cpu' : 'webgpu');
    auto.dispose();
    await expect(createBackend(parseConfig({ backend: 'webgpu', precision: 'float64' }))).rejects.toThrow(
      /backend: webgpu cannot run here: .*float32/,
    );
  });
});

function navigatorGpu(): GPU | undefined {
  return (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
}

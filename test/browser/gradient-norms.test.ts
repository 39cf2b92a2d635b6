// Gradient norms on WebGPU, end to end in Chromium: the same seeded run through the trainer on `webgpu` and on the
// CPU reference (float32); each epoch's mean ‖dW‖₂ per layer agrees within 1e-4 relative, and reading resets.
import { describe, expect, it } from 'vitest';
import '../../engine/backends/webgpu/provider.ts';
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import type { TrainingBackend } from '../../engine/backends/backend.ts';
import { createBackend } from '../../engine/backends/select.ts';
import { parseConfig } from '../../engine/config.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { train } from '../../engine/trainer.ts';

// Three hidden layers with dropout, Adam with weight decay, a short last batch (320 train rows / 48).
const config = parseConfig({
  dataset: { name: 'spiral', samples: 400, noise: 0.05, classes: 3, seed: 3 },
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
  backend: 'webgpu',
});

async function norms(
  backend: TrainingBackend,
): Promise<{ epochs: (number | null)[][]; afterRun: number[] | undefined }> {
  const epochs: (number | null)[][] = [];
  try {
    await train(config, loadBuiltinDataset(config.dataset), backend, {
      onEpoch: (m) => void epochs.push(m.layers!.map((l) => l.gradNorm)),
    });
    return { epochs, afterRun: backend.gradientNorms?.() };
  } finally {
    backend.dispose();
  }
}

describe('webgpu gradientNorms', () => {
  it('per layer and epoch, the mean ‖dW‖₂ matches the CPU reference within 1e-4 relative', async () => {
    const cpu = await norms(new CpuBackend('float32'));
    const gpu = await norms(await createBackend(config));
    expect(gpu.epochs).toHaveLength(3);
    gpu.epochs.forEach((layers, e) => {
      expect(layers).toHaveLength(4);
      layers.forEach((norm, li) => {
        const want = cpu.epochs[e]![li]!;
        expect(want).toBeGreaterThan(0);
        expect(Math.abs(norm! - want) / want, `epoch ${e + 1} layer ${li}: ${norm} vs ${want}`).toBeLessThanOrEqual(
          1e-4,
        );
      });
    });
    // read by the trainer after the last epoch, so the accumulators are empty again
    expect(gpu.afterRun).toEqual([0, 0, 0, 0]);
  });
});

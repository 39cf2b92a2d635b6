// Distilled students on webgpu in Chromium against the CPU reference: a teacher trained on the CPU, its logits
// computed by each backend itself (webgpu predict on the identity head), the student trained by the trainer on both;
// per-epoch train and validation losses must agree within 1e-3 relative, for mimic-l2 and for soft-ce with alpha.
import { beforeAll, describe, expect, it } from 'vitest';
import '../../engine/backends/webgpu/provider.ts';
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { createBackend } from '../../engine/backends/select.ts';
import { parseConfig, type ExperimentConfigInput } from '../../engine/config.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { train } from '../../engine/trainer.ts';
import type { EpochMetrics, ModelSnapshot } from '../../engine/types.ts';

const TEACHER: ExperimentConfigInput = {
  dataset: { name: 'spiral', samples: 300, noise: 0.1, classes: 3, seed: 2 },
  model: {
    layers: [
      { units: 16, activation: 'tanh' },
      { units: 16, activation: 'tanh' },
    ],
  },
  optimizer: { type: 'adam', lr: 0.02 },
  batchSize: 32,
  epochs: 8,
  seed: 4,
  backend: 'cpu',
};

let teacher: ModelSnapshot;
beforeAll(async () => {
  const config = parseConfig(TEACHER);
  const r = await train(config, loadBuiltinDataset(config.dataset), new CpuBackend('float32'));
  teacher = r.best!;
}, 120_000);

async function student(distill: ExperimentConfigInput['distill'], backend: 'webgpu' | 'cpu') {
  const config = parseConfig({
    ...TEACHER,
    model: { layers: [{ units: 8, activation: 'relu' }] },
    epochs: 4,
    distill,
    backend,
  });
  const make = async () => (backend === 'cpu' ? new CpuBackend('float32') : await createBackend(config));
  const impl = await make();
  const epochs: EpochMetrics[] = [];
  try {
    const r = await train(
      config,
      loadBuiltinDataset(config.dataset),
      impl,
      { onEpoch: (m) => void epochs.push(m) },
      { teacher: { snapshot: teacher, backend: make } },
    );
    return { ...r, epochs };
  } finally {
    impl.dispose();
  }
}

describe('distilled students on webgpu', () => {
  for (const distill of [
    { teacher: 't', loss: 'mimic-l2' as const },
    { teacher: 't', loss: 'soft-ce' as const, temperature: 3, alpha: 0.25 },
  ])
    it(`${distill.loss}: tracks the CPU reference's losses`, async () => {
      const gpu = await student(distill, 'webgpu');
      const cpu = await student(distill, 'cpu');
      expect(gpu.backend.backend).toBe('webgpu');
      expect(gpu.epochs).toHaveLength(4);
      cpu.epochs.forEach((c, e) => {
        const g = gpu.epochs[e]!;
        const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
        expect(
          rel(g.trainLoss, c.trainLoss),
          `epoch ${e + 1} train ${g.trainLoss} vs ${c.trainLoss}`,
        ).toBeLessThanOrEqual(1e-3);
        expect(rel(g.valLoss!, c.valLoss!), `epoch ${e + 1} val ${g.valLoss} vs ${c.valLoss}`).toBeLessThanOrEqual(
          1e-3,
        );
      });
    }, 300_000);
});

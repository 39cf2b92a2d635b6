// The network learns what the lecture says it can: seeded configs fixed here, thresholds from the issue.
import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfigInput } from '../../engine/config.ts';
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { train } from '../../engine/trainer.ts';

async function fit(input: ExperimentConfigInput) {
  const config = parseConfig(input);
  return train(config, loadBuiltinDataset(config.dataset), new CpuBackend('float32'));
}

describe('learning on the built-in datasets (CPU, float32)', () => {
  it('xor: validation accuracy ≥ 0.98', async () => {
    const r = await fit({
      dataset: { name: 'xor', samples: 500, noise: 0 },
      model: { layers: [{ units: 8, activation: 'tanh' }] },
      epochs: 60,
      seed: 1,
    });
    expect(r.summary.status).toBe('completed');
    expect(r.summary.final!.valAcc).toBeGreaterThanOrEqual(0.98);
  });

  it('circles: validation accuracy ≥ 0.98', async () => {
    const r = await fit({ dataset: { name: 'circles', samples: 500, noise: 0.05 }, epochs: 60, seed: 1 });
    expect(r.summary.final!.valAcc).toBeGreaterThanOrEqual(0.98);
  });

  it('two-class spiral: validation accuracy ≥ 0.95', async () => {
    const r = await fit({
      dataset: { name: 'spiral', samples: 1000, noise: 0.02 },
      model: {
        layers: [
          { units: 32, activation: 'tanh' },
          { units: 32, activation: 'tanh' },
        ],
      },
      epochs: 150,
      seed: 1,
    });
    expect(r.summary.final!.valAcc).toBeGreaterThanOrEqual(0.95);
  });

  it('iris: validation accuracy ≥ 0.93', async () => {
    const r = await fit({ dataset: { name: 'iris' }, model: { layers: [{ units: 16 }] }, epochs: 100, seed: 1 });
    expect(r.summary.final!.valAcc).toBeGreaterThanOrEqual(0.93);
    expect(r.data.classLabels).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('sine regression: validation MSE ≤ 1e-3', async () => {
    const r = await fit({
      dataset: { name: 'sine', samples: 1000, noise: 0 },
      model: {
        layers: [
          { units: 32, activation: 'tanh' },
          { units: 32, activation: 'tanh' },
        ],
      },
      schedule: { type: 'cosine', minLr: 0.0005 },
      epochs: 300,
      seed: 1,
    });
    expect(r.summary.final!.valLoss).toBeLessThanOrEqual(1e-3);
    expect(r.summary.final!.valAcc).toBeNull();
  });

  it('online learning (batch size 1) with SGD learns xor', async () => {
    const r = await fit({
      dataset: { name: 'xor', samples: 200, noise: 0 },
      model: { layers: [{ units: 8, activation: 'tanh' }] },
      optimizer: { type: 'sgd', lr: 0.05 },
      batchSize: 1,
      epochs: 30,
    });
    expect(r.summary.final!.valAcc).toBeGreaterThanOrEqual(0.95);
  });
});

describe('run control', () => {
  it('a learning rate that explodes ends the run as diverged, keeping the last good epoch', async () => {
    const r = await fit({
      dataset: { name: 'sine', samples: 200 },
      model: {
        layers: [
          { units: 64, activation: 'relu' },
          { units: 64, activation: 'relu' },
        ],
      },
      optimizer: { type: 'sgd', lr: 50 },
      epochs: 50,
    });
    expect(r.summary.status).toBe('diverged');
    expect(r.summary.error).toMatch(/non-finite/);
    expect(r.summary.epochs).toBeLessThan(50);
    for (const layer of r.final.layers) expect(layer.W.every(Number.isFinite)).toBe(true);
  });

  it('early stopping stops after `patience` epochs without improvement and keeps the best checkpoint', async () => {
    const r = await fit({
      dataset: { name: 'gaussians', samples: 200, noise: 0.5 },
      optimizer: { lr: 0.05 },
      epochs: 500,
      earlyStopping: { enabled: true, patience: 5 },
    });
    expect(r.summary.stoppedEarly).toBe(true);
    expect(r.summary.epochs).toBe(r.summary.bestEpoch! + 5);
    expect(r.best).not.toBeNull();
  });

  it('float64 and float32 runs agree closely over a few epochs', async () => {
    const base = { dataset: { name: 'moons', samples: 300 }, epochs: 3, optimizer: { type: 'sgd' as const, lr: 0.1 } };
    const a = await fit({ ...base, precision: 'float32' });
    const b = await fit({ ...base, precision: 'float64' });
    expect(Math.abs(a.summary.final!.valLoss! - b.summary.final!.valLoss!) / b.summary.final!.valLoss!).toBeLessThan(
      1e-4,
    );
  });
});

describe('input that leaves nothing to train on', () => {
  it('a validation split that takes every sample is a config error naming validationSplit, not a divergence', async () => {
    await expect(fit({ dataset: { name: 'xor', samples: 1 }, validationSplit: 0.5 })).rejects.toMatchObject({
      name: 'ConfigError',
      field: 'validationSplit',
      message: expect.stringMatching(/leaves no training rows/),
    });
  });
});

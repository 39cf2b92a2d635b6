// The held-out test set: carved out before validation, never seen by early stopping or the best checkpoint (a run
// whose test rows are poisoned trains bit for bit the same), and scored once at the end on the best checkpoint.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { parseConfig, splitSeed } from '../../engine/config.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { splitRows } from '../../engine/data/split.ts';
import { train } from '../../engine/trainer.ts';
import type { Dataset, EpochMetrics } from '../../engine/types.ts';

const config = parseConfig({
  dataset: { name: 'gaussians', samples: 300, classes: 3, noise: 0.6 },
  model: { layers: [{ units: 8, activation: 'tanh' }] },
  testSplit: 0.2,
  validationSplit: 0.2,
  epochs: 25,
  batchSize: 16,
  earlyStopping: { enabled: true, patience: 4, metric: 'val_loss' },
  backend: 'cpu',
  seed: 3,
});

async function trained(dataset: Dataset) {
  const epochs: EpochMetrics[] = [];
  const result = await train(config, dataset, new CpuBackend(), { onEpoch: (m) => void epochs.push(m) });
  return { result, epochs: epochs.map(({ layers: _l, ...m }) => ({ ...m, durationMs: 0, samplesPerSec: 0 })) };
}

describe('test split', () => {
  it('never influences training, early stopping or the best epoch: poisoned test rows change only the test score', async () => {
    const clean = loadBuiltinDataset(config.dataset);
    const rows = splitRows(clean, config.validationSplit, splitSeed(config.dataset), {
      testSplit: config.testSplit,
      stratify: config.stratify,
    });
    expect(rows.test.length).toBe(60);
    // Same labels (so the same stratified split), features of every test row moved far off.
    const poisoned: Dataset = { ...clean, x: Float32Array.from(clean.x) };
    for (const r of rows.test)
      for (let j = 0; j < clean.features; j++) poisoned.x[r * clean.features + j] = 1e3 * (j + 1);
    const a = await trained(clean);
    const b = await trained(poisoned);
    expect(b.epochs).toEqual(a.epochs);
    expect(b.result.summary.bestEpoch).toBe(a.result.summary.bestEpoch);
    expect(b.result.summary.stoppedEarly).toBe(a.result.summary.stoppedEarly);
    expect(b.result.best!.layers.map((l) => [...l.W])).toEqual(a.result.best!.layers.map((l) => [...l.W]));
    const ta = a.result.summary.test!;
    const tb = b.result.summary.test!;
    expect(ta.samples).toBe(60);
    expect(ta.checkpoint).toBe('best');
    expect(ta.epoch).toBe(a.result.summary.bestEpoch);
    expect(ta.acc).toBeGreaterThan(0.6);
    expect(tb.loss).not.toBe(ta.loss);
    expect(a.result.data.testSamples).toBe(60);
    expect(a.result.data.trainSamples + a.result.data.valSamples).toBe(240);
  });

  it('holds out nothing and scores nothing without a test split', async () => {
    const none = await train(
      parseConfig({ ...config, testSplit: 0, epochs: 2 }),
      loadBuiltinDataset(config.dataset),
      new CpuBackend(),
    );
    expect(none.summary.test).toBeUndefined();
    expect(none.data.testSamples).toBeUndefined();
  });

  it('refuses a test and validation split that leave no training rows, naming testSplit', async () => {
    await expect(
      train(
        parseConfig({ ...config, testSplit: 0.5, validationSplit: 0.5 }),
        loadBuiltinDataset(config.dataset),
        new CpuBackend(),
      ),
    ).rejects.toMatchObject({
      field: 'testSplit',
      message: expect.stringMatching(/^testSplit: 0.5 with validationSplit 0.5/),
    });
  });
});

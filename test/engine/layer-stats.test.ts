// Per-epoch layer statistics: the histogram itself, the CPU backend's gradient norms against a hand-computed
// full-batch gradient, and how the trainer attaches both to what onEpoch reports (and nowhere else).
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { Mlp } from '../../engine/backends/cpu/mlp.ts';
import type { TrainingBackend } from '../../engine/backends/backend.ts';
import { parseConfig, splitSeed } from '../../engine/config.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { prepareData } from '../../engine/data/prepare.ts';
import { HISTOGRAM_BINS, histogram } from '../../engine/layer-stats.ts';
import { train } from '../../engine/trainer.ts';
import type { EpochMetrics, ModelSnapshot } from '../../engine/types.ts';

describe('histogram', () => {
  it('counts values in equal bins over [min, max], the max in the last bin', () => {
    expect(histogram([0, 1, 2, 3, 4], 4)).toEqual({ min: 0, max: 4, counts: [1, 1, 1, 2] });
    expect(histogram([-1, -0.5, 0.5, 1], 2)).toEqual({ min: -1, max: 1, counts: [2, 2] });
  });
  it('puts all-equal values in the first bin and keeps the bin count for empty input', () => {
    expect(histogram([3, 3, 3], 3)).toEqual({ min: 3, max: 3, counts: [3, 0, 0] });
    expect(histogram([], 5).counts).toEqual([0, 0, 0, 0, 0]);
  });
});

const config = parseConfig({
  dataset: { name: 'moons', samples: 120, noise: 0.1 },
  model: {
    layers: [
      { units: 6, activation: 'tanh' },
      { units: 5, activation: 'relu' },
    ],
  },
  epochs: 3,
  batchSize: 1000, // one batch per epoch: the epoch's mean norm is the full-batch gradient norm
  optimizer: { type: 'sgd', lr: 0.1 },
  backend: 'cpu',
  seed: 4,
});

async function run(backend: TrainingBackend) {
  const epochs: EpochMetrics[] = [];
  let initial: ModelSnapshot | undefined;
  const result = await train(config, loadBuiltinDataset(config.dataset), backend, {
    onStart: (s) => (initial = s.initial),
    onEpoch: (m) => void epochs.push(m),
  });
  return { result, epochs, initial: initial! };
}

describe('layer stats from the trainer', () => {
  it('reports a weight histogram of every layer and the CPU backend’s gradient norms', async () => {
    const { result, epochs, initial } = await run(new CpuBackend('float64'));
    expect(epochs).toHaveLength(3);
    for (const e of epochs) {
      expect(e.layers).toHaveLength(3);
      e.layers!.forEach((l, i) => {
        const shape = initial.layers[i]!;
        expect(l.weights.counts).toHaveLength(HISTOGRAM_BINS);
        expect(l.weights.counts.reduce((a, b) => a + b, 0)).toBe(shape.inputs * shape.units);
        expect(l.weights.min).toBeLessThanOrEqual(l.weights.max);
        expect(l.gradNorm).toBeGreaterThan(0);
      });
    }
    // The last epoch's histogram is of the weights the run ends with.
    expect(epochs[2]!.layers![0]!.weights).toEqual(histogram(result.final.layers[0]!.W));
    // Epoch 1's single batch: its gradient at the initial weights, computed here without the backend.
    const data = prepareData(
      loadBuiltinDataset(config.dataset),
      config.validationSplit,
      config.standardize,
      splitSeed(config.dataset),
    );
    const mlp = new Mlp(
      'float64',
      initial.layers.map((l) => ({ ...l, dropout: 0 })),
      initial.head,
      initial.loss,
    );
    const X = Float64Array.from(data.train.x);
    mlp.forward(X, data.train.n);
    mlp.lossAndBackward(X, data.train.n, { labels: data.train.labels! }, true);
    mlp.layers.forEach((l, i) => {
      const norm = Math.hypot(...l.dW);
      expect(epochs[0]!.layers![i]!.gradNorm).toBeCloseTo(norm, 9);
    });
  });

  it('averages the norm over an epoch’s batches and starts afresh each epoch', async () => {
    const backend = new CpuBackend('float64');
    const small = { ...config, batchSize: 16, epochs: 2 };
    const epochs: EpochMetrics[] = [];
    await train(small, loadBuiltinDataset(small.dataset), backend, { onEpoch: (m) => void epochs.push(m) });
    expect(backend.gradientNorms()).toEqual([0, 0, 0]); // read by the trainer after the last epoch, then reset
    expect(epochs[1]!.layers!.every((l) => l.gradNorm! > 0)).toBe(true);
  });

  it('leaves gradNorm null for a backend without the hook, and keeps summaries plain', async () => {
    const cpu = new CpuBackend('float32');
    const withoutHook: TrainingBackend = {
      info: cpu.info,
      init: (...a) => cpu.init(...a),
      trainEpoch: (...a) => cpu.trainEpoch(...a),
      evaluate: (s) => cpu.evaluate(s),
      predict: (x, n) => cpu.predict(x, n),
      getWeights: () => cpu.getWeights(),
      setWeights: (w) => cpu.setWeights(w),
      dispose: () => cpu.dispose(),
    };
    const { result, epochs } = await run(withoutHook);
    expect(epochs[0]!.layers!.map((l) => l.gradNorm)).toEqual([null, null, null]);
    expect(result.summary.final).not.toHaveProperty('layers');
    expect(result.summary.best).not.toHaveProperty('layers');
  });
});

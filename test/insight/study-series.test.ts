// The depth-vs-width study's series: finished runs grouped by depth with the mean ± sample std of the metric at the
// trainer's best epoch (as `mlpw study depth-width` prints it), against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../engine/config.ts';
import type { EpochMetrics } from '../../engine/types.ts';
import type { RunRecord } from '../../db/types.ts';
import { isDepthStudy, studySeries } from '../../insight/index.ts';
import type { RunWithEpochs } from '../../insight/run-columns.ts';

function epoch(n: number, valLoss: number, valAcc: number): EpochMetrics {
  return { epoch: n, trainLoss: valLoss, valLoss, trainAcc: valAcc, valAcc, lr: 0.1, durationMs: 1, samplesPerSec: 1 };
}

/** A run with hidden layers `layers`, seed `seed`, best epoch 2 of 3 (the last epoch is worse, and ignored). */
function run(id: string, layers: number[], seed: number, best: [number, number], status = 'completed'): RunWithEpochs {
  const config = parseConfig({
    dataset: { name: 'xor' },
    model: { layers: layers.map((units) => ({ units, activation: 'tanh' })) },
    seed,
  });
  const record = { id, status, config, bestEpoch: 2, bestValLoss: best[0] } as unknown as RunRecord;
  return { run: record, epochs: [epoch(1, 9, 0.1), epoch(2, best[0], best[1]), epoch(3, 8, 0.2)] };
}

describe('studySeries', () => {
  const runs = [
    run('a', [40], 1, [0.5, 0.7]),
    run('b', [40], 2, [0.3, 0.9]),
    run('c', [12, 12], 1, [0.2, 0.8]),
    run('d', [12, 12], 2, [0.4, 0.6]),
    run('e', [12, 12], 3, [0.6, 1.0]),
    run('f', [8, 8, 8], 1, [0.1, 0.95], 'running'),
  ];

  it('gives each depth the mean and sample std over its finished seeds, at the best epoch', () => {
    const loss = studySeries(runs, 'val_loss');
    expect(loss.map((p) => [p.depth, p.layers, p.runs])).toEqual([
      [1, '40', ['a', 'b']],
      [2, '12x12', ['c', 'd', 'e']],
    ]);
    // depth 1: 0.5, 0.3 → mean 0.4, std √((0.01 + 0.01)/1) = √0.02
    expect(loss[0]!.mean).toBeCloseTo(0.4, 12);
    expect(loss[0]!.std).toBeCloseTo(Math.sqrt(0.02), 12);
    // depth 2: 0.2, 0.4, 0.6 → mean 0.4, std √((0.04 + 0 + 0.04)/2) = 0.2
    expect(loss[1]!.mean).toBeCloseTo(0.4, 12);
    expect(loss[1]!.std).toBeCloseTo(0.2, 12);
    const acc = studySeries(runs, 'val_acc');
    expect(acc.map((p) => p.values)).toEqual([
      [0.7, 0.9],
      [0.8, 0.6, 1.0],
    ]);
    expect(acc[0]!.mean).toBeCloseTo(0.8, 12);
  });

  it('has no std with one seed, and leaves out runs with no best epoch or a non-finite value', () => {
    const one = studySeries([run('a', [40], 1, [0.5, 0.7]), run('n', [40], 2, [Number.NaN, 0.5])], 'val_loss');
    expect(one).toEqual([{ depth: 1, layers: '40', values: [0.5], runs: ['a'], mean: 0.5, std: null }]);
    const noBest = run('z', [4], 1, [0.1, 0.1]);
    (noBest.run as { bestEpoch: number | null }).bestEpoch = null;
    expect(studySeries([noBest], 'val_loss')).toEqual([]);
  });

  it('orders by depth, a network without hidden layers first', () => {
    const series = studySeries([run('b', [6, 6], 1, [0.3, 0.5]), run('a', [], 1, [0.6, 0.5])], 'val_loss');
    expect(series.map((p) => [p.depth, p.layers])).toEqual([
      [0, '0'],
      [2, '6x6'],
    ]);
  });
});

describe('isDepthStudy', () => {
  it('is a grid over hidden layers, alone or × seed', () => {
    expect(isDepthStudy(['model.layers'])).toBe(true);
    expect(isDepthStudy(['model.layers', 'seed'])).toBe(true);
    expect(isDepthStudy(['seed'])).toBe(false);
    expect(isDepthStudy(['model.layers', 'optimizer.lr'])).toBe(false);
  });
});

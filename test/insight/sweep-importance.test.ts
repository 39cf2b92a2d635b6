// A sweep's key importance (permutation importance of a random forest), Spearman's rank correlation and optimisation
// trace, against values worked out by hand and synthetic sweeps where one key alone decides the metric.
import { describe, expect, it } from 'vitest';
import {
  optimisationTrace,
  ranks,
  spearman,
  sweepImportance,
  sweepInsight,
  trialOrder,
  type TrialRun,
} from '../../insight/index.ts';
import { parseConfig } from '../../engine/config.ts';
import { Rng } from '../../engine/rng.ts';
import { fitForest } from '../../insight/regression-forest.ts';

describe('Spearman rank correlation', () => {
  it('ranks ties by the mean of the ranks they span', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  it('equals 1 − 6Σd²/(n(n²−1)) without ties, by hand', () => {
    // x ranks 1..5; y = [2, 1, 4, 3, 5] ranks the same: d = [−1, 1, −1, 1, 0], Σd² = 4, ρ = 1 − 24/120 = 0.8
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
    // Monotone, not linear: ρ = 1 and −1
    expect(spearman([0.001, 0.01, 0.1, 1], [1, 4, 9, 1000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [9, 7, 3, 1])).toBeCloseTo(-1, 12);
  });

  it('is Pearson of the mean ranks with ties, by hand', () => {
    // x = [1, 2, 2, 3] ranks [1, 2.5, 2.5, 4]; y = [1, 3, 2, 4] ranks [1, 3, 2, 4]. Centred (mean 2.5):
    // x' = [−1.5, 0, 0, 1.5], y' = [−1.5, 0.5, −0.5, 1.5]; Σx'y' = 4.5, Σx'² = 4.5, Σy'² = 5 → ρ = 4.5/√22.5
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
  });

  it('has none under three pairs or with a constant side', () => {
    expect(spearman([1, 2], [2, 1])).toBeNull();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(spearman([1, 2, 3], [4, 4, 4])).toBeNull();
  });
});

describe('sweep importance', () => {
  const keys = ['optimizer.lr', 'batchSize', 'model.layers.activation'];
  // 40 trials: the metric is a function of the learning rate alone; batch size and activation are noise.
  const rng = new Rng(7);
  const acts = ['relu', 'tanh', 'sigmoid'];
  const trials = Array.from({ length: 40 }, () => {
    const lr = Math.exp(rng.uniform(Math.log(1e-4), Math.log(1)));
    return {
      values: [lr, 8 + rng.int(120), acts[rng.int(3)]!],
      metric: (Math.log10(lr) + 2) ** 2,
    };
  });

  it('gives the key that decides the metric nearly all of the importance', () => {
    const result = sweepImportance(keys, trials);
    expect(result.n).toBe(40);
    const [lr, batch, act] = result.keys;
    expect(lr!.importance!).toBeGreaterThan(0.8);
    expect(batch!.importance!).toBeLessThan(0.15);
    expect(act!.importance!).toBeLessThan(0.15);
    expect(lr!.importance! + batch!.importance! + act!.importance!).toBeCloseTo(1, 9);
    expect(act!.kind).toBe('categorical');
    expect(act!.spearman).toBeNull();
  });

  it('correlates each numeric key as spearman() does over the trials', () => {
    const result = sweepImportance(keys, trials);
    const ys = trials.map((t) => t.metric);
    expect(result.keys[0]!.spearman).toBe(
      spearman(
        trials.map((t) => t.values[0] as number),
        ys,
      ),
    );
    expect(result.keys[1]!.spearman).toBe(
      spearman(
        trials.map((t) => t.values[1] as number),
        ys,
      ),
    );
    // A monotone key: ρ = ±1 exactly whatever its scale.
    const mono = sweepImportance(
      ['optimizer.lr'],
      [0.3, 0.1, 0.01, 0.001].map((lr) => ({ values: [lr], metric: -Math.log(lr) })),
    );
    expect(mono.keys[0]!.spearman).toBeCloseTo(-1, 12);
  });

  it('finds a key that splits the metric cleanly in two (ml-random-forest 2.1 gave every key none)', () => {
    const r = new Rng(3);
    const steps = Array.from({ length: 30 }, () => {
      const lr = r.uniform(0, 1);
      return { values: [lr, r.int(100), acts[r.int(3)]!], metric: lr > 0.5 ? 1 : 0 };
    });
    const [lr, batch, act] = sweepImportance(keys, steps).keys;
    expect(lr!.importance!).toBeGreaterThan(0.95);
    expect(batch!.importance! + act!.importance!).toBeLessThan(0.05);
  });

  it('is the same for the same trials (a seeded forest)', () => {
    expect(sweepImportance(keys, trials)).toEqual(sweepImportance(keys, trials));
  });

  it('leaves out trials without a metric, and says nothing with too few or a constant metric', () => {
    const withFailed = [...trials, { values: [0.5, 32, 'relu'], metric: null }];
    expect(sweepImportance(keys, withFailed).n).toBe(40);
    const two = sweepImportance(keys, trials.slice(0, 2));
    expect(two.keys.every((k) => k.importance === null && k.spearman === null)).toBe(true);
    const flat = sweepImportance(
      keys,
      trials.map((t) => ({ ...t, metric: 0.25 })),
    );
    expect(flat.keys.every((k) => k.importance === null && k.spearman === null)).toBe(true);
  });
});

describe('regression forest', () => {
  it('fits a step exactly away from its edge and a line closely between its rows', () => {
    const xs = Array.from({ length: 40 }, (_, i) => i / 39);
    const step = fitForest(
      xs.map((x) => [x]),
      xs.map((x) => (x < 0.5 ? 2 : 5)),
    );
    // Away from the edge every bootstrap tree agrees; at it, a tree that drew neither neighbour cuts between others.
    for (const x of xs.filter((x) => Math.abs(x - 0.5) > 0.1)) expect(step.predict([x])).toBe(x < 0.5 ? 2 : 5);
    const line = fitForest(
      xs.map((x) => [x, 0.3]),
      xs.map((x) => 3 * x),
    );
    for (const x of [0.1, 0.42, 0.77]) expect(Math.abs(line.predict([x, 0.3]) - 3 * x)).toBeLessThan(0.15);
  });

  it('is seeded, and names a mismatch of rows and values', () => {
    const rows = [[1], [2], [3], [4], [5]];
    const ys = [1, 4, 2, 8, 5];
    const a = fitForest(rows, ys, { seed: 9 });
    const b = fitForest(rows, ys, { seed: 9 });
    expect(rows.map((r) => a.predict(r))).toEqual(rows.map((r) => b.predict(r)));
    expect(() => fitForest(rows, [1, 2])).toThrow('fitForest: 5 rows and 2 values');
  });
});

describe('optimisation trace', () => {
  it('keeps the best so far, skipping trials without a value', () => {
    expect(optimisationTrace([0.5, null, 0.7, 0.2, 0.3], true).map((p) => p.best)).toEqual([0.5, 0.5, 0.5, 0.2, 0.2]);
    expect(optimisationTrace([null, 0.6, 0.9, 0.8], false)).toEqual([
      { trial: 1, value: null, best: null },
      { trial: 2, value: 0.6, best: 0.6 },
      { trial: 3, value: 0.9, best: 0.9 },
      { trial: 4, value: 0.8, best: 0.9 },
    ]);
  });

  it('orders trials by when they started, the ones not started after', () => {
    const run = (id: string, createdAt: number, startedAt: number | null) =>
      ({
        id,
        status: 'completed',
        createdAt,
        startedAt,
        bestValLoss: 1,
        finalValAcc: null,
        finalTrainLoss: null,
      }) as TrialRun & { id: string };
    const order = trialOrder([run('a', 1, 30), run('b', 1, 10), run('c', 2, null), run('d', 1, null), run('e', 1, 20)]);
    expect(order.map((r) => r.id)).toEqual(['b', 'e', 'a', 'd', 'c']);
  });
});

describe('sweepInsight (the sweep page, and what mlpw sweeps can print)', () => {
  const run = (id: string, lr: number, startedAt: number | null, status: string, bestValLoss: number | null) => ({
    id,
    status,
    config: parseConfig({ optimizer: { lr } }),
    createdAt: 1,
    startedAt,
    bestValLoss,
    finalValAcc: null,
    finalTrainLoss: null,
  });
  const runs = [
    run('c', 0.3, 30, 'completed', 0.2),
    run('a', 0.1, 10, 'completed', 0.5),
    run('q', 0.2, null, 'queued', null),
    run('b', 0.01, 20, 'diverged', null),
    run('d', 0.03, 40, 'completed', 0.4),
    run('r', 0.05, 50, 'running', 0.9),
  ];

  it('traces the ended trials in the order they started, a diverged one without a value', () => {
    const { trace } = sweepInsight(runs, ['optimizer.lr']);
    expect(trace.map((p) => [p.value, p.best])).toEqual([
      [0.5, 0.5],
      [null, 0.5],
      [0.2, 0.2],
      [0.4, 0.2],
    ]);
  });

  it('correlates over the trials with the metric, the running one’s best so far included', () => {
    const { importance } = sweepInsight(runs, ['optimizer.lr']);
    // lr 0.1, 0.3, 0.03, 0.05 against 0.5, 0.2, 0.4, 0.9: ranks [3, 4, 1, 2] and [3, 1, 2, 4], ρ = 1 − 6·14/60 = −0.4
    expect(importance.n).toBe(4);
    expect(importance.keys[0]!.spearman).toBeCloseTo(-0.4, 12);
  });
});

// Optimizer steps against values computed by hand (and written out below), plus the schedules.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../engine/config.ts';
import { optimizerStep } from '../../engine/model/optimizers.ts';
import { learningRateAt } from '../../engine/model/schedules.ts';

const opt = (o: Record<string, unknown>) => parseConfig({ optimizer: o }).optimizer;

describe('optimizer steps', () => {
  it('sgd: w − η·g', () => {
    const w = Float64Array.of(1, -2);
    optimizerStep(opt({ type: 'sgd' }), w, Float64Array.of(0.5, -1), [], 0.1, 1, true);
    expect([...w]).toEqual([1 - 0.05, -2 + 0.1]);
  });

  it('sgd with weight decay on weights, not on biases', () => {
    const o = opt({ type: 'sgd', weightDecay: 0.1 });
    const w = Float64Array.of(2);
    optimizerStep(o, w, Float64Array.of(1), [], 0.5, 1, true);
    expect(w[0]).toBeCloseTo(2 - 0.5 * (1 + 0.2), 15); // 1.4
    const b = Float64Array.of(2);
    optimizerStep(o, b, Float64Array.of(1), [], 0.5, 1, false);
    expect(b[0]).toBeCloseTo(1.5, 15);
  });

  it('momentum: v ← μv + g, w ← w − ηv over two steps', () => {
    const o = opt({ type: 'momentum', momentum: 0.9 });
    const w = Float64Array.of(1);
    const v = Float64Array.of(0);
    optimizerStep(o, w, Float64Array.of(1), [v], 0.1, 1, true); // v = 1, w = 0.9
    optimizerStep(o, w, Float64Array.of(1), [v], 0.1, 2, true); // v = 1.9, w = 0.71
    expect(v[0]).toBeCloseTo(1.9, 15);
    expect(w[0]).toBeCloseTo(0.71, 15);
  });

  it('nesterov: w ← w − η(g + μv)', () => {
    const o = opt({ type: 'momentum', momentum: 0.9, nesterov: true });
    const w = Float64Array.of(1);
    const v = Float64Array.of(0);
    optimizerStep(o, w, Float64Array.of(1), [v], 0.1, 1, true); // v = 1, w = 1 − 0.1·1.9 = 0.81
    expect(w[0]).toBeCloseTo(0.81, 15);
    optimizerStep(o, w, Float64Array.of(1), [v], 0.1, 2, true); // v = 1.9, w = 0.81 − 0.1·(1 + 1.71) = 0.539
    expect(w[0]).toBeCloseTo(0.539, 15);
  });

  it('adam: the first step moves each weight by η·sign(g) (bias correction), the second as computed', () => {
    const o = opt({ type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    const w = Float64Array.of(1, 1);
    const m = new Float64Array(2);
    const s = new Float64Array(2);
    optimizerStep(o, w, Float64Array.of(0.3, -4), [m, s], 0.01, 1, true);
    expect(w[0]).toBeCloseTo(0.99, 7);
    expect(w[1]).toBeCloseTo(1.01, 7);
    // step 2 with g = 0.1 for w[0]: m = 0.9·0.03 + 0.01 = 0.037, s = 0.999·0.00009 + 0.001·0.01 = 0.00009991
    // m̂ = 0.037/0.19 = 0.194736842, ŝ = 0.00009991/0.001999 = 0.0499799900, update = 0.01·m̂/√ŝ = 0.008710...
    optimizerStep(o, w, Float64Array.of(0.1, 0), [m, s], 0.01, 2, true);
    expect(m[0]).toBeCloseTo(0.037, 15);
    expect(s[0]).toBeCloseTo(0.00009991, 15);
    const w1 = 1 - (0.01 * 0.3) / (0.3 + 1e-8);
    const expected = w1 - (0.01 * (0.037 / 0.19)) / (Math.sqrt(0.00009991 / 0.001999) + 1e-8);
    expect(w[0]).toBeCloseTo(expected, 12);
    expect(expected).toBeCloseTo(0.99 - 0.0087107, 6);
  });
});

describe('learning-rate schedules', () => {
  it('step halves every stepSize epochs', () => {
    const c = parseConfig({ optimizer: { lr: 0.1 }, schedule: { type: 'step', stepSize: 10, gamma: 0.5 } });
    expect([0, 9, 10, 25].map((e) => learningRateAt(c, e))).toEqual([0.1, 0.1, 0.05, 0.025]);
  });
  it('cosine goes from lr to minLr over the run', () => {
    const c = parseConfig({ epochs: 11, optimizer: { lr: 0.1 }, schedule: { type: 'cosine', minLr: 0.001 } });
    expect(learningRateAt(c, 0)).toBeCloseTo(0.1, 15);
    expect(learningRateAt(c, 5)).toBeCloseTo((0.1 + 0.001) / 2, 15);
    expect(learningRateAt(c, 10)).toBeCloseTo(0.001, 15);
  });
});

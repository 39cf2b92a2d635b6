// Backprop against central finite differences in float64, for every activation × head/loss pair, through three
// hidden layers (the lecture's homework, automated).
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Activation, type ResolvedHead, type ResolvedLoss } from '../../engine/config.ts';
import { Mlp } from '../../engine/backends/cpu/mlp.ts';
import { Rng } from '../../engine/rng.ts';

const PAIRS: [ResolvedHead, ResolvedLoss][] = [
  ['softmax', 'cross_entropy'],
  ['softmax', 'mse'],
  ['sigmoid', 'binary_cross_entropy'],
  ['sigmoid', 'mse'],
  ['identity', 'mse'],
];

function build(activation: Activation, head: ResolvedHead, loss: ResolvedLoss, seed: number) {
  const rng = new Rng(seed);
  const features = 3;
  const classes = head === 'sigmoid' ? 1 : 3;
  const widths = [features, 5, 4, 6, classes];
  const shapes = widths.slice(1).map((units, i) => ({
    inputs: widths[i]!,
    units,
    activation: i < 3 ? activation : ('identity' as Activation),
    dropout: 0,
    W: Float64Array.from({ length: widths[i]! * units }, () => rng.normal() * 0.8),
    b: Float64Array.from({ length: units }, () => rng.normal() * 0.2),
  }));
  const mlp = new Mlp('float64', shapes, head, loss);
  const n = 4;
  const X = Float64Array.from({ length: n * features }, () => rng.normal());
  const labels = Uint32Array.from({ length: n }, () => rng.int(head === 'sigmoid' ? 2 : classes));
  const targets = Float64Array.from({ length: n * classes }, () => rng.normal());
  const t = head === 'identity' ? { targets } : { labels };
  const meanLoss = () => {
    mlp.forward(X, n);
    return mlp.lossAndBackward(X, n, t, false).lossSum / n;
  };
  return { mlp, X, n, t, meanLoss };
}

/** ‖a − b‖ / (‖a‖ + ‖b‖), the usual relative error of a gradient check. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(na) + Math.sqrt(nb), 1e-12);
}

describe('gradient check (float64, 3 hidden layers)', () => {
  const cases = ACTIVATIONS.flatMap((a) => PAIRS.map(([h, l]) => [a, h, l] as const));
  it.each(cases)('%s hidden, %s head, %s loss', (activation, head, loss) => {
    const { mlp, X, n, t, meanLoss } = build(activation, head, loss, 11);
    mlp.forward(X, n);
    mlp.lossAndBackward(X, n, t, true);
    const h = 1e-6;
    for (const layer of mlp.layers) {
      for (const [param, grad] of [
        [layer.W, Float64Array.from(layer.dW)],
        [layer.b, Float64Array.from(layer.db)],
      ] as const) {
        const numeric = new Float64Array(param.length);
        for (let i = 0; i < param.length; i++) {
          const saved = param[i]!;
          param[i] = saved + h;
          const up = meanLoss();
          param[i] = saved - h;
          const down = meanLoss();
          param[i] = saved;
          numeric[i] = (up - down) / (2 * h);
        }
        expect(relativeError(grad, numeric)).toBeLessThanOrEqual(1e-6);
      }
    }
  });
});

describe('gradient check with inverted dropout (fixed mask)', () => {
  it('tanh hidden layers with dropout 0.3, softmax cross-entropy', () => {
    const rng = new Rng(5);
    const widths = [3, 6, 6, 6, 3];
    const shapes = widths.slice(1).map((units, i) => ({
      inputs: widths[i]!,
      units,
      activation: (i < 3 ? 'tanh' : 'identity') as Activation,
      dropout: i < 3 ? 0.3 : 0,
      W: Float64Array.from({ length: widths[i]! * units }, () => rng.normal()),
      b: Float64Array.from({ length: units }, () => rng.normal() * 0.1),
    }));
    const mlp = new Mlp('float64', shapes, 'softmax', 'cross_entropy');
    const n = 5;
    const X = Float64Array.from({ length: n * 3 }, () => rng.normal());
    const t = { labels: Uint32Array.from({ length: n }, () => rng.int(3)) };
    const drop = { seed: 9, step: 4 };
    mlp.forward(X, n, drop);
    mlp.lossAndBackward(X, n, t, true);
    const layer = mlp.layers[1]!;
    const analytic = Float64Array.from(layer.dW);
    const numeric = new Float64Array(layer.W.length);
    const h = 1e-6;
    for (let i = 0; i < layer.W.length; i++) {
      const saved = layer.W[i]!;
      layer.W[i] = saved + h;
      mlp.forward(X, n, drop);
      const up = mlp.lossAndBackward(X, n, t, false).lossSum / n;
      layer.W[i] = saved - h;
      mlp.forward(X, n, drop);
      const down = mlp.lossAndBackward(X, n, t, false).lossSum / n;
      layer.W[i] = saved;
      numeric[i] = (up - down) / (2 * h);
    }
    expect(relativeError(analytic, numeric)).toBeLessThanOrEqual(1e-6);
    // the mask really changes the output (some units dropped, the rest scaled by 1/(1 − p))
    const withDropout = Float64Array.from(mlp.forward(X, n, drop).subarray(0, n * 3));
    const without = Float64Array.from(mlp.forward(X, n).subarray(0, n * 3));
    expect(relativeError(withDropout, without)).toBeGreaterThan(1e-3);
  });
});

describe('loss values', () => {
  it('softmax cross-entropy of equal logits is log(k)', () => {
    const mlp = new Mlp(
      'float64',
      [{ inputs: 1, units: 4, activation: 'identity', dropout: 0, W: [0, 0, 0, 0], b: [0, 0, 0, 0] }],
      'softmax',
      'cross_entropy',
    );
    const X = Float64Array.of(1);
    mlp.forward(X, 1);
    expect(mlp.lossAndBackward(X, 1, { labels: [2] }, false).lossSum).toBeCloseTo(Math.log(4), 12);
  });
  it('binary cross-entropy stays finite for a confident wrong answer', () => {
    const mlp = new Mlp(
      'float64',
      [{ inputs: 1, units: 1, activation: 'identity', dropout: 0, W: [800], b: [0] }],
      'sigmoid',
      'binary_cross_entropy',
    );
    const X = Float64Array.of(1);
    mlp.forward(X, 1);
    expect(mlp.lossAndBackward(X, 1, { labels: [0] }, false).lossSum).toBeCloseTo(800, 9);
  });
  it('relu has subgradient 0 at 0', () => {
    const mlp = new Mlp(
      'float64',
      [
        { inputs: 1, units: 1, activation: 'relu', dropout: 0, W: [1], b: [0] },
        { inputs: 1, units: 1, activation: 'identity', dropout: 0, W: [1], b: [0] },
      ],
      'identity',
      'mse',
    );
    const X = Float64Array.of(0);
    mlp.forward(X, 1);
    mlp.lossAndBackward(X, 1, { targets: Float64Array.of(1) }, true);
    expect(mlp.layers[0]!.db[0]).toBe(0);
    expect(mlp.layers[1]!.dW[0]).toBe(0);
    expect(mlp.layers[1]!.db[0]).toBe(-2);
  });
});

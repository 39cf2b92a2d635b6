// The distillation losses (mimic L2 on logits, softened cross-entropy at temperature T, mixed with the true-label
// loss by alpha) against central finite differences in float64, through two hidden layers, like every other loss.
import { describe, expect, it } from 'vitest';
import type { Activation, ResolvedHead, ResolvedLoss } from '../../engine/config.ts';
import { Mlp } from '../../engine/backends/cpu/mlp.ts';
import { distillTerm, type DistillLoss } from '../../engine/model/losses.ts';
import { Rng } from '../../engine/rng.ts';

const PAIRS: [ResolvedHead, ResolvedLoss][] = [
  ['softmax', 'cross_entropy'],
  ['sigmoid', 'binary_cross_entropy'],
  ['identity', 'mse'],
];
const SETTINGS: DistillLoss[] = [
  { loss: 'mimic-l2', temperature: 1, alpha: 0 },
  { loss: 'mimic-l2', temperature: 1, alpha: 0.3 },
  { loss: 'soft-ce', temperature: 1, alpha: 0 },
  { loss: 'soft-ce', temperature: 4, alpha: 0 },
  { loss: 'soft-ce', temperature: 2.5, alpha: 0.4 },
];

function build(head: ResolvedHead, loss: ResolvedLoss, distill: DistillLoss, seed: number) {
  const rng = new Rng(seed);
  const features = 3;
  const k = head === 'sigmoid' ? 1 : 3;
  const widths = [features, 5, 4, k];
  const shapes = widths.slice(1).map((units, i) => ({
    inputs: widths[i]!,
    units,
    activation: (i < 2 ? 'tanh' : 'identity') as Activation,
    dropout: 0,
    W: Float64Array.from({ length: widths[i]! * units }, () => rng.normal() * 0.8),
    b: Float64Array.from({ length: units }, () => rng.normal() * 0.2),
  }));
  const mlp = new Mlp('float64', shapes, head, loss, distill);
  const n = 5;
  const X = Float64Array.from({ length: n * features }, () => rng.normal());
  const teacher = Float64Array.from({ length: n * k }, () => rng.normal() * 3);
  const labels = Uint32Array.from({ length: n }, () => rng.int(head === 'sigmoid' ? 2 : k));
  const targets = Float64Array.from({ length: n * k }, () => rng.normal());
  const t = head === 'identity' ? { targets, teacher } : { labels, teacher };
  const meanLoss = () => {
    mlp.forward(X, n);
    return mlp.lossAndBackward(X, n, t, false).lossSum / n;
  };
  return { mlp, X, n, t, meanLoss };
}

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

describe('distillation gradient check (float64, 2 hidden layers)', () => {
  const cases = SETTINGS.flatMap((d) =>
    PAIRS.filter(([head]) => d.loss === 'mimic-l2' || head !== 'identity').map(([h, l]) => [d, h, l] as const),
  );
  it.each(cases)('%o with %s head, %s loss', (distill, head, loss) => {
    const { mlp, X, n, t, meanLoss } = build(head, loss, distill, 23);
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

describe('distillation loss values', () => {
  const Z = Float64Array.of(1, -2, 0.5, 3, 0, -1);
  it('mimic-l2 is the mean squared logit difference and vanishes on the teacher', () => {
    const d: DistillLoss = { loss: 'mimic-l2', temperature: 1, alpha: 0 };
    expect(distillTerm(d, 'softmax', Z, Z, 2, 3, null)).toBe(0);
    const t = Float64Array.from(Z, (z) => z + 2);
    expect(distillTerm(d, 'softmax', Z, t, 2, 3, null)).toBeCloseTo(2 * 4, 12);
  });
  it('soft-ce against itself is T² times the entropy of softmax(z/T), with zero gradient', () => {
    const T = 3;
    const d: DistillLoss = { loss: 'soft-ce', temperature: T, alpha: 0 };
    const dZ = new Float64Array(6);
    let entropy = 0;
    for (let i = 0; i < 2; i++) {
      const e = [0, 1, 2].map((j) => Math.exp(Z[i * 3 + j]! / T));
      const s = e.reduce((a, b) => a + b);
      for (const v of e) entropy -= (v / s) * Math.log(v / s);
    }
    expect(distillTerm(d, 'softmax', Z, Z, 2, 3, dZ)).toBeCloseTo(T * T * entropy, 12);
    for (const g of dZ) expect(Math.abs(g)).toBeLessThan(1e-15);
  });
  it('soft-ce refuses the identity head, naming the field', () => {
    const d: DistillLoss = { loss: 'soft-ce', temperature: 2, alpha: 0 };
    expect(() => distillTerm(d, 'identity', Z, Z, 2, 3, null)).toThrow(/distill\.loss: soft-ce/);
  });
});

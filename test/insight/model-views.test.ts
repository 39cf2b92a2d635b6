// Confusion matrix, decision boundary and gradient check on hand-built snapshots (answers known in advance) and on
// a trained run (answers that must agree with what training recorded).
import { describe, expect, it, vi } from 'vitest';
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { Mlp } from '../../engine/backends/cpu/mlp.ts';
import { parseConfig, splitSeed } from '../../engine/config.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { prepareData } from '../../engine/data/prepare.ts';
import { train } from '../../engine/trainer.ts';
import type { ModelSnapshot } from '../../engine/types.ts';
import {
  confusionFromOutputs,
  confusionMatrix,
  decisionBoundary,
  gradientCheck,
  paddedRange,
} from '../../insight/index.ts';
import { sampleIndices } from '../../insight/gradient-check.ts';
import { Rng } from '../../engine/rng.ts';

/** Two classes split by the sign of feature 0: logits (−x₀, x₀). */
const signOfX: ModelSnapshot = {
  task: 'classification',
  head: 'softmax',
  loss: 'cross_entropy',
  layers: [
    { inputs: 2, units: 2, activation: 'identity', W: Float32Array.from([-1, 1, 0, 0]), b: Float32Array.from([0, 0]) },
  ],
  standardize: null,
  classLabels: ['left', 'right'],
};

describe('confusion matrix', () => {
  it('counts true × predicted with recall and precision per class', () => {
    // softmax outputs of 5 rows over 3 classes; labels 0,0,1,2,2
    const out = [0.9, 0.05, 0.05, 0.2, 0.7, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8, 0.6, 0.3, 0.1];
    const m = confusionFromOutputs(out, 3, [0, 0, 1, 2, 2], ['a', 'b', 'c']);
    expect(m.counts).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 1],
    ]);
    expect(m.accuracy).toBeCloseTo(3 / 5, 12);
    expect(m.recall).toEqual([0.5, 1, 0.5]);
    expect(m.precision).toEqual([0.5, 0.5, 1]);
  });

  it('reads a one-unit sigmoid head as p ≥ 0.5 → class 1', () => {
    const m = confusionFromOutputs([0.2, 0.7, 0.5, 0.1], 1, [0, 1, 0, 1], ['no', 'yes']);
    expect(m.counts).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it('uses the engine’s predictions on raw rows', async () => {
    const rows = { x: Float32Array.from([-2, 5, 3, 0, 1, 1, -1, -1]), n: 4, labels: Uint32Array.from([0, 1, 0, 0]) };
    const m = await confusionMatrix(signOfX, rows);
    expect(m.classes).toEqual(['left', 'right']);
    expect(m.counts).toEqual([
      [2, 1],
      [0, 1],
    ]);
  });
});

describe('decision boundary', () => {
  it('grows the data’s box by a margin', () => {
    expect(paddedRange([0, 9, 10, 9], 2, 0, 2)).toEqual([-1, 11]);
    expect(paddedRange([3, 3], 1, 0, 2)).toEqual([2, 4]);
  });

  it('evaluates the model on an N×N grid, x fastest, from the lower left', async () => {
    const rows = { x: Float32Array.from([-1, -1, 1, 1]), n: 2, label: [0, 1] };
    const g = await decisionBoundary(signOfX, rows, 5);
    expect(g.x).toEqual([-1.2, 1.2]);
    expect(g.predicted).toHaveLength(25);
    // columns left of x = 0 are 'left', right of it 'right'; the middle column sits on the boundary
    for (let r = 0; r < 5; r++) {
      expect(g.predicted.slice(r * 5, r * 5 + 5)).toEqual([0, 0, expect.any(Number), 1, 1]);
      expect(g.value[r * 5]).toBeGreaterThan(0.9);
    }
    expect(g.points).toEqual([
      { x: -1, y: -1, label: 0 },
      { x: 1, y: 1, label: 1 },
    ]);
  });

  it('refuses a model without exactly two inputs', async () => {
    const wide = { ...signOfX, layers: [{ ...signOfX.layers[0]!, inputs: 1, W: Float32Array.from([1, -1]) }] };
    await expect(decisionBoundary(wide, { x: new Float32Array(2), n: 2, label: [0, 1] })).rejects.toThrow(
      /2 input features/,
    );
  });
});

async function trained(activation: 'tanh' | 'relu') {
  const config = parseConfig({
    dataset: { name: 'spiral', samples: 300, classes: 3 },
    model: {
      layers: [
        { units: 12, activation },
        { units: 12, activation },
      ],
    },
    epochs: 8,
    seed: 3,
    backend: 'cpu',
  });
  const dataset = loadBuiltinDataset(config.dataset);
  const result = await train(config, dataset, new CpuBackend('float32'));
  const raw = prepareData(dataset, config.validationSplit, false, splitSeed(config.dataset));
  return { result, val: raw.val };
}

describe('on a trained run', () => {
  it('the confusion matrix’s accuracy is the recorded validation accuracy', async () => {
    const { result, val } = await trained('tanh');
    const m = await confusionMatrix(result.final, { x: val.x, n: val.n, labels: val.labels! });
    expect(m.total).toBe(val.n);
    expect(m.accuracy).toBeCloseTo(result.summary.final!.valAcc!, 12);
  });

  it('backprop agrees with finite differences in every layer', async () => {
    const { result, val } = await trained('tanh');
    const check = gradientCheck(result.final, { x: val.x, n: 8, labels: val.labels });
    expect(check.verdict).toBe('agree');
    expect(check.layers.map((l) => [l.inputs, l.units, l.checked, l.parameters])).toEqual([
      [2, 12, 36, 36],
      [12, 12, 40, 156],
      [12, 3, 39, 39],
    ]);
    for (const l of check.layers) expect(l.relError).toBeLessThan(1e-7);
  });

  it('catches a backprop bug', async () => {
    const { result, val } = await trained('relu');
    const original = Mlp.prototype.lossAndBackward;
    const spy = vi.spyOn(Mlp.prototype, 'lossAndBackward').mockImplementation(function (this: Mlp, ...args) {
      const r = original.apply(this, args);
      if (args[3]) this.layers[1]!.dW[0]! *= 1.5; // a wrong factor in one weight's gradient
      return r;
    });
    try {
      const check = gradientCheck(result.final, { x: val.x, n: 8, labels: val.labels }, { perLayer: 1000 });
      expect(check.verdict).toBe('disagree');
      expect(check.layers[1]!.maxRelError).toBeGreaterThan(0.1);
      expect(check.layers[0]!.maxRelError).toBeLessThan(1e-3);
    } finally {
      spy.mockRestore();
    }
  });

  it('samples distinct parameters, all of them when few', () => {
    expect(sampleIndices(5, 10, new Rng(1))).toEqual([0, 1, 2, 3, 4]);
    const s = sampleIndices(1000, 40, new Rng(1));
    expect(new Set(s).size).toBe(40);
    expect(s).toEqual([...s].sort((a, b) => a - b));
  });
});

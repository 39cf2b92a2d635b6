// The network view's thumbnails against the engine: every hidden unit's activation over the grid equals the engine's
// own layer-by-layer forward pass (engine/model's linearForward + activationForward, float64) on the same weights and
// the same standardised grid, and the output thumbnails equal the head outputs of the CPU reference Mlp and of
// enginePredict (float32, what the decision boundary draws).
import { describe, expect, it } from 'vitest';
import { Mlp } from '../../engine/backends/cpu/mlp.ts';
import type { Activation, ResolvedHead } from '../../engine/config.ts';
import { activationForward } from '../../engine/model/activations.ts';
import { linearForward } from '../../engine/model/linear.ts';
import { Rng } from '../../engine/rng.ts';
import type { ModelSnapshot } from '../../engine/types.ts';
import { enginePredict } from '../../export/onnx/engine-predict.ts';
import { expandRows } from '../../engine/data/transforms.ts';
import { gridAxis } from '../../insight/decision-boundary.ts';
import { unitActivations, unitContributions } from '../../insight/unit-activations.ts';

function randomSnapshot(widths: number[], activations: Activation[], head: ResolvedHead, seed: number): ModelSnapshot {
  const rng = new Rng(seed);
  const layers = widths.slice(1).map((units, l) => {
    const inputs = widths[l]!;
    const W = Float32Array.from({ length: inputs * units }, () => rng.uniform(-1.5, 1.5));
    const b = Float32Array.from({ length: units }, () => rng.uniform(-0.5, 0.5));
    return { inputs, units, activation: l < widths.length - 2 ? activations[l]! : ('identity' as const), W, b };
  });
  return {
    task: head === 'identity' ? 'regression' : 'classification',
    head,
    loss: head === 'identity' ? 'mse' : head === 'sigmoid' ? 'binary_cross_entropy' : 'cross_entropy',
    layers,
    standardize: { mean: Float32Array.from([0.3, -0.2]), std: Float32Array.from([1.7, 0.6]) },
  };
}

/** The grid's raw cell centres, row-major from (x.min, y.min), x fastest, as unitActivations lays out its cells. */
function gridRows(x: [number, number], y: [number, number], resolution: number): Float32Array {
  const xs = gridAxis(x[0], x[1], resolution);
  const ys = gridAxis(y[0], y[1], resolution);
  const rows = new Float32Array(resolution * resolution * 2);
  for (let r = 0; r < resolution; r++)
    for (let c = 0; c < resolution; c++) rows.set([xs[c]!, ys[r]!], 2 * (r * resolution + c));
  return rows;
}

const CASES: { name: string; widths: number[]; activations: Activation[]; head: ResolvedHead }[] = [
  {
    name: 'spiral-like 2-8-6-3, tanh then relu, softmax',
    widths: [2, 8, 6, 3],
    activations: ['tanh', 'relu'],
    head: 'softmax',
  },
  { name: '2-5-1 sigmoid units, sigmoid head', widths: [2, 5, 1], activations: ['sigmoid'], head: 'sigmoid' },
  {
    name: '2-4-4-2 gelu, leaky_relu, identity head',
    widths: [2, 4, 4, 2],
    activations: ['gelu', 'leaky_relu'],
    head: 'identity',
  },
];

describe('unit activations over the input plane', () => {
  for (const c of CASES)
    it(`${c.name}: every unit equals the engine's forward pass`, async () => {
      const snapshot = randomSnapshot(c.widths, c.activations, c.head, 7);
      const x: [number, number] = [-1.2, 2.5];
      const y: [number, number] = [-0.8, 1.1];
      const res = 9;
      const cells = res * res;
      const got = unitActivations(snapshot, x, y, res);
      expect(got.layers.map((l) => l.units)).toEqual(c.widths.slice(1));

      // The engine's layers, float64, on the grid standardised as training does.
      const raw = gridRows(x, y, res);
      let input = Float64Array.from(
        raw,
        (v, i) => (v - snapshot.standardize!.mean[i % 2]!) / snapshot.standardize!.std[i % 2]!,
      );
      snapshot.layers.slice(0, -1).forEach((l, li) => {
        const Z = new Float64Array(cells * l.units);
        const A = new Float64Array(cells * l.units);
        linearForward(input, Float64Array.from(l.W), Float64Array.from(l.b), Z, cells, l.inputs, l.units);
        activationForward(l.activation, Z, A, cells * l.units);
        const mine = got.layers[li]!;
        for (let u = 0; u < l.units; u++)
          for (let cell = 0; cell < cells; cell++)
            expect(mine.values[u * cells + cell]).toBeCloseTo(A[cell * l.units + u]!, 5);
        for (let u = 0; u < l.units; u++) {
          const column = Array.from({ length: cells }, (_, cell) => A[cell * l.units + u]!);
          expect(mine.min[u]).toBeCloseTo(Math.min(...column), 5);
          expect(mine.max[u]).toBeCloseTo(Math.max(...column), 5);
        }
        input = A;
      });

      // The output layer after the head: the reference Mlp (float64) and enginePredict (float32).
      const std = Float64Array.from(
        raw,
        (v, i) => (v - snapshot.standardize!.mean[i % 2]!) / snapshot.standardize!.std[i % 2]!,
      );
      const mlp = new Mlp(
        'float64',
        snapshot.layers.map((l) => ({ ...l, dropout: 0 })),
        snapshot.head,
        snapshot.loss,
      );
      const P = mlp.forward(std, cells);
      const predicted = await enginePredict(snapshot, raw, cells);
      const out = got.layers[got.layers.length - 1]!;
      const k = out.units;
      for (let u = 0; u < k; u++)
        for (let cell = 0; cell < cells; cell++) {
          expect(out.values[u * cells + cell]).toBeCloseTo(P[cell * k + u]!, 5);
          expect(out.values[u * cells + cell]).toBeCloseTo(predicted[cell * k + u]!, 4);
        }
    });

  it('refuses a network that is not two features in, naming its inputs', () => {
    const snapshot = randomSnapshot([3, 4, 2], ['tanh'], 'softmax', 1);
    expect(() => unitActivations(snapshot, [0, 1], [0, 1])).toThrow('need 2 input features (this model has 3)');
  });

  it('splits a 1-D net’s fit into the output bias plus each last hidden unit’s w·h(x), equal to enginePredict', async () => {
    const snapshot: ModelSnapshot = {
      ...randomSnapshot([1, 7, 5, 1], ['tanh', 'relu'], 'identity', 11),
      standardize: { mean: Float32Array.from([0.4]), std: Float32Array.from([1.8]) },
    };
    const c = unitContributions(snapshot, [-3, 3], 50);
    expect(c.contributions).toHaveLength(5);
    expect(c.bias).toBe(snapshot.layers[2]!.b[0]);
    const predicted = await enginePredict(snapshot, Float32Array.from(c.x), 50);
    for (let i = 0; i < 50; i++) {
      const sum = c.bias + c.contributions.reduce((s, u) => s + u[i]!, 0);
      expect(sum).toBeCloseTo(c.fit[i]!, 10);
      expect(c.fit[i]).toBeCloseTo(predicted[i]!, 4);
    }
    // Not all flat: the units do contribute.
    expect(Math.max(...c.contributions.map((u) => Math.max(...u) - Math.min(...u)))).toBeGreaterThan(0.01);
  });

  it('a net on x1, x2 and feature transforms: each cell through the transforms, then the net (= enginePredict)', async () => {
    const snapshot: ModelSnapshot = {
      ...randomSnapshot([4, 6, 3], ['tanh'], 'softmax', 5),
      standardize: { mean: Float32Array.from([0.3, -0.2, 0.5, 0.1]), std: Float32Array.from([1.7, 0.6, 0.9, 0.7]) },
      featureNames: ['x1', 'x2', 'x1^2', 'sin(x2)'],
    };
    const [x, y, res] = [[-1, 2] as [number, number], [-1.5, 0.5] as [number, number], 7];
    const got = unitActivations(snapshot, x, y, res);
    const raw = gridRows(x, y, res);
    const rows = expandRows(raw, res * res, ['x1^2', 'sin(x2)']);
    expect(rows[2]).toBeCloseTo(raw[0]! ** 2, 6);
    const expected = await enginePredict(snapshot, rows, res * res);
    const out = got.layers[1]!;
    for (let cell = 0; cell < res * res; cell++)
      for (let k = 0; k < 3; k++) expect(out.values[k * res * res + cell]).toBeCloseTo(expected[cell * 3 + k]!, 5);
    expect(() => unitActivations({ ...snapshot, featureNames: ['a', 'b', 'c', 'd'] }, x, y, res)).toThrow(
      /need 2 input features \(this model has 4\)/,
    );
  });
});

// Input feature transforms (dataset.transforms, issue 16): the appended columns' values against the raw x₁, x₂ of the
// same generated rows, the config's checks (names, repeats, 2-feature sets only), the feature names a model keeps
// (and reads its transforms back from), and what they are for: a linear model separates circles once x₁², x₂² are in.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { ConfigError, parseConfig } from '../../engine/config.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { expandRows, transformsOf } from '../../engine/data/transforms.ts';
import { train } from '../../engine/trainer.ts';

describe('feature transforms', () => {
  it('append x₁², x₁x₂ and sin x₂ computed from each row’s own x₁, x₂, in the order given', () => {
    const base = { name: 'spiral', samples: 300, noise: 0.1, seed: 7 };
    const raw = loadBuiltinDataset(parseConfig({ dataset: base }).dataset);
    const t = loadBuiltinDataset(
      parseConfig({ dataset: { ...base, transforms: ['x1^2', 'x1*x2', 'sin(x2)'] } }).dataset,
    );
    expect(t.features).toBe(5);
    expect(t.featureNames).toEqual(['x1', 'x2', 'x1^2', 'x1*x2', 'sin(x2)']);
    expect(t.labels).toEqual(raw.labels);
    for (let i = 0; i < raw.n; i++) {
      const [a, b] = [raw.x[2 * i]!, raw.x[2 * i + 1]!];
      const row = Array.from(t.x.subarray(5 * i, 5 * i + 5));
      expect(row.slice(0, 2)).toEqual([a, b]);
      expect(row[2]).toBeCloseTo(a * a, 6);
      expect(row[3]).toBeCloseTo(a * b, 6);
      expect(row[4]).toBeCloseTo(Math.sin(b), 6);
    }
    // Hand-computed: (2, -0.5) → x₂² 0.25, sin x₁ 0.9093.
    expect(Array.from(expandRows([2, -0.5], 1, ['x2^2', 'sin(x1)']))).toEqual([
      2,
      -0.5,
      0.25,
      Math.fround(Math.sin(2)),
    ]);
  });

  it('a config without transforms generates the very same rows as before the key existed', () => {
    const d = parseConfig({ dataset: { name: 'xor', samples: 50 } }).dataset;
    expect('transforms' in d).toBe(false);
    const a = loadBuiltinDataset(d);
    const b = loadBuiltinDataset({ ...d, transforms: [] } as typeof d);
    expect(b.x).toEqual(a.x);
    expect(a.features).toBe(2);
  });

  it('refuses an unknown or repeated transform, and transforms on a set without 2 features, naming the key', () => {
    expect(() => parseConfig({ dataset: { name: 'xor', transforms: ['x3^2'] } })).toThrow(/dataset\.transforms/);
    expect(() => parseConfig({ dataset: { name: 'xor', transforms: ['x1^2', 'x1^2'] } })).toThrow(
      /dataset\.transforms.*each transform at most once/,
    );
    const iris = parseConfig({ dataset: { name: 'iris', transforms: ['x1^2'] } }).dataset;
    let thrown: unknown;
    try {
      loadBuiltinDataset(iris);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).field).toBe('dataset.transforms');
    expect((thrown as Error).message).toBe(
      'dataset.transforms: feature transforms are for the 2-feature built-in sets; "iris" has 4 features',
    );
  });

  it('reads a model’s transforms back from its feature names', () => {
    expect(transformsOf(['x1', 'x2'], 2)).toEqual([]);
    expect(transformsOf(['x1', 'x2', 'sin(x1)', 'x1*x2'], 4)).toEqual(['sin(x1)', 'x1*x2']);
    expect(transformsOf(['a', 'b', 'c', 'd'], 4)).toBeNull();
    expect(transformsOf(undefined, 784)).toBeNull();
  });

  it('let a model with no hidden layer separate circles (x₁², x₂²), which it cannot from x₁, x₂ alone', async () => {
    const run = async (transforms?: string[]) => {
      const config = parseConfig({
        dataset: { name: 'circles', samples: 400, noise: 0.05, seed: 2, ...(transforms ? { transforms } : {}) },
        model: { layers: [] },
        optimizer: { type: 'adam', lr: 0.05 },
        epochs: 60,
        batchSize: 32,
        backend: 'cpu',
        seed: 3,
      });
      const result = await train(config, loadBuiltinDataset(config.dataset), new CpuBackend());
      return { acc: result.summary.final!.valAcc!, snapshot: result.final };
    };
    const plain = await run();
    const squared = await run(['x1^2', 'x2^2']);
    expect(squared.snapshot.layers[0]!.inputs).toBe(4);
    expect(squared.snapshot.featureNames).toEqual(['x1', 'x2', 'x1^2', 'x2^2']);
    expect(squared.acc).toBeGreaterThan(0.95);
    expect(plain.acc).toBeLessThan(0.8);
  });
});

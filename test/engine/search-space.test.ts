// Random and Bayesian search spaces: --param parsing and its errors, seeded random proposals, and TPE against the
// behaviour its paper reports (it finds a 1-D optimum faster than random search).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseConfig } from '../../engine/config.ts';
import {
  GridError,
  parseParamFlag,
  randomProposals,
  sampleParam,
  tpePropose,
  validateSpace,
  type SearchParam,
  type TpeTrial,
} from '../../engine/experiment/index.ts';
import { Rng } from '../../engine/rng.ts';

const base = parseConfig({ dataset: { name: 'xor' }, model: { layers: [{ units: 8, activation: 'tanh' }] } });

function paramError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof GridError) return e.message;
    throw e;
  }
  throw new Error('no error');
}

describe('parseParamFlag', () => {
  it.each([
    ['optimizer.lr=uniform:0.01:0.1', { kind: 'uniform', low: 0.01, high: 0.1 }],
    ['optimizer.lr=loguniform:1e-4:0.1', { kind: 'loguniform', low: 1e-4, high: 0.1 }],
    ['batchSize=int:8:64', { kind: 'int', low: 8, high: 64 }],
    ['model.layers=choice:16,32,16x16', { kind: 'choice', values: [[16], [32], [16, 16]] }],
    ['optimizer.type=choice:sgd,adam', { kind: 'choice', values: ['sgd', 'adam'] }],
  ])('%s', (flag, dist) => {
    expect(parseParamFlag(flag).dist).toEqual(dist);
  });

  it.each([
    ['optimizer.lr', /^--param "optimizer\.lr": expected KEY=DIST/],
    ['optimizer.lrr=uniform:0:1', /^--param optimizer\.lrr: not a config key/],
    ['optimizer.lr=normal:0:1', /^--param optimizer\.lr=normal:0:1: expected uniform:A:B/],
    ['optimizer.lr=uniform:0.1', /^--param optimizer\.lr=uniform:0\.1: expected uniform:A:B/],
    ['optimizer.lr=uniform:x:1', /^--param optimizer\.lr=uniform:x:1: "x" is not a number/],
    ['optimizer.lr=uniform:1:0.1', /A must be less than B/],
    ['optimizer.lr=loguniform:0:1', /^--param optimizer\.lr=loguniform:0:1: loguniform needs A > 0/],
    ['batchSize=int:1.5:4', /^--param batchSize=int:1\.5:4: int needs whole numbers/],
    ['model.layers=choice:16,abc', /^--param model\.layers=abc: "abc" is not a positive number/],
    ['model.layers=uniform:1:4', /^--param model\.layers=uniform:1:4: layer lists take choice/],
    ['optimizer.type=choice:sgd,,adam', /an empty choice/],
  ])('%s is refused, naming it', (flag, message) => {
    expect(paramError(() => parseParamFlag(flag))).toMatch(message);
  });

  it('validates the range against the config, naming the key and text', () => {
    expect(paramError(() => validateSpace(base, [parseParamFlag('optimizer.lr=uniform:-1:1')]))).toMatch(
      /^--param optimizer\.lr=uniform:-1:1: /,
    );
    expect(paramError(() => validateSpace(base, [parseParamFlag('optimizer.type=choice:sgd,nope')]))).toMatch(
      /^--param optimizer\.type=choice:sgd,nope: /,
    );
    expect(paramError(() => validateSpace(base, []))).toMatch(/needs at least one --param/);
    expect(() => validateSpace(base, [parseParamFlag('optimizer.lr=loguniform:0.001:0.1')])).not.toThrow();
  });
});

const space: SearchParam[] = [
  'optimizer.lr=loguniform:0.0001:0.1',
  'model.layers.dropout=uniform:0:0.5',
  'batchSize=int:8:12',
  'model.layers=choice:16,32,16x16',
].map((f) => parseParamFlag(f));

describe('random search', () => {
  it('proposes the same points for the same seed, and others for another', () => {
    expect(randomProposals(space, 20, 7)).toEqual(randomProposals(space, 20, 7));
    expect(randomProposals(space, 20, 7)).not.toEqual(randomProposals(space, 20, 8));
  });

  it('keeps every value inside its range, int inclusive of both ends', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        for (const point of randomProposals(space, 10, seed)) {
          const [lr, dropout, batch, layers] = point.map((a) => a.value) as [number, number, number, number[]];
          expect(lr).toBeGreaterThanOrEqual(0.0001);
          expect(lr).toBeLessThanOrEqual(0.1);
          expect(dropout).toBeGreaterThanOrEqual(0);
          expect(dropout).toBeLessThanOrEqual(0.5);
          expect([8, 9, 10, 11, 12]).toContain(batch);
          expect([[16], [32], [16, 16]]).toContainEqual(layers);
        }
      }),
      { numRuns: 50 },
    );
    const ints = new Set(randomProposals(space, 400, 1).map((p) => p[2]!.value));
    expect([...ints].sort()).toEqual([10, 11, 12, 8, 9]);
  });

  it('samples log-uniform in log space: the mean of log x is near the middle of the log range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.double({ min: 1e-6, max: 1, noNaN: true }),
        fc.double({ min: 10, max: 1e4, noNaN: true }),
        (seed, low, ratio) => {
          const dist = { kind: 'loguniform' as const, low, high: low * ratio };
          const rng = new Rng(seed);
          const n = 2000;
          let sum = 0;
          for (let i = 0; i < n; i++) sum += Math.log(sampleParam(dist, rng) as number);
          const [a, b] = [Math.log(dist.low), Math.log(dist.high)];
          // The mean of n uniforms on [a, b] has std (b − a)/√(12 n); 6 of them is a wide margin.
          expect(Math.abs(sum / n - (a + b) / 2)).toBeLessThan((6 * (b - a)) / Math.sqrt(12 * n));
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('TPE', () => {
  const x = parseParamFlag('optimizer.lr=uniform:-5:5');
  const f = (v: number) => (v - 1.7) ** 2;

  function bestOf(propose: (trials: TpeTrial[], rng: Rng) => number, seed: number, n = 30): number {
    const rng = new Rng(seed);
    const trials: TpeTrial[] = [];
    for (let i = 0; i < n; i++) {
      const v = propose(trials, rng);
      trials.push({ values: [v], score: f(v) });
    }
    return Math.min(...trials.map((t) => t.score!));
  }

  it("beats random search's median best on a 1-D quadratic in 30 trials (as in Bergstra et al. 2011)", () => {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const seeds = Array.from({ length: 10 }, (_, i) => i + 1);
    const random = seeds.map((s) => bestOf((_, rng) => sampleParam(x.dist, rng) as number, s));
    const tpe = seeds.map((s) => bestOf((trials, rng) => tpePropose([x], trials, rng)[0]!.value as number, s));
    expect(median(tpe)).toBeLessThan(median(random));
    // Every TPE run is at least as good as random's median: the model, not luck.
    expect(tpe.filter((b) => b <= median(random)).length).toBeGreaterThanOrEqual(8);
  });

  it('is random for the first n_startup trials and seeded throughout', () => {
    const run = (seed: number) => {
      const rng = new Rng(seed);
      const trials: TpeTrial[] = [];
      for (let i = 0; i < 12; i++) {
        const point = tpePropose(space, trials, rng);
        trials.push({ values: point.map((a) => a.value), score: i % 3 === 0 ? null : i });
      }
      return trials.map((t) => t.values);
    };
    expect(run(3)).toEqual(run(3));
    const rng = new Rng(9);
    expect(tpePropose(space, [], rng)).toEqual(randomProposals(space, 1, 9)[0]);
  });
});

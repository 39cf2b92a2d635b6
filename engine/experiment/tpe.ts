// Tree-structured Parzen Estimator (Bergstra et al. 2011, "Algorithms for Hyper-Parameter Optimization"): after
// n_startup random trials, split the finished ones at the γ quantile of the metric into good and bad, fit a Parzen
// density to each per parameter, and propose the draw from l(x) (of `candidates`) that maximises l(x)/g(x).
import type { Rng } from '../rng.ts';
import { assignmentsOf, randomPoint, type Assignments } from './random-search.ts';
import type { ParamDist, SearchParam } from './search-space.ts';

export interface TpeTrial {
  /** the trial's value per parameter, in the space's order */
  values: readonly unknown[];
  /** the metric to minimise; null, NaN or Infinity (a failed run) counts as worst */
  score: number | null;
}

export interface TpeOptions {
  gamma?: number;
  nStartup?: number;
  candidates?: number;
}

interface ParamModel {
  sample(rng: Rng): number;
  /** log l(x) − log g(x) at a sample */
  logRatio(z: number): number;
  value(z: number): unknown;
}

const worst = (t: TpeTrial) => (t.score == null || !Number.isFinite(t.score) ? Infinity : t.score);

/** A Gaussian-kernel Parzen density over [a, b] mixed with a uniform prior of weight one. */
function parzen(zs: number[], a: number, b: number) {
  const range = b - a;
  const n = zs.length;
  const mean = zs.reduce((s, z) => s + z, 0) / Math.max(1, n);
  const std = Math.sqrt(zs.reduce((s, z) => s + (z - mean) ** 2, 0) / Math.max(1, n));
  // Scott's rule, kept between range/min(100, n+1) (hyperopt's floor) and the range.
  const sigma = Math.min(range, Math.max(range / Math.min(100, n + 1), 1.06 * std * n ** -0.2));
  return {
    density(z: number): number {
      let sum = 1 / range;
      for (const c of zs) sum += Math.exp(-0.5 * ((z - c) / sigma) ** 2) / (sigma * Math.sqrt(2 * Math.PI));
      return sum / (n + 1);
    },
    sample(rng: Rng): number {
      const k = rng.int(n + 1);
      if (k === n) return rng.uniform(a, b);
      for (let tries = 0; tries < 20; tries++) {
        const z = zs[k]! + sigma * rng.normal();
        if (z >= a && z <= b) return z;
      }
      return Math.min(b, Math.max(a, zs[k]!));
    },
  };
}

function tidy(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, Number(x.toPrecision(6))));
}

function model(dist: ParamDist, good: unknown[], bad: unknown[]): ParamModel {
  if (dist.kind === 'choice') {
    const keys = dist.values.map((v) => JSON.stringify(v));
    // Smoothed counts: one pseudo-count per choice.
    const probs = (vs: unknown[]) =>
      keys.map((k) => (vs.filter((v) => JSON.stringify(v) === k).length + 1) / (vs.length + keys.length));
    const l = probs(good);
    const g = probs(bad);
    return {
      sample(rng) {
        let u = rng.next();
        for (let j = 0; j < l.length; j++) if ((u -= l[j]!) < 0) return j;
        return l.length - 1;
      },
      logRatio: (j) => Math.log(l[j]!) - Math.log(g[j]!),
      value: (j) => dist.values[j],
    };
  }
  const log = dist.kind === 'loguniform';
  const [a, b] =
    dist.kind === 'int'
      ? [dist.low - 0.5, dist.high + 0.5]
      : log
        ? [Math.log(dist.low), Math.log(dist.high)]
        : [dist.low, dist.high];
  const z = (v: unknown) => (log ? Math.log(v as number) : (v as number));
  const l = parzen(good.map(z), a, b);
  const g = parzen(bad.map(z), a, b);
  return {
    sample: (rng) => l.sample(rng),
    logRatio: (x) => Math.log(l.density(x)) - Math.log(g.density(x)),
    value: (x) =>
      dist.kind === 'int'
        ? Math.min(dist.high, Math.max(dist.low, Math.round(x)))
        : tidy(log ? Math.exp(x) : x, dist.low, dist.high),
  };
}

/** The next point to try given the finished trials; random for the first nStartup. */
export function tpePropose(
  params: readonly SearchParam[],
  trials: readonly TpeTrial[],
  rng: Rng,
  { gamma = 0.25, nStartup = 5, candidates = 24 }: TpeOptions = {},
): Assignments {
  if (trials.length < nStartup) return randomPoint(params, rng);
  const sorted = [...trials].sort((x, y) => worst(x) - worst(y));
  const nGood = Math.max(1, Math.ceil(gamma * sorted.length));
  const good = sorted.slice(0, nGood);
  const bad = sorted.slice(nGood);
  const models = params.map((p, i) =>
    model(
      p.dist,
      good.map((t) => t.values[i]),
      bad.map((t) => t.values[i]),
    ),
  );
  let best: number[] = [];
  let bestScore = -Infinity;
  for (let c = 0; c < candidates; c++) {
    const zs = models.map((m) => m.sample(rng));
    const score = zs.reduce((s, z, j) => s + models[j]!.logRatio(z), 0);
    if (score > bestScore || best.length === 0) [best, bestScore] = [zs, score];
  }
  return assignmentsOf(
    params,
    best.map((z, j) => models[j]!.value(z)),
  );
}

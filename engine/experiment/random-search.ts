// Random search: each trial draws every --param from its distribution with one seeded Rng, so the same sweep seed
// proposes the same points. Log-uniform draws are uniform in log space; int ranges include both ends.
import { Rng } from '../rng.ts';
import type { GridPoint } from './grid.ts';
import { valueText } from './grid.ts';
import type { ParamDist, SearchParam } from './search-space.ts';

export type Assignments = GridPoint['assignments'];

/** Six significant digits keep labels and stored configs readable; clamped so rounding never leaves the range. */
function tidy(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, Number(x.toPrecision(6))));
}

export function sampleParam(dist: ParamDist, rng: Rng): unknown {
  switch (dist.kind) {
    case 'uniform':
      return tidy(rng.uniform(dist.low, dist.high), dist.low, dist.high);
    case 'loguniform':
      return tidy(Math.exp(rng.uniform(Math.log(dist.low), Math.log(dist.high))), dist.low, dist.high);
    case 'int':
      return dist.low + rng.int(dist.high - dist.low + 1);
    case 'choice':
      return dist.values[rng.int(dist.values.length)];
  }
}

export function assignmentsOf(params: readonly SearchParam[], values: readonly unknown[]): Assignments {
  return params.map((p, i) => ({ key: p.key, value: values[i], text: valueText(p.key, values[i]) }));
}

/** One random point of the space. */
export function randomPoint(params: readonly SearchParam[], rng: Rng): Assignments {
  return assignmentsOf(
    params,
    params.map((p) => sampleParam(p.dist, rng)),
  );
}

/** `trials` random points, a pure function of the space and the seed. */
export function randomProposals(params: readonly SearchParam[], trials: number, seed: number): Assignments[] {
  const rng = new Rng(seed);
  return Array.from({ length: trials }, () => randomPoint(params, rng));
}

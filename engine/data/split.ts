// Which rows each split holds: every held-out set is carved from one seeded permutation, stratified so that each split
// keeps every stratum's share (a class, or a bin of target quantiles) within one row. The seed alone decides.
import { Rng } from '../rng.ts';
import type { Dataset } from '../types.ts';
import type { STRATIFY } from '../config.ts';

export type Stratify = (typeof STRATIFY)[number];

/** How the held-out rows are chosen (the config's testSplit, stratify and crossValidation). */
export interface SplitOptions {
  /** default 'auto': classification by class, regression unstratified */
  stratify?: Stratify;
  /** fraction of all rows held out as the test set, before validation; default 0 */
  testSplit?: number;
  /** k-fold: fold `fold` of `folds` (after the test rows are taken) validates, the others train */
  crossValidation?: { folds: number; fold: number };
}

/** Target quantile bins of a regression stratified by quantiles (fewer when a held-out split has fewer rows). */
export const QUANTILE_BINS = 10;

/** How many of `n` rows the split holds out for validation (at least one when there is a split and rows to spare). */
export function heldOutRows(n: number, fraction: number): number {
  const held = Math.round(n * fraction);
  return fraction > 0 && held === 0 && n > 1 ? 1 : held;
}

/** Row indices per split, each in the permutation's order; `sizes` add up to the row count. */
function dealRows(order: Uint32Array, stratum: Uint32Array | null, sizes: readonly number[]): Uint32Array[] {
  let strataCount = 1;
  if (stratum) for (let r = 0; r < stratum.length; r++) strataCount = Math.max(strataCount, stratum[r]! + 1);
  const counts = new Array<number>(strataCount).fill(0);
  for (let r = 0; r < order.length; r++) counts[stratum ? stratum[r]! : 0]!++;
  const alloc = apportion(counts, sizes);
  // cumulative bounds per stratum: the k-th row of stratum c (in permutation order) goes to the split whose bound passes k
  const seen = new Array<number>(strataCount).fill(0);
  const lists: number[][] = sizes.map(() => []);
  for (const row of order) {
    const c = stratum ? stratum[row]! : 0;
    const k = seen[c]!++;
    let s = 0;
    let bound = alloc[c]![0]!;
    while (k >= bound) bound += alloc[c]![++s]!;
    lists[s]!.push(row);
  }
  return lists.map((l) => Uint32Array.from(l));
}

/**
 * Rows of each stratum per split: every cell is its quota (count·size/n) rounded down or up, each stratum's row sum is
 * its count and each split's column sum its size. Such a rounding always exists; the rounded-up cells are found as a
 * bipartite b-matching by augmenting paths (strata × splits is small: ≤ 100 classes × ≤ 101 splits).
 */
export function apportion(counts: readonly number[], sizes: readonly number[]): number[][] {
  const n = counts.reduce((a, b) => a + b, 0);
  if (sizes.reduce((a, b) => a + b, 0) !== n) throw new Error(`split sizes ${sizes.join('+')} do not add up to ${n}`);
  const alloc = counts.map((c) => sizes.map((s) => (n === 0 ? 0 : Math.floor((c * s) / n))));
  const fractional = counts.map((c) => sizes.map((s) => n > 0 && (c * s) % n !== 0));
  const need = counts.map((c, i) => c - alloc[i]!.reduce((a, b) => a + b, 0));
  const room = sizes.map((s, j) => s - alloc.reduce((a, row) => a + row[j]!, 0));
  const up = counts.map(() => sizes.map(() => false));
  const augment = (c: number, visited: boolean[]): boolean => {
    for (let s = 0; s < sizes.length; s++) {
      if (!fractional[c]![s] || up[c]![s] || visited[s]) continue;
      visited[s] = true;
      if (room[s]! > 0) {
        room[s]!--;
        up[c]![s] = true;
        return true;
      }
      for (let c2 = 0; c2 < counts.length; c2++)
        if (up[c2]![s] && augment(c2, visited)) {
          up[c2]![s] = false;
          up[c]![s] = true;
          return true;
        }
    }
    return false;
  };
  for (let c = 0; c < counts.length; c++)
    for (let k = 0; k < need[c]!; k++)
      if (!augment(c, new Array<boolean>(sizes.length).fill(false)))
        throw new Error(`no stratified rounding of counts ${counts.join(',')} into sizes ${sizes.join(',')}`);
  return alloc.map((row, c) => row.map((a, s) => a + (up[c]![s] ? 1 : 0)));
}

/** The stratum of each row, or null for an unstratified split. */
export function strataOf(d: Dataset, stratify: Stratify, smallestHeldOut: number): Uint32Array | null {
  if (stratify === 'none') return null;
  if (d.task === 'classification') return d.labels ?? null;
  if (stratify === 'auto' || !d.targets) return null;
  // Bins of the first target's rank (ties by row), at most one per row of the smallest held-out split.
  const bins = Math.max(1, Math.min(QUANTILE_BINS, smallestHeldOut));
  const o = d.outputs;
  const rank = Array.from({ length: d.n }, (_, i) => i).sort(
    (a, b) => d.targets![a * o]! - d.targets![b * o]! || a - b,
  );
  const stratum = new Uint32Array(d.n);
  rank.forEach((row, r) => (stratum[row] = Math.floor((r * bins) / d.n)));
  return stratum;
}

export interface SplitRows {
  train: Uint32Array;
  val: Uint32Array;
  /** empty without a test split */
  test: Uint32Array;
}

/** The rows of the training, validation and test splits of `d`. */
export function splitRows(d: Dataset, validationSplit: number, seed: number, options: SplitOptions = {}): SplitRows {
  const order = new Rng(seed ^ 0x5eed5917).permutation(d.n);
  const nTest = Math.min(heldOutRows(d.n, options.testSplit ?? 0), d.n);
  const rest = d.n - nTest;
  const cv = options.crossValidation;
  let sizes: number[];
  if (cv) {
    sizes = [nTest];
    for (let j = 0; j < cv.folds; j++)
      sizes.push(Math.floor(((j + 1) * rest) / cv.folds) - Math.floor((j * rest) / cv.folds));
  } else {
    const nVal = Math.min(heldOutRows(d.n, validationSplit), rest);
    sizes = [nTest, nVal, rest - nVal];
  }
  const heldOut = cv ? sizes : sizes.slice(0, 2);
  const smallest = Math.min(...heldOut.filter((s) => s > 0), d.n);
  const lists = dealRows(order, strataOf(d, options.stratify ?? 'auto', smallest), sizes);
  if (!cv) return { test: lists[0]!, val: lists[1]!, train: lists[2]! };
  // The training folds merged back into the permutation's order.
  const position = new Uint32Array(d.n);
  order.forEach((row, p) => (position[row] = p));
  const train = Uint32Array.from(
    lists
      .slice(1)
      .filter((_, j) => j !== cv.fold)
      .flatMap((l) => [...l]),
  );
  train.sort((a, b) => position[a]! - position[b]!);
  return { test: lists[0]!, val: lists[1 + cv.fold]!, train };
}

// A small random forest of regression trees (Breiman 2001): each tree is CART grown on a bootstrap sample, splitting
// where the squared error falls most, every column a candidate at every split (scikit-learn's regression default,
// max_features = 1.0). Written here because ml-random-forest 2.1's trees (ml-cart 2.1) never make a split that leaves
// no error at the root (it compares the error with the parent's "gain", 0), so a key that alone decides the metric
// got no tree at all. Seeded: the same rows give the same forest.
import { Rng } from '../engine/rng.ts';

type TreeNode = { value: number } | { column: number; threshold: number; left: TreeNode; right: TreeNode };

export interface ForestOptions {
  trees?: number;
  seed?: number;
  /** deepest split; a sweep's few dozen trials need no more */
  maxDepth?: number;
  /** fewest rows a leaf keeps */
  minLeaf?: number;
}

export interface RegressionForest {
  predict(row: readonly number[]): number;
}

const mean = (ys: readonly number[], idx: readonly number[]) => idx.reduce((s, i) => s + ys[i]!, 0) / idx.length;

/** The split of `idx` that lowers the squared error most, over every column: prefix sums over the sorted rows. */
function bestSplit(rows: readonly (readonly number[])[], ys: readonly number[], idx: number[], minLeaf: number) {
  let best: { column: number; threshold: number; error: number; cut: number; order: number[] } | null = null;
  const n = idx.length;
  for (let column = 0; column < rows[0]!.length; column++) {
    const order = [...idx].sort((a, b) => rows[a]![column]! - rows[b]![column]!);
    let totalSum = 0;
    let totalSq = 0;
    for (const i of order) {
      totalSum += ys[i]!;
      totalSq += ys[i]! ** 2;
    }
    let sum = 0;
    let sq = 0;
    for (let k = 0; k < n - 1; k++) {
      sum += ys[order[k]!]!;
      sq += ys[order[k]!]! ** 2;
      const here = rows[order[k]!]![column]!;
      const next = rows[order[k + 1]!]![column]!;
      if (here === next || k + 1 < minLeaf || n - k - 1 < minLeaf) continue;
      const left = sq - sum ** 2 / (k + 1);
      const right = totalSq - sq - (totalSum - sum) ** 2 / (n - k - 1);
      const error = left + right;
      if (!best || error < best.error) best = { column, threshold: (here + next) / 2, error, cut: k + 1, order };
    }
  }
  return best;
}

function grow(
  rows: readonly (readonly number[])[],
  ys: readonly number[],
  idx: number[],
  depth: number,
  opts: Required<Pick<ForestOptions, 'maxDepth' | 'minLeaf'>>,
): TreeNode {
  const value = mean(ys, idx);
  const error = idx.reduce((s, i) => s + (ys[i]! - value) ** 2, 0);
  if (depth >= opts.maxDepth || idx.length < 2 * opts.minLeaf || error <= 1e-15 * (1 + value ** 2)) return { value };
  const split = bestSplit(rows, ys, idx, opts.minLeaf);
  if (!split || split.error >= error) return { value };
  return {
    column: split.column,
    threshold: split.threshold,
    left: grow(rows, ys, split.order.slice(0, split.cut), depth + 1, opts),
    right: grow(rows, ys, split.order.slice(split.cut), depth + 1, opts),
  };
}

function predictTree(node: TreeNode, row: readonly number[]): number {
  while ('column' in node) node = row[node.column]! < node.threshold ? node.left : node.right;
  return node.value;
}

export function fitForest(
  rows: readonly (readonly number[])[],
  ys: readonly number[],
  { trees = 100, seed = 1, maxDepth = 12, minLeaf = 1 }: ForestOptions = {},
): RegressionForest {
  if (rows.length === 0 || rows.length !== ys.length)
    throw new RangeError(`fitForest: ${rows.length} rows and ${ys.length} values; expected the same, at least one`);
  const rng = new Rng(seed);
  const n = rows.length;
  const forest = Array.from({ length: trees }, () =>
    grow(
      rows,
      ys,
      Array.from({ length: n }, () => rng.int(n)),
      0,
      { maxDepth, minLeaf },
    ),
  );
  return { predict: (row) => forest.reduce((s, t) => s + predictTree(t, row), 0) / forest.length };
}

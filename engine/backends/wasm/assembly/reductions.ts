// Column sums (the bias gradient), row gathers (a minibatch out of the epoch's permutation) and the sum of squares
// (a gradient's squared L2 norm, for the insight views).
import { shareStart } from './activations';

/** db[j] = Σ_rows dZ[r][j], rows in order; threads take groups of 4 columns. */
export function columnSums(dZ: usize, db: usize, n: i32, units: i32, part: i32, parts: i32): void {
  const groups = (units + 3) >> 2;
  const j0 = shareStart(groups, part, parts) << 2;
  const j1 = min(units, shareStart(groups, part + 1, parts) << 2);
  const row = <usize>units << 2;
  let j = j0;
  for (; j + 4 <= j1; j += 4) {
    let s = f32x4.splat(0);
    let p = dZ + (<usize>j << 2);
    for (let r = 0; r < n; r++) {
      s = f32x4.add(s, v128.load(p));
      p += row;
    }
    v128.store(db + (<usize>j << 2), s);
  }
  for (; j < j1; j++) {
    let s: f32 = 0;
    for (let r = 0; r < n; r++) s += load<f32>(dZ + <usize>r * row + (<usize>j << 2));
    store<f32>(db + (<usize>j << 2), s);
  }
}

/** dst row i = src row index[i], for n rows of rowBytes each. */
export function gatherRows(src: usize, index: usize, dst: usize, n: i32, rowBytes: i32, part: i32, parts: i32): void {
  const r0 = shareStart(n, part, parts);
  const r1 = shareStart(n, part + 1, parts);
  const bytes = <usize>rowBytes;
  for (let i = r0; i < r1; i++) {
    const r = <usize>load<u32>(index + (<usize>i << 2));
    memory.copy(dst + <usize>i * bytes, src + r * bytes, bytes);
  }
}

/**
 * out[b] = sumOfSquares(ptr_b, count_b) for the blocks b that part `part` of `parts` takes, where `table` holds
 * `blocks` (ptr, count) pairs of u32: the host cuts every gradient into blocks of a fixed size and adds each one's
 * block sums in block order, so the norm is the same for any thread count.
 */
export function sumOfSquaresBlocks(table: usize, blocks: i32, out: usize, part: i32, parts: i32): void {
  const b1 = shareStart(blocks, part + 1, parts);
  for (let b = shareStart(blocks, part, parts); b < b1; b++) {
    const entry = table + (<usize>b << 3);
    store<f64>(out + (<usize>b << 3), sumOfSquares(<usize>load<u32>(entry), <i32>load<u32>(entry, 4)));
  }
}

/**
 * Σ x[i]² over `count` floats, in f64 like the reference's l2Norm (an f32 square is exact in f64, so only the
 * summation order differs). Four f64x2 accumulators: 8 floats per iteration, two independent add chains per half.
 */
export function sumOfSquares(x: usize, count: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = s0;
  let s2 = s0;
  let s3 = s0;
  let i = 0;
  for (; i + 8 <= count; i += 8) {
    const p = x + (<usize>i << 2);
    const a = v128.load(p);
    const b = v128.load(p, 16);
    const a0 = f64x2.promote_low_f32x4(a);
    const a1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 2, 3));
    const b0 = f64x2.promote_low_f32x4(b);
    const b1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(b, b, 2, 3, 2, 3));
    s0 = f64x2.add(s0, f64x2.mul(a0, a0));
    s1 = f64x2.add(s1, f64x2.mul(a1, a1));
    s2 = f64x2.add(s2, f64x2.mul(b0, b0));
    s3 = f64x2.add(s3, f64x2.mul(b1, b1));
  }
  const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < count; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    total += v * v;
  }
  return total;
}

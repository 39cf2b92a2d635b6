// Column sums (the bias gradient) and row gathers (a minibatch out of the epoch's permutation).
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

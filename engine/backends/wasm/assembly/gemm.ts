// Blocked, register-tiled matrix product C = A·B in three layouts (forward and the two products of backprop):
//   NN: A m×k (row stride lda), B k×n (ldb)   — H = X·W
//   TN: A stored k×m (lda), B k×n (ldb)       — dW = Xᵀ·dY
//   NT: A m×k (lda), B stored n×k (ldb)       — dX = dY·Wᵀ
// Geometry: C in 4×8 tiles held in eight v128 accumulators; B packed into 8-column strips of KC rows ([p][8]),
// A packed into 4-row panels with each value splatted to a v128 ([p][4][4]); K in blocks of KC = 256, columns in
// blocks of NC = 512.
// Every C element is summed over k in increasing order by one thread, so the result does not depend on how work
// is split: parts take blocks of whole 4-row panels × whole 8-column strips (splitRows picks the grid).
// Built twice (scripts/build-wasm.mjs): SIMD128 multiplies then adds; relaxed SIMD fuses the two (f32x4.relaxed_madd,
// rounded once where the CPU has FMA), so the variants differ in the last bits but each is bit-reproducible.
import { applyActivation, ACT_NONE } from './activations';

export const LAYOUT_NN: i32 = 0;
export const LAYOUT_TN: i32 = 1;
export const LAYOUT_NT: i32 = 2;

/** How C starts: zero, a bias row broadcast down the rows, or C's current contents. */
export const INIT_ZERO: i32 = 0;
export const INIT_BIAS: i32 = 1;
export const INIT_LOAD: i32 = 2;

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const NC: i32 = 512;

// Per-thread scratch: A panel (MR·KC splatted floats, 16 KB), B pack (KC·NC), an edge tile (MR·NR), an edge bias (NR).
const A_PANEL_BYTES: usize = <usize>(MR * KC * 16);
const B_PACK_BYTES: usize = <usize>(KC * NC * 4);
const TILE_BYTES: usize = <usize>(MR * NR * 4);
export const GEMM_SCRATCH_BYTES: usize = A_PANEL_BYTES + B_PACK_BYTES + TILE_BYTES + <usize>(NR * 4);

/** Bytes of scratch each thread needs, so the host can allocate `threads ×` this. */
export function gemmScratchBytes(): usize {
  return GEMM_SCRATCH_BYTES;
}

/** acc + a·b: one fused multiply-add where relaxed SIMD is compiled in (rounded once), else a multiply and an add. */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** The 4×8 tile: c (row stride ldc bytes) ← init + Σ_p a[p][r]·b[p][c] over kc steps. */
function kernel4x8(a: usize, b: usize, kc: i32, c: usize, ldc: usize, init: i32, bias: usize): void {
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (init == INIT_LOAD) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
  } else if (init == INIT_BIAS) {
    c00 = v128.load(bias); c01 = v128.load(bias, 16);
    c10 = c00; c11 = c01; c20 = c00; c21 = c01; c30 = c00; c31 = c01;
  } else {
    c00 = f32x4.splat(0); c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00;
  }
  // The loop is bound by instructions issued, so: A comes pre-splatted (a row is one load, not a load and a shuffle)
  // and a trip runs four k steps. The exits between steps keep V8 from hoisting later steps' loads (that spills).
  // With relaxed SIMD a k step is 6 loads + 8 FMAs (16 instructions, not 24). Wider tiles do not fit: V8 hoists a
  // step's A loads above its products, so 6×8 needs 12 accumulators + 2 B + 6 A registers of 15 and spills (2-3×
  // slower, measured); A as 4-byte values with load32_splat costs an address add per load in V8 11.
  let b0: v128, b1: v128, av: v128;
  let left = kc;
  if (left > 0) do {
    b0 = v128.load(b, 0); b1 = v128.load(b, 16);
    av = v128.load(a, 0);
    c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load(a, 16);
    c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load(a, 32);
    c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load(a, 48);
    c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    if (left == 1) break;
    b0 = v128.load(b, 32); b1 = v128.load(b, 48);
    av = v128.load(a, 64);
    c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load(a, 80);
    c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load(a, 96);
    c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load(a, 112);
    c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    if (left == 2) break;
    b0 = v128.load(b, 64); b1 = v128.load(b, 80);
    av = v128.load(a, 128);
    c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load(a, 144);
    c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load(a, 160);
    c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load(a, 176);
    c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    if (left == 3) break;
    b0 = v128.load(b, 96); b1 = v128.load(b, 112);
    av = v128.load(a, 192);
    c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load(a, 208);
    c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load(a, 224);
    c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load(a, 240);
    c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    a += 256;
    b += 128;
    left -= 4;
  } while (left != 0);
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/** A tile with fewer than 4 rows or 8 columns: run the full kernel on a zero-padded copy, write back the valid part. */
function edgeTile(a: usize, b: usize, kc: i32, c: usize, ldc: usize, init: i32, bias: usize, mr: i32, nr: i32, tile: usize, tileBias: usize): void {
  memory.fill(tile, 0, TILE_BYTES);
  if (init == INIT_LOAD) {
    for (let r = 0; r < mr; r++) memory.copy(tile + <usize>(r * NR * 4), c + <usize>r * ldc, <usize>(nr * 4));
  } else if (init == INIT_BIAS) {
    memory.fill(tileBias, 0, <usize>(NR * 4));
    memory.copy(tileBias, bias, <usize>(nr * 4));
  }
  kernel4x8(a, b, kc, tile, <usize>(NR * 4), init, tileBias);
  for (let r = 0; r < mr; r++) memory.copy(c + <usize>r * ldc, tile + <usize>(r * NR * 4), <usize>(nr * 4));
}

/** Pack rows i..i+mr of A, columns k0..k0+kc, into [p][4 rows][4 lanes], each value splatted (rows past mr are zero). */
function packA(layout: i32, A: usize, lda: i32, i: i32, mr: i32, k0: i32, kc: i32, dst: usize): void {
  if (layout == LAYOUT_TN) {
    // A stored k×m: the 4 values of one p are adjacent; a full panel splats the lanes of one load.
    for (let p = 0; p < kc; p++) {
      const src = A + (<usize>(k0 + p) * <usize>lda + <usize>i) * 4;
      const d = dst + <usize>(p * MR * 16);
      if (mr == MR) {
        const v = v128.load(src);
        v128.store(d, v128.shuffle<f32>(v, v, 0, 0, 0, 0));
        v128.store(d, v128.shuffle<f32>(v, v, 1, 1, 1, 1), 16);
        v128.store(d, v128.shuffle<f32>(v, v, 2, 2, 2, 2), 32);
        v128.store(d, v128.shuffle<f32>(v, v, 3, 3, 3, 3), 48);
      } else {
        for (let r = 0; r < MR; r++) v128.store(d + <usize>(r * 16), r < mr ? v128.load32_splat(src + <usize>(r * 4)) : f32x4.splat(0));
      }
    }
    return;
  }
  for (let r = 0; r < MR; r++) {
    let d = dst + <usize>(r * 16);
    if (r < mr) {
      let src = A + (<usize>(i + r) * <usize>lda + <usize>k0) * 4;
      // Four k values a load: each lane splatted to its own step's slot (steps are MR·16 bytes apart).
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const v = v128.load(src);
        v128.store(d, v128.shuffle<f32>(v, v, 0, 0, 0, 0));
        v128.store(d, v128.shuffle<f32>(v, v, 1, 1, 1, 1), MR * 16);
        v128.store(d, v128.shuffle<f32>(v, v, 2, 2, 2, 2), MR * 32);
        v128.store(d, v128.shuffle<f32>(v, v, 3, 3, 3, 3), MR * 48);
        src += 16;
        d += <usize>(MR * 64);
      }
      for (; p < kc; p++) {
        v128.store(d, v128.load32_splat(src));
        src += 4;
        d += <usize>(MR * 16);
      }
    } else {
      for (let p = 0; p < kc; p++) v128.store(d + <usize>(p * MR * 16), f32x4.splat(0));
    }
  }
}

/** Pack columns j0..j0+nc of B, rows k0..k0+kc, into 8-column strips [strip][p][8] (columns past nc are zero). */
function packB(layout: i32, B: usize, ldb: i32, j0: i32, nc: i32, k0: i32, kc: i32, dst: usize): void {
  for (let s = 0; s * NR < nc; s++) {
    const j = j0 + s * NR;
    const nr = min(NR, nc - s * NR);
    const strip = dst + <usize>(s * kc * NR * 4);
    if (layout == LAYOUT_NT) {
      // B stored n×k: column j of the product is row j of B, contiguous in p.
      for (let c = 0; c < NR; c++) {
        const d = strip + <usize>(c * 4);
        if (c < nr) {
          const src = B + (<usize>(j + c) * <usize>ldb + <usize>k0) * 4;
          for (let p = 0; p < kc; p++) store<f32>(d + <usize>(p * 32), load<f32>(src + <usize>(p * 4)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(d + <usize>(p * 32), 0);
        }
      }
    } else if (nr == NR) {
      for (let p = 0; p < kc; p++) {
        const src = B + (<usize>(k0 + p) * <usize>ldb + <usize>j) * 4;
        const d = strip + <usize>(p * 32);
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const src = B + (<usize>(k0 + p) * <usize>ldb + <usize>j) * 4;
        const d = strip + <usize>(p * 32);
        for (let c = 0; c < NR; c++) store<f32>(d + <usize>(c * 4), c < nr ? load<f32>(src + <usize>(c * 4)) : 0);
      }
    }
  }
}

/**
 * How many row groups a product split into `parts` takes (a divisor; the rest are column groups), by the bytes its
 * packing reads from beyond the caches: each column group reads its rows of A once per NC-wide block of its columns,
 * each row group reads B for its columns. The plain split (whole columns when there are at least 2 strips a part,
 * else whole rows) makes every part repack all of A, which at 1024³ on 4 parts cost 12 % more CPU than 1 part (2×2
 * blocks: 1–2 %); a grid replaces it only when it reads at least 10 % less, and of equal grids the one with the
 * widest blocks. The grid moves block edges along whole tiles only, so no C element's sum changes: results never
 * depend on it.
 */
function splitRows(m: i32, n: i32, k: i32, panels: i32, strips: i32, parts: i32): i32 {
  const plain = strips >= 2 * parts || panels < parts ? 1 : parts;
  const plainReads = packReads(m, n, k, strips, plain, parts / plain);
  let best = 1;
  let bestReads = f64.MAX_VALUE;
  for (let rows = parts; rows >= 1; rows--) {
    if (parts % rows != 0 || rows > panels || parts / rows > strips) continue;
    const reads = packReads(m, n, k, strips, rows, parts / rows);
    if (reads < bestReads) {
      bestReads = reads;
      best = rows;
    }
  }
  return bestReads <= 0.9 * plainReads ? best : plain;
}

/** Values the packing of a rows × cols grid reads: A once per column group and NC block, B once per row group. */
function packReads(m: i32, n: i32, k: i32, strips: i32, rows: i32, cols: i32): f64 {
  const blocks = Math.ceil(Math.ceil(<f64>strips / cols) * NR / NC);
  return <f64>cols * blocks * <f64>m * <f64>k + <f64>rows * <f64>n * <f64>k;
}

/**
 * C (m×n, row stride ldc) = init + A·B in the given layout; with `act` ≥ 0 also Out = act(C) (same layout as C).
 * `part` of `parts` threads computes its own strips or panels; `scratch` holds `parts` GEMM_SCRATCH_BYTES blocks.
 */
export function gemm(
  layout: i32, m: i32, n: i32, k: i32,
  A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32,
  init: i32, bias: usize, act: i32, out: usize, scratch: usize,
  part: i32, parts: i32,
): void {
  const strips = (n + NR - 1) / NR;
  const panels = (m + MR - 1) / MR;
  // The parts form a grid of `rowGroups` × (parts / rowGroups) blocks of whole panels and strips.
  const rowGroups = splitRows(m, n, k, panels, strips, parts);
  const colGroups = parts / rowGroups;
  const pr = part / colGroups, pc = part % colGroups;
  const i0 = <i32>((<i64>panels * pr) / rowGroups) * MR;
  const i1 = min(m, <i32>((<i64>panels * (pr + 1)) / rowGroups) * MR);
  const j0 = <i32>((<i64>strips * pc) / colGroups) * NR;
  const j1 = min(n, <i32>((<i64>strips * (pc + 1)) / colGroups) * NR);
  if (i0 >= i1 || j0 >= j1) return;
  const own = scratch + <usize>part * GEMM_SCRATCH_BYTES;
  const aPanel = own;
  const bPack = own + A_PANEL_BYTES;
  const tile = bPack + B_PACK_BYTES;
  const tileBias = tile + TILE_BYTES;
  const ldcBytes = <usize>ldc * 4;
  const blocks = max(1, (k + KC - 1) / KC);
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let kb = 0; kb < blocks; kb++) {
      const k0 = kb * KC;
      const kc = min(KC, k - k0);
      const tileInit = kb == 0 ? init : INIT_LOAD;
      packB(layout, B, ldb, jc, nc, k0, kc, bPack);
      for (let i = i0; i < i1; i += MR) {
        const mr = min(MR, i1 - i);
        packA(layout, A, lda, i, mr, k0, kc, aPanel);
        for (let s = 0; s * NR < nc; s++) {
          const j = jc + s * NR;
          const nr = min(NR, nc - s * NR);
          const c = C + <usize>i * ldcBytes + <usize>(j * 4);
          const b = bPack + <usize>(s * kc * NR * 4);
          const bj = bias + <usize>(j * 4);
          if (mr == MR && nr == NR) kernel4x8(aPanel, b, kc, c, ldcBytes, tileInit, bj);
          else edgeTile(aPanel, b, kc, c, ldcBytes, tileInit, bj, mr, nr, tile, tileBias);
        }
        if (kb == blocks - 1 && act != ACT_NONE) {
          for (let r = 0; r < mr; r++) {
            const offset = <usize>(i + r) * ldcBytes + <usize>(jc * 4);
            applyActivation(act, C + offset, out + offset, nc);
          }
        }
      }
    }
  }
}

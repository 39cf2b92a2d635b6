// Activations forward (fused into the matrix product's epilogue) and backward (with the dropout mask), matching
// engine/model/activations.ts: ReLU in SIMD; tanh forward in SIMD f32 (a rational approximation within 3e-7
// relative of f64 tanh rounded to f32, ~2.5 ulp: tanh in f64 was the largest cost of a small tanh net's step);
// the others in f64 like the reference, rounded once to f32.
// Codes follow ACTIVATION_CODES in ../kernel-abi.ts.
export const ACT_NONE: i32 = -1;
export const ACT_IDENTITY: i32 = 0;
export const ACT_SIGMOID: i32 = 1;
export const ACT_TANH: i32 = 2;
export const ACT_RELU: i32 = 3;
export const ACT_LEAKY_RELU: i32 = 4;
export const ACT_GELU: i32 = 5;

const LEAKY_SLOPE: f64 = 0.01;
const GELU_C: f64 = Math.sqrt(2 / Math.PI);
const GELU_A: f64 = 0.044715;

export function sigmoid(x: f64): f64 {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

// tanh(x) ≈ x·P(x²)/Q(x²) on |x| ≤ 7.905 (±1 in f32 beyond), x itself below 4e-4: Eigen's generic_fast_tanh_float.
const TANH_CLAMP: f32 = 7.90531110763549805;
const TANH_TINY: f32 = 0.0004;
const TANH_P1: f32 = 4.89352455891786e-3;
const TANH_P3: f32 = 6.37261928875436e-4;
const TANH_P5: f32 = 1.48572235717979e-5;
const TANH_P7: f32 = 5.12229709037114e-8;
const TANH_P9: f32 = -8.60467152213735e-11;
const TANH_P11: f32 = 2.00018790482477e-13;
const TANH_P13: f32 = -2.76076847742355e-16;
const TANH_Q0: f32 = 4.89352518554385e-3;
const TANH_Q2: f32 = 2.268434632439e-3;
const TANH_Q4: f32 = 1.18534705686654e-4;
const TANH_Q6: f32 = 1.19825839466702e-6;

// @ts-ignore: decorator
@inline function step(acc: v128, x2: v128, c: f32): v128 {
  return f32x4.add(f32x4.mul(acc, x2), f32x4.splat(c));
}

/** tanh of four floats; NaN stays NaN (min/max propagate it). The same in both builds (no fused multiply-add). */
function tanh4(x: v128): v128 {
  const xc = f32x4.min(f32x4.splat(TANH_CLAMP), f32x4.max(f32x4.splat(-TANH_CLAMP), x));
  const x2 = f32x4.mul(xc, xc);
  let p = step(f32x4.splat(TANH_P13), x2, TANH_P11);
  p = step(p, x2, TANH_P9);
  p = step(p, x2, TANH_P7);
  p = step(p, x2, TANH_P5);
  p = step(p, x2, TANH_P3);
  p = step(p, x2, TANH_P1);
  p = f32x4.mul(p, xc);
  let q = step(f32x4.splat(TANH_Q6), x2, TANH_Q4);
  q = step(q, x2, TANH_Q2);
  q = step(q, x2, TANH_Q0);
  return v128.bitselect(x, f32x4.div(p, q), f32x4.lt(f32x4.abs(x), f32x4.splat(TANH_TINY)));
}

function activate(act: i32, x: f64): f64 {
  if (act == ACT_SIGMOID) return sigmoid(x);
  if (act == ACT_TANH) return Math.tanh(x);
  if (act == ACT_LEAKY_RELU) return x > 0 ? x : LEAKY_SLOPE * x;
  if (act == ACT_GELU) return 0.5 * x * (1 + Math.tanh(GELU_C * (x + GELU_A * x * x * x)));
  return x;
}

function derivative(act: i32, z: f64, a: f64): f64 {
  if (act == ACT_SIGMOID) return a * (1 - a);
  if (act == ACT_TANH) return 1 - a * a;
  if (act == ACT_LEAKY_RELU) return z > 0 ? 1 : LEAKY_SLOPE;
  if (act == ACT_GELU) {
    const u = GELU_C * (z + GELU_A * z * z * z);
    const t = Math.tanh(u);
    const du = GELU_C * (1 + 3 * GELU_A * z * z);
    return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * du;
  }
  return 1;
}

/** a[0..count) = act(z[0..count)). */
export function applyActivation(act: i32, z: usize, a: usize, count: i32): void {
  let i = 0;
  if (act == ACT_RELU) {
    const zero = f32x4.splat(0);
    // pmax(0, z) is `0 < z ? z : 0`, the reference's `z > 0 ? z : 0` (NaN and −0 give 0).
    for (; i + 4 <= count; i += 4) v128.store(a + <usize>(i * 4), f32x4.pmax(zero, v128.load(z + <usize>(i * 4))));
    for (; i < count; i++) {
      const v = load<f32>(z + <usize>(i * 4));
      store<f32>(a + <usize>(i * 4), v > 0 ? v : 0);
    }
  } else if (act == ACT_TANH) {
    for (; i + 4 <= count; i += 4) v128.store(a + <usize>(i * 4), tanh4(v128.load(z + <usize>(i * 4))));
    // The last 1-3 values go through the same vector code, a lane each, so no value's result depends on its column.
    const left = count - i;
    if (left > 0) {
      const o = <usize>(i * 4);
      let v = f32x4.splat(load<f32>(z + o));
      if (left > 1) v = f32x4.replace_lane(v, 1, load<f32>(z + o, 4));
      if (left > 2) v = f32x4.replace_lane(v, 2, load<f32>(z + o, 8));
      const r = tanh4(v);
      store<f32>(a + o, f32x4.extract_lane(r, 0));
      if (left > 1) store<f32>(a + o, f32x4.extract_lane(r, 1), 4);
      if (left > 2) store<f32>(a + o, f32x4.extract_lane(r, 2), 8);
    }
  } else if (act == ACT_IDENTITY) {
    if (a != z) memory.copy(a, z, <usize>(count * 4));
  } else {
    for (; i < count; i++) store<f32>(a + <usize>(i * 4), <f32>activate(act, <f64>load<f32>(z + <usize>(i * 4))));
  }
}

/** First of the rows (or items) that thread `part` of `parts` takes out of n; its last is shareStart(n, part + 1, parts). */
export function shareStart(n: i32, part: i32, parts: i32): i32 {
  return <i32>((<i64>n * part) / parts);
}

/**
 * dZ = (dA ⊙ mask) ⊙ act'(Z) over rows of an n×units batch; `mask` is 0 when the layer had no dropout.
 * dZ may alias dA.
 */
export function activationBackward(act: i32, Z: usize, A: usize, dA: usize, mask: usize, dZ: usize, n: i32, units: i32, part: i32, parts: i32): void {
  const begin = shareStart(n, part, parts) * units;
  const end = shareStart(n, part + 1, parts) * units;
  let i = begin;
  if (act == ACT_RELU || act == ACT_IDENTITY) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= end; i += 4) {
      const o = <usize>(i * 4);
      let d = v128.load(dA + o);
      if (mask) d = f32x4.mul(d, v128.load(mask + o));
      if (act == ACT_RELU) d = v128.and(d, f32x4.gt(v128.load(Z + o), zero));
      v128.store(dZ + o, d);
    }
  }
  for (; i < end; i++) {
    const o = <usize>(i * 4);
    let d = load<f32>(dA + o);
    if (mask) d *= load<f32>(mask + o);
    if (act == ACT_RELU) d = load<f32>(Z + o) > 0 ? d : 0;
    else if (act != ACT_IDENTITY) d = <f32>(<f64>d * derivative(act, <f64>load<f32>(Z + o), <f64>load<f32>(A + o)));
    store<f32>(dZ + o, d);
  }
}

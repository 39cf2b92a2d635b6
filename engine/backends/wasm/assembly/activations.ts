// Activations forward (fused into the matrix product's epilogue) and backward (with the dropout mask), matching
// engine/model/activations.ts: ReLU in SIMD, the others in f64 like the reference, rounded once to f32.
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

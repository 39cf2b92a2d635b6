// WGSL helpers shared by kernels: activations with their derivatives (as in engine/model/activations.ts) and the
// counter-based hash of engine/rng.ts, bit for bit, so dropout masks match the CPU backend's.
import type { Activation } from '../../../config.ts';
import { GELU_A, GELU_C, LEAKY_SLOPE } from '../../../model/activations.ts';

const f = (x: number): string => {
  const s = String(Math.fround(x));
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
};

export const MATH_WGSL = /* wgsl */ `
fn sigmoid_(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
// tanh saturates to ±1 in f32 beyond |x| = 9; clamping keeps exp-based implementations away from inf/inf.
fn tanh_(x: f32) -> f32 { return tanh(clamp(x, -10.0, 10.0)); }
// log(1 + x) for x in [0, 1], keeping the precision log(1 + x) loses when x is tiny.
fn log1p_(x: f32) -> f32 {
  if (x < 1e-4) { return x - 0.5 * x * x; }
  return log(1.0 + x);
}
`;

/** `fn act(z: f32) -> f32` for the activation. */
export function activationWgsl(kind: Activation): string {
  const body: Record<Activation, string> = {
    identity: 'return z;',
    sigmoid: 'return sigmoid_(z);',
    tanh: 'return tanh_(z);',
    relu: 'return select(0.0, z, z > 0.0);',
    leaky_relu: `return select(${f(LEAKY_SLOPE)} * z, z, z > 0.0);`,
    gelu: `return 0.5 * z * (1.0 + tanh_(${f(GELU_C)} * (z + ${f(GELU_A)} * z * z * z)));`,
  };
  return `fn act(z: f32) -> f32 { ${body[kind]} }
fn act4(z: vec4<f32>) -> vec4<f32> { return vec4<f32>(act(z.x), act(z.y), act(z.z), act(z.w)); }`;
}

/** `fn actGrad(z: f32, a: f32) -> f32`: f'(z) given z and a = f(z), with relu's subgradient 0 at 0. */
export function activationGradWgsl(kind: Activation): string {
  const body: Record<Activation, string> = {
    identity: 'return 1.0;',
    sigmoid: 'return a * (1.0 - a);',
    tanh: 'return 1.0 - a * a;',
    relu: 'return select(0.0, 1.0, z > 0.0);',
    leaky_relu: `return select(${f(LEAKY_SLOPE)}, 1.0, z > 0.0);`,
    gelu: `let u = ${f(GELU_C)} * (z + ${f(GELU_A)} * z * z * z);
  let t = tanh_(u);
  let du = ${f(GELU_C)} * (1.0 + ${f(3 * GELU_A)} * z * z);
  return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * du;`,
  };
  return `fn actGrad(z: f32, a: f32) -> f32 { ${body[kind]} }`;
}

/** mix32 and the dropout keep test: drop when the 24-bit draw is below `threshold` = ceil(rate · 2²⁴). */
export const HASH_WGSL = /* wgsl */ `
fn mix32(v: u32) -> u32 {
  var x = v;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}
fn dropoutDraw(seed: u32, step: u32, layer: u32, index: u32) -> u32 {
  return mix32(mix32(mix32(mix32(seed) ^ step) ^ layer) ^ index) >> 8u;
}
`;

/** Integer threshold that makes `draw < threshold` equal to the CPU's `hashUniform(...) < rate` exactly. */
export function dropoutThreshold(rate: number): number {
  return Math.ceil(rate * 16777216);
}

export { f as wgslFloat };

// Inverted dropout with the counter-based hashUniform of engine/rng.ts: the mask of element (row, unit) of layer
// `layer` at step `step` is a pure function of (seed, step, layer, row·units + unit), so any split draws the same mask.
import { shareStart } from './activations';

function mix32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x7feb352d;
  x ^= x >>> 15;
  x *= 0x846ca68b;
  x ^= x >>> 16;
  return x;
}

export function hashUniform(seed: u32, step: u32, layer: u32, index: u32): f64 {
  const h = mix32(mix32(mix32(mix32(seed) ^ step) ^ layer) ^ index);
  return <f64>(h >>> 8) / 16777216;
}

/** mask = (u < rate ? 0 : 1/(1−rate)), D = A·mask, over rows of an n×units batch. */
export function dropoutForward(A: usize, mask: usize, D: usize, n: i32, units: i32, rate: f64, seed: u32, step: u32, layer: u32, part: i32, parts: i32): void {
  const begin = shareStart(n, part, parts) * units;
  const end = shareStart(n, part + 1, parts) * units;
  const scale = 1 / (1 - rate);
  for (let i = begin; i < end; i++) {
    const o = <usize>(i * 4);
    const m = hashUniform(seed, step, layer, <u32>i) < rate ? 0 : scale;
    store<f32>(mask + o, <f32>m);
    store<f32>(D + o, <f32>(<f64>load<f32>(A + o) * m));
  }
}

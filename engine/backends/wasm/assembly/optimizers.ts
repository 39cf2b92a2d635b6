// Optimizer updates over one flat parameter vector (all weights, then all biases), in f64 like
// engine/model/optimizers.ts; weight decay applies to the first `decayCount` entries (the weights).
// Threads take contiguous element ranges, so the split never changes a result.
import { shareStart } from './activations';

const OPT_SGD: i32 = 0;
const OPT_MOMENTUM: i32 = 1;
const OPT_ADAM: i32 = 2;

export function optimizerStep(
  type: i32, w: usize, g: usize, s0: usize, s1: usize, count: i32, decayCount: i32,
  lr: f64, weightDecay: f64, momentum: f64, nesterov: i32, beta1: f64, beta2: f64, epsilon: f64, c1: f64, c2: f64,
  part: i32, parts: i32,
): void {
  const begin = shareStart(count, part, parts);
  const end = shareStart(count, part + 1, parts);
  if (type == OPT_ADAM) {
    // Two at a time in f64x2, the scalar loop's operations in its order (IEEE f64 lanes: the same bits).
    const cut = min(max(decayCount, begin), end);
    adamRange(w, g, s0, s1, begin, cut, true, weightDecay, lr, beta1, beta2, epsilon, c1, c2);
    adamRange(w, g, s0, s1, cut, end, false, 0, lr, beta1, beta2, epsilon, c1, c2);
    return;
  }
  for (let i = begin; i < end; i++) {
    const o = <usize>i << 2;
    const wi = <f64>load<f32>(w + o);
    const gi = <f64>load<f32>(g + o) + (i < decayCount ? weightDecay * wi : 0);
    if (type == OPT_SGD) {
      store<f32>(w + o, <f32>(wi - lr * gi));
    } else if (type == OPT_MOMENTUM) {
      const vi = momentum * <f64>load<f32>(s0 + o) + gi;
      store<f32>(s0 + o, <f32>vi);
      store<f32>(w + o, <f32>(wi - lr * (nesterov ? gi + momentum * vi : vi)));
    } else if (type == OPT_ADAM) {
      const mi = beta1 * <f64>load<f32>(s0 + o) + (1 - beta1) * gi;
      const si = beta2 * <f64>load<f32>(s1 + o) + (1 - beta2) * gi * gi;
      store<f32>(s0 + o, <f32>mi);
      store<f32>(s1 + o, <f32>si);
      store<f32>(w + o, <f32>(wi - (lr * (mi / c1)) / (Math.sqrt(si / c2) + epsilon)));
    }
  }
}

/** Adam over [begin, end): gi = g + decay·w on the weights, g + 0 past them (as the scalar loop adds: −0 → +0). */
function adamRange(
  w: usize, g: usize, s0: usize, s1: usize, begin: i32, end: i32, decayed: bool, decay: f64,
  lr: f64, beta1: f64, beta2: f64, epsilon: f64, c1: f64, c2: f64,
): void {
  const vd = f64x2.splat(decay);
  const zero = f64x2.splat(0);
  const b1 = f64x2.splat(beta1);
  const nb1 = f64x2.splat(1 - beta1);
  const b2 = f64x2.splat(beta2);
  const nb2 = f64x2.splat(1 - beta2);
  const vlr = f64x2.splat(lr);
  const vc1 = f64x2.splat(c1);
  const vc2 = f64x2.splat(c2);
  const veps = f64x2.splat(epsilon);
  let i = begin;
  for (; i + 2 <= end; i += 2) {
    const o = <usize>i << 2;
    const wi = f64x2.promote_low_f32x4(v128.load64_zero(w + o));
    const gi = f64x2.add(f64x2.promote_low_f32x4(v128.load64_zero(g + o)), decayed ? f64x2.mul(vd, wi) : zero);
    const mi = f64x2.add(f64x2.mul(b1, f64x2.promote_low_f32x4(v128.load64_zero(s0 + o))), f64x2.mul(nb1, gi));
    const si = f64x2.add(
      f64x2.mul(b2, f64x2.promote_low_f32x4(v128.load64_zero(s1 + o))),
      f64x2.mul(f64x2.mul(nb2, gi), gi),
    );
    v128.store64_lane(s0 + o, f32x4.demote_f64x2_zero(mi), 0);
    v128.store64_lane(s1 + o, f32x4.demote_f64x2_zero(si), 0);
    const step = f64x2.div(f64x2.mul(vlr, f64x2.div(mi, vc1)), f64x2.add(f64x2.sqrt(f64x2.div(si, vc2)), veps));
    v128.store64_lane(w + o, f32x4.demote_f64x2_zero(f64x2.sub(wi, step)), 0);
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    const wi = <f64>load<f32>(w + o);
    const gi = <f64>load<f32>(g + o) + (decayed ? decay * wi : 0);
    const mi = beta1 * <f64>load<f32>(s0 + o) + (1 - beta1) * gi;
    const si = beta2 * <f64>load<f32>(s1 + o) + (1 - beta2) * gi * gi;
    store<f32>(s0 + o, <f32>mi);
    store<f32>(s1 + o, <f32>si);
    store<f32>(w + o, <f32>(wi - (lr * (mi / c1)) / (Math.sqrt(si / c2) + epsilon)));
  }
}

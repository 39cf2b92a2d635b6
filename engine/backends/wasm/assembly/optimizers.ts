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

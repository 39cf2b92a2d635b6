// Optimizer updates, one parameter tensor at a time. Weight decay is L2 on the loss, so it enters the gradient:
// g ← g + λ·w (weights only, never biases).
//   sgd:      w ← w − η·g
//   momentum: v ← μ·v + g;  w ← w − η·v            (Nesterov: w ← w − η·(g + μ·v))
//   adam:     m ← β1·m + (1−β1)·g;  s ← β2·s + (1−β2)·g²;  w ← w − η·m̂/(√ŝ + ε),  m̂ = m/(1−β1ᵗ), ŝ = s/(1−β2ᵗ)
import type { ExperimentConfig } from '../config.ts';
import type { Float } from './activations.ts';

export type OptimizerConfig = ExperimentConfig['optimizer'];

/** State slots each optimizer keeps per parameter tensor. */
export function stateSlots(opt: OptimizerConfig): number {
  return opt.type === 'adam' ? 2 : opt.type === 'momentum' ? 1 : 0;
}

/**
 * One update of `w` from gradient `g`. `state` holds stateSlots(opt) arrays of w's length.
 * `t` is the 1-based step count (Adam's bias correction); `decay` says whether weight decay applies.
 */
export function optimizerStep(
  opt: OptimizerConfig,
  w: Float,
  g: Float,
  state: Float[],
  lr: number,
  t: number,
  decay: boolean,
  count = w.length,
): void {
  const wd = decay ? opt.weightDecay : 0;
  if (opt.type === 'sgd') {
    for (let i = 0; i < count; i++) w[i]! -= lr * (g[i]! + wd * w[i]!);
  } else if (opt.type === 'momentum') {
    const v = state[0]!;
    const mu = opt.momentum;
    for (let i = 0; i < count; i++) {
      const gi = g[i]! + wd * w[i]!;
      const vi = mu * v[i]! + gi;
      v[i] = vi;
      w[i]! -= lr * (opt.nesterov ? gi + mu * vi : vi);
    }
  } else {
    const m = state[0]!;
    const s = state[1]!;
    const { beta1, beta2, epsilon } = opt;
    const c1 = 1 - Math.pow(beta1, t);
    const c2 = 1 - Math.pow(beta2, t);
    for (let i = 0; i < count; i++) {
      const gi = g[i]! + wd * w[i]!;
      const mi = beta1 * m[i]! + (1 - beta1) * gi;
      const si = beta2 * s[i]! + (1 - beta2) * gi * gi;
      m[i] = mi;
      s[i] = si;
      w[i]! -= (lr * (mi / c1)) / (Math.sqrt(si / c2) + epsilon);
    }
  }
}

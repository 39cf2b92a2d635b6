// Optimizer updates as kernels, one parameter tensor per dispatch (engine/model/optimizers.ts): weight decay enters
// the gradient (g + λ·w) for weights only; SGD, momentum (optionally Nesterov) and Adam with the bias corrections
// c1 = 1 − β1ᵗ, c2 = 1 − β2ᵗ computed per batch on the host in float64.
import type { OptimizerConfig } from '../../../model/optimizers.ts';
import {
  bindingsWgsl,
  LINEAR_ENTRY,
  LINEAR_INDEX,
  linearDispatch,
  LINEAR_WORKGROUP,
  type KernelProgram,
} from '../program.ts';

export interface OptimizerOptions {
  optimizer: OptimizerConfig;
  count: number;
  /** weights decay, biases do not. */
  decay: boolean;
}

/** Bindings: w, g, then the state tensors (momentum: v; Adam: m, s). Reads lr, c1, c2 from the batch block. */
export function optimizerProgram(o: OptimizerOptions): KernelProgram {
  const opt = o.optimizer;
  const decay = o.decay && opt.weightDecay > 0;
  const state = opt.type === 'adam' ? ['m', 's'] : opt.type === 'momentum' ? ['v'] : [];
  const variant = opt.type === 'momentum' && opt.nesterov ? 'nesterov' : opt.type;
  const program: KernelProgram = {
    name: 'optimizer',
    shaderKey: `optimizer_${variant}${decay ? '_decay' : ''}`,
    workgroupSize: [LINEAR_WORKGROUP, 1, 1],
    dispatch: linearDispatch(o.count),
    bindings: ['write', 'read', ...state.map(() => 'write' as const)],
    uniforms: [
      { name: 'count', type: 'u32', value: o.count },
      { name: 'wd', type: 'f32', value: decay ? opt.weightDecay : 0 },
      { name: 'mu', type: 'f32', value: opt.momentum },
      { name: 'beta1', type: 'f32', value: opt.beta1 },
      { name: 'beta2', type: 'f32', value: opt.beta2 },
      { name: 'eps', type: 'f32', value: opt.epsilon },
    ],
    perBatch: true,
    wgsl: () => `${bindingsWgsl(program, [
      'var<storage, read_write> w: array<f32>',
      'var<storage, read> g: array<f32>',
      ...state.map((s) => `var<storage, read_write> ${s}: array<f32>`),
    ])}
${LINEAR_ENTRY} {
  let i = ${LINEAR_INDEX};
  if (i >= p.count) { return; }
  let gi = g[i]${decay ? ' + p.wd * w[i]' : ''};
  ${updateWgsl(variant)}
}`,
  };
  return program;
}

function updateWgsl(variant: 'sgd' | 'momentum' | 'nesterov' | 'adam'): string {
  switch (variant) {
    case 'sgd':
      return 'w[i] = w[i] - batch.lr * gi;';
    case 'momentum':
      return `let vi = p.mu * v[i] + gi;
  v[i] = vi;
  w[i] = w[i] - batch.lr * vi;`;
    case 'nesterov':
      return `let vi = p.mu * v[i] + gi;
  v[i] = vi;
  w[i] = w[i] - batch.lr * (gi + p.mu * vi);`;
    case 'adam':
      return `let mi = p.beta1 * m[i] + (1.0 - p.beta1) * gi;
  let si = p.beta2 * s[i] + (1.0 - p.beta2) * gi * gi;
  m[i] = mi;
  s[i] = si;
  w[i] = w[i] - (batch.lr * (mi / batch.c1)) / (sqrt(si / batch.c2) + p.eps);`;
  }
}

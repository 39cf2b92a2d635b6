// Activation backward: dZ = dA ⊙ f'(Z), with f' from Z and A = f(Z); for a layer trained with dropout, dA is
// first multiplied by the same mask the forward pass drew (recomputed from the counter, as in dropout.ts).
import type { Activation } from '../../../config.ts';
import {
  bindingsWgsl,
  LINEAR_ENTRY,
  LINEAR_INDEX,
  linearDispatch,
  LINEAR_WORKGROUP,
  type KernelProgram,
} from '../program.ts';
import { dropoutUniforms } from './dropout.ts';
import { activationGradWgsl, HASH_WGSL, MATH_WGSL } from './wgsl-math.ts';

export interface ActivationBackwardOptions {
  activation: Activation;
  count: number;
  dropout?: { rate: number; seed: number; layer: number };
}

/** Bindings: dA, Z, A, dZ. Reads the batch step when dropout is on. */
export function activationBackwardProgram(o: ActivationBackwardOptions): KernelProgram {
  const drop = o.dropout !== undefined && o.dropout.rate > 0;
  const program: KernelProgram = {
    name: 'activationBackward',
    shaderKey: `activation_backward_${o.activation}${drop ? '_dropout' : ''}`,
    workgroupSize: [LINEAR_WORKGROUP, 1, 1],
    dispatch: linearDispatch(o.count),
    bindings: ['read', 'read', 'read', 'write'],
    uniforms: drop
      ? dropoutUniforms({ count: o.count, ...o.dropout! })
      : [{ name: 'count', type: 'u32', value: o.count }],
    perBatch: drop,
    wgsl: () => `${bindingsWgsl(program, [
      'var<storage, read> dA: array<f32>',
      'var<storage, read> Z: array<f32>',
      'var<storage, read> A: array<f32>',
      'var<storage, read_write> dZ: array<f32>',
    ])}
${MATH_WGSL}
${drop ? HASH_WGSL : ''}
${activationGradWgsl(o.activation)}
${LINEAR_ENTRY} {
  let i = ${LINEAR_INDEX};
  if (i >= p.count) { return; }
  var g = dA[i];
  ${drop ? 'g = select(0.0, g * p.scale, dropoutDraw(p.seed, batch.step, p.layer, i) >= p.threshold);' : ''}
  dZ[i] = g * actGrad(Z[i], A[i]);
}`,
  };
  return program;
}

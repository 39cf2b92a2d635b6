// Inverted dropout, forward: D = A ⊙ mask with mask = 0 where the counter-based draw falls below the rate, else
// 1/(1 − rate). The mask is never stored: the backward kernel recomputes it from (seed, step, layer, index).
import {
  bindingsWgsl,
  LINEAR_ENTRY,
  LINEAR_INDEX,
  linearDispatch,
  LINEAR_WORKGROUP,
  type KernelProgram,
} from '../program.ts';
import { dropoutThreshold, HASH_WGSL } from './wgsl-math.ts';

export interface DropoutOptions {
  /** rows × units of the batch; the mask index is row·units + unit. */
  count: number;
  rate: number;
  seed: number;
  layer: number;
}

/** Bindings: A, D. Reads the batch step. */
export function dropoutProgram(o: DropoutOptions): KernelProgram {
  const program: KernelProgram = {
    name: 'dropout',
    shaderKey: 'dropout',
    workgroupSize: [LINEAR_WORKGROUP, 1, 1],
    dispatch: linearDispatch(o.count),
    bindings: ['read', 'write'],
    uniforms: dropoutUniforms(o),
    perBatch: true,
    wgsl: () => `${bindingsWgsl(program, ['var<storage, read> A: array<f32>', 'var<storage, read_write> D: array<f32>'])}
${HASH_WGSL}
${LINEAR_ENTRY} {
  let i = ${LINEAR_INDEX};
  if (i >= p.count) { return; }
  let keep = dropoutDraw(p.seed, batch.step, p.layer, i) >= p.threshold;
  D[i] = select(0.0, A[i] * p.scale, keep);
}`,
  };
  return program;
}

export function dropoutUniforms(o: DropoutOptions): KernelProgram['uniforms'] {
  return [
    { name: 'count', type: 'u32', value: o.count },
    { name: 'seed', type: 'u32', value: o.seed },
    { name: 'layer', type: 'u32', value: o.layer },
    { name: 'threshold', type: 'u32', value: dropoutThreshold(o.rate) },
    { name: 'scale', type: 'f32', value: 1 / (1 - o.rate) },
  ];
}

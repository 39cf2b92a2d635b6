// Gathers a batch's rows from a split that stays on the GPU: out[r, c] = src[order[offset + r], c]. The epoch's
// shuffled order is an index buffer; the data itself is uploaded once.
import {
  bindingsWgsl,
  LINEAR_ENTRY,
  LINEAR_INDEX,
  linearDispatch,
  LINEAR_WORKGROUP,
  type KernelProgram,
} from '../program.ts';

export interface GatherOptions {
  rows: number;
  /** values per row (features, target outputs, or 1 for labels). */
  width: number;
  /** u32 for class labels, f32 for features and targets. */
  type: 'f32' | 'u32';
}

/** Bindings: order (u32), src, out. Reads the batch offset. */
export function gatherProgram(o: GatherOptions): KernelProgram {
  const program: KernelProgram = {
    name: 'gather',
    shaderKey: `gather_${o.type}`,
    workgroupSize: [LINEAR_WORKGROUP, 1, 1],
    dispatch: linearDispatch(o.rows * o.width),
    bindings: ['read', 'read', 'write'],
    uniforms: [
      { name: 'rows', type: 'u32', value: o.rows },
      { name: 'width', type: 'u32', value: o.width },
    ],
    perBatch: true,
    wgsl: () => `${bindingsWgsl(program, [
      'var<storage, read> order: array<u32>',
      `var<storage, read> src: array<${o.type}>`,
      `var<storage, read_write> dst: array<${o.type}>`,
    ])}
${LINEAR_ENTRY} {
  let i = ${LINEAR_INDEX};
  if (i >= p.rows * p.width) { return; }
  let r = i / p.width;
  let c = i - r * p.width;
  dst[i] = src[order[batch.offset + r] * p.width + c];
}`,
  };
  return program;
}

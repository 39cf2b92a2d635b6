// Per-batch loss-sum and correct-count reduction: one workgroup folds the rows × [loss, correct] stats into the
// batch's slot of the sums buffer; the host adds the slots of an epoch in float64 after one read-back.
import { bindingsWgsl, type KernelProgram } from '../program.ts';

/** Invocations of the single reducing workgroup. */
const THREADS = 256;

/** Bindings: stats (rows × 2), sums (slots × 2). Writes the batch's slot. */
export function reduceSumsProgram(o: { rows: number }): KernelProgram {
  const program: KernelProgram = {
    name: 'reduceSums',
    shaderKey: 'reduce_sums',
    workgroupSize: [THREADS, 1, 1],
    dispatch: [1, 1, 1],
    bindings: ['read', 'write'],
    uniforms: [{ name: 'rows', type: 'u32', value: o.rows }],
    perBatch: true,
    wgsl: () => `${bindingsWgsl(program, ['var<storage, read> stats: array<vec2<f32>>', 'var<storage, read_write> sums: array<vec2<f32>>'])}
var<workgroup> part: array<vec2<f32>, ${THREADS}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(local_invocation_index) li: u32) {
  var s = vec2<f32>(0.0);
  for (var r = li; r < p.rows; r += ${THREADS}u) { s += stats[r]; }
  part[li] = s;
  workgroupBarrier();
  for (var w = ${THREADS / 2}u; w > 0u; w >>= 1u) {
    if (li < w) { part[li] += part[li + w]; }
    workgroupBarrier();
  }
  if (li == 0u) { sums[batch.slot] = part[0]; }
}`,
  };
  return program;
}

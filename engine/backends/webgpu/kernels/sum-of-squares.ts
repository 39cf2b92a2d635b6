// Per-batch squared L2 norm of each layer's weight gradient, for the insight views, in two stages:
//   partial: GROUPS workgroups stride over one layer's dW, each writes Σ x² of its share to partials[layer][group];
//   fold:    one invocation per layer adds its GROUPS partials into squares[batch.slot][layer].
// The host reads the epoch's squares with the loss sums and takes sqrt per batch, then the mean over batches.
import { bindingsWgsl, type KernelProgram } from '../program.ts';

/** Workgroups of the partial stage: a fixed count, so the fold knows how many partials each layer has. */
export const SQUARES_GROUPS = 64;
/** Invocations per partial workgroup. */
const THREADS = 256;
/** Invocations of the single fold workgroup (one per layer, looping past 64 layers). */
const FOLD_THREADS = 64;

/** Bindings: x (count floats), partials (layers × SQUARES_GROUPS). Writes row `layer` of partials. */
export function sumOfSquaresProgram(o: { count: number; layer: number }): KernelProgram {
  const program: KernelProgram = {
    name: 'sumOfSquares',
    shaderKey: 'sum_of_squares',
    workgroupSize: [THREADS, 1, 1],
    dispatch: [SQUARES_GROUPS, 1, 1],
    bindings: ['read', 'write'],
    uniforms: [
      { name: 'count', type: 'u32', value: o.count },
      { name: 'layer', type: 'u32', value: o.layer },
    ],
    perBatch: false,
    wgsl: () => `${bindingsWgsl(program, ['var<storage, read> x: array<f32>', 'var<storage, read_write> partials: array<f32>'])}
var<workgroup> part: array<f32, ${THREADS}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  var s = 0.0;
  // Grid stride: consecutive invocations read consecutive floats (coalesced).
  for (var i = wid.x * ${THREADS}u + li; i < p.count; i += ${SQUARES_GROUPS * THREADS}u) { s += x[i] * x[i]; }
  part[li] = s;
  workgroupBarrier();
  for (var w = ${THREADS / 2}u; w > 0u; w >>= 1u) {
    if (li < w) { part[li] += part[li + w]; }
    workgroupBarrier();
  }
  if (li == 0u) { partials[p.layer * ${SQUARES_GROUPS}u + wid.x] = part[0]; }
}`,
  };
  return program;
}

/** Bindings: partials (layers × SQUARES_GROUPS), squares (slots × layers). Writes the batch's row of squares. */
export function foldSquaresProgram(o: { layers: number }): KernelProgram {
  const program: KernelProgram = {
    name: 'foldSquares',
    shaderKey: 'fold_squares',
    workgroupSize: [FOLD_THREADS, 1, 1],
    dispatch: [1, 1, 1],
    bindings: ['read', 'write'],
    uniforms: [{ name: 'layers', type: 'u32', value: o.layers }],
    perBatch: true,
    wgsl: () => `${bindingsWgsl(program, ['var<storage, read> partials: array<f32>', 'var<storage, read_write> squares: array<f32>'])}
@compute @workgroup_size(${FOLD_THREADS})
fn main(@builtin(local_invocation_index) li: u32) {
  for (var l = li; l < p.layers; l += ${FOLD_THREADS}u) {
    var s = 0.0;
    for (var g = 0u; g < ${SQUARES_GROUPS}u; g++) { s += partials[l * ${SQUARES_GROUPS}u + g]; }
    squares[batch.slot * p.layers + l] = s;
  }
}`,
  };
  return program;
}

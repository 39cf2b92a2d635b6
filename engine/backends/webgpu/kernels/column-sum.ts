// Column reduction for bias gradients: db[j] = Σ_rows dZ[row, j]. A workgroup owns 64 columns and splits the rows
// over 4 lanes per column, then adds the 4 partial sums in workgroup memory.

import { bindingsWgsl, type KernelProgram } from '../program.ts';

/** Columns per workgroup. */
const COLS = 64;
/** Row lanes per column. */
const LANES = 4;

/** Bindings: dZ (rows × cols), db (cols). */
export function columnSumProgram(o: { rows: number; cols: number }): KernelProgram {
  const program: KernelProgram = {
    name: 'columnSum',
    shaderKey: 'column_sum',
    workgroupSize: [COLS, LANES, 1],
    dispatch: [Math.ceil(o.cols / COLS), 1, 1],
    bindings: ['read', 'write'],
    uniforms: [
      { name: 'rows', type: 'u32', value: o.rows },
      { name: 'cols', type: 'u32', value: o.cols },
    ],
    perBatch: false,
    wgsl: () => `${bindingsWgsl(program, ['var<storage, read> dZ: array<f32>', 'var<storage, read_write> db: array<f32>'])}
var<workgroup> partial: array<f32, ${COLS * LANES}>;
@compute @workgroup_size(${COLS}, ${LANES}, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let j = wid.x * ${COLS}u + lid.x;
  var s = 0.0;
  if (j < p.cols) {
    for (var r = lid.y; r < p.rows; r += ${LANES}u) { s += dZ[r * p.cols + j]; }
  }
  partial[lid.y * ${COLS}u + lid.x] = s;
  workgroupBarrier();
  if (lid.y == 0u && j < p.cols) {
    var t = 0.0;
    for (var l = 0u; l < ${LANES}u; l++) { t += partial[l * ${COLS}u + lid.x]; }
    db[j] = t;
  }
}`,
  };
  return program;
}

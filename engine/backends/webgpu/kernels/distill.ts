// A distilled student's teacher term, one invocation per row, run after the loss kernel on the same batch (as
// distillTerm in engine/model/losses.ts): mimic-l2 = mean over the k logits of (z − t)²; soft-ce = T²·H(softmax(t/T),
// softmax(z/T)), binary for the sigmoid head. Mixes into what the loss kernel left: dZ ← α·dZ + (1 − α)·∂term/∂Z
// (batch mean), and the row's loss stat ← α·loss + (1 − α)·term; the correct flag (true labels) is kept.
import type { DISTILL_LOSSES, ResolvedHead } from '../../../config.ts';
import {
  bindingsWgsl,
  LINEAR_ENTRY,
  LINEAR_INDEX,
  linearDispatch,
  LINEAR_WORKGROUP,
  type KernelProgram,
} from '../program.ts';
import { MATH_WGSL } from './wgsl-math.ts';

export interface DistillOptions {
  loss: (typeof DISTILL_LOSSES)[number];
  head: ResolvedHead;
  rows: number;
  /** output units */
  k: number;
  temperature: number;
  alpha: number;
}

/** Bindings: Z, TL (the teacher's logits of the batch, rows × k), dZ, stats (rows × [loss, correct]). */
export function distillProgram(o: DistillOptions): KernelProgram {
  if (o.loss === 'soft-ce' && o.head === 'identity')
    throw new Error('distill.loss: soft-ce needs a softmax or sigmoid head');
  const variant = o.loss === 'mimic-l2' ? 'mimic' : o.head === 'sigmoid' ? 'soft_sigmoid' : 'soft_softmax';
  const program: KernelProgram = {
    name: 'distill',
    shaderKey: `distill_${variant}`,
    workgroupSize: [LINEAR_WORKGROUP, 1, 1],
    dispatch: linearDispatch(o.rows),
    bindings: ['read', 'read', 'write', 'write'],
    uniforms: [
      { name: 'rows', type: 'u32', value: o.rows },
      { name: 'k', type: 'u32', value: o.k },
      { name: 'T', type: 'f32', value: o.temperature },
      { name: 'alpha', type: 'f32', value: o.alpha },
    ],
    perBatch: false,
    wgsl: () => `${bindingsWgsl(program, [
      'var<storage, read> Z: array<f32>',
      'var<storage, read> TL: array<f32>',
      'var<storage, read_write> dZ: array<f32>',
      'var<storage, read_write> stats: array<f32>',
    ])}
${MATH_WGSL}
${variant === 'soft_softmax' ? LSE_WGSL : ''}
${LINEAR_ENTRY} {
  let i = ${LINEAR_INDEX};
  if (i >= p.rows) { return; }
  let o = i * p.k;
  let a = p.alpha;
  let w = 1.0 - p.alpha;
  let n = f32(p.rows);
  ${TERM_WGSL[variant]}
  stats[2u * i] = a * stats[2u * i] + w * term;
}`,
  };
  return program;
}

/** log Σ_j exp(x_j / T) of a row of Z or TL, shifted by its max. */
const LSE_WGSL = /* wgsl */ `
fn lseZ(o: u32) -> f32 {
  var m = Z[o] / p.T;
  for (var j = 1u; j < p.k; j++) { m = max(m, Z[o + j] / p.T); }
  var s = 0.0;
  for (var j = 0u; j < p.k; j++) { s += exp(Z[o + j] / p.T - m); }
  return log(s) + m;
}
fn lseT(o: u32) -> f32 {
  var m = TL[o] / p.T;
  for (var j = 1u; j < p.k; j++) { m = max(m, TL[o + j] / p.T); }
  var s = 0.0;
  for (var j = 0u; j < p.k; j++) { s += exp(TL[o + j] / p.T - m); }
  return log(s) + m;
}`;

const TERM_WGSL = {
  mimic: `var term = 0.0;
  for (var j = 0u; j < p.k; j++) {
    let d = Z[o + j] - TL[o + j];
    term += d * d / f32(p.k);
    dZ[o + j] = a * dZ[o + j] + w * 2.0 * d / (f32(p.k) * n);
  }`,
  soft_sigmoid: `let u = Z[i] / p.T;
  let q = sigmoid_(TL[i] / p.T);
  let term = p.T * p.T * (max(u, 0.0) - u * q + log1p_(exp(-abs(u))));
  dZ[i] = a * dZ[i] + w * p.T * (sigmoid_(u) - q) / n;`,
  soft_softmax: `let lz = lseZ(o);
  let lt = lseT(o);
  var row = lz;
  for (var j = 0u; j < p.k; j++) {
    let q = exp(TL[o + j] / p.T - lt);
    row -= q * Z[o + j] / p.T;
    dZ[o + j] = a * dZ[o + j] + w * p.T * (exp(Z[o + j] / p.T - lz) - q) / n;
  }
  let term = p.T * p.T * row;`,
} as const;

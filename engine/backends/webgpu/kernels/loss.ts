// Head and loss, one invocation per row (as engine/model/losses.ts): P = head(Z); per-row loss and correct flag into
// `stats` (reduced per batch by reduce-sums.ts); dZ = ∂(batch-mean loss)/∂Z. Softmax + cross-entropy is fused
// (dZ = (p − y)/n); sigmoid + binary cross-entropy likewise; MSE is the mean over the k outputs of each row, through
// the head's Jacobian. Without targets (predict) only P is written.
import type { ResolvedHead, ResolvedLoss } from '../../../config.ts';
import {
  bindingsWgsl,
  LINEAR_ENTRY,
  LINEAR_INDEX,
  linearDispatch,
  LINEAR_WORKGROUP,
  type KernelProgram,
} from '../program.ts';
import { MATH_WGSL } from './wgsl-math.ts';

export interface LossOptions {
  head: ResolvedHead;
  /** null: inference only (P). */
  loss: ResolvedLoss | null;
  /** labels (class index per row) or targets (rows × k values). */
  targets: 'labels' | 'values';
  rows: number;
  /** output units. */
  k: number;
}

/** Bindings: Z, P, then with a loss: T (labels or values), dZ, stats (rows × [loss, correct]). */
export function lossProgram(o: LossOptions): KernelProgram {
  if (o.loss === 'cross_entropy' && o.head !== 'softmax') throw new Error('cross_entropy needs the softmax head');
  if (o.loss === 'binary_cross_entropy' && o.head !== 'sigmoid')
    throw new Error('binary_cross_entropy needs the sigmoid head');
  const withLoss = o.loss !== null;
  const program: KernelProgram = {
    name: 'loss',
    shaderKey: `loss_${o.head}_${o.loss ?? 'none'}${withLoss ? `_${o.targets}` : ''}`,
    workgroupSize: [LINEAR_WORKGROUP, 1, 1],
    dispatch: linearDispatch(o.rows),
    bindings: withLoss ? ['read', 'write', 'read', 'write', 'write'] : ['read', 'write'],
    uniforms: [
      { name: 'rows', type: 'u32', value: o.rows },
      { name: 'k', type: 'u32', value: o.k },
    ],
    perBatch: false,
    wgsl: () => {
      const storage = ['var<storage, read> Z: array<f32>', 'var<storage, read_write> P: array<f32>'];
      if (withLoss) {
        storage.push(`var<storage, read> T: array<${o.targets === 'labels' ? 'u32' : 'f32'}>`);
        storage.push('var<storage, read_write> dZ: array<f32>', 'var<storage, read_write> stats: array<f32>');
      }
      return `${bindingsWgsl(program, storage)}
${MATH_WGSL}
${headWgsl(o.head)}
fn argmaxRow(o: u32) -> u32 {
  var best = 0u;
  for (var j = 1u; j < p.k; j++) { if (P[o + j] > P[o + best]) { best = j; } }
  return best;
}
${LINEAR_ENTRY} {
  let i = ${LINEAR_INDEX};
  if (i >= p.rows) { return; }
  let o = i * p.k;
  head(o);
  ${withLoss ? lossWgsl(o) : ''}
}`;
    },
  };
  return program;
}

function headWgsl(head: ResolvedHead): string {
  if (head === 'identity') return `fn head(o: u32) { for (var j = 0u; j < p.k; j++) { P[o + j] = Z[o + j]; } }`;
  if (head === 'sigmoid')
    return `fn head(o: u32) { for (var j = 0u; j < p.k; j++) { P[o + j] = sigmoid_(Z[o + j]); } }`;
  return `fn rowMax(o: u32) -> f32 {
  var m = Z[o];
  for (var j = 1u; j < p.k; j++) { m = max(m, Z[o + j]); }
  return m;
}
fn head(o: u32) {
  let m = rowMax(o);
  var s = 0.0;
  for (var j = 0u; j < p.k; j++) { let e = exp(Z[o + j] - m); P[o + j] = e; s += e; }
  for (var j = 0u; j < p.k; j++) { P[o + j] = P[o + j] / s; }
}`;
}

function lossWgsl(o: LossOptions): string {
  const n = 'f32(p.rows)';
  if (o.loss === 'cross_entropy') {
    return `let y = T[i];
  let m = rowMax(o);
  var s = 0.0;
  for (var j = 0u; j < p.k; j++) { s += exp(Z[o + j] - m); }
  stats[2u * i] = log(s) + m - Z[o + y];
  stats[2u * i + 1u] = select(0.0, 1.0, argmaxRow(o) == y);
  for (var j = 0u; j < p.k; j++) { dZ[o + j] = (P[o + j] - select(0.0, 1.0, j == y)) / ${n}; }`;
  }
  if (o.loss === 'binary_cross_entropy') {
    return `let y = f32(T[i]);
  let z = Z[i];
  stats[2u * i] = max(z, 0.0) - z * y + log1p_(exp(-abs(z)));
  stats[2u * i + 1u] = select(0.0, 1.0, select(0.0, 1.0, P[i] >= 0.5) == y);
  dZ[i] = (P[i] - y) / ${n};`;
  }
  // MSE: per row, the mean over k of (p − y)²; y one-hot (or the 0/1 label when k = 1) for classification.
  const target = o.targets === 'labels' ? `select(select(0.0, 1.0, j == T[i]), f32(T[i]), p.k == 1u)` : `T[o + j]`;
  const correct =
    o.targets === 'labels'
      ? `let predicted = select(argmaxRow(o), select(0u, 1u, P[o] >= 0.5), p.k == 1u);
  stats[2u * i + 1u] = select(0.0, 1.0, predicted == T[i]);`
      : `stats[2u * i + 1u] = 0.0;`;
  const jacobian =
    o.head === 'softmax'
      ? `for (var j = 0u; j < p.k; j++) { dZ[o + j] = P[o + j] * (dZ[o + j] - gp); }`
      : o.head === 'sigmoid'
        ? `for (var j = 0u; j < p.k; j++) { dZ[o + j] = dZ[o + j] * (P[o + j] * (1.0 - P[o + j])); }`
        : '';
  return `var s = 0.0;
  var gp = 0.0; // Σ_j g_j p_j, for the softmax Jacobian
  for (var j = 0u; j < p.k; j++) {
    let d = P[o + j] - ${target};
    s += d * d;
    let g = (2.0 * d) / (f32(p.k) * ${n});
    dZ[o + j] = g;
    gp += g * P[o + j];
  }
  stats[2u * i] = s / f32(p.k);
  ${correct}
  ${jacobian}`;
}

// Tiled matrix products C = op(A)·op(B) for the linear layer and its backprop, without materialising transposes:
//   nn: Z = X·W (+ bias, activation fused into the write)   A: M×K row-major, B: K×N row-major
//   tn: dW = Xᵀ·dZ                                          A stored K×M,     B: K×N
//   nt: dX = dZ·Wᵀ                                          A: M×K,           B stored N×K
// Each workgroup computes a 32×32 tile of C through 32-deep K tiles held in workgroup memory; each invocation a
// 4×4 block. Global loads are vec4 along whichever dimension is contiguous when it is a multiple of 4, and bounds
// checks are compiled in only for the dimensions that do not fill whole tiles.
import type { Activation } from '../../../config.ts';
import { bindingsWgsl, type KernelProgram } from '../program.ts';
import { activationWgsl, MATH_WGSL } from './wgsl-math.ts';

export type MatmulVariant = 'nn' | 'tn' | 'nt';

/** Output rows per tile. */
export const TILE_M = 32;
/** Output columns per tile. */
export const TILE_N = 32;
/** Depth of one K step held in workgroup memory. */
export const TILE_K = 32;
/** Invocations per tile side: 8×8, each computing 4×4 outputs. */
const THREADS = 8;
/** vec4 columns of a 32-wide tile row. */
const TILE_V = TILE_M / 4;

export interface MatmulOptions {
  variant: MatmulVariant;
  M: number;
  N: number;
  K: number;
  /** nn only: add a bias row and write Z, and A = act(Z) unless the activation is the identity. */
  epilogue?: { activation: Activation };
}

/** Bindings: A, B, [bias], C (= Z), [act(Z)] — the fused forward writes both. */
export function matmulProgram(o: MatmulOptions): KernelProgram {
  const { variant, M, N, K } = o;
  const aContiguous = variant === 'tn' ? 'm' : 'k';
  const bContiguous = variant === 'nt' ? 'k' : 'n';
  const aVec = (aContiguous === 'k' ? K : M) % 4 === 0;
  const bVec = (bContiguous === 'k' ? K : N) % 4 === 0;
  const cVec = N % 4 === 0;
  const checkM = M % TILE_M !== 0;
  const checkN = N % TILE_N !== 0;
  const checkK = K % TILE_K !== 0;
  const bias = o.epilogue !== undefined;
  const writeAct = bias && o.epilogue!.activation !== 'identity';
  const act = o.epilogue?.activation ?? 'identity';
  const flags = `${aVec ? 'A4' : 'A1'}${bVec ? 'B4' : 'B1'}${cVec ? 'C4' : 'C1'}_${checkM ? 'm' : ''}${checkN ? 'n' : ''}${checkK ? 'k' : ''}`;
  const shaderKey = `matmul_${variant}_${flags}_${bias ? `bias_${act}` : 'plain'}`;
  const bindings: KernelProgram['bindings'] = bias
    ? writeAct
      ? ['read', 'read', 'read', 'write', 'write']
      : ['read', 'read', 'read', 'write']
    : ['read', 'read', 'write'];
  const program: KernelProgram = {
    name: 'matmul',
    shaderKey,
    workgroupSize: [THREADS, THREADS, 1],
    dispatch: [Math.ceil(N / TILE_N), Math.ceil(M / TILE_M), 1],
    bindings,
    uniforms: [
      { name: 'M', type: 'u32', value: M },
      { name: 'N', type: 'u32', value: N },
      { name: 'K', type: 'u32', value: K },
    ],
    perBatch: false,
    wgsl: () => {
      const vecType = (v: boolean) => (v ? 'vec4<f32>' : 'f32');
      const storage = [
        `var<storage, read> A: array<${vecType(aVec)}>`,
        `var<storage, read> B: array<${vecType(bVec)}>`,
      ];
      if (bias) storage.push(`var<storage, read> bias: array<${vecType(cVec)}>`);
      storage.push(`var<storage, read_write> C: array<${vecType(cVec)}>`);
      if (writeAct) storage.push(`var<storage, read_write> Act: array<${vecType(cVec)}>`);
      return `${bindingsWgsl(program, storage)}
${bias ? MATH_WGSL + activationWgsl(act) : ''}
// Tiles, k-major: As[k * ${TILE_V} + m / 4][m % 4] is A(m0 + m, k0 + k); Bs likewise for B(k0 + k, n0 + n).
var<workgroup> As: array<vec4<f32>, ${(TILE_K * TILE_M) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(TILE_K * TILE_N) / 4}>;
${loadTile('A', aContiguous === 'k' ? 'major' : 'minor', aVec, checkM ? 'p.M' : null, checkK ? 'p.K' : null)}
${loadTile('B', bContiguous === 'k' ? 'major' : 'minor', bVec, checkN ? 'p.N' : null, checkK ? 'p.K' : null)}
@compute @workgroup_size(${THREADS}, ${THREADS}, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32,
        @builtin(workgroup_id) wid: vec3<u32>) {
  let m0 = wid.y * ${TILE_M}u;
  let n0 = wid.x * ${TILE_N}u;
  var acc: array<vec4<f32>, 4>;
  let tiles = (p.K + ${TILE_K - 1}u) / ${TILE_K}u;
  for (var t = 0u; t < tiles; t++) {
    let k0 = t * ${TILE_K}u;
    loadA(li, m0, k0);
    loadB(li, n0, k0);
    workgroupBarrier();
    for (var k = 0u; k < ${TILE_K}u; k++) {
      let a = As[k * ${TILE_V}u + lid.y];
      let b = Bs[k * ${TILE_V}u + lid.x];
      acc[0] += a.x * b;
      acc[1] += a.y * b;
      acc[2] += a.z * b;
      acc[3] += a.w * b;
    }
    workgroupBarrier();
  }
  let col = n0 + lid.x * 4u;
  for (var i = 0u; i < 4u; i++) {
    let row = m0 + lid.y * 4u + i;
    ${checkM ? 'if (row >= p.M) { break; }' : ''}
    ${writeRow(cVec, checkN, bias, writeAct)}
  }
}
${indexFunctions(variant)}`;
    },
  };
  return program;
}

/** Element offsets of A(m, k) and B(k, n) in their stored layouts. */
function indexFunctions(variant: MatmulVariant): string {
  const a = variant === 'tn' ? 'k * p.M + m' : 'm * p.K + k';
  const b = variant === 'nt' ? 'n * p.K + k' : 'k * p.N + n';
  return `fn offsetA(m: u32, k: u32) -> u32 { return ${a}; }
fn offsetB(k: u32, n: u32) -> u32 { return ${b}; }`;
}

/**
 * loadA(li, m0, k0) / loadB(li, n0, k0): the 64 invocations fill a 32×32 tile. `contiguous` says whether the
 * stored matrix runs along K (`major`: rows of the tile's other dimension are contiguous in K) or along the tile's
 * other dimension (`minor`: contiguous along m or n, the order the tile keeps).
 */
function loadTile(
  which: 'A' | 'B',
  contiguous: 'major' | 'minor',
  vec: boolean,
  limitOuter: string | null,
  limitK: string | null,
): string {
  const outer = which === 'A' ? 'm' : 'n';
  const tile = `${which}s`;
  const at = (o: string, k: string) => (which === 'A' ? `offset${which}(${o}, ${k})` : `offset${which}(${k}, ${o})`);
  const guard = (o: string, k: string) => {
    const parts = [limitOuter ? `${o} < ${limitOuter}` : '', limitK ? `${k} < ${limitK}` : ''].filter(Boolean);
    return parts.length ? parts.join(' && ') : 'true';
  };
  let body: string;
  if (vec && contiguous === 'minor') {
    // one vec4 = 4 consecutive m (or n) at one k: stored as is.
    body = `for (var r = 0u; r < 4u; r++) {
    let v = li + r * 64u;
    let k = v / ${TILE_V}u;
    let o4 = v % ${TILE_V}u;
    let go = o0 + o4 * 4u;
    let gk = k0 + k;
    var val = vec4<f32>(0.0);
    if (${guard('go', 'gk')}) { val = ${which}[${at('go', 'gk')} / 4u]; }
    ${tile}[k * ${TILE_V}u + o4] = val;
  }`;
  } else if (vec) {
    // one vec4 = 4 consecutive k at one m (or n): scattered into four k rows of the tile.
    body = `for (var r = 0u; r < 4u; r++) {
    let v = li + r * 64u;
    let o = v / ${TILE_K / 4}u;
    let k4 = v % ${TILE_K / 4}u;
    let go = o0 + o;
    let gk = k0 + k4 * 4u;
    var val = vec4<f32>(0.0);
    if (${guard('go', 'gk')}) { val = ${which}[${at('go', 'gk')} / 4u]; }
    let slot = k4 * ${4 * TILE_V}u + o / 4u;
    ${tile}[slot][o % 4u] = val.x;
    ${tile}[slot + ${TILE_V}u][o % 4u] = val.y;
    ${tile}[slot + ${2 * TILE_V}u][o % 4u] = val.z;
    ${tile}[slot + ${3 * TILE_V}u][o % 4u] = val.w;
  }`;
  } else {
    // scalar loads, the contiguous index varying fastest across invocations.
    const split = contiguous === 'minor' ? `let k = v / 32u; let o = v % 32u;` : `let o = v / 32u; let k = v % 32u;`;
    body = `for (var r = 0u; r < 16u; r++) {
    let v = li + r * 64u;
    ${split}
    let go = o0 + o;
    let gk = k0 + k;
    var val = 0.0;
    if (${guard('go', 'gk')}) { val = ${which}[${at('go', 'gk')}]; }
    ${tile}[k * ${TILE_V}u + o / 4u][o % 4u] = val;
  }`;
  }
  return `fn load${which}(li: u32, o0: u32, k0: u32) {
  // tile of ${which}: ${outer} in [o0, o0 + 32), k in [k0, k0 + 32)
  ${body}
}`;
}

function writeRow(cVec: boolean, checkN: boolean, bias: boolean, writeAct: boolean): string {
  if (cVec) {
    const lines = [`var z = acc[i];`];
    if (bias) lines.push(`z += bias[col / 4u];`);
    lines.push(`C[(row * p.N + col) / 4u] = z;`);
    if (writeAct) lines.push(`Act[(row * p.N + col) / 4u] = act4(z);`);
    const body = lines.join('\n    ');
    // N % 4 == 0, so a vec4 is either wholly inside or wholly outside.
    return checkN ? `if (col < p.N) {\n    ${body}\n    }` : body;
  }
  const lines = [`var z = acc[i][c];`];
  if (bias) lines.push(`z += bias[col + c];`);
  lines.push(`C[row * p.N + col + c] = z;`);
  if (writeAct) lines.push(`Act[row * p.N + col + c] = act(z);`);
  return `for (var c = 0u; c < 4u; c++) {
      ${checkN ? 'if (col + c >= p.N) { break; }' : ''}
      ${lines.join('\n      ')}
    }`;
}

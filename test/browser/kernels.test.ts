// Op conformance: every WebGPU kernel in engine/backends/webgpu/kernels/index.ts against the CPU reference
// (engine/model/*, in float64) on seeded random inputs, at shapes that hit 1, odd sizes (7, 33, 130), vec4-able
// sizes and whole multiples of the 32×32 tile. Error: max|gpu − cpu| / max|cpu| ≤ 1e-4 (see gpu-harness.ts).
import { describe, expect, it } from 'vitest';
import type { Activation, ResolvedHead, ResolvedLoss } from '../../engine/config.ts';
import { ACTIVATIONS } from '../../engine/config.ts';
import { KERNELS, type KernelName } from '../../engine/backends/webgpu/kernels/index.ts';
import { activationBackward, activationForward } from '../../engine/model/activations.ts';
import { linearBackwardInput, linearBackwardParams, linearForward } from '../../engine/model/linear.ts';
import { headForward, headLoss } from '../../engine/model/losses.ts';
import { optimizerStep, type OptimizerConfig } from '../../engine/model/optimizers.ts';
import { hashUniform, Rng } from '../../engine/rng.ts';
import { SQUARES_GROUPS } from '../../engine/backends/webgpu/kernels/sum-of-squares.ts';
import { relativeError, runProgram } from './gpu-harness.ts';
import { distillCases } from './distill-kernel-cases.ts';

const TOLERANCE = 1e-4;

/** Cases not run, each with its reason. Empty: every kernel variant runs on SwiftShader. */
interface Case {
  kernel: KernelName;
  name: string;
  /** errors per compared output; each must be ≤ TOLERANCE. */
  run(): Promise<Record<string, number>>;
}

let seed = 1;
function random(n: number, lo = -1, hi = 1): Float32Array {
  const rng = new Rng(seed++);
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
}
const f64 = (a: ArrayLike<number>) => Float64Array.from(a as ArrayLike<number>);

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 33, 130],
  [33, 7, 1],
  [1, 130, 7],
  [4, 8, 12],
  [130, 130, 33],
  [32, 32, 32],
  [64, 96, 128],
  [130, 7, 64],
];

function matmulCases(): Case[] {
  const cases: Case[] = [];
  for (const [M, N, K] of SHAPES) {
    cases.push({
      kernel: 'matmul',
      name: `matmul nn + bias + relu ${M}×${N}×${K}`,
      run: () => forwardCase(M, N, K, 'relu'),
    });
    cases.push({
      kernel: 'matmul',
      name: `matmul tn (dW = Xᵀ·dZ) ${M}×${N}×${K}`,
      async run() {
        const X = random(K * M);
        const dZ = random(K * N);
        const dW = new Float64Array(M * N);
        linearBackwardParams(f64(X), f64(dZ), dW, new Float64Array(N), K, M, N);
        const out = await runProgram(KERNELS.matmul({ variant: 'tn', M, N, K }), [X, dZ, new Float32Array(M * N)]);
        return { dW: relativeError(out[2]!, dW) };
      },
    });
    cases.push({
      kernel: 'matmul',
      name: `matmul nt (dX = dZ·Wᵀ) ${M}×${N}×${K}`,
      async run() {
        const dZ = random(M * K);
        const W = random(N * K);
        const dX = new Float64Array(M * N);
        linearBackwardInput(f64(dZ), f64(W), dX, M, N, K);
        const out = await runProgram(KERNELS.matmul({ variant: 'nt', M, N, K }), [dZ, W, new Float32Array(M * N)]);
        return { dX: relativeError(out[2]!, dX) };
      },
    });
  }
  for (const activation of ACTIVATIONS)
    cases.push({
      kernel: 'matmul',
      name: `matmul nn + bias + ${activation} 33×36×20`,
      run: () => forwardCase(33, 36, 20, activation),
    });
  return cases;
}

async function forwardCase(M: number, N: number, K: number, activation: Activation): Promise<Record<string, number>> {
  const X = random(M * K);
  const W = random(K * N);
  const b = random(N);
  const Z = new Float64Array(M * N);
  const A = new Float64Array(M * N);
  linearForward(f64(X), f64(W), f64(b), Z, M, K, N);
  activationForward(activation, Z, A, M * N);
  const program = KERNELS.matmul({ variant: 'nn', M, N, K, epilogue: { activation } });
  const outputs =
    activation === 'identity' ? [new Float32Array(M * N)] : [new Float32Array(M * N), new Float32Array(M * N)];
  const out = await runProgram(program, [X, W, b, ...outputs]);
  return activation === 'identity'
    ? { Z: relativeError(out[3]!, Z) }
    : { Z: relativeError(out[3]!, Z), A: relativeError(out[4]!, A) };
}

const DROP = { rate: 0.3, seed: 11, layer: 2, step: 5 };
function dropMask(count: number): Float64Array {
  const scale = 1 / (1 - DROP.rate);
  return Float64Array.from({ length: count }, (_, i) =>
    hashUniform(DROP.seed, DROP.step, DROP.layer, i) < DROP.rate ? 0 : scale,
  );
}

function elementwiseCases(): Case[] {
  const cases: Case[] = [];
  for (const count of [1, 7 * 33, 130 * 130])
    for (const activation of ACTIVATIONS)
      for (const dropout of [false, true])
        cases.push({
          kernel: 'activationBackward',
          name: `activation backward ${activation}${dropout ? ' + dropout' : ''} ×${count}`,
          async run() {
            const Z = random(count, -3, 3);
            const A = new Float32Array(count);
            activationForward(activation, Z, A, count);
            const dA = random(count);
            const dA64 = f64(dA);
            if (dropout) dropMask(count).forEach((m, i) => (dA64[i]! *= m));
            const dZ = new Float64Array(count);
            activationBackward(activation, f64(Z), f64(A), dA64, dZ, count);
            const program = KERNELS.activationBackward({ activation, count, dropout: dropout ? DROP : undefined });
            const out = await runProgram(program, [dA, Z, A, new Float32Array(count)], { step: DROP.step });
            return { dZ: relativeError(out[3]!, dZ) };
          },
        });
  for (const count of [1, 7, 33 * 130])
    cases.push({
      kernel: 'dropout',
      name: `dropout forward ×${count}`,
      async run() {
        const A = random(count);
        const want = dropMask(count).map((m, i) => m * A[i]!);
        const out = await runProgram(KERNELS.dropout({ count, ...DROP }), [A, new Float32Array(count)], {
          step: DROP.step,
        });
        return { D: relativeError(out[1]!, want) };
      },
    });
  for (const [rows, cols] of [
    [1, 1],
    [7, 33],
    [33, 7],
    [130, 130],
    [256, 64],
  ] as const)
    cases.push({
      kernel: 'columnSum',
      name: `column sum ${rows}×${cols}`,
      async run() {
        const dZ = random(rows * cols);
        const db = new Float64Array(cols);
        for (let i = 0; i < rows * cols; i++) db[i % cols]! += dZ[i]!;
        const out = await runProgram(KERNELS.columnSum({ rows, cols }), [dZ, new Float32Array(cols)]);
        return { db: relativeError(out[1]!, db) };
      },
    });
  for (const [type, width] of [
    ['f32', 33],
    ['u32', 1],
    ['f32', 7],
  ] as const)
    cases.push({
      kernel: 'gather',
      name: `gather ${type} rows of width ${width}`,
      async run() {
        const n = 130;
        const rows = 33;
        const offset = 7;
        const order = new Rng(seed++).permutation(n);
        const src = type === 'u32' ? Uint32Array.from({ length: n * width }, (_, i) => i * 3 + 1) : random(n * width);
        const want = new Float64Array(rows * width);
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < width; c++) want[r * width + c] = src[order[offset + r]! * width + c]!;
        const dst = type === 'u32' ? new Uint32Array(rows * width) : new Float32Array(rows * width);
        const out = await runProgram(KERNELS.gather({ rows, width, type }), [order, src, dst], { offset });
        return { rows: relativeError(out[2]!, want) };
      },
    });
  for (const rows of [1, 7, 130, 1000])
    cases.push({
      kernel: 'reduceSums',
      name: `loss/correct sums of ${rows} rows`,
      async run() {
        const stats = random(rows * 2, 0, 3);
        const want = [0, 0, 0, 0, 0, 0];
        for (let r = 0; r < rows; r++) {
          want[4]! += stats[2 * r]!;
          want[5]! += stats[2 * r + 1]!;
        }
        const out = await runProgram(KERNELS.reduceSums({ rows }), [stats, new Float32Array(6)], { slot: 2 });
        return { sums: relativeError(out[1]!, want) };
      },
    });
  for (const count of [1, 7, 130 * 130, 784 * 512])
    cases.push({
      kernel: 'sumOfSquares',
      name: `sum of squares (dW² partials) ×${count}`,
      async run() {
        const x = random(count);
        let want = 0;
        for (const v of x) want += v * v;
        // 3 layers' rows of partials, prefilled: only row `layer` may change, and its entries add up to Σ x².
        const layer = 1;
        const partials = Float32Array.from({ length: 3 * SQUARES_GROUPS }, (_, i) => i + 0.5);
        const out = await runProgram(KERNELS.sumOfSquares({ count, layer }), [x, partials]);
        const got = out[1]!;
        let total = 0;
        for (let g = 0; g < SQUARES_GROUPS; g++) total += got[layer * SQUARES_GROUPS + g]!;
        const others = [...got].filter((_, i) => Math.floor(i / SQUARES_GROUPS) !== layer);
        const othersWant = [...partials].filter((_, i) => Math.floor(i / SQUARES_GROUPS) !== layer);
        return { total: relativeError([total], [want]), untouched: relativeError(others, othersWant) };
      },
    });
  for (const layers of [1, 3, 70])
    cases.push({
      kernel: 'foldSquares',
      name: `fold dW² partials of ${layers} layers into a batch slot`,
      async run() {
        const slots = 4;
        const slot = 2;
        const partials = random(layers * SQUARES_GROUPS, 0, 2);
        const want = new Float64Array(slots * layers);
        for (let l = 0; l < layers; l++)
          for (let g = 0; g < SQUARES_GROUPS; g++) want[slot * layers + l]! += partials[l * SQUARES_GROUPS + g]!;
        const out = await runProgram(KERNELS.foldSquares({ layers }), [partials, new Float32Array(slots * layers)], {
          slot,
        });
        return { squares: relativeError(out[1]!, want) };
      },
    });
  return cases;
}

const LOSSES: { head: ResolvedHead; loss: ResolvedLoss | null; targets: 'labels' | 'values'; k: number }[] = [
  { head: 'softmax', loss: 'cross_entropy', targets: 'labels', k: 10 },
  { head: 'softmax', loss: 'cross_entropy', targets: 'labels', k: 2 },
  { head: 'sigmoid', loss: 'binary_cross_entropy', targets: 'labels', k: 1 },
  { head: 'identity', loss: 'mse', targets: 'values', k: 7 },
  { head: 'identity', loss: 'mse', targets: 'values', k: 1 },
  { head: 'softmax', loss: 'mse', targets: 'labels', k: 7 },
  { head: 'sigmoid', loss: 'mse', targets: 'labels', k: 1 },
  { head: 'softmax', loss: null, targets: 'labels', k: 7 },
];

function lossCases(): Case[] {
  return LOSSES.flatMap(({ head, loss, targets, k }) =>
    [1, 33, 130].map((rows): Case => ({
      kernel: 'loss',
      name: `head ${head} + ${loss ?? 'no loss (predict)'} k=${k} ×${rows}`,
      async run(): Promise<Record<string, number>> {
        const Z = random(rows * k, -4, 4);
        const P = new Float64Array(rows * k);
        headForward(head, f64(Z), P, rows, k);
        if (loss === null) {
          const out = await runProgram(KERNELS.loss({ head, loss, targets, rows, k }), [Z, new Float32Array(rows * k)]);
          return { P: relativeError(out[1]!, P) };
        }
        const rng = new Rng(seed++);
        const classes = k === 1 ? 2 : k;
        const labels = Uint32Array.from({ length: rows }, () => rng.int(classes));
        const values = random(rows * k);
        const dZ = new Float64Array(rows * k);
        const stats = new Float64Array(rows * 2);
        for (let i = 0; i < rows; i++) {
          const row = (a: Float64Array) => a.subarray(i * k, (i + 1) * k);
          const t =
            targets === 'labels'
              ? { labels: labels.subarray(i, i + 1) }
              : { targets: f64(values.subarray(i * k, (i + 1) * k)) };
          const r = headLoss(head, loss, f64(Z.subarray(i * k, (i + 1) * k)), row(P), 1, k, t, row(dZ), rows);
          stats[2 * i] = r.lossSum;
          stats[2 * i + 1] = r.correct;
        }
        const T = targets === 'labels' ? labels : values;
        const program = KERNELS.loss({ head, loss, targets, rows, k });
        const out = await runProgram(program, [
          Z,
          new Float32Array(rows * k),
          T,
          new Float32Array(rows * k),
          new Float32Array(rows * 2),
        ]);
        const got = out[4]!;
        const column = (a: ArrayLike<number>, c: number) =>
          Float64Array.from({ length: rows }, (_, i) => a[2 * i + c]!);
        return {
          P: relativeError(out[1]!, P),
          dZ: relativeError(out[3]!, dZ),
          loss: relativeError(column(got, 0), column(stats, 0)),
          correct: relativeError(column(got, 1), column(stats, 1)),
        };
      },
    })),
  );
}

function optimizerCases(): Case[] {
  const base: OptimizerConfig = {
    type: 'sgd',
    lr: 0.05,
    momentum: 0.9,
    nesterov: false,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    weightDecay: 0.01,
  };
  const variants: OptimizerConfig[] = [
    { ...base, type: 'sgd' },
    { ...base, type: 'momentum' },
    { ...base, type: 'momentum', nesterov: true },
    { ...base, type: 'adam' },
  ];
  const cases: Case[] = [];
  for (const opt of variants)
    for (const decay of [true, false])
      for (const count of [1, 33, 130 * 7])
        cases.push({
          kernel: 'optimizer',
          name: `optimizer ${opt.type}${opt.nesterov ? ' nesterov' : ''}${decay ? ' + weight decay' : ''} ×${count}`,
          async run() {
            const t = 3;
            const w = random(count);
            const g = random(count);
            const state =
              opt.type === 'adam'
                ? [random(count, -0.1, 0.1), random(count, 0, 0.01)]
                : opt.type === 'momentum'
                  ? [random(count)]
                  : [];
            const wantW = f64(w);
            const wantState = state.map(f64);
            optimizerStep(opt, wantW, f64(g), wantState, opt.lr, t, decay);
            const out = await runProgram(KERNELS.optimizer({ optimizer: opt, count, decay }), [w, g, ...state], {
              lr: opt.lr,
              c1: 1 - Math.pow(opt.beta1, t),
              c2: 1 - Math.pow(opt.beta2, t),
            });
            const errors: Record<string, number> = { w: relativeError(out[0]!, wantW) };
            wantState.forEach((s, i) => (errors[`state${i}`] = relativeError(out[2 + i]!, s)));
            return errors;
          },
        });
  return cases;
}

const CASES: Case[] = [...matmulCases(), ...elementwiseCases(), ...lossCases(), ...distillCases(), ...optimizerCases()];

describe('WebGPU kernels match the CPU reference', () => {
  it('covers every registered kernel', () => {
    expect(new Set(CASES.map((c) => c.kernel))).toEqual(new Set(Object.keys(KERNELS)));
  });
  for (const c of CASES) {
    it(c.name, async () => {
      const errors = await c.run();
      for (const [output, error] of Object.entries(errors))
        expect(error, `${output} relative error`).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});

// The three matrix products of a training step (forward with fused bias + activation, dW = Xᵀ·dY, dX = dY·Wᵀ)
// against the typed-array reference on odd shapes, in both instruction sets (SIMD128 and relaxed SIMD's fused
// multiply-add), with 1 and 2 threads on every shape and 4 and 8 on some; the thread count never changes a bit.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACT_NONE, ACTIVATION_CODES, INIT, LAYOUT } from '../../../engine/backends/wasm/kernel-abi.ts';
import { loadKernelModule } from '../../../engine/backends/wasm/module.ts';
import type { KernelRuntime } from '../../../engine/backends/wasm/runtime.ts';
import { activationForward } from '../../../engine/model/activations.ts';
import { linearBackwardInput, linearBackwardParams, linearForward, matmul } from '../../../engine/model/linear.ts';
import { bitsEqual, randomArray, relativeError, runtime, VARIANTS } from './helpers.ts';

const SIZES = [1, 7, 33, 130];
const SHAPES = SIZES.flatMap((n) => SIZES.flatMap((inputs) => SIZES.map((out) => [n, inputs, out] as const)));
const TOL = 1e-5;
const TEAMS = [1, 2, 4, 8];
/** Shapes also run by the 4- and 8-thread teams: split by 8-column strips, by 4-row panels, and with edge tiles. */
const WIDE_TEAM_SHAPES = new Set(['130,130,130', '130,7,130', '130,130,7', '33,130,33', '7,33,130']);
const teamsFor = (n: number, inputs: number, out: number) => (WIDE_TEAM_SHAPES.has(`${n},${inputs},${out}`) ? 4 : 2);

test('Node validates relaxed SIMD once the host has set the flag, so it is the default variant', async () => {
  const kernels = await loadKernelModule();
  expect('unavailable' in kernels ? kernels.unavailable : kernels.variant).toBe('relaxed-simd');
});

describe.each(VARIANTS)('wasm gemm (%s) vs reference', (variant) => {
  let rts: KernelRuntime[] = [];
  beforeAll(async () => {
    rts = [];
    for (const threads of TEAMS) rts.push(await runtime(threads, variant));
    expect(rts.map((rt) => rt.threads)).toEqual(TEAMS);
  });
  afterAll(() => rts.forEach((rt) => rt.dispose()));

  /** Runs `fn` on the first `teams` runtimes (1, 2, 4, 8 threads); returns their results (fresh copies). */
  function onTeams<T>(teams: number, fn: (rt: KernelRuntime) => T): T[] {
    return rts.slice(0, teams).map(fn);
  }

  test.each(SHAPES)('forward H = X·W + b, relu: n=%i in=%i out=%i', (n, inputs, out) => {
    const X = randomArray(n * inputs, 1);
    const W = randomArray(inputs * out, 2);
    const b = randomArray(out, 3);
    const Z = new Float32Array(n * out);
    const A = new Float32Array(n * out);
    linearForward(X, W, b, Z, n, inputs, out);
    activationForward('relu', Z, A, n * out);
    const results = onTeams(teamsFor(n, inputs, out), (rt) => {
      const [x, w, bias] = [rt.upload(X), rt.upload(W), rt.upload(b)];
      const z = rt.heap.alloc(n * out * 4);
      const a = rt.heap.alloc(n * out * 4);
      rt.gemm(LAYOUT.NN, n, out, inputs, x, inputs, w, out, z, out, INIT.BIAS, bias, ACTIVATION_CODES.relu, a);
      return { z: rt.heap.f32(z, n * out).slice(), a: rt.heap.f32(a, n * out).slice() };
    });
    expect(relativeError(results[0]!.z, Z)).toBeLessThan(TOL);
    expect(relativeError(results[0]!.a, A)).toBeLessThan(TOL);
    for (const r of results.slice(1)) {
      expect(bitsEqual(results[0]!.z, r.z)).toBe(true);
      expect(bitsEqual(results[0]!.a, r.a)).toBe(true);
    }
  });

  test.each(SHAPES)('dW = Xᵀ·dY and db: n=%i in=%i out=%i', (n, inputs, out) => {
    const X = randomArray(n * inputs, 4);
    const dY = randomArray(n * out, 5);
    const dW = new Float32Array(inputs * out);
    const db = new Float32Array(out);
    linearBackwardParams(X, dY, dW, db, n, inputs, out);
    const teams = teamsFor(n, inputs, out);
    const w = onTeams(teams, (rt) => {
      const [x, dy] = [rt.upload(X), rt.upload(dY)];
      const dw = rt.heap.alloc(inputs * out * 4);
      rt.gemm(LAYOUT.TN, inputs, out, n, x, inputs, dy, out, dw, out);
      return rt.heap.f32(dw, inputs * out).slice();
    });
    const b = onTeams(teams, (rt) => {
      const dy = rt.upload(dY);
      const d = rt.heap.alloc(out * 4);
      rt.run('columnSums', [dy, d, n, out]);
      return rt.heap.f32(d, out).slice();
    });
    expect(relativeError(w[0]!, dW)).toBeLessThan(TOL);
    expect(relativeError(b[0]!, db)).toBeLessThan(TOL);
    for (const r of w.slice(1)) expect(bitsEqual(w[0]!, r)).toBe(true);
    for (const r of b.slice(1)) expect(bitsEqual(b[0]!, r)).toBe(true);
  });

  test.each(SHAPES)('dX = dY·Wᵀ: n=%i in=%i out=%i', (n, inputs, out) => {
    const dY = randomArray(n * out, 6);
    const W = randomArray(inputs * out, 7);
    const dX = new Float32Array(n * inputs);
    linearBackwardInput(dY, W, dX, n, inputs, out);
    const results = onTeams(teamsFor(n, inputs, out), (rt) => {
      const [dy, w] = [rt.upload(dY), rt.upload(W)];
      const dx = rt.heap.alloc(n * inputs * 4);
      rt.gemm(LAYOUT.NT, n, inputs, out, dy, out, w, out, dx, inputs);
      return rt.heap.f32(dx, n * inputs).slice();
    });
    expect(relativeError(results[0]!, dX)).toBeLessThan(TOL);
    for (const r of results.slice(1)) expect(bitsEqual(results[0]!, r)).toBe(true);
  });

  test.each(['tanh', 'sigmoid', 'gelu', 'leaky_relu'] as const)(
    'forward with a fused %s: every column (SIMD lanes and the 1-3 left over) against the reference',
    (activation) => {
      // Z = X·I + b spans −12..12 (tanh's clamp at ±7.9 included) over 130 columns: 32 vectors and a tail of 2.
      const [n, out] = [9, 130];
      const X = randomArray(n * out, 11, -12, 12);
      const eye = new Float32Array(out * out).map((_, i) => (i % (out + 1) === 0 ? 1 : 0));
      const b = new Float32Array(out);
      const expected = new Float32Array(n * out);
      activationForward(activation, X, expected, n * out);
      const results = onTeams(2, (rt) => {
        const [x, w, bias] = [rt.upload(X), rt.upload(eye), rt.upload(b)];
        const z = rt.heap.alloc(n * out * 4);
        const a = rt.heap.alloc(n * out * 4);
        rt.gemm(LAYOUT.NN, n, out, out, x, out, w, out, z, out, INIT.BIAS, bias, ACTIVATION_CODES[activation], a);
        return rt.heap.f32(a, n * out).slice();
      });
      let worst = 0;
      for (let i = 0; i < expected.length; i++)
        worst = Math.max(worst, Math.abs(results[0]![i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), 1e-3));
      expect(worst).toBeLessThan(1e-6);
      expect(bitsEqual(results[0]!, results[1]!)).toBe(true);
    },
  );

  test('square products across K blocks (k > 256) and column blocks (n > 512), accumulating into C', () => {
    const [m, k, n] = [37, 601, 1030];
    const A = randomArray(m * k, 8);
    const B = randomArray(k * n, 9);
    const C0 = randomArray(m * n, 10);
    const expected = new Float32Array(m * n);
    matmul(A, B, expected, m, k, n);
    for (let i = 0; i < expected.length; i++) expected[i]! += C0[i]!;
    const results = onTeams(TEAMS.length, (rt) => {
      const [a, b, c] = [rt.upload(A), rt.upload(B), rt.upload(C0)];
      rt.gemm(LAYOUT.NN, m, n, k, a, k, b, n, c, n, INIT.LOAD, 0, ACT_NONE, 0);
      return rt.heap.f32(c, m * n).slice();
    });
    expect(relativeError(results[0]!, expected)).toBeLessThan(TOL);
    for (const r of results.slice(1)) expect(bitsEqual(results[0]!, r)).toBe(true);
  });

  test('a product large enough that the parts form a grid of row and column blocks (edge tiles on both sides)', () => {
    // 301 × 299 from 300: on 2 threads (4 parts) the split is 2×2 blocks, on 4 and 8 threads a wider grid.
    const [n, inputs, out] = [301, 300, 299];
    const X = randomArray(n * inputs, 12);
    const W = randomArray(inputs * out, 13);
    const b = randomArray(out, 14);
    const Z = new Float32Array(n * out);
    const A = new Float32Array(n * out);
    linearForward(X, W, b, Z, n, inputs, out);
    activationForward('relu', Z, A, n * out);
    const results = onTeams(TEAMS.length, (rt) => {
      const [x, w, bias] = [rt.upload(X), rt.upload(W), rt.upload(b)];
      const [z, a] = [rt.heap.alloc(n * out * 4), rt.heap.alloc(n * out * 4)];
      rt.gemm(LAYOUT.NN, n, out, inputs, x, inputs, w, out, z, out, INIT.BIAS, bias, ACTIVATION_CODES.relu, a);
      return { z: rt.heap.f32(z, n * out).slice(), a: rt.heap.f32(a, n * out).slice() };
    });
    expect(relativeError(results[0]!.z, Z)).toBeLessThan(TOL);
    expect(relativeError(results[0]!.a, A)).toBeLessThan(TOL);
    for (const r of results.slice(1)) {
      expect(bitsEqual(results[0]!.z, r.z)).toBe(true);
      expect(bitsEqual(results[0]!.a, r.a)).toBe(true);
    }
  });
});

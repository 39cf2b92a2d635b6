// The three matrix products of a training step (forward with fused bias + activation, dW = Xᵀ·dY, dX = dY·Wᵀ)
// against the typed-array reference on odd shapes, with 1 and 2 threads; the thread count never changes a bit.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACT_NONE, ACTIVATION_CODES, INIT, LAYOUT } from '../../../engine/backends/wasm/kernel-abi.ts';
import type { KernelRuntime } from '../../../engine/backends/wasm/runtime.ts';
import { activationForward } from '../../../engine/model/activations.ts';
import { linearBackwardInput, linearBackwardParams, linearForward, matmul } from '../../../engine/model/linear.ts';
import { bitsEqual, randomArray, relativeError, runtime } from './helpers.ts';

const SIZES = [1, 7, 33, 130];
const SHAPES = SIZES.flatMap((n) => SIZES.flatMap((inputs) => SIZES.map((out) => [n, inputs, out] as const)));
const TOL = 1e-5;

let rts: KernelRuntime[] = [];
beforeAll(async () => {
  rts = [await runtime(1), await runtime(2)];
  expect(rts.map((rt) => rt.threads)).toEqual([1, 2]);
});
afterAll(() => rts.forEach((rt) => rt.dispose()));

/** Runs `fn` on both runtimes; returns their results (fresh copies). */
function onBoth(fn: (rt: KernelRuntime) => Float32Array): [Float32Array, Float32Array] {
  return [fn(rts[0]!), fn(rts[1]!)];
}

describe('wasm gemm vs reference', () => {
  test.each(SHAPES)('forward H = X·W + b, relu: n=%i in=%i out=%i', (n, inputs, out) => {
    const X = randomArray(n * inputs, 1);
    const W = randomArray(inputs * out, 2);
    const b = randomArray(out, 3);
    const Z = new Float32Array(n * out);
    const A = new Float32Array(n * out);
    linearForward(X, W, b, Z, n, inputs, out);
    activationForward('relu', Z, A, n * out);
    const results = [0, 1].map((t) => {
      const rt = rts[t]!;
      const [x, w, bias] = [rt.upload(X), rt.upload(W), rt.upload(b)];
      const z = rt.heap.alloc(n * out * 4);
      const a = rt.heap.alloc(n * out * 4);
      rt.gemm(LAYOUT.NN, n, out, inputs, x, inputs, w, out, z, out, INIT.BIAS, bias, ACTIVATION_CODES.relu, a);
      return { z: rt.heap.f32(z, n * out).slice(), a: rt.heap.f32(a, n * out).slice() };
    });
    expect(relativeError(results[0]!.z, Z)).toBeLessThan(TOL);
    expect(relativeError(results[0]!.a, A)).toBeLessThan(TOL);
    expect(bitsEqual(results[0]!.z, results[1]!.z)).toBe(true);
    expect(bitsEqual(results[0]!.a, results[1]!.a)).toBe(true);
  });

  test.each(SHAPES)('dW = Xᵀ·dY and db: n=%i in=%i out=%i', (n, inputs, out) => {
    const X = randomArray(n * inputs, 4);
    const dY = randomArray(n * out, 5);
    const dW = new Float32Array(inputs * out);
    const db = new Float32Array(out);
    linearBackwardParams(X, dY, dW, db, n, inputs, out);
    const [w1, w2] = onBoth((rt) => {
      const [x, dy] = [rt.upload(X), rt.upload(dY)];
      const dw = rt.heap.alloc(inputs * out * 4);
      rt.gemm(LAYOUT.TN, inputs, out, n, x, inputs, dy, out, dw, out);
      return rt.heap.f32(dw, inputs * out).slice();
    });
    const [b1, b2] = onBoth((rt) => {
      const dy = rt.upload(dY);
      const d = rt.heap.alloc(out * 4);
      rt.run('columnSums', [dy, d, n, out]);
      return rt.heap.f32(d, out).slice();
    });
    expect(relativeError(w1, dW)).toBeLessThan(TOL);
    expect(relativeError(b1, db)).toBeLessThan(TOL);
    expect(bitsEqual(w1, w2)).toBe(true);
    expect(bitsEqual(b1, b2)).toBe(true);
  });

  test.each(SHAPES)('dX = dY·Wᵀ: n=%i in=%i out=%i', (n, inputs, out) => {
    const dY = randomArray(n * out, 6);
    const W = randomArray(inputs * out, 7);
    const dX = new Float32Array(n * inputs);
    linearBackwardInput(dY, W, dX, n, inputs, out);
    const [r1, r2] = onBoth((rt) => {
      const [dy, w] = [rt.upload(dY), rt.upload(W)];
      const dx = rt.heap.alloc(n * inputs * 4);
      rt.gemm(LAYOUT.NT, n, inputs, out, dy, out, w, out, dx, inputs);
      return rt.heap.f32(dx, n * inputs).slice();
    });
    expect(relativeError(r1, dX)).toBeLessThan(TOL);
    expect(bitsEqual(r1, r2)).toBe(true);
  });

  test('square products across K blocks (k > 256) and column blocks (n > 512), accumulating into C', () => {
    const [m, k, n] = [37, 601, 1030];
    const A = randomArray(m * k, 8);
    const B = randomArray(k * n, 9);
    const C0 = randomArray(m * n, 10);
    const expected = new Float32Array(m * n);
    matmul(A, B, expected, m, k, n);
    for (let i = 0; i < expected.length; i++) expected[i]! += C0[i]!;
    const [r1, r2] = onBoth((rt) => {
      const [a, b, c] = [rt.upload(A), rt.upload(B), rt.upload(C0)];
      rt.gemm(LAYOUT.NN, m, n, k, a, k, b, n, c, n, INIT.LOAD, 0, ACT_NONE, 0);
      return rt.heap.f32(c, m * n).slice();
    });
    expect(relativeError(r1, expected)).toBeLessThan(TOL);
    expect(bitsEqual(r1, r2)).toBe(true);
  });
});

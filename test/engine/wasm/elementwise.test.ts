// The elementwise and reduction kernels against the reference: activation backward (with a dropout mask),
// dropout masks from hashUniform, every head/loss pair, and every optimizer with weight decay.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACTIVATION_CODES, HEAD_CODES, LOSS_CODES, OPTIMIZER_CODES } from '../../../engine/backends/wasm/kernel-abi.ts';
import type { KernelRuntime } from '../../../engine/backends/wasm/runtime.ts';
import {
  ACTIVATIONS,
  parseConfig,
  type Activation,
  type ResolvedHead,
  type ResolvedLoss,
} from '../../../engine/config.ts';
import { activationBackward, activationForward } from '../../../engine/model/activations.ts';
import { headForward, headLoss } from '../../../engine/model/losses.ts';
import { optimizerStep } from '../../../engine/model/optimizers.ts';
import { hashUniform } from '../../../engine/rng.ts';
import { randomArray, relativeError, runtime } from './helpers.ts';

const TOL = 1e-5;
let rt: KernelRuntime;
beforeAll(async () => {
  rt = await runtime(2);
});
afterAll(() => rt.dispose());

const read = (ptr: number, n: number) => rt.heap.f32(ptr, n).slice();

describe('wasm elementwise kernels vs reference', () => {
  test.each(ACTIVATIONS.map((a) => [a] as [Activation]))('%s backward with a dropout mask (n=33, units=7)', (act) => {
    const [n, units] = [33, 7];
    const Z = randomArray(n * units, 11, -3, 3);
    const A = new Float32Array(n * units);
    activationForward(act, Z, A, n * units);
    const dA = randomArray(n * units, 12);
    const mask = Float32Array.from(randomArray(n * units, 13, 0, 1), (u) => (u < 0.3 ? 0 : 1 / 0.7));
    const masked = Float32Array.from(dA, (d, i) => d * mask[i]!);
    const expected = new Float32Array(n * units);
    activationBackward(act, Z, A, masked, expected, n * units);
    const dZ = rt.heap.alloc(n * units * 4);
    rt.run('activationBackward', [
      ACTIVATION_CODES[act],
      rt.upload(Z),
      rt.upload(A),
      rt.upload(dA),
      rt.upload(mask),
      dZ,
      n,
      units,
    ]);
    expect(relativeError(read(dZ, n * units), expected)).toBeLessThan(TOL);
  });

  test('dropout masks are hashUniform(seed, step, layer, row·units + unit), the same as the reference draws', () => {
    const [n, units, rate, seed, step, layer] = [130, 7, 0.25, 0xdeadbeef, 1234, 2];
    const A = randomArray(n * units, 14);
    const [mask, D] = [rt.heap.alloc(n * units * 4), rt.heap.alloc(n * units * 4)];
    rt.run('dropoutForward', [rt.upload(A), mask, D, n, units, rate, seed, step, layer]);
    const scale = 1 / (1 - rate);
    const expectedMask = Float32Array.from({ length: n * units }, (_, i) =>
      hashUniform(seed, step, layer, i) < rate ? 0 : scale,
    );
    expect(read(mask, n * units)).toEqual(expectedMask);
    // D = A·m with m the unrounded f64 scale, as Mlp.forward computes it.
    expect(read(D, n * units)).toEqual(Float32Array.from(A, (a, i) => (expectedMask[i] === 0 ? a * 0 : a * scale)));
  });

  const PAIRS: [ResolvedHead, ResolvedLoss, number][] = [
    ['softmax', 'cross_entropy', 10],
    ['sigmoid', 'binary_cross_entropy', 1],
    ['softmax', 'mse', 3],
    ['sigmoid', 'mse', 1],
    ['identity', 'mse', 2],
  ];
  test.each(PAIRS)('head %s with %s loss (k=%i)', (head, loss, k) => {
    const n = 33;
    const Z = randomArray(n * k, 15, -4, 4);
    const P = new Float32Array(n * k);
    const dZ = new Float32Array(n * k);
    const labels = Uint32Array.from({ length: n }, (_, i) => (i * 7) % Math.max(k, 2));
    const targets = randomArray(n * k, 16);
    const t = head === 'identity' ? { targets } : { labels };
    headForward(head, Z, P, n, k);
    const expected = headLoss(head, loss, Z, P, n, k, t, dZ);
    const [z, p, dz, out] = [rt.upload(Z), rt.heap.alloc(n * k * 4), rt.heap.alloc(n * k * 4), rt.heap.alloc(8)];
    rt.exports.headForward(HEAD_CODES[head], z, p, n, k);
    const lossSum = rt.exports.headLoss(
      HEAD_CODES[head],
      LOSS_CODES[loss],
      z,
      p,
      n,
      k,
      t.labels ? rt.upload(labels) : 0,
      t.targets ? rt.upload(targets) : 0,
      dz,
      n,
      out,
    );
    expect(relativeError(read(p, n * k), P)).toBeLessThan(TOL);
    expect(relativeError(read(dz, n * k), dZ)).toBeLessThan(TOL);
    expect(Math.abs(lossSum - expected.lossSum) / expected.lossSum).toBeLessThan(TOL);
    expect(rt.heap.f64(out, 1)[0]).toBe(expected.correct);
  });

  const OPTIMIZERS = [
    { type: 'sgd', weightDecay: 0.01 },
    { type: 'momentum', momentum: 0.9, weightDecay: 0.01 },
    { type: 'momentum', momentum: 0.8, nesterov: true },
    { type: 'adam', weightDecay: 0.001 },
  ] as const;
  test.each(OPTIMIZERS.map((o) => [o.type + ('nesterov' in o ? ' (nesterov)' : ''), o] as const))(
    '%s: three steps',
    (_, input) => {
      const opt = parseConfig({ optimizer: { ...input, lr: 0.05 } }).optimizer;
      const [count, decayCount] = [131, 100];
      const w = randomArray(count, 17);
      const state = [new Float32Array(count), new Float32Array(count)];
      const [pw, pg, s0, s1] = [
        rt.upload(w),
        rt.heap.alloc(count * 4),
        rt.heap.alloc(count * 4),
        rt.heap.alloc(count * 4),
      ];
      rt.heap.f32(s0, count).fill(0);
      rt.heap.f32(s1, count).fill(0);
      for (let t = 1; t <= 3; t++) {
        const g = randomArray(count, 17 + t);
        optimizerStep(
          opt,
          w.subarray(0, decayCount),
          g.subarray(0, decayCount),
          state.map((s) => s.subarray(0, decayCount)),
          0.05,
          t,
          true,
        );
        optimizerStep(
          opt,
          w.subarray(decayCount),
          g.subarray(decayCount),
          state.map((s) => s.subarray(decayCount)),
          0.05,
          t,
          false,
        );
        rt.heap.f32(pg, count).set(g);
        const [c1, c2] = [1 - Math.pow(opt.beta1, t), 1 - Math.pow(opt.beta2, t)];
        rt.run('optimizerStep', [
          OPTIMIZER_CODES[opt.type],
          pw,
          pg,
          s0,
          s1,
          count,
          decayCount,
          0.05,
          opt.weightDecay,
          opt.momentum,
          opt.nesterov ? 1 : 0,
          opt.beta1,
          opt.beta2,
          opt.epsilon,
          c1,
          c2,
        ]);
      }
      expect(relativeError(read(pw, count), w)).toBeLessThan(TOL);
    },
  );
});

// The thread team (issue 20): parts are claimed, one at a time, by whichever thread is free. On 1, 4 and 8 real
// worker threads (so a 2-core machine runs them oversubscribed, and workers start late) every kernel gives the same
// bits as one thread, run after run; Adam's in-place update, repeated, would show a part run twice or never. The
// claim protocol itself, the phase profile's bookkeeping, and the tiny-net rule (no workers when no product of a
// step is worth splitting) are checked here too.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import '../../../engine/host/node/kernel-threads.ts';
import { ACTIVATION_CODES, CTRL, INIT, LAYOUT, OPTIMIZER_CODES } from '../../../engine/backends/wasm/kernel-abi.ts';
import { createWasmBackend } from '../../../engine/backends/wasm/provider.ts';
import type { KernelRuntime } from '../../../engine/backends/wasm/runtime.ts';
import { chunksFor, claimChunk, CTRL_CHUNKS, CTRL_CLAIM, MAX_CHUNKS } from '../../../engine/backends/wasm/threads.ts';
import type { WasmBackend } from '../../../engine/backends/wasm/backend.ts';
import type { PhaseProfile } from '../../../engine/backends/wasm/phase-profile.ts';
import { ACTIVATIONS, parseConfig } from '../../../engine/config.ts';
import { activationBackward, activationForward } from '../../../engine/model/activations.ts';
import { prepareData } from '../../../engine/data/prepare.ts';
import { Rng } from '../../../engine/rng.ts';
import type { LayerWeights } from '../../../engine/types.ts';
import { bitsEqual, randomArray, relativeError, runtime } from './helpers.ts';

const TEAMS = [1, 4, 8];
const TOL = 1e-5;

describe('claiming parts', () => {
  /** A control block as a team lays it out, generation `gen` with `parts` parts, none claimed. */
  function block(gen: number, parts: number): Int32Array {
    const ctrl = new Int32Array(new SharedArrayBuffer(64));
    ctrl[CTRL.GEN] = gen;
    ctrl[CTRL_CHUNKS] = parts;
    // the claim word: the generation's low 20 bits, then the count claimed so far
    ctrl[CTRL_CLAIM] = ((gen & 0xfffff) << 12) | 0;
    return ctrl;
  }

  test('each part of a generation is handed out once, in order, then −1', () => {
    const ctrl = block(7, 5);
    expect(Array.from({ length: 7 }, () => claimChunk(ctrl, 7))).toEqual([0, 1, 2, 3, 4, -1, -1]);
  });

  test('a thread that woke for an older generation claims nothing of the current one', () => {
    const ctrl = block(8, 4);
    expect(claimChunk(ctrl, 7)).toBe(-1);
    expect(claimChunk(ctrl, 8)).toBe(0);
  });

  test('generations past 2³¹ (the counter wraps negative) and 2²⁰ (the tag wraps) still claim', () => {
    for (const gen of [-2147483648, -1, 0x100000, 0x0fffff]) {
      const ctrl = block(gen, 2);
      expect([claimChunk(ctrl, gen), claimChunk(ctrl, gen), claimChunk(ctrl, gen)]).toEqual([0, 1, -1]);
    }
  });

  test('parts per run: two per thread, at most MAX_CHUNKS', () => {
    expect([1, 2, 8, 16].map(chunksFor)).toEqual([2, 4, 16, 32]);
    expect(chunksFor(1e6)).toBe(MAX_CHUNKS);
  });
});

describe('kernels on teams of 1, 4 and 8 threads', () => {
  let rts: KernelRuntime[] = [];
  beforeAll(async () => {
    rts = [];
    for (const t of TEAMS) rts.push(await runtime(t));
    expect(rts.map((rt) => rt.threads)).toEqual(TEAMS);
  });
  afterAll(() => rts.forEach((rt) => rt.dispose()));

  /** `fn` on every team, twice each; the results (fresh copies) in team order. */
  function everyTeamTwice(fn: (rt: KernelRuntime) => Float32Array): Float32Array[] {
    return rts.flatMap((rt) => [fn(rt), fn(rt)]);
  }
  const allBitsEqual = (results: Float32Array[]) => results.every((r) => bitsEqual(r, results[0]!));

  test.each(ACTIVATIONS.map((a) => [a]))('%s backward with a dropout mask (n=130, units=33)', (act) => {
    const [n, units] = [130, 33];
    const Z = randomArray(n * units, 21, -3, 3);
    const A = new Float32Array(n * units);
    activationForward(act, Z, A, n * units);
    const dA = randomArray(n * units, 22);
    const mask = Float32Array.from(randomArray(n * units, 23, 0, 1), (u) => (u < 0.3 ? 0 : 1 / 0.7));
    const expected = new Float32Array(n * units);
    activationBackward(
      act,
      Z,
      A,
      Float32Array.from(dA, (d, i) => d * mask[i]!),
      expected,
      n * units,
    );
    const results = everyTeamTwice((rt) => {
      const dZ = rt.heap.alloc(n * units * 4);
      const args = [ACTIVATION_CODES[act], rt.upload(Z), rt.upload(A), rt.upload(dA), rt.upload(mask), dZ, n, units];
      rt.run('activationBackward', args);
      return rt.heap.f32(dZ, n * units).slice();
    });
    expect(relativeError(results[0]!, expected)).toBeLessThan(TOL);
    expect(allBitsEqual(results)).toBe(true);
  });

  test('dropout, column sums and row gathers: the same bits on every team', () => {
    const [n, units] = [257, 65];
    const X = randomArray(n * units, 24);
    const order = new Rng(5).permutation(n);
    const sums = new Float32Array(units);
    for (let i = 0; i < n; i++) for (let j = 0; j < units; j++) sums[j]! += X[i * units + j]!;
    const results = everyTeamTwice((rt) => {
      const [x, mask, D, db, rows, gathered] = [
        rt.upload(X),
        rt.heap.alloc(n * units * 4),
        rt.heap.alloc(n * units * 4),
        rt.heap.alloc(units * 4),
        rt.upload(order),
        rt.heap.alloc(n * units * 4),
      ];
      rt.run('dropoutForward', [x, mask, D, n, units, 0.3, 99, 17, 1]);
      rt.run('columnSums', [x, db, n, units]);
      rt.run('gatherRows', [x, rows, gathered, n, units * 4]);
      return Float32Array.from([
        ...rt.heap.f32(D, n * units),
        ...rt.heap.f32(db, units),
        ...rt.heap.f32(gathered, n * units),
      ]);
    });
    expect(relativeError(results[0]!.subarray(n * units, n * units + units), sums)).toBeLessThan(TOL);
    expect(results[0]!.subarray(n * units + units, n * units + units + units)).toEqual(
      X.subarray(order[0]! * units, order[0]! * units + units),
    );
    expect(allBitsEqual(results)).toBe(true);
  });

  test('thread records: every part of every split run is counted once, on some thread, and recording changes no bit', () => {
    const [m, n, k] = [96, 200, 70];
    const A = randomArray(m * k, 27);
    const B = randomArray(k * n, 28);
    const runs = 5;
    const results = rts.map((rt) => {
      const [a, b, c] = [rt.upload(A), rt.upload(B), rt.heap.alloc(m * n * 4)];
      const product = () => {
        rt.gemm(LAYOUT.NN, m, n, k, a, k, b, n, c, n, INIT.ZERO);
        return rt.heap.f32(c, m * n).slice();
      };
      const plain = product();
      rt.recordThreads(true);
      const recorded = Array.from({ length: runs }, product);
      const stats = rt.threadStats();
      rt.recordThreads(false);
      expect(stats.map((t) => t.thread)).toEqual([...Array(rt.threads).keys()]);
      const parts = stats.reduce((sum, t) => sum + t.parts, 0);
      if (rt.threads === 1) expect(parts).toBe(0);
      else {
        // a run the team did alone after a late worker splits into nothing; every split run hands out all its parts
        expect(parts).toBe(stats[0]!.runs * chunksFor(rt.threads));
        expect(stats.every((t) => t.busyMs >= 0 && t.wakeMs >= 0 && t.missed <= t.runs)).toBe(true);
        expect(stats[0]!.spanMs).toBeGreaterThanOrEqual(stats[0]!.waitMs);
      }
      expect(recorded.every((r) => bitsEqual(r, plain))).toBe(true);
      return plain;
    });
    expect(allBitsEqual(results)).toBe(true);
  });

  test('300 Adam steps in place: a part run twice or skipped in any step would change the bits', () => {
    const count = 10_007;
    const W = randomArray(count, 25);
    const G = randomArray(count, 26);
    const results = rts.map((rt) => {
      const [w, g, m, v] = [
        rt.upload(W),
        rt.upload(G),
        rt.upload(new Float32Array(count)),
        rt.upload(new Float32Array(count)),
      ];
      for (let t = 1; t <= 300; t++) {
        const args = [OPTIMIZER_CODES.adam, w, g, m, v, count, count - 7, 1e-3, 1e-4, 0, 0, 0.9, 0.999, 1e-8];
        rt.run('optimizerStep', [...args, 1 - 0.9 ** t, 1 - 0.999 ** t]);
      }
      return rt.heap.f32(w, count).slice();
    });
    expect(results[0]!.some((v, i) => v !== W[i])).toBe(true);
    expect(allBitsEqual(results)).toBe(true);
  });
});

describe('the backend on a team', () => {
  /** A backend on `features`-hidden…-3 over 64 random rows, initialised with `batchSize`. */
  async function backend(threads: number, sizes: number[], batchSize: number, minParallelWork?: number) {
    const made = await createWasmBackend(threads, minParallelWork);
    if ('unavailable' in made) throw new Error(made.unavailable);
    const rng = new Rng(4);
    const n = 64;
    const weights: LayerWeights[] = sizes.slice(1).map((units, i) => ({
      inputs: sizes[i]!,
      units,
      activation: i === sizes.length - 2 ? 'identity' : 'tanh',
      W: Float32Array.from({ length: sizes[i]! * units }, () => rng.uniform(-0.3, 0.3)),
      b: new Float32Array(units),
    }));
    const data = prepareData(
      {
        name: 'random',
        task: 'classification',
        n,
        features: sizes[0]!,
        outputs: 3,
        x: Float32Array.from({ length: n * sizes[0]! }, () => rng.next()),
        labels: Uint32Array.from({ length: n }, () => rng.int(3)),
      },
      0,
      false,
      1,
    );
    const b: WasmBackend = made.backend;
    await b.init(
      {
        features: sizes[0]!,
        outputs: 3,
        head: 'softmax',
        loss: 'cross_entropy',
        layers: weights.map((w) => ({ inputs: w.inputs, units: w.units, activation: w.activation, dropout: 0 })),
        optimizer: parseConfig({ optimizer: { type: 'adam', lr: 0.01 } }).optimizer,
        seed: 1,
        batchSize,
      },
      weights,
      data,
    );
    return { b, n };
  }

  test('a tiny net (2-32-32-3, batch 32) starts no workers; one whose products reach the threshold does', async () => {
    const tiny = await backend(4, [2, 32, 32, 3], 32);
    const wide = await backend(4, [2, 512, 512, 3], 32);
    expect([tiny.b.info.threads, wide.b.info.threads]).toEqual([1, 4]);
    tiny.b.dispose();
    wide.b.dispose();
  });

  test('the phase profile tiles each step (calls per phase follow the layers) and changes no bit', async () => {
    const runs: { weights: LayerWeights[]; profile: PhaseProfile | null }[] = [];
    for (const profiled of [false, true]) {
      const { b, n } = await backend(2, [5, 16, 16, 3], 16, 0);
      const profile = profiled ? b.profilePhases(true) : null;
      await b.trainEpoch({ order: new Rng(2).permutation(n), batchSize: 16, lr: 0.01, step: 0 });
      runs.push({ weights: await b.getWeights(), profile });
      b.dispose();
    }
    const p = runs[1]!.profile!;
    const batches = 4;
    expect(Object.fromEntries(p.calls)).toEqual({
      gather: batches,
      'forward gemm': batches * 3,
      loss: batches * 2,
      'backward gemm': batches * 5,
      elementwise: batches * 5,
      'gradient norms': batches * 3,
      update: batches,
      bookkeeping: 0,
    });
    const phases = [...p.ms.values()];
    expect(phases.every((v) => v >= -1e-6)).toBe(true);
    expect(phases.reduce((s, v) => s + v, 0)).toBeCloseTo(p.totalMs, 9);
    runs[0]!.weights.forEach((l, i) => expect(bitsEqual(l.W, runs[1]!.weights[i]!.W)).toBe(true));
  });
});

// The element-wise kernels' own split threshold (runtime.ts MIN_PARALLEL_ELEMENTS, issue 20): with the default
// thresholds a batch's gather, dropout, activation backward, column sums, gradient norms and optimizer step split
// across the team when they touch at least that many values and run on the caller below it. Either way every bit of
// the weights and of the gradient norms is the same on 1, 2, 4 and 8 threads, and the same as with every element-wise
// kernel on the caller (the old rule) or every one split.
import { describe, expect, test } from 'vitest';
import '../../../engine/host/node/kernel-threads.ts';
import { WasmBackend } from '../../../engine/backends/wasm/backend.ts';
import { loadKernelModule } from '../../../engine/backends/wasm/module.ts';
import { MIN_PARALLEL_ELEMENTS } from '../../../engine/backends/wasm/runtime.ts';
import { prepareData } from '../../../engine/data/prepare.ts';
import { parseConfig } from '../../../engine/config.ts';
import { Rng } from '../../../engine/rng.ts';
import type { LayerWeights } from '../../../engine/types.ts';
import { bitsEqual, randomArray, runtime } from './helpers.ts';

const ROWS = 512;
const BATCH = 256;
// 300-256-200-3 at batch 256: gather 76,800 values, layer 1's activation backward and column sums 65,536 (at the
// threshold: split), layer 2's 51,200 (below: alone), dropout 256·256·8, the optimizer 128 k parameters ×4, the
// norms over 128 k weights in blocks of 32 k (layer 1: 3 blocks, the others 1).
const SIZES = [300, 256, 200, 3];

async function trained(threads: number, minParallelElements?: number) {
  const kernels = await loadKernelModule();
  if ('unavailable' in kernels) throw new Error(kernels.unavailable);
  const backend = new WasmBackend(kernels, { threads, minParallelElements });
  const rng = new Rng(21);
  const weights: LayerWeights[] = SIZES.slice(1).map((units, i) => ({
    inputs: SIZES[i]!,
    units,
    activation: i === SIZES.length - 2 ? 'identity' : i === 0 ? 'relu' : 'tanh',
    W: Float32Array.from({ length: SIZES[i]! * units }, () => rng.uniform(-0.1, 0.1)),
    b: Float32Array.from({ length: units }, () => rng.uniform(-0.1, 0.1)),
  }));
  const data = prepareData(
    {
      name: 'random',
      task: 'classification',
      n: ROWS,
      features: SIZES[0]!,
      outputs: 3,
      x: Float32Array.from({ length: ROWS * SIZES[0]! }, () => rng.next()),
      labels: Uint32Array.from({ length: ROWS }, () => rng.int(3)),
    },
    0,
    false,
    1,
  );
  await backend.init(
    {
      features: SIZES[0]!,
      outputs: 3,
      head: 'softmax',
      loss: 'cross_entropy',
      layers: weights.map((w, i) => ({
        inputs: w.inputs,
        units: w.units,
        activation: w.activation,
        dropout: i === 0 ? 0.2 : 0,
      })),
      optimizer: parseConfig({ optimizer: { type: 'adam', lr: 0.01, weightDecay: 1e-4 } }).optimizer,
      seed: 3,
      batchSize: BATCH,
    },
    weights,
    data,
  );
  const norms: number[][] = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    await backend.trainEpoch({
      order: new Rng(epoch + 5).permutation(ROWS),
      batchSize: BATCH,
      lr: 0.01,
      step: epoch * 2,
    });
    norms.push(backend.gradientNorms());
  }
  const result = {
    threads: backend.info.threads,
    weights: (await backend.getWeights()).flatMap((l) => [l.W, l.b]),
    norms: Float64Array.from(norms.flat()),
    runs: backend.teamRuns(),
  };
  backend.dispose();
  return result;
}

describe('element-wise kernels split at MIN_PARALLEL_ELEMENTS', () => {
  test('the threshold is far below the products’ (a value is not a flop) and above the reference batch’s smallest kernel', () => {
    expect(MIN_PARALLEL_ELEMENTS).toBe(1 << 16);
  });

  test('same bits on 1, 2, 4 and 8 threads, and as with every element-wise kernel alone or every one split', async () => {
    const base = await trained(1);
    expect(base.threads).toBe(1);
    const runs = [
      ...(await Promise.all([2, 4, 8].map((t) => trained(t)))),
      await trained(2, Infinity),
      await trained(4, 0),
    ];
    for (const r of runs) {
      expect(r.weights.every((w, i) => bitsEqual(w, base.weights[i]!))).toBe(true);
      expect(Buffer.compare(Buffer.from(r.norms.buffer), Buffer.from(base.norms.buffer))).toBe(0);
      expect(base.norms.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    }
    // 2 epochs × 2 batches; per batch the element threshold splits 7 kernels more than the old rule: the gather,
    // dropout, both activation backwards (layer 2's tanh counts 8 per value), layer 1's column sums, norms, update.
    const kernels = (r: { runs: { split: number; alone: number } }) => r.runs.split + r.runs.alone;
    const [defaults, , , old, everything] = runs;
    expect(kernels(defaults!) - kernels(old!)).toBe(4 * 7);
    expect(kernels(everything!)).toBeGreaterThan(kernels(defaults!));
  });
});

describe('sumOfSquaresBlocks kernel', () => {
  test('each block is its own f64 sum of squares, the same bits on teams of 1, 2, 4 and 8 and as sumOfSquares', async () => {
    // blocks of uneven sizes (0, 1, 7, 8, 9, 33 k floats) in one table, more blocks than parts on every team
    const sizes = [0, 1, 7, 8, 9, 33_000, 12_345, 4, 32_768, 100];
    const results: Float64Array[] = [];
    for (const threads of [1, 2, 4, 8]) {
      const rt = await runtime(threads);
      const pairs = sizes.flatMap((count, i) => [rt.upload(randomArray(count, i + 1, -3, 3)), count]);
      const table = rt.upload(Uint32Array.from(pairs));
      const out = rt.heap.alloc(sizes.length * 8);
      rt.run('sumOfSquaresBlocks', [table, sizes.length, out]);
      const sums = Float64Array.from(rt.heap.f64(out, sizes.length));
      sizes.forEach((count, b) => expect(sums[b]).toBe(rt.exports.sumOfSquares(pairs[2 * b]!, count)));
      results.push(sums);
      rt.dispose();
    }
    let expected = 0;
    for (const v of randomArray(33_000, 6, -3, 3)) expected += v * v;
    expect(Math.abs(results[0]![5]! - expected)).toBeLessThanOrEqual(1e-13 * expected);
    for (const r of results) expect(Buffer.compare(Buffer.from(r.buffer), Buffer.from(results[0]!.buffer))).toBe(0);
  });
});

// The fast CPU backend (WebAssembly SIMD, 1 and 2 threads) against our JS reference and TensorFlow.js's `cpu` and
// `wasm` backends on the reference workload, then matrix-product GFLOP/s against the machine's own ceiling
// (OpenBLAS sgemm through numpy on the same cores). BENCH_EPOCHS=N shortens the timed epochs (default 5).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import '../engine/host/node/kernel-threads.ts';
import { CpuBackend } from '../engine/backends/cpu/backend.ts';
import { INIT, LAYOUT } from '../engine/backends/wasm/kernel-abi.ts';
import { loadKernelModule } from '../engine/backends/wasm/module.ts';
import { createWasmBackend } from '../engine/backends/wasm/provider.ts';
import { KernelRuntime } from '../engine/backends/wasm/runtime.ts';
import { Rng } from '../engine/rng.ts';
import { benchBackend, median, WORKLOAD, workloadData } from './workload.ts';

const EPOCHS = Number(process.env.BENCH_EPOCHS ?? WORKLOAD.epochs);
const SIZES = [256, 512, 1024];
const THREADS = [1, 2];

/** TensorFlow.js on the same data, order and protocol: dense 784-512-256-10, softmax CE, SGD 0.01, batch 256. */
async function tfjsSamplesPerSec(backend: 'cpu' | 'wasm'): Promise<number> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} did not start`);
  await tf.ready();
  const data = workloadData();
  const n = data.n;
  const x = tf.tensor2d(data.x, [n, WORKLOAD.features]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from(data.labels!), 'int32'), WORKLOAD.classes).toFloat();
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [WORKLOAD.features], units: WORKLOAD.hidden[0]!, activation: 'relu' }),
      tf.layers.dense({ units: WORKLOAD.hidden[1]!, activation: 'relu' }),
      tf.layers.dense({ units: WORKLOAD.classes }),
    ],
  });
  const optimizer = tf.train.sgd(0.01);
  const rng = new Rng(3);
  const rates: number[] = [];
  for (let e = 0; e <= EPOCHS; e++) {
    const order = rng.permutation(n);
    const t0 = performance.now();
    for (let s = 0; s < n; s += WORKLOAD.batch) {
      const index = tf.tensor1d(Int32Array.from(order.subarray(s, Math.min(s + WORKLOAD.batch, n))), 'int32');
      tf.tidy(() => {
        const xb = tf.gather(x, index);
        const yb = tf.gather(y, index);
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(yb, model.apply(xb) as typeof xb), false);
      });
      index.dispose();
    }
    await model.getWeights()[0]!.data();
    if (e > 0) rates.push(n / ((performance.now() - t0) / 1000));
  }
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return median(rates);
}

/** C = A·B (n³, float32) on our kernels: median of 5 timings of ≥ 2 GFLOP each, in GFLOP/s. */
async function oursGflops(threads: number): Promise<Record<number, number>> {
  const kernels = await loadKernelModule();
  if ('unavailable' in kernels) throw new Error(kernels.unavailable);
  const rt = await KernelRuntime.create(kernels, threads);
  const result: Record<number, number> = {};
  const rng = new Rng(1);
  for (const n of SIZES) {
    const [a, b, c] = [0, 1, 2].map(() => rt.upload(Float32Array.from({ length: n * n }, () => rng.next() - 0.5)));
    const reps = Math.max(1, Math.round(2e9 / (2 * n ** 3)));
    const times: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) rt.gemm(LAYOUT.NN, n, n, n, a!, n, b!, n, c!, n, INIT.ZERO);
      times.push((performance.now() - t0) / 1000 / reps);
    }
    result[n] = (2 * n ** 3) / median(times) / 1e9;
  }
  rt.dispose();
  return result;
}

const NUMPY_SGEMM = `
import json, time, numpy as np
out = {}
for n in (${SIZES.join(', ')}):
    a = np.random.rand(n, n).astype(np.float32); b = np.random.rand(n, n).astype(np.float32); c = a @ b
    reps = max(1, round(2e9 / (2 * n ** 3))); ts = []
    for r in range(5):
        t0 = time.perf_counter()
        for i in range(reps): np.matmul(a, b, out=c)
        ts.append((time.perf_counter() - t0) / reps)
    out[n] = 2 * n ** 3 / sorted(ts)[2] / 1e9
print(json.dumps(out))
`;

/** OpenBLAS sgemm via numpy with OPENBLAS_NUM_THREADS=threads, or null (with the reason) when python3/numpy is absent. */
function ceilingGflops(threads: number): Record<number, number> | string {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  const run = spawnSync('python3', ['-c', NUMPY_SGEMM], { env, encoding: 'utf8' });
  if (run.error || run.status !== 0)
    return (run.error?.message ?? run.stderr.trim().split('\n').pop() ?? 'python3 failed').slice(0, 120);
  return JSON.parse(run.stdout) as Record<number, number>;
}

const fmt = (v: number, digits = 0) => v.toFixed(digits).padStart(9);

export async function run(): Promise<void> {
  console.log(
    `reference workload (784-512-256-10, ReLU, softmax CE, SGD, batch ${WORKLOAD.batch}, ${WORKLOAD.samples} samples; warm-up + median of ${EPOCHS}):`,
  );
  const ours: Record<string, number> = {};
  ours['cpu/js (typed arrays, float32)'] = await benchBackend(new CpuBackend('float32'), EPOCHS);
  for (const threads of THREADS) {
    const made = await createWasmBackend(threads);
    if ('unavailable' in made) throw new Error(made.unavailable);
    ours[`cpu/wasm-simd, ${threads} thread${threads > 1 ? 's' : ''}`] = await benchBackend(made.backend, EPOCHS);
  }
  const tfjs: Record<string, number> = {};
  const tf = await import('@tensorflow/tfjs');
  tfjs['tfjs 4.22 cpu'] = await tfjsSamplesPerSec('cpu');
  tfjs['tfjs 4.22 wasm'] = await tfjsSamplesPerSec('wasm');
  const flags = `simd ${String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))}, threads ${String(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))}`;
  for (const [name, sps] of Object.entries({ ...ours, ...tfjs }))
    console.log(`  ${name.padEnd(34)}${fmt(sps)} samples/s`);
  console.log(`  (tfjs wasm backend: ${flags})`);
  const bestTf = Math.max(...Object.values(tfjs));
  for (const threads of THREADS) {
    const name = `cpu/wasm-simd, ${threads} thread${threads > 1 ? 's' : ''}`;
    console.log(`  ${name} / best tfjs ${' '.repeat(Math.max(0, 22 - name.length))}${fmt(ours[name]! / bestTf, 1)}×`);
  }

  console.log('\nmatrix product C = A·B, float32, n³ (median of 5 timings of ≥ 2 GFLOP):');
  const mine: Record<number, Record<number, number>> = {};
  for (const t of THREADS) mine[t] = await oursGflops(t);
  const ceiling = Object.fromEntries(THREADS.map((t) => [t, ceilingGflops(t)] as const));
  console.log(
    `  ${'n'.padEnd(6)}${THREADS.map((t) => `ours ${t}T`.padStart(10) + `BLAS ${t}T`.padStart(10) + 'share'.padStart(7)).join('')}   (GFLOP/s)`,
  );
  for (const n of SIZES) {
    const cells = THREADS.map((t) => {
      const c = ceiling[t]!;
      const blas = typeof c === 'string' ? NaN : c[n]!;
      const share = Number.isNaN(blas) ? '   —  ' : `${((mine[t]![n]! / blas) * 100).toFixed(0)}%`.padStart(7);
      return (
        fmt(mine[t]![n]!, 1).padStart(10) + (Number.isNaN(blas) ? '—'.padStart(10) : fmt(blas, 1).padStart(10)) + share
      );
    });
    console.log(`  ${String(n).padEnd(6)}${cells.join('')}`);
  }
  const missing = THREADS.map((t) => ceiling[t]).find((c) => typeof c === 'string');
  if (missing) console.log(`  ceiling not measured: ${missing}`);
  else
    console.log(
      '  ceiling: OpenBLAS sgemm through numpy (python3), OPENBLAS_NUM_THREADS = 1 / 2, same protocol, same cores',
    );
}

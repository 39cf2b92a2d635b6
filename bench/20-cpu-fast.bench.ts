// The fast CPU backend (WebAssembly relaxed SIMD and SIMD128, 1 and 2 threads) against our JS reference and
// TensorFlow.js's `cpu` and `wasm` backends on the reference workload, then matrix-product GFLOP/s of both variants
// against the machine's own ceiling (OpenBLAS sgemm through numpy on the same cores), in interleaved rounds, with
// the load average. BENCH_EPOCHS=N shortens the timed epochs (default 5).
import { spawn } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import '../engine/host/node/kernel-threads.ts';
import { CpuBackend } from '../engine/backends/cpu/backend.ts';
import { INIT, LAYOUT } from '../engine/backends/wasm/kernel-abi.ts';
import { loadKernelModule, type KernelVariant } from '../engine/backends/wasm/module.ts';
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

const VARIANTS: KernelVariant[] = ['relaxed-simd', 'simd'];
const ROUNDS = 5;

/** One timed C = A·B per call (reps so that a call is ≥ 1 GFLOP), returning seconds per product. */
type GemmTimer = (n: number) => Promise<number>;

/** Our kernels in `variant` on a `threads` team: A, B, C of the largest size uploaded once per size. */
async function oursTimer(variant: KernelVariant, threads: number): Promise<{ time: GemmTimer; dispose(): void }> {
  const kernels = await loadKernelModule(variant);
  if ('unavailable' in kernels) throw new Error(kernels.unavailable);
  const rt = await KernelRuntime.create(kernels, threads);
  const rng = new Rng(1);
  const operands = new Map<number, number[]>();
  for (const n of SIZES)
    operands.set(
      n,
      [0, 1, 2].map(() => rt.upload(Float32Array.from({ length: n * n }, () => rng.next() - 0.5))),
    );
  return {
    async time(n) {
      const [a, b, c] = operands.get(n)!;
      const reps = Math.max(1, Math.round(1e9 / (2 * n ** 3)));
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) rt.gemm(LAYOUT.NN, n, n, n, a!, n, b!, n, c!, n, INIT.ZERO);
      return (performance.now() - t0) / 1000 / reps;
    },
    dispose: () => rt.dispose(),
  };
}

// A numpy process that times one product per line it reads ("n" → seconds), so its rounds interleave with ours.
const NUMPY_SGEMM = `
import sys, time, numpy as np
ops = {}
print('ready', flush=True)
for line in sys.stdin:
    n = int(line)
    if n not in ops:
        a = np.random.rand(n, n).astype(np.float32); b = np.random.rand(n, n).astype(np.float32)
        ops[n] = (a, b, a @ b)
    a, b, c = ops[n]
    reps = max(1, round(1e9 / (2 * n ** 3)))
    t0 = time.perf_counter(); c0 = time.process_time()
    for i in range(reps): np.matmul(a, b, out=c)
    print((time.perf_counter() - t0) / reps, (time.process_time() - c0) / reps, flush=True)
`;

/**
 * OpenBLAS sgemm through numpy with OPENBLAS_NUM_THREADS=threads, or the reason python3/numpy is absent;
 * `lastCpuSeconds` is the last product's CPU time (all its threads, time.process_time).
 */
export async function numpyTimer(
  threads: number,
): Promise<{ time: GemmTimer; lastCpuSeconds(): number; dispose(): void } | string> {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  const child = spawn('python3', ['-c', NUMPY_SGEMM], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const failed = new Promise<string>((resolve) => {
    child.on('error', (e) => resolve(e.message));
    child.on('exit', () => resolve(stderr.trim().split('\n').pop() || 'python3 exited'));
  });
  const first = await Promise.race([lines.next().then((r) => (r.done ? 'python3 exited' : r.value)), failed]);
  if (first !== 'ready') {
    child.kill();
    return first.slice(0, 120);
  }
  let cpuSeconds = NaN;
  return {
    async time(n) {
      child.stdin.write(`${n}\n`);
      const r = await lines.next();
      if (r.done) throw new Error(`numpy sgemm process ended: ${stderr.slice(0, 200)}`);
      const [wall, cpu] = r.value.split(' ').map(Number);
      cpuSeconds = cpu!;
      return wall!;
    },
    lastCpuSeconds: () => cpuSeconds,
    dispose: () => void child.kill(),
  };
}

const fmt = (v: number, digits = 0) => v.toFixed(digits).padStart(9);
const oursName = (variant: KernelVariant, threads: number) =>
  `cpu/wasm-${variant}, ${threads} thread${threads > 1 ? 's' : ''}`;

export async function run(): Promise<void> {
  console.log(
    `reference workload (784-512-256-10, ReLU, softmax CE, SGD, batch ${WORKLOAD.batch}, ${WORKLOAD.samples} samples; warm-up + median of ${EPOCHS}):`,
  );
  const ours: Record<string, number> = {};
  ours['cpu/js (typed arrays, float32)'] = await benchBackend(new CpuBackend('float32'), EPOCHS);
  for (const variant of VARIANTS)
    for (const threads of THREADS) {
      const made = await createWasmBackend(threads, undefined, variant);
      if ('unavailable' in made) throw new Error(made.unavailable);
      ours[oursName(variant, threads)] = await benchBackend(made.backend, EPOCHS);
    }
  const tfjs: Record<string, number> = {};
  const tf = await import('@tensorflow/tfjs');
  tfjs['tfjs 4.22 cpu'] = await tfjsSamplesPerSec('cpu');
  tfjs['tfjs 4.22 wasm'] = await tfjsSamplesPerSec('wasm');
  const flags = `simd ${String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))}, threads ${String(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))}`;
  for (const [name, sps] of Object.entries({ ...ours, ...tfjs }))
    console.log(`  ${name.padEnd(38)}${fmt(sps)} samples/s`);
  console.log(`  (tfjs wasm backend: ${flags})`);
  const bestTf = Math.max(...Object.values(tfjs));
  for (const variant of VARIANTS)
    for (const threads of THREADS) {
      const name = oursName(variant, threads);
      console.log(`  ${name} / best tfjs ${' '.repeat(Math.max(0, 30 - name.length))}${fmt(ours[name]! / bestTf, 1)}×`);
    }

  await gemmTable();
}

/** The matrix-product table: both variants × 1 and 2 threads and OpenBLAS, interleaved rounds. */
export async function gemmTable(): Promise<void> {
  const loadBefore = os.loadavg()[0]!;
  console.log(
    `\nmatrix product C = A·B, float32, n³, GFLOP/s: median of ${ROUNDS} interleaved rounds (each subject once a round):`,
  );
  const subjects: { name: string; timer: { time: GemmTimer; dispose(): void }; times: Map<number, number[]> }[] = [];
  for (const variant of VARIANTS)
    for (const t of THREADS)
      subjects.push({ name: `wasm-${variant} ${t}T`, timer: await oursTimer(variant, t), times: new Map() });
  const missing: string[] = [];
  for (const t of THREADS) {
    const blas = await numpyTimer(t);
    if (typeof blas === 'string') missing.push(blas);
    else subjects.push({ name: `OpenBLAS ${t}T`, timer: blas, times: new Map() });
  }
  for (const n of SIZES) for (const s of subjects) await s.timer.time(n); // warm-up
  for (let r = 0; r < ROUNDS; r++)
    for (const n of SIZES)
      for (const s of subjects) {
        const seconds = await s.timer.time(n);
        s.times.set(n, [...(s.times.get(n) ?? []), (2 * n ** 3) / seconds / 1e9]);
      }
  subjects.forEach((s) => s.timer.dispose());
  const gflops = (name: string, n: number) => {
    const s = subjects.find((x) => x.name === name);
    return s ? median(s.times.get(n)!) : NaN;
  };
  console.log(`  ${'subject'.padEnd(24)}${SIZES.map((n) => String(n).padStart(9)).join('')}`);
  for (const s of subjects)
    console.log(`  ${s.name.padEnd(24)}${SIZES.map((n) => fmt(gflops(s.name, n), 1)).join('')}`);
  const top = SIZES[SIZES.length - 1]!;
  const ratio = (a: string, b: string) => (gflops(a, top) / gflops(b, top)).toFixed(2).padStart(6);
  console.log(`  at ${top}³:`);
  for (const v of VARIANTS) {
    const line = [`2T / 1T ${ratio(`wasm-${v} 2T`, `wasm-${v} 1T`)}`];
    if (missing.length === 0)
      line.push(...THREADS.map((t) => `${t}T / OpenBLAS ${t}T ${ratio(`wasm-${v} ${t}T`, `OpenBLAS ${t}T`)}`));
    console.log(`    wasm-${v.padEnd(13)} ${line.join('   ')}`);
  }
  for (const t of THREADS)
    console.log(`    relaxed-simd / simd, ${t}T ${ratio(`wasm-relaxed-simd ${t}T`, `wasm-simd ${t}T`)}`);
  if (missing.length > 0) console.log(`  OpenBLAS not measured: ${missing[0]}`);
  else
    console.log('  OpenBLAS: sgemm through numpy (python3), OPENBLAS_NUM_THREADS = 1 / 2, the same cores, interleaved');
  console.log(`  load average (1 min) ${loadBefore.toFixed(1)} before, ${os.loadavg()[0]!.toFixed(1)} after`);
}

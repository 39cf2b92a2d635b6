// Our CPU engine against PyTorch (when a Python with torch is found: MLPW_BENCH_PYTHON or python3) and jax-js on the
// same cores, the same data, the same initial weights and the same batch order (exported from our engine), in
// interleaved rounds, medians reported: the reference workload (samples/s), the spiral small net (seconds for the
// 50-epoch loop) and the 1024³ matrix product. BENCH_ROUNDS=N (default 3), BENCH_EPOCHS=N (default 5), BENCH_PEERS.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import '../engine/host/node/kernel-threads.ts';
import { INIT, LAYOUT } from '../engine/backends/wasm/kernel-abi.ts';
import { loadKernelModule } from '../engine/backends/wasm/module.ts';
import { createWasmBackend, defaultKernelThreads } from '../engine/backends/wasm/provider.ts';
import { KernelRuntime } from '../engine/backends/wasm/runtime.ts';
import { Rng } from '../engine/rng.ts';
import { jaxMatmulGflops, jaxReferenceSamplesPerSec, loadJax } from './peers/jax-peer.ts';
import { oursEpochs, referenceJob, SPIRAL, spiralJob, type PeerJob } from './peers/jobs.ts';
import { findTorchPython, TorchPeer, writeJob } from './peers/torch-peer.ts';
import { median, WORKLOAD } from './workload.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? WORKLOAD.epochs);
const THREADS = [1, 2];
/** BENCH_PEERS=spiral (or a comma list of reference, spiral, matmul) runs only those sections. */
const SECTIONS = new Set((process.env.BENCH_PEERS ?? 'reference,spiral,matmul').split(','));
const MATMUL_N = 1024;

/** One round's numbers, keyed by contender; `load` is the 1-minute load average when the round started. */
type Round = { load: number; values: Record<string, number> };

/** Our wasm-simd backend on `threads` threads (the app's default count when omitted). */
async function wasmBackend(threads?: number) {
  const made = await createWasmBackend(threads);
  if ('unavailable' in made) throw new Error(`cpu/wasm-simd: ${made.unavailable}`);
  return made.backend;
}

/** What our backend ran as, per contender: kernel variant and the thread team it started. */
const ran: Record<string, string> = {};
const ranAs = (name: string, info: { kernels: string; threads?: number }) =>
  (ran[name] = `${info.kernels}, ${info.threads ?? 1} thread${(info.threads ?? 1) > 1 ? 's' : ''}`);

/** Samples/s over the timed epochs (all but the first, the warm-up), median. */
const samplesPerSec = (job: PeerJob, epochSeconds: number[]) => job.n / median(epochSeconds.slice(1));
const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);

/** C = A·B (n³, float32) on our kernels: median of 5 timings of ≥ 2 GFLOP each (bench/20-cpu-fast's protocol). */
async function oursMatmulGflops(n: number, threads: number): Promise<number> {
  const kernels = await loadKernelModule();
  if ('unavailable' in kernels) throw new Error(kernels.unavailable);
  const rt = await KernelRuntime.create(kernels, threads);
  const rng = new Rng(1);
  const [a, b, c] = [0, 1, 2].map(() => rt.upload(Float32Array.from({ length: n * n }, () => rng.next() - 0.5)));
  const reps = Math.max(1, Math.round(2e9 / (2 * n ** 3)));
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) rt.gemm(LAYOUT.NN, n, n, n, a!, n, b!, n, c!, n, INIT.ZERO);
    times.push((performance.now() - t0) / 1000 / reps);
  }
  rt.dispose();
  return (2 * n ** 3) / median(times) / 1e9;
}

/** Runs `rounds` rounds of every contender in turn (the order rotates each round so none always goes first). */
async function interleave(contenders: [string, () => Promise<number>][], rounds: number): Promise<Round[]> {
  const out: Round[] = [];
  for (let r = 0; r < rounds; r++) {
    const round: Round = { load: os.loadavg()[0]!, values: {} };
    for (let i = 0; i < contenders.length; i++) {
      const [name, measure] = contenders[(i + r) % contenders.length]!;
      round.values[name] = await measure();
    }
    out.push(round);
  }
  return out;
}

const medianOf = (rounds: Round[], name: string) => median(rounds.map((r) => r.values[name]!));

function printRounds(rounds: Round[], unit: string, digits: number): void {
  const names = Object.keys(rounds[0]!.values);
  console.log(
    `  ${'contender'.padEnd(30)}${rounds.map((_, i) => `round ${i + 1}`.padStart(10)).join('')}${'median'.padStart(10)}`,
  );
  for (const name of names)
    console.log(
      `  ${name.padEnd(30)}${rounds.map((r) => r.values[name]!.toFixed(digits).padStart(10)).join('')}${medianOf(rounds, name).toFixed(digits).padStart(10)}  ${unit}`,
    );
  console.log(`  ${'load average (1 min)'.padEnd(30)}${rounds.map((r) => r.load.toFixed(2).padStart(10)).join('')}`);
  for (const name of names) if (ran[name]) console.log(`  ${name} ran as ${ran[name]}`);
}

/** ours / peer from the medians; `higherIsBetter` false for seconds (then the ratio is peer / ours: > 1 = we win). */
function printRatio(rounds: Round[], ours: string, peer: string, higherIsBetter: boolean): void {
  const [a, b] = [medianOf(rounds, ours), medianOf(rounds, peer)];
  const ratio = higherIsBetter ? a / b : b / a;
  console.log(`  ${`${ours} / ${peer}`.padEnd(58)}${ratio.toFixed(2).padStart(8)}×${higherIsBetter ? '' : ' (speed)'}`);
}

export async function run(): Promise<void> {
  const found = findTorchPython();
  const torch = 'python' in found ? await TorchPeer.start(found.python) : null;
  const jax = await loadJax();
  const dir = mkdtempSync(join(os.tmpdir(), 'mlpw-bench-peers-'));
  const defaultThreads = defaultKernelThreads();
  console.log(
    torch
      ? `peers: PyTorch ${torch.info.torch} (${found && 'python' in found ? found.python : ''}, MKL ${torch.info.mkl})`
      : `PyTorch skipped: ${'reason' in found ? found.reason : ''}`,
  );
  console.log(jax.ok ? `peers: jax-js ${jax.version} (wasm device, ${jax.threads})` : `jax-js skipped: ${jax.reason}`);
  try {
    if (SECTIONS.has('reference')) {
      // Reference workload.
      const ref = referenceJob(EPOCHS + 1);
      const refDir = writeJob(join(dir, 'reference'), ref);
      const refLoss: Record<string, number> = {};
      const refContenders: [string, () => Promise<number>][] = THREADS.map((t) => [
        `ours ${t}T`,
        async () => {
          const backend = await wasmBackend(t);
          const r = await oursEpochs(backend, ref);
          ranAs(`ours ${t}T`, backend.info);
          backend.dispose();
          refLoss.ours = r.epochLosses.at(-1)!;
          return samplesPerSec(ref, r.epochSeconds);
        },
      ]);
      if (torch) {
        await torch.train(refDir, 2, 1); // warm-up: first-call allocations and thread-pool start
        for (const t of THREADS)
          refContenders.push([
            `PyTorch ${t}T`,
            async () => {
              const r = await torch.train(refDir, t, EPOCHS + 1);
              refLoss.torch = r.epochLosses.at(-1)!;
              return samplesPerSec(ref, r.epochSeconds);
            },
          ]);
      }
      if (jax.ok) refContenders.push(['jax-js wasm', () => jaxReferenceSamplesPerSec(jax, ref, Math.min(EPOCHS, 2))]);
      console.log(
        `reference workload (784-512-256-10 ReLU, softmax CE, SGD 0.01, batch ${WORKLOAD.batch}, ${ref.n} rows; warm-up + median of ${EPOCHS} epochs; samples/s):`,
      );
      const refRounds = await interleave(refContenders, ROUNDS);
      printRounds(refRounds, 'samples/s', 0);
      if (torch) {
        printRatio(refRounds, 'ours 2T', 'PyTorch 2T', true);
        printRatio(refRounds, 'ours 1T', 'PyTorch 1T', true);
        console.log(
          `  last-epoch mean loss (same weights, same batches): ours ${refLoss.ours!.toFixed(6)}, PyTorch ${refLoss.torch!.toFixed(6)}`,
        );
      }
      if (jax.ok) printRatio(refRounds, 'ours 1T', 'jax-js wasm', true);
    }
    if (SECTIONS.has('spiral')) {
      // Small net: the whole 50-epoch loop, from the initial weights.
      const spiral = spiralJob(SPIRAL.epochs);
      const spiralDir = writeJob(join(dir, 'spiral'), spiral);
      const spiralLoss: Record<string, number> = {};
      const spiralContenders: [string, () => Promise<number>][] = [
        [
          `ours (default ${defaultThreads}T)`,
          async () => {
            const backend = await wasmBackend();
            const r = await oursEpochs(backend, spiral);
            ranAs(`ours (default ${defaultThreads}T)`, backend.info);
            backend.dispose();
            spiralLoss.ours = r.epochLosses.at(-1)!;
            return sum(r.epochSeconds);
          },
        ],
      ];
      if (torch) {
        await torch.train(spiralDir, 1, 2);
        for (const t of THREADS)
          spiralContenders.push([
            `PyTorch ${t}T`,
            async () => {
              const r = await torch.train(spiralDir, t, SPIRAL.epochs);
              spiralLoss.torch = r.epochLosses.at(-1)!;
              return sum(r.epochSeconds);
            },
          ]);
      }
      console.log(
        `\nspiral 2-${SPIRAL.hidden.join('-')}-3 tanh, Adam 0.01, batch ${SPIRAL.batch}, ${spiral.n} rows, ${SPIRAL.epochs} epochs (loop seconds, lower is better):`,
      );
      const spiralRounds = await interleave(spiralContenders, ROUNDS);
      printRounds(spiralRounds, 's', 3);
      if (torch) {
        for (const t of THREADS) printRatio(spiralRounds, `ours (default ${defaultThreads}T)`, `PyTorch ${t}T`, false);
        console.log(
          `  last-epoch mean loss (same weights, same batches): ours ${spiralLoss.ours!.toFixed(6)}, PyTorch ${spiralLoss.torch!.toFixed(6)}`,
        );
      }
    }
    if (SECTIONS.has('matmul')) {
      // Matrix product.
      const mmContenders: [string, () => Promise<number>][] = THREADS.map((t) => [
        `ours gemm ${t}T`,
        () => oursMatmulGflops(MATMUL_N, t),
      ]);
      if (torch) for (const t of THREADS) mmContenders.push([`PyTorch ${t}T`, () => torch.matmul(MATMUL_N, t)]);
      if (jax.ok) mmContenders.push(['jax-js wasm', () => jaxMatmulGflops(jax, MATMUL_N)]);
      console.log(`\nmatrix product ${MATMUL_N}³ float32 (median of 5 timings of ≥ 2 GFLOP; GFLOP/s):`);
      const mmRounds = await interleave(mmContenders, ROUNDS);
      printRounds(mmRounds, 'GFLOP/s', 1);
      if (torch) for (const t of THREADS) printRatio(mmRounds, `ours gemm ${t}T`, `PyTorch ${t}T`, true);
      if (jax.ok) printRatio(mmRounds, 'ours gemm 1T', 'jax-js wasm', true);
    }
  } finally {
    torch?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// The 128-bit ceiling, measured in the same run as what we compare with it (issue 20): the f32x4 multiply-add peak
// (bench/cpu-peak.ts) on 1 and 2 threads, our 1024³ product and the reference training workload in GFLOP/s, and
// OpenBLAS and PyTorch (256-bit AVX2) beside them. Each round measures every subject once (interleaved); shares of
// the peak are taken within a round, then the median over rounds, so a load change between rounds cancels. GFLOP
// per CPU-second (on-CPU time of the threads, or of the process) is printed beside the wall-clock figures because
// the cores are shared. BENCH_ROUNDS=N (default 3).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import '../engine/host/node/kernel-threads.ts';
import type { TrainingBackend } from '../engine/backends/backend.ts';
import { INIT, LAYOUT } from '../engine/backends/wasm/kernel-abi.ts';
import { kernelsName, loadKernelModule } from '../engine/backends/wasm/module.ts';
import { createWasmBackend } from '../engine/backends/wasm/provider.ts';
import { KernelRuntime } from '../engine/backends/wasm/runtime.ts';
import { Rng } from '../engine/rng.ts';
import { numpyTimer } from './20-cpu-fast.bench.ts';
import { measurePeak, type PeakOp } from './cpu-peak.ts';
import { referenceJob, type PeerJob } from './peers/jobs.ts';
import { findTorchPython, TorchPeer, writeJob } from './peers/torch-peer.ts';
import { median, WORKLOAD } from './workload.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const THREADS = [1, 2];
const N = 1024;

/** FLOPs of one training sample: forward 2·Σ in·out, dW 2·Σ in·out, dX 2·Σ in·out for all but the first layer. */
export function trainingFlopsPerSample(sizes: number[]): number {
  let flops = 0;
  for (let l = 0; l + 1 < sizes.length; l++) flops += (l === 0 ? 4 : 6) * sizes[l]! * sizes[l + 1]!;
  return flops;
}
const REFERENCE_SIZES = [WORKLOAD.features, ...WORKLOAD.hidden, WORKLOAD.classes];

/** One measurement: GFLOP/s by the wall clock and, where known, per CPU-second. */
interface Sample {
  gflops: number;
  perCpu: number | null;
}
type Subject = { name: string; threads: number; measure(round: number): Promise<Sample> };

/** A child process's CPU ms (user + system, all its threads; Linux /proc, clock ticks of 10 ms), or null. */
function childCpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function oursGemm(threads: number): Promise<Subject & { dispose(): void }> {
  const kernels = await loadKernelModule();
  if ('unavailable' in kernels) throw new Error(kernels.unavailable);
  const rt = await KernelRuntime.create(kernels, threads);
  const rng = new Rng(1);
  const [A, B, C] = [0, 1, 2].map(() => rt.upload(Float32Array.from({ length: N * N }, () => rng.next() - 0.5)));
  const once = () => rt.gemm(LAYOUT.NN, N, N, N, A!, N, B!, N, C!, N, INIT.ZERO);
  once();
  const reps = 8;
  return {
    name: `ours gemm ${threads}T`,
    threads,
    async measure() {
      let best = Infinity;
      const c0 = cpuMs();
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        once();
        best = Math.min(best, performance.now() - t0);
      }
      const flops = 2 * N ** 3;
      return { gflops: flops / best / 1e6, perCpu: (reps * flops) / (cpuMs() - c0) / 1e6 / threads };
    },
    dispose: () => rt.dispose(),
  };
}

async function oursTraining(threads: number, job: PeerJob): Promise<Subject & { dispose(): void }> {
  const made = await createWasmBackend(threads);
  if ('unavailable' in made) throw new Error(made.unavailable);
  const backend: TrainingBackend = made.backend;
  await backend.init(job.spec, job.weights, job.prepared);
  const batches = Math.ceil(job.n / job.batchSize);
  const flops = job.n * trainingFlopsPerSample(REFERENCE_SIZES);
  let epoch = 0;
  const one = async () => {
    const c0 = cpuMs();
    const t0 = performance.now();
    await backend.trainEpoch({
      order: job.orders[epoch % job.orders.length]!,
      batchSize: job.batchSize,
      lr: 0.01,
      step: epoch * batches,
    });
    epoch++;
    return { ms: performance.now() - t0, cpu: cpuMs() - c0 };
  };
  await one();
  return {
    name: `ours training ${threads}T`,
    threads,
    async measure() {
      const { ms, cpu } = await one();
      return { gflops: flops / ms / 1e6, perCpu: flops / cpu / 1e6 / threads };
    },
    dispose: () => backend.dispose(),
  };
}

export async function run(): Promise<void> {
  const kernels = await loadKernelModule();
  const variant = 'unavailable' in kernels ? 'none' : kernelsName(kernels.variant);
  const perSample = trainingFlopsPerSample(REFERENCE_SIZES);
  console.log(
    `ceiling: f32x4 multiply-add peak (12 independent chains, no memory) vs ours (${variant}) and the 256-bit peers, ` +
      `${ROUNDS} interleaved rounds; training = reference workload at ${(perSample / 1e6).toFixed(3)} MFLOP a sample ` +
      '(forward 2·Σ in·out, dW 2·Σ, dX 2·Σ but the first layer)',
  );
  const job = referenceJob(ROUNDS + 2);
  const subjects: (Subject & { dispose?(): void })[] = [];
  const peaks: Record<number, number[]> = {};
  for (const op of ['relaxed-madd', 'mul-add'] as PeakOp[])
    for (const t of THREADS)
      subjects.push({
        name: `peak f32x4 ${op} ${t}T`,
        threads: t,
        async measure() {
          const p = await measurePeak(op, t, 2);
          return { gflops: p.gflops, perCpu: p.gflopsPerCpuSecond };
        },
      });
  for (const t of THREADS) subjects.push(await oursGemm(t));
  for (const t of THREADS) {
    const blas = await numpyTimer(t);
    if (typeof blas === 'string') {
      console.log(`  OpenBLAS ${t}T not measured: ${blas}`);
      continue;
    }
    subjects.push({
      name: `OpenBLAS sgemm ${t}T`,
      threads: t,
      async measure() {
        let best = Infinity;
        let cpu = Infinity;
        for (let i = 0; i < 3; i++) {
          best = Math.min(best, await blas.time(N));
          cpu = Math.min(cpu, blas.lastCpuSeconds());
        }
        return { gflops: (2 * N ** 3) / best / 1e9, perCpu: (2 * N ** 3) / cpu / 1e9 / t };
      },
      dispose: blas.dispose,
    });
  }
  for (const t of THREADS) subjects.push(await oursTraining(t, job));
  const found = findTorchPython();
  const dir = mkdtempSync(join(os.tmpdir(), 'mlpw-bench-ceiling-'));
  let torch: TorchPeer | null = null;
  if ('python' in found) {
    torch = await TorchPeer.start(found.python);
    const refDir = writeJob(join(dir, 'reference'), referenceJob(2));
    await torch.train(refDir, 2, 1);
    for (const t of THREADS)
      subjects.push({
        name: `PyTorch training ${t}T`,
        threads: t,
        async measure() {
          // CPU of the whole request (both epochs, 10 ms ticks) against both epochs' flops.
          const c0 = childCpuMs(torch!.pid);
          const r = await torch!.train(refDir, t, 2);
          const c1 = childCpuMs(torch!.pid);
          const perCpu = c0 === null || c1 === null || c1 <= c0 ? null : (2 * job.n * perSample) / (c1 - c0) / 1e6 / t;
          return { gflops: (job.n * perSample) / r.epochSeconds[1]! / 1e9, perCpu };
        },
      });
  } else console.log(`  PyTorch skipped: ${found.reason}`);

  const results = new Map<string, Sample[]>(subjects.map((s) => [s.name, []]));
  const loads: number[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of subjects) results.get(s.name)!.push(await s.measure(r));
      loads.push(os.loadavg()[0]!);
    }
  } finally {
    subjects.forEach((s) => s.dispose?.());
    torch?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const t of THREADS) peaks[t] = results.get(`peak f32x4 relaxed-madd ${t}T`)!.map((s) => s.gflops);
  const share = (name: string, t: number, of: (round: number) => number) =>
    median(results.get(name)!.map((s, round) => s.gflops / of(round)));
  const fmt = (v: number | null, d = 1) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(d)).padStart(9);
  const best = (name: string) => Math.max(...results.get(name)!.map((x) => x.gflops));
  const bestCpu = (name: string) => {
    const perCpu = results
      .get(name)!
      .map((x) => x.perCpu)
      .filter((x): x is number => x !== null);
    return perCpu.length ? Math.max(...perCpu) : null;
  };
  console.log(
    `  ${'subject'.padEnd(28)}${'median'.padStart(9)}${'best'.padStart(9)}${'/CPU-s'.padStart(9)}${'% peak'.padStart(9)}` +
      '   GFLOP/s; /CPU-s = per thread per on-CPU second (best); % of the FMA peak on as many threads, same round',
  );
  for (const s of subjects) {
    const pct = 100 * share(s.name, s.threads, (round) => peaks[s.threads]![round]!);
    console.log(
      `  ${s.name.padEnd(28)}${fmt(median(results.get(s.name)!.map((x) => x.gflops)))}${fmt(best(s.name))}${fmt(bestCpu(s.name))}${fmt(pct, 0)} %`,
    );
  }
  const has = (name: string) => results.has(name);
  console.log('  ratios (within a round, median):');
  for (const t of THREADS) {
    const ours = (round: number) => results.get(`ours gemm ${t}T`)![round]!.gflops;
    const oursTrain = (round: number) => results.get(`ours training ${t}T`)![round]!.gflops;
    const parts = [];
    if (has(`OpenBLAS sgemm ${t}T`))
      parts.push(`OpenBLAS / ours gemm ${(share(`OpenBLAS sgemm ${t}T`, t, ours) * 100).toFixed(0)} %`);
    if (has(`PyTorch training ${t}T`))
      parts.push(`PyTorch / ours training ${(share(`PyTorch training ${t}T`, t, oursTrain) * 100).toFixed(0)} %`);
    console.log(`    ${t}T: ${parts.join('   ') || '(no peers)'}`);
  }
  const two = (name: string) =>
    share(name.replace('#', '2T'), 2, (round) => results.get(name.replace('#', '1T'))![round]!.gflops);
  console.log(
    `    2T / 1T: peak ${two('peak f32x4 relaxed-madd #').toFixed(2)}, ours gemm ${two('ours gemm #').toFixed(2)}, ours training ${two('ours training #').toFixed(2)}` +
      (has('OpenBLAS sgemm 2T') ? `, OpenBLAS ${two('OpenBLAS sgemm #').toFixed(2)}` : '') +
      (has('PyTorch training 2T') ? `, PyTorch ${two('PyTorch training #').toFixed(2)}` : ''),
  );
  // The goals against the best round of each (the least disturbed), and per CPU-second (what a core does while it
  // runs the subject: load cannot inflate it) where both sides have it.
  const peak2 = best('peak f32x4 relaxed-madd 2T');
  const peakCpu = bestCpu('peak f32x4 relaxed-madd 1T');
  const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(0)} %`);
  for (const [peer, goal, scale] of [
    ['PyTorch training', 'ours ≥ 1.0× PyTorch 2T', 1],
    ['OpenBLAS sgemm', 'ours ≥ 60 % of OpenBLAS 2T', 0.6],
  ] as const) {
    if (!has(`${peer} 2T`)) continue;
    const cpu1 = bestCpu(`${peer} 1T`);
    console.log(
      `  goal "${goal}" needs ${pct((100 * scale * best(`${peer} 2T`)) / peak2)} of the 2-thread FMA peak (best rounds); ` +
        `per CPU-second, ${pct(cpu1 === null || peakCpu === null ? null : (100 * scale * cpu1) / peakCpu)} of it on each core ` +
        `if the peer scaled perfectly (its 1-thread GFLOP per CPU-second over the peak's)`,
    );
  }
  console.log(`  load average (1 min) per round: ${loads.map((l) => l.toFixed(2)).join(', ')}`);
}

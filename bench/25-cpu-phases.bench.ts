// Where the fast CPU backend's time goes (issue 20): the per-phase split of one reference epoch on 1 and 2 threads,
// the 1024³ product's thread scaling, one dispatch's cost, a tiny net's whole run, and both under a competing busy
// process. Every ratio is from rounds interleaved in this one process, minimum of N (the cores are shared); the
// load average is printed. BENCH_ROUNDS=N changes the rounds (default 5).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import '../engine/host/node/kernel-threads.ts';
import { INIT, LAYOUT } from '../engine/backends/wasm/kernel-abi.ts';
import { loadKernelModule } from '../engine/backends/wasm/module.ts';
import { PHASES, type PhaseProfile } from '../engine/backends/wasm/phase-profile.ts';
import { createWasmBackend } from '../engine/backends/wasm/provider.ts';
import { KernelRuntime, MIN_PARALLEL_ELEMENTS, MIN_PARALLEL_WORK } from '../engine/backends/wasm/runtime.ts';
import type { ThreadStats } from '../engine/backends/wasm/threads.ts';
import { WasmBackend } from '../engine/backends/wasm/backend.ts';
import { parseConfig } from '../engine/config.ts';
import { loadBuiltinDataset } from '../engine/data/builtin.ts';
import { prepareData } from '../engine/data/prepare.ts';
import { initWeights } from '../engine/model/init.ts';
import { Rng } from '../engine/rng.ts';
import { train } from '../engine/trainer.ts';
import { WORKLOAD, workloadConfig, workloadData } from './workload.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const THREADS = [...new Set([1, 2, Math.min(4, os.availableParallelism())])].filter(
  (t) => t <= Math.max(2, os.availableParallelism()),
);
const load = () => os.loadavg()[0]!.toFixed(1);
const ms = (v: number) => v.toFixed(2).padStart(9);

/** Linux: every thread of this process, its on-CPU and its runnable-but-not-running ns (schedstat); {} elsewhere. */
function taskTimes(): Map<string, { runNs: number; queuedNs: number }> {
  const out = new Map<string, { runNs: number; queuedNs: number }>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const [run, queued] = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
      out.set(tid, { runNs: run!, queuedNs: queued! });
    }
  } catch {
    /* not Linux: the in-process figures still print */
  }
  return out;
}

/** The `count` threads that ran most between two taskTimes(): ms on a CPU and ms waiting for one (preempted). */
function busiestThreads(
  before: ReturnType<typeof taskTimes>,
  after: ReturnType<typeof taskTimes>,
  count: number,
): { runMs: number; queuedMs: number }[] {
  return [...after.entries()]
    .map(([tid, a]) => {
      const b = before.get(tid) ?? { runNs: 0, queuedNs: 0 };
      return { runMs: (a.runNs - b.runNs) / 1e6, queuedMs: (a.queuedNs - b.queuedNs) / 1e6 };
    })
    .sort((x, y) => y.runMs - x.runMs)
    .slice(0, count);
}

/** schedstat deltas summed per thread over many runs: the kernel counts on-CPU time in scheduler ticks (4 ms), so
 * one 30 ms product is ±13 %; over all rounds the error averages out. */
class CpuTally {
  private readonly sums = new Map<string, { runNs: number; queuedNs: number }>();
  runs = 0;
  add(before: ReturnType<typeof taskTimes>, after: ReturnType<typeof taskTimes>): void {
    this.runs++;
    for (const [tid, a] of after) {
      const b = before.get(tid) ?? { runNs: 0, queuedNs: 0 };
      const s = this.sums.get(tid) ?? { runNs: 0, queuedNs: 0 };
      this.sums.set(tid, { runNs: s.runNs + a.runNs - b.runNs, queuedNs: s.queuedNs + a.queuedNs - b.queuedNs });
    }
  }
  /** The `count` busiest threads, ms per run. */
  busiest(count: number): { runMs: number; queuedMs: number }[] {
    const per = Math.max(1, this.runs) * 1e6;
    return [...this.sums.values()]
      .map((s) => ({ runMs: s.runNs / per, queuedMs: s.queuedNs / per }))
      .sort((x, y) => y.runMs - x.runMs)
      .slice(0, count);
  }
}

/**
 * The speed-up two free cores would give, from on-CPU time (schedstat), which other processes cannot inflate: the
 * 1-thread run's CPU time over the busiest thread's of each team (its spinning included), per run over all rounds.
 */
function printCpuScaling(label: string, cpu: { runMs: number; queuedMs: number }[][]) {
  if (cpu.some((c) => c.length === 0)) return;
  const one = cpu[0]![0]!.runMs;
  console.log(
    `  ${label} by on-CPU time (schedstat): ` +
      THREADS.map(
        (t, i) => `${t}T busiest thread ${cpu[i]![0]!.runMs.toFixed(1)} ms (${(one / cpu[i]![0]!.runMs).toFixed(2)}×)`,
      ).join(', ') +
      `; preempted ${THREADS.map((t, i) => `${t}T ${cpu[i]!.reduce((s, c) => s + c.queuedMs, 0).toFixed(0)} ms`).join(', ')}`,
  );
}

/**
 * Where the second thread loses, from the team's own records (threads.ts STAT: performance.now per part, not
 * dependent on a quiet machine) and the kernel's schedstat: per thread its parts, the ms inside them, the wake-up
 * latency, the caller's wait; then the split kernels' span against their ideal (busy time / threads).
 */
function printThreads(label: string, stats: ThreadStats[], wallMs: number, cpu: { runMs: number; queuedMs: number }[]) {
  console.log(`  ${label}: ${wallMs.toFixed(1)} ms wall`);
  console.log(`    thread   parts  busy ms  wake µs/run  missed  wait ms`);
  for (const t of stats)
    console.log(
      `    ${(t.thread === 0 ? 'caller' : `worker ${t.thread}`).padEnd(9)}${String(t.parts).padStart(6)}${ms(t.busyMs)}` +
        `${(t.thread === 0 ? '' : ((t.wakeMs / Math.max(1, t.runs)) * 1000).toFixed(1)).padStart(13)}` +
        `${(t.thread === 0 ? '' : String(t.missed)).padStart(8)}${t.thread === 0 ? ms(t.waitMs) : ''}`,
    );
  const caller = stats[0]!;
  const busy = stats.reduce((sum, t) => sum + t.busyMs, 0);
  const ideal = busy / stats.length;
  console.log(
    `    split kernels: ${caller.runs} runs, span ${caller.spanMs.toFixed(1)} ms vs ideal ${ideal.toFixed(1)} ms (busy / threads): ` +
      `${((caller.spanMs / Math.max(1e-9, ideal) - 1) * 100).toFixed(1)} % lost to imbalance, wake-up and waits; ` +
      `caller outside split kernels ${(wallMs - caller.spanMs).toFixed(1)} ms (${(((wallMs - caller.spanMs) / wallMs) * 100).toFixed(1)} %)`,
  );
  if (cpu.length > 0)
    console.log(
      `    on-CPU / preempted ms of the busiest threads (schedstat): ${cpu.map((c) => `${c.runMs.toFixed(1)} / ${c.queuedMs.toFixed(1)}`).join(', ')}`,
    );
}

/** A backend on the reference workload, weights and data in place; `minParallelElements` for the A/B below. */
async function referenceBackend(
  threads: number,
  minParallelElements?: number,
): Promise<{ backend: WasmBackend; n: number }> {
  const kernels = await loadKernelModule();
  if ('unavailable' in kernels) throw new Error(kernels.unavailable);
  const made = { backend: new WasmBackend(kernels, { threads, minParallelElements }) };
  const config = workloadConfig();
  const data = workloadData();
  const prepared = prepareData(data, 0, false, 1);
  const weights = initWeights(config, data.features, data.outputs, 'softmax');
  await made.backend.init(
    {
      features: data.features,
      outputs: data.outputs,
      head: 'softmax',
      loss: 'cross_entropy',
      layers: weights.map((w) => ({ inputs: w.inputs, units: w.units, activation: w.activation, dropout: 0 })),
      optimizer: config.optimizer,
      seed: config.seed,
      batchSize: config.batchSize,
    },
    weights,
    prepared,
  );
  return { backend: made.backend, n: prepared.train.n };
}

/** Per thread count, the profile of its fastest epoch (rounds interleaved across the thread counts). */
/** Split kernels run on the team and those run alone after a late worker, over the last phaseSplit's 2-thread backend. */
let lastTeamRuns = { split: 0, alone: 0 };
/** The kernels' instruction set the backends loaded (the default variant), for the headings. */
let kernelsName = '';

/** The fastest epoch's thread records and schedstat per thread count, from the last phaseSplit. */
const epochThreads = new Map<number, { stats: ThreadStats[]; cpu: ReturnType<typeof busiestThreads> }>();
/** On-CPU time per thread count over all timed rounds, from the last phaseSplit and gemmScaling. */
let epochCpu = new Map<number, CpuTally>();
let gemmCpu: CpuTally[] = [];

async function phaseSplit(threads: number[]): Promise<Map<number, PhaseProfile>> {
  const backends = await Promise.all(threads.map((t) => referenceBackend(t)));
  const best = new Map<number, PhaseProfile>();
  const rng = new Rng(3);
  epochCpu = new Map(threads.map((t) => [t, new CpuTally()]));
  for (let r = 0; r <= ROUNDS; r++) {
    const order = rng.permutation(backends[0]!.n);
    for (const [i, { backend }] of backends.entries()) {
      const profile = backend.profilePhases(true)!;
      const before = taskTimes();
      await backend.trainEpoch({ order, batchSize: WORKLOAD.batch, lr: 0.01, step: r * 40 });
      const t = threads[i]!;
      const after = taskTimes();
      if (r > 0) epochCpu.get(t)!.add(before, after);
      if (r > 0 && profile.totalMs < (best.get(t)?.totalMs ?? Infinity)) {
        best.set(t, profile);
        epochThreads.set(t, { stats: profile.threads(), cpu: busiestThreads(before, after, t) });
      }
    }
  }
  kernelsName = backends[0]!.backend.info.kernels ?? '';
  const two = threads.indexOf(2);
  if (two >= 0) lastTeamRuns = backends[two]!.backend.teamRuns();
  backends.forEach(({ backend }) => backend.dispose());
  return best;
}

/**
 * The element-wise kernels' own split threshold (runtime.ts MIN_PARALLEL_ELEMENTS) against the old one (they split at
 * MIN_PARALLEL_WORK like a product), on 2 threads, epochs interleaved, with 1 thread as the base: per arm the summed
 * share of the epoch the caller spent outside split kernels (serial), the busiest thread's on-CPU ms per epoch, the
 * 1T on-CPU time over it, and the median wall epoch.
 */
export async function elementSplitAB(
  rounds = ROUNDS,
  thresholds = [MIN_PARALLEL_WORK, MIN_PARALLEL_ELEMENTS],
): Promise<void> {
  const arms = [
    { label: '1T', threads: 1, elements: MIN_PARALLEL_ELEMENTS },
    ...thresholds.map((elements) => ({
      label: `2T, element-wise split at ${elements}${elements === MIN_PARALLEL_WORK ? ' (old)' : ''}`,
      threads: 2,
      elements,
    })),
  ];
  const backends = await Promise.all(arms.map((a) => referenceBackend(a.threads, a.elements)));
  const tallies = arms.map(() => new CpuTally());
  const serial = arms.map(() => ({ outsideMs: 0, aloneMs: 0, wallMs: 0, walls: [] as number[] }));
  const rng = new Rng(5);
  for (let r = 0; r <= rounds; r++) {
    const order = rng.permutation(backends[0]!.n);
    for (const [i, { backend }] of backends.entries()) {
      const profile = backend.profilePhases(true)!;
      const before = taskTimes();
      await backend.trainEpoch({ order, batchSize: WORKLOAD.batch, lr: 0.01, step: r * 40 });
      const after = taskTimes();
      if (r === 0) continue;
      tallies[i]!.add(before, after);
      const caller = profile.threads()[0];
      serial[i]!.wallMs += profile.totalMs;
      serial[i]!.outsideMs += profile.totalMs - (caller?.spanMs ?? 0);
      serial[i]!.aloneMs += caller?.aloneMs ?? 0;
      serial[i]!.walls.push(profile.totalMs);
    }
  }
  const base = tallies[0]!.busiest(1)[0]?.runMs ?? NaN;
  console.log(`
element-wise split A/B, reference epoch, ${rounds} interleaved rounds (load ${load()}):`);
  for (const [i, a] of arms.entries()) {
    const cpu = tallies[i]!.busiest(a.threads);
    const s = serial[i]!;
    const median = [...s.walls].sort((x, y) => x - y)[s.walls.length >> 1]!;
    const runs = backends[i]!.backend.teamRuns();
    console.log(
      `  ${a.label.padEnd(38)} caller outside split kernels ${((s.outsideMs / s.wallMs) * 100).toFixed(1).padStart(5)} %, ` +
        `of which the back-off's alone runs ${((s.aloneMs / s.wallMs) * 100).toFixed(1).padStart(5)} %, ` +
        `busiest thread on-CPU ${(cpu[0]?.runMs ?? NaN).toFixed(1)} ms/epoch (1T/this ${(base / (cpu[0]?.runMs ?? NaN)).toFixed(2)}×), ` +
        `wall median ${median.toFixed(1)} ms, split runs ${runs.split}, run alone ${runs.alone}`,
    );
  }
  backends.forEach(({ backend }) => backend.dispose());
}

/** The fastest round's thread records per thread count, from the last gemmScaling. */
let lastGemmThreads: { stats: ThreadStats[]; wallMs: number; cpu: ReturnType<typeof busiestThreads> }[] = [];

/** GFLOP/s of C = A·B (n³) per thread count, minimum time of ROUNDS interleaved rounds. */
async function gemmScaling(n: number, threads: number[]): Promise<number[]> {
  const kernels = await loadKernelModule();
  if ('unavailable' in kernels) throw new Error(kernels.unavailable);
  const rts = await Promise.all(threads.map((t) => KernelRuntime.create(kernels, t)));
  const rng = new Rng(1);
  const a = Float32Array.from({ length: n * n }, () => rng.next() - 0.5);
  const ptrs = rts.map((rt) => [rt.upload(a), rt.upload(a), rt.heap.alloc(n * n * 4)] as const);
  const best = threads.map(() => Infinity);
  const fastest: { stats: ThreadStats[]; wallMs: number; cpu: ReturnType<typeof busiestThreads> }[] = [];
  gemmCpu = threads.map(() => new CpuTally());
  for (let r = 0; r <= ROUNDS; r++)
    rts.forEach((rt, i) => {
      const [A, B, C] = ptrs[i]!;
      rt.recordThreads(true);
      const before = taskTimes();
      const t0 = performance.now();
      rt.gemm(LAYOUT.NN, n, n, n, A, n, B, n, C, n, INIT.ZERO);
      const wallMs = performance.now() - t0;
      const after = taskTimes();
      if (r > 0) gemmCpu[i]!.add(before, after);
      if (r > 0 && wallMs < best[i]!) {
        best[i] = wallMs;
        fastest[i] = { stats: rt.threadStats(), wallMs, cpu: busiestThreads(before, after, threads[i]!) };
      }
      rt.recordThreads(false);
    });
  rts.forEach((rt) => rt.dispose());
  lastGemmThreads = fastest;
  return best.map((t) => (2 * n ** 3) / t / 1e6);
}

/** µs per dispatch of an 8³ product, alone on the caller vs split over a team of 2 (the wake-up round trip). */
async function dispatchMicros(): Promise<{ alone: number; split: number }> {
  const kernels = await loadKernelModule();
  if ('unavailable' in kernels) throw new Error(kernels.unavailable);
  const result = { alone: Infinity, split: Infinity };
  for (const [key, threads] of [
    ['alone', 1],
    ['split', 2],
  ] as const) {
    const rt = await KernelRuntime.create(kernels, threads, 0);
    const [A, B, C] = [rt.upload(new Float32Array(64)), rt.upload(new Float32Array(64)), rt.heap.alloc(256)];
    for (let r = 0; r <= ROUNDS; r++) {
      const t0 = performance.now();
      for (let i = 0; i < 2000; i++) rt.gemm(LAYOUT.NN, 8, 8, 8, A, 8, B, 8, C, 8, INIT.ZERO);
      if (r > 0) result[key] = Math.min(result[key], ((performance.now() - t0) / 2000) * 1000);
    }
    rt.dispose();
  }
  return result;
}

/** The tiny-net case of the issue: spiral 2000 rows, 2-32-32-3 tanh, Adam, batch 32, 50 epochs, default threads. */
async function tinyNet(): Promise<{ wallMs: number; steps: number; parts: Record<string, number>; threads: number }> {
  const config = parseConfig({
    dataset: { name: 'spiral', samples: 2000, classes: 3 },
    model: {
      layers: [
        { units: 32, activation: 'tanh' },
        { units: 32, activation: 'tanh' },
      ],
    },
    optimizer: { type: 'adam', lr: 0.01 },
    batchSize: 32,
    epochs: 50,
    seed: 1,
  });
  const dataset = loadBuiltinDataset(config.dataset);
  let best: { wallMs: number; steps: number; parts: Record<string, number>; threads: number } | null = null;
  for (let r = 0; r < ROUNDS; r++) {
    const made = await createWasmBackend();
    if ('unavailable' in made) throw new Error(made.unavailable);
    const backend = made.backend;
    const parts: Record<string, number> = { init: 0, trainEpoch: 0, evaluate: 0 };
    for (const name of ['init', 'trainEpoch', 'evaluate'] as const) {
      const method = (backend[name] as (...a: unknown[]) => Promise<unknown>).bind(backend);
      (backend as unknown as Record<string, unknown>)[name] = async (...a: unknown[]) => {
        const t0 = performance.now();
        const out = await method(...a);
        parts[name]! += performance.now() - t0;
        return out;
      };
    }
    const t0 = performance.now();
    const result = await train(config, dataset, backend, { onEpoch() {}, onCheckpoint() {} });
    const wallMs = performance.now() - t0;
    parts['trainer (the rest)'] = wallMs - parts.init! - parts.trainEpoch! - parts.evaluate!;
    const steps = result.summary.epochs * Math.ceil(result.data.trainSamples / config.batchSize);
    if (!best || wallMs < best.wallMs) best = { wallMs, steps, parts, threads: backend.info.threads ?? 1 };
    backend.dispose();
  }
  return best!;
}

/** Runs `fn` while `count` busy-looping processes compete for the cores. */
async function underLoad<T>(count: number, fn: () => Promise<T>): Promise<T> {
  const hogs = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  try {
    await new Promise((r) => setTimeout(r, 200));
    return await fn();
  } finally {
    hogs.forEach((h) => h.kill());
  }
}

export async function run(): Promise<void> {
  console.log(`load average ${load()} at the start (${os.availableParallelism()} cores)`);
  const split = await phaseSplit(THREADS);
  console.log(
    `\nreference epoch (784-512-256-10, SGD, batch ${WORKLOAD.batch}, ${WORKLOAD.samples} rows, ${kernelsName}), fastest of ${ROUNDS} interleaved, ms:`,
  );
  console.log(`  ${'phase'.padEnd(16)}${THREADS.map((t) => `${t}T`.padStart(9)).join('')}   calls/epoch`);
  for (const phase of PHASES) {
    const cells = THREADS.map((t) => ms(split.get(t)!.ms.get(phase) ?? 0)).join('');
    const calls = phase === 'sync wait' ? '' : String(split.get(1)!.calls.get(phase) ?? 0);
    console.log(`  ${phase.padEnd(16)}${cells}   ${calls}`);
  }
  console.log(`  ${'epoch'.padEnd(16)}${THREADS.map((t) => ms(split.get(t)!.totalMs)).join('')}`);
  const quiet = lastTeamRuns;
  printCpuScaling(
    'reference epoch',
    THREADS.map((t) => epochCpu.get(t)?.busiest(t) ?? []),
  );
  for (const t of THREADS) {
    const e = epochThreads.get(t);
    if (e && t > 1)
      printThreads(`reference epoch on ${t} threads, fastest round`, e.stats, split.get(t)!.totalMs, e.cpu);
  }
  console.log(
    `  ${'speed-up'.padEnd(16)}${THREADS.map((t) => (split.get(1)!.totalMs / split.get(t)!.totalMs).toFixed(2).padStart(9)).join('')}   (load ${load()})`,
  );

  await elementSplitAB();

  const gflops = await gemmScaling(1024, THREADS);
  console.log(
    `\n1024³ product, GFLOP/s (fastest of ${ROUNDS}): ${THREADS.map((t, i) => `${t}T ${gflops[i]!.toFixed(1)}`).join(', ')}; ` +
      `2T / 1T ${(gflops[1]! / gflops[0]!).toFixed(2)}× (goal ≥ 1.9) (load ${load()})`,
  );
  printCpuScaling(
    '1024³',
    gemmCpu.map((c, i) => c.busiest(THREADS[i]!)),
  );
  lastGemmThreads.forEach((g, i) => {
    if (THREADS[i]! > 1) printThreads(`1024³ on ${THREADS[i]} threads, fastest round`, g.stats, g.wallMs, g.cpu);
  });
  const d = await dispatchMicros();
  console.log(`one 8³ dispatch: alone ${d.alone.toFixed(2)} µs, split over 2 threads ${d.split.toFixed(2)} µs`);

  const tiny = await tinyNet();
  const perStep = ((tiny.wallMs - tiny.parts.init!) / tiny.steps) * 1000;
  console.log(
    `\ntiny net (spiral 2-32-32-3 tanh, Adam, batch 32, 50 epochs, ${tiny.steps} steps, team of ${tiny.threads}): ` +
      `${tiny.wallMs.toFixed(0)} ms whole run, ${perStep.toFixed(0)} µs per step after init, ` +
      `${((tiny.steps / tiny.wallMs) * 1000).toFixed(0)} steps/s (fastest of ${ROUNDS}, load ${load()})`,
  );
  console.log(
    `  ${Object.entries(tiny.parts)
      .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
      .join(', ')}`,
  );

  const hogs = Math.max(1, os.availableParallelism() - 1);
  const [loaded, gLoaded] = await underLoad(hogs, async () => [
    await phaseSplit([1, 2]),
    await gemmScaling(1024, [1, 2]),
  ]);
  console.log(
    `\nwith ${hogs} busy process${hogs > 1 ? 'es' : ''} competing (load ${load()}): reference epoch 1T ${loaded.get(1)!.totalMs.toFixed(0)} ms, ` +
      `2T ${loaded.get(2)!.totalMs.toFixed(0)} ms (sync wait ${(loaded.get(2)!.ms.get('sync wait') ?? 0).toFixed(0)} ms), ` +
      `2T / 1T speed-up ${(loaded.get(1)!.totalMs / loaded.get(2)!.totalMs).toFixed(2)}; 1024³ 2T / 1T ${(gLoaded[1]! / gLoaded[0]!).toFixed(2)}`,
  );
  const share = (t: { split: number; alone: number }) =>
    `${((t.alone / Math.max(1, t.split + t.alone)) * 100).toFixed(0)} %`;
  console.log(
    `  kernels the 2-thread team ran alone after a late worker: ${share(quiet)} without the competitors, ${share(lastTeamRuns)} with them`,
  );
}

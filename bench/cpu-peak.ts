// The 128-bit ceiling, measured: a WebAssembly loop of independent f32x4 multiply-adds (relaxed SIMD's fused
// `f32x4.relaxed_madd`, or SIMD128's mul then add) with enough accumulator chains to hide their latency and no
// memory traffic, run on 1 and on N threads at once (worker threads started together). It is the most a v128
// kernel can do on these cores; bench/20-cpu-fast prints our products and training as a share of it.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

export type PeakOp = 'relaxed-madd' | 'mul-add';

const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
};
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const simd = (op: number) => [0xfd, ...uleb(op)];
const F32X4_SPLAT = 0x13;
const F32X4_EXTRACT = 0x1f;
const F32X4_ADD = 0xe4;
const F32X4_MUL = 0xe6;
const F32X4_RELAXED_MADD = 0x105;
const f32 = (v: number) => [...new Uint8Array(Float32Array.of(v).buffer)];

/**
 * `(func (export "run") (param iters i32) (result f32))`: `chains` v128 accumulators, each updated `unroll` times a
 * loop trip as acc = acc·m + a (m slightly below 1, so values stay normal); returns a lane sum so nothing is dead.
 * 8 flops per update (4 lanes × a multiply and an add).
 */
export function peakModule(op: PeakOp, chains: number, unroll: number): Uint8Array {
  const ITERS = 0;
  const M = 1;
  const A = 2;
  const acc = (i: number) => 3 + i;
  const body: number[] = [];
  body.push(0x43, ...f32(0.999999), ...simd(F32X4_SPLAT), 0x21, M);
  body.push(0x43, ...f32(1e-6), ...simd(F32X4_SPLAT), 0x21, A);
  for (let i = 0; i < chains; i++) body.push(0x43, ...f32(i / 1000), ...simd(F32X4_SPLAT), 0x21, acc(i));
  body.push(0x03, 0x40); // loop
  for (let u = 0; u < unroll; u++)
    for (let i = 0; i < chains; i++) {
      if (op === 'relaxed-madd') body.push(0x20, acc(i), 0x20, M, 0x20, A, ...simd(F32X4_RELAXED_MADD));
      else body.push(0x20, acc(i), 0x20, M, ...simd(F32X4_MUL), 0x20, A, ...simd(F32X4_ADD));
      body.push(0x21, acc(i));
    }
  body.push(0x20, ITERS, 0x41, 1, 0x6b, 0x22, ITERS, 0x0d, 0, 0x0b); // iters -= 1; br_if iters ≠ 0; end
  body.push(0x43, ...f32(0));
  for (let i = 0; i < chains; i++) body.push(0x20, acc(i), ...simd(F32X4_EXTRACT), 0, 0x92);
  body.push(0x0b);
  const locals = [1, ...uleb(chains + 2), 0x7b]; // one group: chains + 2 v128 locals
  const func = [...locals, ...body];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7d]),
    ...section(3, [1, 0]),
    ...section(7, [1, 3, ...[...'run'].map((c) => c.charCodeAt(0)), 0, 0]),
    ...section(10, [1, ...uleb(func.length), ...func]),
  ]);
}

/** Trip count so that one run is about `seconds` at ~15 GFLOP/s a thread, at least 1. */
export function peakTrips(chains: number, unroll: number, seconds: number): number {
  return Math.max(1, Math.round((seconds * 15e9) / (8 * chains * unroll)));
}

/** This thread's on-CPU nanoseconds (Linux schedstat), or null elsewhere: CPU time that load cannot inflate. */
export function threadCpuNs(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
}

export interface PeakResult {
  /** flops over the slowest thread's wall time, all threads together. */
  gflops: number;
  /** flops over the threads' on-CPU time, per thread (null where schedstat is absent). */
  gflopsPerCpuSecond: number | null;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const cpu = () => { try { return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]); } catch { return null; } };
const run = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes)).exports.run;
run(1);
const gate = new Int32Array(workerData.gate);
parentPort.on('message', (trips) => {
  Atomics.add(gate, 0, 1);
  while (Atomics.load(gate, 0) < workerData.threads) {}
  const c0 = cpu(), t0 = performance.now();
  run(trips);
  const ms = performance.now() - t0, c1 = cpu();
  parentPort.postMessage({ ms, cpuMs: c0 === null ? null : (c1 - c0) / 1e6 });
});
parentPort.postMessage('ready');
`;

/** Best of `rounds` runs of the loop on `threads` threads at once (worker threads; 1 thread runs on the caller). */
export async function measurePeak(
  op: PeakOp,
  threads: number,
  rounds: number,
  { chains = 12, unroll = 4, seconds = 0.25 } = {},
): Promise<PeakResult> {
  const bytes = peakModule(op, chains, unroll);
  const trips = peakTrips(chains, unroll, seconds);
  const flops = trips * unroll * chains * 8;
  let best: PeakResult = { gflops: 0, gflopsPerCpuSecond: null };
  // The fastest round by the wall clock and, separately, by on-CPU time (each the least disturbed of its kind).
  const keep = (ms: number, cpuMs: (number | null)[]) => {
    best.gflops = Math.max(best.gflops, (threads * flops) / ms / 1e6);
    if (cpuMs.some((c) => c === null || c <= 0)) return;
    const perCpu = (threads * flops) / (cpuMs as number[]).reduce((s, c) => s + c, 0) / 1e6;
    best = { ...best, gflopsPerCpuSecond: Math.max(perCpu, best.gflopsPerCpuSecond ?? 0) };
  };
  if (threads === 1) {
    const run = (new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as { run(n: number): number }).run;
    run(1);
    for (let r = 0; r < rounds; r++) {
      const c0 = threadCpuNs();
      const t0 = performance.now();
      run(trips);
      const ms = performance.now() - t0;
      const c1 = threadCpuNs();
      keep(ms, [c0 === null || c1 === null ? null : (c1 - c0) / 1e6]);
    }
    return best;
  }
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const workers = Array.from(
    { length: threads },
    () => new Worker(WORKER_SOURCE, { eval: true, workerData: { bytes, gate: gate.buffer, threads } }),
  );
  try {
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
    for (let r = 0; r < rounds; r++) {
      Atomics.store(gate, 0, 0);
      const results = await Promise.all(
        workers.map(
          (w) =>
            new Promise<{ ms: number; cpuMs: number | null }>((resolve) => {
              w.once('message', resolve);
              w.postMessage(trips);
            }),
        ),
      );
      keep(
        Math.max(...results.map((x) => x.ms)),
        results.map((x) => x.cpuMs),
      );
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return best;
}

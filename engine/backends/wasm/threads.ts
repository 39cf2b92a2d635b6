// Worker threads for the kernels. The engine cannot start threads itself (it imports no host API), so a host
// registers a KernelWorkerHost (engine/host/node/kernel-threads.ts under Node). A ThreadTeam is the calling thread
// plus `threads − 1` workers sharing one WebAssembly.Memory. `run` splits a kernel into CHUNKS_PER_THREAD × threads
// parts that every thread, the caller included, claims one at a time: a worker the scheduler has not run yet (a busy
// machine) leaves its parts to the others instead of holding the step up. No kernel's result depends on the split
// (each output element is computed by one part, in a fixed order), so claiming changes timing, never bits.
import {
  CMD_EXIT,
  CTRL,
  CTRL_ARGS_OFFSET,
  CTRL_INTS,
  CTRL_MAX_ARGS,
  PARALLEL_KERNELS,
  SPIN_POLLS,
  type KernelExports,
  type ParallelKernel,
} from './kernel-abi.ts';

/** First message to a kernel worker: what to instantiate and which share it computes. */
export interface KernelWorkerInit {
  type: 'init';
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** byte offset of the control block in memory. */
  ctrl: number;
  part: number;
  /** team size: the parts the work is split into. */
  threads: number;
  /** byte offset of the per-thread statistics block (THREAD_STATS_BYTES per thread after a 64-byte header). */
  stats: number;
}
/** Parts per thread: enough for the others to absorb a late thread's share, few enough that a part stays large. */
export const CHUNKS_PER_THREAD = 2;
/** Control slots beside kernel-abi's CTRL (0–4, one 64-byte line): the claim word and the part count. */
export const CTRL_CLAIM = 8;
export const CTRL_CHUNKS = 9;
/** Non-zero while threads record their statistics (ThreadTeam.recordThreads). */
export const CTRL_STATS = 10;

/**
 * Per-thread statistics, one 64-byte line each (no false sharing) after a header line whose slot 0 holds the
 * time (ms, timeOrigin + now) the caller published the current kernel. Each thread writes only its own line.
 */
export const STAT = {
  PARTS: 0,
  BUSY_MS: 1,
  WAKE_MS: 2,
  RUNS: 3,
  MISSED: 4,
  WAIT_MS: 5,
  SPAN_MS: 6,
  ALONE_MS: 7,
} as const;
export const THREAD_STATS_F64 = 8;
export const threadStatsBytes = (threads: number) => (threads + 1) * THREAD_STATS_F64 * 8;
/** What one thread did over the recorded kernels (ThreadTeam.threadStats). */
export interface ThreadStats {
  /** 0 is the caller. */
  thread: number;
  /** parts it claimed and ran, and the ms inside them. */
  parts: number;
  busyMs: number;
  /** workers: kernels it woke for, the ms from publication to waking, and kernels it found all claimed. */
  runs: number;
  wakeMs: number;
  missed: number;
  /** the caller: ms after its own parts until all were done, and publication to all done. */
  waitMs: number;
  spanMs: number;
  /** the caller: ms in kernels the back-off ran alone after a late worker (serial by the load, not by size). */
  aloneMs: number;
}
/** The clock every thread shares (performance.now alone has a per-thread origin). */
export const sharedNow = () => performance.timeOrigin + performance.now();
const CHUNK_BITS = 12;
/** The most parts one run splits into (the claim word's low bits). */
export const MAX_CHUNKS = 1 << CHUNK_BITS;
const GEN_MASK = (1 << (32 - CHUNK_BITS)) - 1;
/** Kernels run alone after a late worker, at first and at most (doubling while workers stay late). */
const SOLO_MIN = 16;
const SOLO_MAX = 4096;
/** Waiting this much (ms) longer than the caller worked marks a worker the scheduler left waiting. */
const LATE_SLACK_MS = 0.1;

/** Parts a run on `threads` threads is split into. */
export function chunksFor(threads: number): number {
  return Math.min(MAX_CHUNKS, threads * CHUNKS_PER_THREAD);
}

/** The claim word of generation `gen` with `next` parts claimed: the generation's low bits, then the count. */
function claimWord(gen: number, next: number): number {
  return ((gen & GEN_MASK) << CHUNK_BITS) | next;
}

/**
 * Claims the next part of generation `gen`: its index, or −1 when every part is taken or the generation has moved
 * on (a worker that woke late). A claimed part's command and arguments stay put until it is counted done.
 */
export function claimChunk(ctrl: Int32Array, gen: number): number {
  const tag = gen & GEN_MASK;
  for (;;) {
    const word = Atomics.load(ctrl, CTRL_CLAIM);
    if (word >>> CHUNK_BITS !== tag) return -1;
    const next = word & (MAX_CHUNKS - 1);
    if (next >= Atomics.load(ctrl, CTRL_CHUNKS)) return -1;
    if (Atomics.compareExchange(ctrl, CTRL_CLAIM, word, word + 1) === word) return next;
  }
}

export type KernelWorkerReply = { type: 'ready' } | { type: 'failed'; message: string };

/** One worker as the host gives it: post the init message, hear whether it is ready, end it. */
export interface KernelWorker {
  post(message: KernelWorkerInit): void;
  onMessage(handler: (message: KernelWorkerReply) => void): void;
  terminate(): void;
}

export interface KernelWorkerHost {
  spawn(): KernelWorker;
  /** logical cores this process may use. */
  cores: number;
}

let host: KernelWorkerHost | null = null;
export function registerKernelWorkerHost(h: KernelWorkerHost): void {
  host = h;
}
export function kernelWorkerHost(): KernelWorkerHost | null {
  return host;
}

function whenReady(worker: KernelWorker): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.onMessage((m) => (m.type === 'ready' ? resolve() : reject(new Error(`kernel worker failed: ${m.message}`))));
  });
}

export class ThreadTeam {
  private readonly ctrl: Int32Array;
  private readonly args: Float64Array;
  /** With `timeWaits` set, the ms the caller has spent waiting for the workers after its own share (the bench's split). */
  timeWaits = false;
  waitedMs = 0;
  /** Split kernels run so far, and those run alone because a worker had been late (the bench prints both). */
  teamRuns = 0;
  soloRuns = 0;
  private soloLeft = 0;
  private backoff = SOLO_MIN;

  private constructor(
    private readonly exports: KernelExports,
    memory: WebAssembly.Memory,
    ctrlPtr: number,
    private readonly workers: KernelWorker[],
    statsPtr: number,
  ) {
    this.ctrl = new Int32Array(memory.buffer, ctrlPtr, CTRL_INTS);
    this.args = new Float64Array(memory.buffer, ctrlPtr + CTRL_ARGS_OFFSET, CTRL_MAX_ARGS);
    this.stats = new Float64Array(memory.buffer, statsPtr, threadStatsBytes(workers.length + 1) / 8);
  }
  private readonly stats: Float64Array;
  private recording = false;

  /** Starts (true, from zero) or stops recording every thread's parts, busy time, wake-ups and waits. */
  recordThreads(on: boolean): void {
    if (on) this.stats.fill(0);
    this.recording = on;
    Atomics.store(this.ctrl, CTRL_STATS, on ? 1 : 0);
  }

  /** What each thread did since `recordThreads(true)`. */
  threadStats(): ThreadStats[] {
    return Array.from({ length: this.threads }, (_, t) => {
      const at = (field: number) => this.stats[(t + 1) * THREAD_STATS_F64 + field]!;
      return {
        thread: t,
        parts: at(STAT.PARTS),
        busyMs: at(STAT.BUSY_MS),
        runs: at(STAT.RUNS),
        wakeMs: at(STAT.WAKE_MS),
        missed: at(STAT.MISSED),
        waitMs: at(STAT.WAIT_MS),
        spanMs: at(STAT.SPAN_MS),
        aloneMs: at(STAT.ALONE_MS),
      };
    });
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** A team of `threads` (the caller included); more than one needs shared memory and a registered host. */
  static async start(
    exports: KernelExports,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    ctrlPtr: number,
    threads: number,
    statsPtr: number,
  ): Promise<ThreadTeam> {
    const workers: KernelWorker[] = [];
    if (threads > 1) {
      if (!host) throw new Error('no kernel worker host is registered (import engine/host/node/kernel-threads.ts)');
      for (let part = 1; part < threads; part++) workers.push(host.spawn());
      try {
        await Promise.all(
          workers.map((w, i) => {
            const ready = whenReady(w);
            w.post({ type: 'init', module, memory, ctrl: ctrlPtr, part: i + 1, threads, stats: statsPtr });
            return ready;
          }),
        );
      } catch (e) {
        workers.forEach((w) => w.terminate());
        throw e;
      }
    }
    return new ThreadTeam(exports, memory, ctrlPtr, workers, statsPtr);
  }

  /**
   * Run `kernel(...args, part, parts)` for every part (or, with `alone`, `(…, 0, 1)` on the caller) and wait for
   * all; the caller claims parts like any worker, so it never waits for a thread that has not started. When it did
   * wait longer than it worked (a worker claimed a part, then the scheduler ran something else: cores
   * oversubscribed), the next kernels run on the caller alone, 16 at first and twice as many each time the team is
   * late again, so a busy machine gets one thread's speed instead of a step held at every product.
   */
  run(kernel: ParallelKernel, args: number[], alone = false): void {
    const fn = this.exports[kernel] as (...a: number[]) => void;
    if (alone || this.workers.length === 0) {
      fn(...args, 0, 1);
      return;
    }
    if (this.soloLeft > 0) {
      this.soloLeft--;
      this.soloRuns++;
      const t0 = this.recording ? performance.now() : 0;
      fn(...args, 0, 1);
      if (this.recording) this.stats[THREAD_STATS_F64 + STAT.ALONE_MS]! += performance.now() - t0;
      return;
    }
    this.teamRuns++;
    const { ctrl } = this;
    const parts = chunksFor(this.threads);
    this.args.set(args);
    Atomics.store(ctrl, CTRL.ARGC, args.length);
    Atomics.store(ctrl, CTRL.CMD, PARALLEL_KERNELS.indexOf(kernel));
    Atomics.store(ctrl, CTRL_CHUNKS, parts);
    Atomics.store(ctrl, CTRL.DONE, 0);
    const gen = (Atomics.load(ctrl, CTRL.GEN) + 1) | 0;
    Atomics.store(ctrl, CTRL_CLAIM, claimWord(gen, 0));
    const { recording, stats } = this;
    const published = recording ? sharedNow() : 0;
    if (recording) stats[0] = published;
    Atomics.store(ctrl, CTRL.GEN, gen);
    Atomics.notify(ctrl, CTRL.GEN);
    const started = performance.now();
    let mine = 0;
    let busy = 0;
    for (let part = claimChunk(ctrl, gen); part >= 0; part = claimChunk(ctrl, gen)) {
      const t0 = recording ? performance.now() : 0;
      fn(...args, part, parts);
      if (recording) busy += performance.now() - t0;
      mine++;
    }
    Atomics.add(ctrl, CTRL.DONE, mine);
    const worked = performance.now();
    let polls = 0;
    for (;;) {
      const done = Atomics.load(ctrl, CTRL.DONE);
      if (done >= parts) break;
      if (++polls > SPIN_POLLS) Atomics.wait(ctrl, CTRL.DONE, done, 100);
    }
    const ended = performance.now();
    if (this.timeWaits) this.waitedMs += ended - worked;
    if (recording) {
      const line = THREAD_STATS_F64;
      stats[line + STAT.PARTS]! += mine;
      stats[line + STAT.BUSY_MS]! += busy;
      stats[line + STAT.RUNS]! += 1;
      stats[line + STAT.WAIT_MS]! += ended - worked;
      stats[line + STAT.SPAN_MS]! += sharedNow() - published;
    }
    if (ended - worked > worked - started + LATE_SLACK_MS) {
      this.soloLeft = this.backoff;
      this.backoff = Math.min(2 * this.backoff, SOLO_MAX);
    } else {
      this.backoff = SOLO_MIN;
    }
    if (Atomics.exchange(ctrl, CTRL.ERROR, 0) !== 0) throw new Error(`wasm kernel ${kernel} failed in a worker thread`);
  }

  dispose(): void {
    if (this.workers.length === 0) return;
    Atomics.store(this.ctrl, CTRL.CMD, CMD_EXIT);
    Atomics.add(this.ctrl, CTRL.GEN, 1);
    Atomics.notify(this.ctrl, CTRL.GEN);
    this.workers.forEach((w) => w.terminate());
    this.workers.length = 0;
  }
}

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
}
/** Parts per thread: enough for the others to absorb a late thread's share, few enough that a part stays large. */
export const CHUNKS_PER_THREAD = 2;
/** Control slots beside kernel-abi's CTRL (0–4, one 64-byte line): the claim word and the part count. */
export const CTRL_CLAIM = 8;
export const CTRL_CHUNKS = 9;
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
  ) {
    this.ctrl = new Int32Array(memory.buffer, ctrlPtr, CTRL_INTS);
    this.args = new Float64Array(memory.buffer, ctrlPtr + CTRL_ARGS_OFFSET, CTRL_MAX_ARGS);
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
  ): Promise<ThreadTeam> {
    const workers: KernelWorker[] = [];
    if (threads > 1) {
      if (!host) throw new Error('no kernel worker host is registered (import engine/host/node/kernel-threads.ts)');
      for (let part = 1; part < threads; part++) workers.push(host.spawn());
      try {
        await Promise.all(
          workers.map((w, i) => {
            const ready = whenReady(w);
            w.post({ type: 'init', module, memory, ctrl: ctrlPtr, part: i + 1, threads });
            return ready;
          }),
        );
      } catch (e) {
        workers.forEach((w) => w.terminate());
        throw e;
      }
    }
    return new ThreadTeam(exports, memory, ctrlPtr, workers);
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
      fn(...args, 0, 1);
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
    Atomics.store(ctrl, CTRL.GEN, gen);
    Atomics.notify(ctrl, CTRL.GEN);
    const started = performance.now();
    let mine = 0;
    for (let part = claimChunk(ctrl, gen); part >= 0; part = claimChunk(ctrl, gen)) {
      fn(...args, part, parts);
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

// Worker threads for the kernels. The engine cannot start threads itself (it imports no host API), so a host
// registers a KernelWorkerHost (engine/host/node/kernel-threads.ts under Node). A ThreadTeam is the calling thread
// plus `threads − 1` workers sharing one WebAssembly.Memory; `run` hands each its share and waits for all.
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

  /** Run `kernel(...args, part, parts)` on every thread (or, with `alone`, on the caller only) and wait for all. */
  run(kernel: ParallelKernel, args: number[], alone = false): void {
    const parts = alone ? 1 : this.threads;
    const fn = this.exports[kernel] as (...a: number[]) => void;
    if (parts === 1) {
      fn(...args, 0, 1);
      return;
    }
    const { ctrl } = this;
    this.args.set(args);
    Atomics.store(ctrl, CTRL.ARGC, args.length);
    Atomics.store(ctrl, CTRL.CMD, PARALLEL_KERNELS.indexOf(kernel));
    Atomics.store(ctrl, CTRL.DONE, 0);
    Atomics.add(ctrl, CTRL.GEN, 1);
    Atomics.notify(ctrl, CTRL.GEN);
    fn(...args, 0, parts);
    const workers = parts - 1;
    const t0 = this.timeWaits ? performance.now() : 0;
    let polls = 0;
    for (;;) {
      const done = Atomics.load(ctrl, CTRL.DONE);
      if (done >= workers) break;
      if (++polls > SPIN_POLLS) Atomics.wait(ctrl, CTRL.DONE, done, 100);
    }
    if (this.timeWaits) this.waitedMs += performance.now() - t0;
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

// The body of a kernel worker, host-agnostic: instantiate the kernels on the shared memory, then sleep on the
// control block and run each command's share until told to exit. It blocks its thread, as a compute worker should.
import {
  CMD_EXIT,
  CTRL,
  CTRL_ARGS_OFFSET,
  CTRL_INTS,
  CTRL_MAX_ARGS,
  kernelImports,
  PARALLEL_KERNELS,
  SPIN_POLLS,
  type KernelExports,
} from './kernel-abi.ts';
import {
  claimChunk,
  CTRL_CHUNKS,
  CTRL_STATS,
  sharedNow,
  STAT,
  THREAD_STATS_F64,
  type KernelWorkerInit,
  type KernelWorkerReply,
} from './threads.ts';

export interface KernelWorkerPort {
  post(message: KernelWorkerReply): void;
  onMessage(handler: (message: KernelWorkerInit) => void): void;
}

export function serveKernelWorker(port: KernelWorkerPort): void {
  port.onMessage((init) => {
    let exports: KernelExports;
    try {
      exports = new WebAssembly.Instance(init.module, kernelImports(init.memory)).exports as unknown as KernelExports;
    } catch (e) {
      port.post({ type: 'failed', message: (e as Error).message });
      return;
    }
    // The generation is read before saying ready: the host's first command may bump it right after.
    const ctrl = new Int32Array(init.memory.buffer, init.ctrl, CTRL_INTS);
    const seen = Atomics.load(ctrl, CTRL.GEN);
    port.post({ type: 'ready' });
    workLoop(exports, init, ctrl, seen);
  });
}

function workLoop(exports: KernelExports, init: KernelWorkerInit, ctrl: Int32Array, seen: number): void {
  const args = new Float64Array(init.memory.buffer, init.ctrl + CTRL_ARGS_OFFSET, CTRL_MAX_ARGS);
  // This thread's statistics line (threads.ts STAT), written only while the host records.
  const stats = new Float64Array(init.memory.buffer, init.stats, (init.threads + 1) * THREAD_STATS_F64);
  const line = (init.part + 1) * THREAD_STATS_F64;
  for (;;) {
    let polls = 0;
    while (Atomics.load(ctrl, CTRL.GEN) === seen) {
      if (++polls > SPIN_POLLS) Atomics.wait(ctrl, CTRL.GEN, seen);
    }
    seen = Atomics.load(ctrl, CTRL.GEN);
    if (Atomics.load(ctrl, CTRL.CMD) === CMD_EXIT) return;
    const recording = Atomics.load(ctrl, CTRL_STATS) !== 0;
    if (recording) {
      stats[line + STAT.WAKE_MS]! += sharedNow() - stats[0]!;
      stats[line + STAT.RUNS]! += 1;
    }
    let mine = 0;
    // Parts of this generation until none is left; the command and arguments are read after each claim.
    for (let part = claimChunk(ctrl, seen); part >= 0; part = claimChunk(ctrl, seen)) {
      const cmd = Atomics.load(ctrl, CTRL.CMD);
      const list = Array.from(args.subarray(0, Atomics.load(ctrl, CTRL.ARGC)));
      const t0 = recording ? performance.now() : 0;
      try {
        (exports[PARALLEL_KERNELS[cmd]!] as (...a: number[]) => void)(...list, part, Atomics.load(ctrl, CTRL_CHUNKS));
      } catch {
        Atomics.store(ctrl, CTRL.ERROR, 1);
      }
      // Counted before DONE: the caller may read the records as soon as the last part is done.
      if (recording) {
        stats[line + STAT.BUSY_MS]! += performance.now() - t0;
        stats[line + STAT.PARTS]! += 1;
      }
      mine++;
      Atomics.add(ctrl, CTRL.DONE, 1);
      Atomics.notify(ctrl, CTRL.DONE);
    }
    if (recording && mine === 0) stats[line + STAT.MISSED]! += 1;
  }
}

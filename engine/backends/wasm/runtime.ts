// One instance of the kernels: its memory, heap, thread team and per-thread GEMM scratch, with typed calls.
// The training backend, the kernel tests and the benchmark all go through this.
import { ACT_NONE, CTRL_BYTES, INIT, kernelImports, type KernelExports, type ParallelKernel } from './kernel-abi.ts';
import { WasmHeap } from './heap.ts';
import type { KernelModule } from './module.ts';
import { PhaseProfile } from './phase-profile.ts';
import { chunksFor, ThreadTeam, threadStatsBytes, type ThreadStats } from './threads.ts';

/** 4 GiB (all of wasm32), else 1 GiB where a large shared reservation is refused. */
const MAX_PAGES = [65536, 16384];

function createMemory(shared: boolean): WebAssembly.Memory {
  let last: unknown;
  for (const maximum of MAX_PAGES) {
    try {
      return new WebAssembly.Memory({ initial: 64, maximum, shared });
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

/**
 * Work (flops for a product, elements otherwise) below which a kernel runs on the calling thread alone: waking the
 * workers costs more than it saves, and on a busy machine a sleeping worker can cost a scheduler slice. Splits
 * never change results, so this only moves time.
 */
export const MIN_PARALLEL_WORK = 1 << 21;
/**
 * Values (weighted by cost per value, see the backend's calls) below which an element-wise kernel (gather, dropout,
 * activation backward, column sums, optimizer step) runs on the caller alone. Far below MIN_PARALLEL_WORK: a value
 * costs a load and a store where a product's flop is a fraction of a SIMD lane, and the reference batch's 65–200 k
 * value kernels were 20 % of a 2-thread epoch, serial (bench/25-cpu-phases).
 */
export const MIN_PARALLEL_ELEMENTS = 1 << 16;

export class KernelRuntime {
  /** Set by `profilePhases(true)` (the bench); the backend charges each step's phases to it. */
  profile: PhaseProfile | null = null;

  private constructor(
    readonly exports: KernelExports,
    readonly heap: WasmHeap,
    private readonly team: ThreadTeam,
    private readonly scratch: number,
    private readonly minParallelWork: number,
    /** see MIN_PARALLEL_ELEMENTS; the backend asks it to call small element-wise kernels directly. */
    readonly minParallelElements: number,
  ) {}

  get threads(): number {
    return this.team.threads;
  }

  /**
   * `minParallelWork` 0 splits every kernel (tests use it to check that splitting changes no bit); the element
   * threshold defaults to the smaller of MIN_PARALLEL_ELEMENTS and it.
   */
  static async create(
    kernels: KernelModule,
    threads: number,
    minParallelWork = MIN_PARALLEL_WORK,
    minParallelElements = Math.min(MIN_PARALLEL_ELEMENTS, minParallelWork),
  ): Promise<KernelRuntime> {
    const wanted = kernels.shared ? Math.max(1, Math.floor(threads)) : 1;
    const memory = createMemory(kernels.shared);
    const instance = await WebAssembly.instantiate(kernels.module, kernelImports(memory));
    const exports = instance.exports as unknown as KernelExports;
    const heap = new WasmHeap(memory, exports.heapBase());
    const ctrl = heap.alloc(CTRL_BYTES);
    // One GEMM scratch block per part a split product runs in (parts are claimed, so any thread may take any).
    const scratch = heap.alloc(exports.gemmScratchBytes() * (wanted > 1 ? chunksFor(wanted) : 1));
    const stats = heap.alloc(threadStatsBytes(wanted));
    const team = await ThreadTeam.start(exports, kernels.module, memory, ctrl, wanted, stats);
    return new KernelRuntime(exports, heap, team, scratch, minParallelWork, minParallelElements);
  }

  /** Run an element-wise kernel; `work` (values it touches) decides whether the other threads are worth waking. */
  run(kernel: ParallelKernel, args: number[], work = Infinity): void {
    this.team.run(kernel, args, work < this.minParallelElements);
  }

  /** C = init + op(A)·op(B) (layout NN, TN or NT, see assembly/gemm.ts), then out = act(C) when act ≥ 0. */
  gemm(
    layout: number,
    m: number,
    n: number,
    k: number,
    A: number,
    lda: number,
    B: number,
    ldb: number,
    C: number,
    ldc: number,
    init: number = INIT.ZERO,
    bias = 0,
    act = ACT_NONE,
    out = 0,
  ): void {
    // A product too small to split is called directly: no argument array, no spread (a tiny net's step is ~12 of them).
    if (this.team.threads === 1 || 2 * m * n * k < this.minParallelWork) {
      this.exports.gemm(layout, m, n, k, A, lda, B, ldb, C, ldc, init, bias, act, out, this.scratch, 0, 1);
      return;
    }
    this.team.run('gemm', [layout, m, n, k, A, lda, B, ldb, C, ldc, init, bias, act, out, this.scratch]);
  }

  /** Starts (or stops, with false) timing a step's phases and the waits for workers; returns the fresh profile. */
  profilePhases(on: boolean): PhaseProfile | null {
    this.team.timeWaits = on;
    this.team.recordThreads(on);
    this.profile = on
      ? new PhaseProfile(
          () => this.team.waitedMs,
          () => this.team.threadStats(),
        )
      : null;
    return this.profile;
  }

  /** Starts (from zero) or stops recording what each thread does in split kernels; see ThreadTeam.threadStats. */
  recordThreads(on: boolean): void {
    this.team.recordThreads(on);
  }

  threadStats(): ThreadStats[] {
    return this.team.threadStats();
  }

  /** Split kernels run on the team, and those run alone because a worker had been late (see ThreadTeam.run). */
  get teamRuns(): { split: number; alone: number } {
    return { split: this.team.teamRuns, alone: this.team.soloRuns };
  }

  /** Copy a Float32Array into fresh memory; returns its pointer. */
  upload(values: Float32Array | Uint32Array): number {
    const ptr = this.heap.alloc(values.byteLength);
    new Uint8Array(this.heap.memory.buffer, ptr, values.byteLength).set(
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    );
    return ptr;
  }

  dispose(): void {
    this.team.dispose();
  }
}

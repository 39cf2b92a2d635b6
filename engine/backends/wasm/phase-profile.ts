// Where a training step's time goes, for the bench (bench/25-cpu-phases.bench.ts): the backend calls `lap(phase)` at
// each boundary of a step, so the phases tile the epoch's wall time exactly; the time the calling thread waited for
// workers inside a lap is moved to 'sync wait'. Off (null) in training: one `?.` per boundary.
import type { ThreadStats } from './threads.ts';

export type Phase =
  'forward gemm' | 'backward gemm' | 'elementwise' | 'loss' | 'gradient norms' | 'update' | 'gather' | 'bookkeeping';

export const PHASES: readonly (Phase | 'sync wait')[] = [
  'forward gemm',
  'backward gemm',
  'elementwise',
  'loss',
  'gradient norms',
  'update',
  'gather',
  'sync wait',
  'bookkeeping',
];

export class PhaseProfile {
  readonly ms = new Map<Phase | 'sync wait', number>();
  /** kernel dispatches (calls into WebAssembly) per phase. */
  readonly calls = new Map<Phase, number>();
  private last = performance.now();
  private lastWait = 0;

  /** `waited()` reads the thread team's cumulative wait in ms; `threads()` what each thread did (threads.ts). */
  constructor(
    private readonly waited: () => number,
    readonly threads: () => ThreadStats[] = () => [],
  ) {
    this.lastWait = waited();
  }

  /** Starts the clock (call at an epoch's start). */
  reset(): void {
    this.last = performance.now();
    this.lastWait = this.waited();
  }

  /** Charges the time since the last boundary to `phase` (less what was spent waiting for workers). */
  lap(phase: Phase, calls = 1): void {
    const now = performance.now();
    const wait = this.waited();
    const w = wait - this.lastWait;
    this.ms.set(phase, (this.ms.get(phase) ?? 0) + now - this.last - w);
    if (w > 0) this.ms.set('sync wait', (this.ms.get('sync wait') ?? 0) + w);
    this.calls.set(phase, (this.calls.get(phase) ?? 0) + calls);
    this.last = now;
    this.lastWait = wait;
  }

  get totalMs(): number {
    let t = 0;
    for (const v of this.ms.values()) t += v;
    return t;
  }
}

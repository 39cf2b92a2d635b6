// Play / pause / step / pace for one run, on the engine's side: the trainer awaits it between epochs and, while it is
// held, the backend awaits it between minibatches. It only decides when the next step runs, never what it computes,
// so a paused, stepped or paced run's numbers are bit-identical to an uninterrupted one's.
import type { ModelSnapshot } from '../types.ts';
import type { StepPosition, TrainingGate } from '../trainer.ts';

export type StepUnit = 'batch' | 'epoch';

/** Slowest and fastest paced rates: below 0.1 epochs/s a step is the better tool, above 1000 pacing is moot. */
export const MIN_EPOCHS_PER_SECOND = 0.1;
export const MAX_EPOCHS_PER_SECOND = 1000;

/** A pace the host sent, checked (the wire is untyped): null is as fast as possible. */
export function checkEpochsPerSecond(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !(value >= MIN_EPOCHS_PER_SECOND && value <= MAX_EPOCHS_PER_SECOND))
    throw new RangeError(
      `epochsPerSecond: ${String(value)} is not a pace; use ${MIN_EPOCHS_PER_SECOND}–${MAX_EPOCHS_PER_SECOND} or null (as fast as possible)`,
    );
  return value;
}

export class RunGate implements TrainingGate {
  /** Read by the backend after every batch: a plain field, so a playing run pays one property read per batch. */
  held = false;
  private paused = false;
  /** a step granted while paused, consumed by the wait it releases */
  private granted: StepUnit | null = null;
  private cancelled = false;
  private epochsPerSecond: number | null = null;
  private lastEpochAt = -Infinity;
  /** bumped by every command: a wait that began before a command re-reads the state instead of sleeping */
  private version = 0;
  private wake: (() => void) | null = null;
  private reported: string | null = null;

  /** `report`: the run stopped at `at` (once per position), with the weights after that step. */
  constructor(
    private readonly report: (at: StepPosition, snapshot: ModelSnapshot) => void,
    initial: { paused?: boolean; epochsPerSecond?: number | null } = {},
  ) {
    if (initial.paused) this.pause();
    this.epochsPerSecond = checkEpochsPerSecond(initial.epochsPerSecond);
  }

  pause(): void {
    this.paused = true;
    this.held = true;
    this.granted = null;
    this.release();
  }

  play(): void {
    this.paused = false;
    this.held = false;
    this.granted = null;
    this.reported = null; // a pause at the same position is reported again
    this.release();
  }

  /** One minibatch or to the end of the current epoch; ignored unless paused. */
  step(unit: StepUnit): void {
    if (!this.paused) return;
    this.granted = unit;
    this.release();
  }

  setSpeed(epochsPerSecond: number | null): void {
    this.epochsPerSecond = checkEpochsPerSecond(epochsPerSecond);
    this.release();
  }

  cancel(): void {
    this.cancelled = true;
    this.release();
  }

  async beforeEpoch(at: StepPosition, weights: () => Promise<ModelSnapshot>): Promise<boolean> {
    for (;;) {
      if (this.cancelled) return true;
      if (this.paused) {
        if (this.consumeStep()) break;
        await this.waitPaused(at, weights);
        continue;
      }
      const due =
        this.epochsPerSecond === null ? 0 : this.lastEpochAt + 1000 / this.epochsPerSecond - performance.now();
      if (due <= 0) break;
      await this.sleep(due);
    }
    this.lastEpochAt = performance.now();
    return false;
  }

  async afterBatch(at: StepPosition, weights: () => Promise<ModelSnapshot>): Promise<boolean> {
    for (;;) {
      if (this.cancelled) return true;
      if (!this.paused || this.consumeStep()) return false;
      await this.waitPaused(at, weights);
    }
  }

  /** A granted step lets the run go on: one batch keeps it held, one epoch lets it run to the epoch's end. */
  private consumeStep(): boolean {
    const unit = this.granted;
    if (!unit) return false;
    this.granted = null;
    this.held = unit === 'batch';
    return true;
  }

  private async waitPaused(at: StepPosition, weights: () => Promise<ModelSnapshot>): Promise<void> {
    this.held = true;
    const version = this.version;
    const key = `${at.epoch}:${at.batch}`;
    if (this.reported !== key) {
      this.reported = key;
      this.report(at, await weights());
    }
    if (version === this.version) await this.sleep(Infinity);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => this.release(), ms) : undefined;
      this.wake = () => (clearTimeout(timer), resolve());
    });
  }

  private release(): void {
    this.version++;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

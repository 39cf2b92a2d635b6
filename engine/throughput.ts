// Samples per second, defined once: over the most recent whole epochs that together span at least WINDOW_MS of the
// run's clock (or the whole run so far when it is shorter). A tiny net's epoch takes well under a millisecond, where
// one epoch's rate is timer noise; a window of whole epochs is what the epoch metrics store, the live panel shows and
// the CLI prints. Timestamps are passed in (milliseconds of any monotonic clock), so the rule is testable as is.

/** The shortest span the rate is measured over, in ms. */
export const THROUGHPUT_WINDOW_MS = 200;

export class ThroughputWindow {
  /** Ends of the epochs still needed for the window: [time, samples trained since the run started]. */
  private readonly marks: { at: number; total: number }[];

  constructor(
    startedAt: number,
    private readonly windowMs = THROUGHPUT_WINDOW_MS,
  ) {
    this.marks = [{ at: startedAt, total: 0 }];
  }

  private get last(): { at: number; total: number } {
    return this.marks[this.marks.length - 1]!;
  }

  /** Records an epoch of `samples` ending at `at`; returns the rate over the window that ends with it. */
  addEpoch(samples: number, at: number): number {
    this.marks.push({ at, total: this.last.total + samples });
    // Drop the oldest mark while the one after it still leaves a window of at least windowMs.
    while (this.marks.length > 2 && at - this.marks[1]!.at >= this.windowMs) this.marks.shift();
    return this.rate(this.marks[0]!, this.last);
  }

  /** The rate at `at`, partway through an epoch that has trained `samples` so far (the progress line's value). */
  rateAt(samples: number, at: number): number {
    let from = this.marks[0]!;
    for (const m of this.marks) if (at - m.at >= this.windowMs) from = m;
    return this.rate(from, { at, total: this.last.total + samples });
  }

  private rate(from: { at: number; total: number }, to: { at: number; total: number }): number {
    const ms = to.at - from.at;
    return ms > 0 ? ((to.total - from.total) / ms) * 1000 : 0;
  }
}

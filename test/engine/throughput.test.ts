// Samples/s over a window of whole epochs spanning at least 200 ms, with timestamps passed in: a 0.35 ms epoch of 500
// samples is not "1,428,571 samples/s" on its own, and the live value, the stored epoch value and the run's summary
// (every sample over the whole run) agree when the rate is steady.
import { describe, expect, it } from 'vitest';
import { THROUGHPUT_WINDOW_MS, ThroughputWindow } from '../../engine/throughput.ts';

describe('ThroughputWindow', () => {
  it('is measured over the whole run while the run is shorter than the window', () => {
    const w = new ThroughputWindow(1000);
    expect(w.addEpoch(500, 1010)).toBe(50_000); // 500 samples in 10 ms
    expect(w.addEpoch(500, 1030)).toBeCloseTo(1000 / 0.03, 6); // 1000 samples in 30 ms, not the last epoch's 20 ms
  });

  it('covers the latest whole epochs that span at least 200 ms, so one fast epoch does not jump the value', () => {
    const w = new ThroughputWindow(0);
    // 100 epochs of 500 samples, 5 ms apart (100,000 samples/s), then one that took 0.35 ms.
    let at = 0;
    for (let e = 0; e < 100; e++) w.addEpoch(500, (at += 5));
    expect(w.addEpoch(500, (at += 5))).toBeCloseTo(100_000, 6);
    const afterFast = w.addEpoch(500, (at += 0.35));
    // The window is the last 41 epochs (200.35 ms), not the fast epoch alone (1,428,571 samples/s).
    expect(afterFast).toBeCloseTo((41 * 500) / 0.20035, 3);
    expect(afterFast / 100_000).toBeLessThan(1.03);
  });

  it('is the last epoch alone when one epoch spans the window', () => {
    const w = new ThroughputWindow(0);
    w.addEpoch(10_000, 1000);
    expect(w.addEpoch(6000, 1300)).toBeCloseTo(20_000, 6); // 6000 in the last 300 ms
  });

  it('moves with a real change of speed within about a window', () => {
    const w = new ThroughputWindow(0);
    let at = 0;
    for (let e = 0; e < 100; e++) w.addEpoch(100, (at += 1)); // 100,000/s
    let rate = 0;
    for (let e = 0; e < 50; e++) rate = w.addEpoch(100, (at += 10)); // 10,000/s for 500 ms
    expect(rate).toBeCloseTo(10_000, 6);
  });

  it('gives the progress value mid-epoch over the same window, the epoch so far included', () => {
    const w = new ThroughputWindow(0);
    w.addEpoch(1000, 100);
    w.addEpoch(1000, 200);
    // 300 ms in, 500 samples into the third epoch: the window from the mark at 100 ms (≥ 200 ms back) to now.
    expect(w.rateAt(500, 300)).toBeCloseTo(1500 / 0.2, 6);
    // Early in a run: everything since the start.
    expect(new ThroughputWindow(0).rateAt(250, 50)).toBe(5000);
  });

  it('keeps only the marks the window needs', () => {
    const w = new ThroughputWindow(0);
    for (let e = 1; e <= 100_000; e++) w.addEpoch(1, e);
    expect((w as unknown as { marks: unknown[] }).marks.length).toBeLessThanOrEqual(THROUGHPUT_WINDOW_MS + 2);
    expect(w.addEpoch(1, 100_001)).toBeCloseTo(1000, 6);
  });

  it('reports 0, not Infinity, when no time has passed', () => {
    expect(new ThroughputWindow(5).addEpoch(100, 5)).toBe(0);
  });
});

// ASHA's decisions against cases computed by hand (rung schedule, the keep-⌊n/η⌋ rule, ties, NaN, brackets),
// the --early-stop parser's errors, and a replay (record) that leaves the rungs as live reports would.
import { describe, expect, it } from 'vitest';
import {
  AshaPruner,
  bracketOf,
  maxBrackets,
  parsePrunerFlag,
  PrunerError,
  rungEpochs,
  rungRule,
  type PrunerSpec,
} from '../../engine/experiment/asha.ts';

const spec = (over: Partial<PrunerSpec> = {}): PrunerSpec => ({
  kind: 'asha',
  metric: 'val_loss',
  mode: 'min',
  minEpochs: 1,
  eta: 3,
  maxEpochs: 27,
  brackets: 1,
  ...over,
});

describe('rung schedule', () => {
  it('puts rungs at r·η^(s+k) below R', () => {
    expect(rungEpochs(spec())).toEqual([1, 3, 9]);
    expect(rungEpochs(spec(), 1)).toEqual([3, 9]);
    expect(rungEpochs(spec(), 3)).toEqual([]); // 27 is R: the last Hyperband bracket never stops a trial
    expect(rungEpochs(spec({ minEpochs: 2, eta: 2, maxEpochs: 20 }))).toEqual([2, 4, 8, 16]);
    expect(rungEpochs(spec({ minEpochs: 2, eta: 3, maxEpochs: 6 }))).toEqual([2]);
  });

  it('counts Hyperband brackets as s_max + 1, s_max = ⌊log_η(R/r)⌋', () => {
    expect(maxBrackets(1, 3, 27)).toBe(4);
    expect(maxBrackets(1, 3, 26)).toBe(3);
    expect(maxBrackets(2, 2, 20)).toBe(4); // 2, 4, 8, 16 ≤ 20 < 32
    expect(maxBrackets(1, 2, 1)).toBe(1);
  });

  it('deals trials to brackets round-robin', () => {
    expect([0, 1, 2, 3, 4].map((t) => bracketOf({ brackets: 3 }, t))).toEqual([0, 1, 2, 0, 1]);
  });
});

describe('rungRule: keep the best max(1, ⌊n/η⌋) of the n values at a rung', () => {
  it.each([
    // recorded, value, mode → rank, of, keep, stop (η = 3)
    [[], 0.5, 'min', 1, 1, 1, false], // the first trial at a rung always goes on
    [[0.4], 0.5, 'min', 2, 2, 1, true], // n = 2 < η: only the best so far goes on
    [[0.6], 0.5, 'min', 1, 2, 1, false],
    [[0.2, 0.3], 0.5, 'min', 3, 3, 1, true],
    [[0.2, 0.3, 0.4, 0.6, 0.7], 0.5, 'min', 4, 6, 2, true], // ⌊6/3⌋ = 2 go on; 0.5 is 4th
    [[0.2, 0.6, 0.7, 0.8, 0.9], 0.5, 'min', 2, 6, 2, false],
    [[0.9, 0.8], 0.85, 'max', 2, 3, 1, true], // accuracy: higher is better
    [[0.5], 0.5, 'min', 1, 2, 1, false], // a tie goes on (Optuna's value <= sorted[keep-1])
    [[0.5], NaN, 'min', 2, 2, 1, true], // a NaN loss ranks last
    [[], NaN, 'min', 1, 1, 1, true], // even alone
    [[NaN, NaN], 0.9, 'min', 1, 3, 1, false], // any number beats NaN
  ] as const)('%j then %s (%s): rank %i of %i, keep %i, stop %s', (recorded, value, mode, rank, of, keep, stop) => {
    expect(rungRule(recorded, value, 3, mode)).toEqual({ rank, of, keep, stop });
  });
});

describe('AshaPruner', () => {
  it('judges a sequence of trials at each rung as computed by hand (η = 3, rungs 1, 3, 9 of 27)', () => {
    const p = new AshaPruner(spec());
    // Not a rung: no decision.
    expect(p.report(0, 2, 0.1)).toBeNull();
    expect(p.report(0, 27, 0.1)).toBeNull();
    // Rung 0 (epoch 1): 0.9 first (on), 0.8 best of 2 (on), 1.0 3rd of 3 keep 1 (stop), 0.7 best (on),
    // 0.85: of 5 keep 1, rank 3 (stop); 0.75: of 6 keep 2, rank 2 (on).
    const at1 = [0.9, 0.8, 1.0, 0.7, 0.85, 0.75].map((v, t) => p.report(t, 1, v)!);
    expect(at1.map((d) => [d.rank, d.of, d.keep, d.stop])).toEqual([
      [1, 1, 1, false],
      [1, 2, 1, false],
      [3, 3, 1, true],
      [1, 4, 1, false],
      [3, 5, 1, true],
      [2, 6, 2, false],
    ]);
    expect(at1.every((d) => d.rung === 0 && d.epoch === 1 && d.bracket === 0)).toBe(true);
    // Rung 1 (epoch 3) holds only the trials that went on: 0, 1, 3, 5.
    const at3 = [
      [0, 0.6],
      [1, 0.5],
      [3, 0.55],
      [5, 0.4],
    ].map(([t, v]) => p.report(t!, 3, v!)!);
    expect(at3.map((d) => [d.rung, d.rank, d.of, d.keep, d.stop])).toEqual([
      [1, 1, 1, 1, false],
      [1, 1, 2, 1, false],
      [1, 2, 3, 1, true],
      [1, 1, 4, 1, false],
    ]);
    expect(p.recorded()).toEqual([[0.9, 0.8, 1.0, 0.7, 0.85, 0.75], [0.6, 0.5, 0.55, 0.4], []]);
  });

  it('keeps Hyperband brackets apart: each compares only its own trials', () => {
    const p = new AshaPruner(spec({ kind: 'hyperband', maxEpochs: 9, brackets: 3 }));
    expect([0, 1, 2].map((t) => p.rungsOf(t))).toEqual([[1, 3], [3], []]);
    expect(p.report(0, 1, 0.5)!.stop).toBe(false);
    expect(p.report(1, 1, 0.1)).toBeNull(); // bracket 1's first rung is epoch 3
    expect(p.report(1, 3, 0.9)!.stop).toBe(false); // first in bracket 1, whatever bracket 0 holds
    expect(p.report(3, 1, 0.6)!.stop).toBe(true); // bracket 0 again: 0.6 after 0.5
    expect(p.report(4, 3, 0.95)!.stop).toBe(true); // bracket 1: 0.95 after 0.9
    expect(p.report(2, 3, 0.01)).toBeNull(); // bracket 2 never stops a trial
  });

  it('record replays values without judging, so the next report sees them', () => {
    const live = new AshaPruner(spec());
    const replay = new AshaPruner(spec());
    for (const [t, v] of [
      [0, 0.3],
      [1, 0.2],
    ] as const) {
      live.report(t, 1, v);
      replay.record(t, 1, v);
    }
    replay.record(0, 2, 0.1); // not a rung: ignored
    expect(replay.recorded()).toEqual(live.recorded());
    expect(replay.report(2, 1, 0.25)).toEqual(live.report(2, 1, 0.25));
  });
});

describe('parsePrunerFlag', () => {
  it('reads defaults and options', () => {
    expect(parsePrunerFlag('asha', 27)).toEqual(spec());
    expect(parsePrunerFlag('asha:metric=val_acc,min=2,eta=2', 20)).toEqual(
      spec({ metric: 'val_acc', mode: 'max', minEpochs: 2, eta: 2, maxEpochs: 20 }),
    );
    expect(parsePrunerFlag('hyperband', 27)).toEqual(spec({ kind: 'hyperband', brackets: 4 }));
    expect(parsePrunerFlag('hyperband:brackets=2,metric=train_loss', 27)).toEqual(
      spec({ kind: 'hyperband', brackets: 2, metric: 'train_loss' }),
    );
  });

  it.each([
    ['median', 10, /expected asha or hyperband/],
    ['asha:speed=3', 10, /"speed=3" in "asha:speed=3": options are metric=, min=, eta= and brackets=/],
    ['asha:metric=val_f1', 10, /metric=val_f1: expected val_loss, val_acc, train_loss, train_acc/],
    ['asha:eta=1', 10, /eta=1: expected a whole number ≥ 2/],
    ['asha:min=1.5', 10, /min=1.5: expected a whole number ≥ 1/],
    ['asha:min=10', 10, /min=10 with 10 epochs leaves no rung/],
    ['asha:eta', 10, /eta in "asha:eta": expected eta=VALUE/],
    ['asha:eta=2,eta=3', 10, /eta in "asha:eta=2,eta=3": given twice/],
    ['asha:brackets=2', 10, /asha is one bracket; use hyperband:brackets=2/],
    ['hyperband:brackets=5', 27, /brackets=5: min=1, eta=3 and 27 epochs give at most 4/],
  ])('%s with %i epochs: %s', (text, epochs, message) => {
    let error: unknown;
    try {
      parsePrunerFlag(text, epochs);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PrunerError);
    expect((error as Error).message).toMatch(/^--early-stop /);
    expect((error as Error).message).toMatch(message);
  });
});

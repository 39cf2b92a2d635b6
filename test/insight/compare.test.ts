// The compare view's numbers: curves, best and last epochs, values at an epoch, the config diff, smoothing, CSV.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../engine/config.ts';
import { csvCell } from '../../engine/csv-cell.ts';
import type { EpochMetrics } from '../../engine/types.ts';
import {
  bestAndLast,
  configDiff,
  curve,
  ema,
  epochsCsv,
  gaussian,
  runningAverage,
  smooth,
  valuesAtEpoch,
} from '../../insight/index.ts';

const epoch = (n: number, valLoss: number | null, trainLoss = 1): EpochMetrics => ({
  epoch: n,
  trainLoss,
  valLoss,
  trainAcc: 0.5,
  valAcc: valLoss === null ? null : 1 - valLoss,
  lr: 0.01,
  durationMs: 5,
  samplesPerSec: 100,
});

describe('curves and epochs', () => {
  const a = [epoch(1, 0.9), epoch(2, 0.4), epoch(3, Number.NaN), epoch(4, 0.5)];
  const b = [epoch(1, 0.8), epoch(2, 0.7)];

  it('plots the chosen split and metric', () => {
    expect(curve(b, 'val', 'loss')).toEqual([
      [1, 0.8],
      [2, 0.7],
    ]);
    expect(curve(b, 'train', 'acc')).toEqual([
      [1, 0.5],
      [2, 0.5],
    ]);
  });

  it('takes the best epoch the run recorded (the trainer’s choice), and the last', () => {
    expect(bestAndLast(a, 2)).toEqual({ best: a[1], last: a[3] });
    expect(bestAndLast([], null)).toEqual({ best: null, last: null });
    // Without a validation split the trainer monitors the training loss; the run records its choice all the same.
    expect(bestAndLast([epoch(1, null, 2), epoch(2, null, 1), epoch(3, null, 3)], 2).best!.epoch).toBe(2);
  });

  it('does not look for a lower loss than the trainer’s choice, and has no best before the run records one', () => {
    // minDelta or a val_acc monitor can keep epoch 1 although epoch 4 has a lower validation loss.
    const c = [epoch(1, 0.5), epoch(2, 0.6), epoch(3, 0.55), epoch(4, 0.45)];
    expect(bestAndLast(c, 1)).toEqual({ best: c[0], last: c[3] });
    expect(bestAndLast(c, null)).toEqual({ best: null, last: c[3] });
    expect(bestAndLast([epoch(2, 0.3), epoch(3, 0.2)], 2).best).toEqual(epoch(2, 0.3)); // epoch 1 missing
    expect(bestAndLast(c, 9).best).toBeNull();
  });

  it('gives every run’s value at an epoch, null past a run’s end', () => {
    expect(valuesAtEpoch([a, b], 2, 'val', 'loss')).toEqual([0.4, 0.7]);
    expect(valuesAtEpoch([a, b], 4, 'val', 'loss')).toEqual([0.5, null]);
    expect(valuesAtEpoch([[epoch(2, 0.3)]], 2, 'val', 'loss')).toEqual([0.3]); // a run whose epoch 1 is missing
  });
});

describe('config diff', () => {
  const runs = [parseConfig({ optimizer: { lr: 0.1 } }), parseConfig({ optimizer: { lr: 0.01 } })];
  it('shows only the learning rate when that is all that differs', () => {
    expect(configDiff(runs, true)).toEqual([{ key: 'optimizer.lr', values: ['0.1', '0.01'], differs: true }]);
  });
  it('shows every key otherwise, flagged', () => {
    const all = configDiff(runs, false);
    expect(all.length).toBeGreaterThan(20);
    expect(all.find((r) => r.key === 'model.layers')).toEqual({
      key: 'model.layers',
      values: ['16x16', '16x16'],
      differs: false,
    });
  });
});

describe('smoothing', () => {
  it('EMA is debiased: a constant curve stays constant from the first point', () => {
    expect(ema([2, 2, 2], 0.9).map((v) => v!.toFixed(12))).toEqual([
      '2.000000000000',
      '2.000000000000',
      '2.000000000000',
    ]);
    const step = ema([0, 0, 1, 1], 0.5);
    expect(step[0]).toBe(0);
    expect(step[2]).toBeCloseTo(0.5 / (1 - 0.125), 12);
  });
  it('keeps gaps: null and NaN stay missing and do not enter the averages', () => {
    expect(ema([1, null, 3], 0.5)).toEqual([1, null, (0.5 * 0.5 + 0.5 * 3) / 0.75]);
    expect(runningAverage([1, Number.NaN, 3], 3)).toEqual([1, null, 2]);
    expect(gaussian([1, null, 1], 1)).toEqual([1, null, 1]);
  });
  it('Gaussian smoothing of a symmetric spike is symmetric; the running average trails', () => {
    const g = gaussian([0, 0, 3, 0, 0], 1);
    expect(g[1]).toBeCloseTo(g[3]!, 12);
    expect(g[2]).toBeLessThan(3);
    expect(runningAverage([0, 0, 3, 0, 0], 2)).toEqual([0, 0, 1.5, 1.5, 0]);
  });
  it('strength 0 returns the curve as it is for every kind', () => {
    for (const kind of ['ema', 'gaussian', 'running'] as const) expect(smooth([3, 1, 2], kind, 0)).toEqual([3, 1, 2]);
  });
});

describe('CSV of compared runs', () => {
  it('writes a row per run and epoch with the config columns, as mlpw export-csv', () => {
    const runs = [
      { id: 'aaaa1111', status: 'completed', sweepId: null, config: parseConfig({ name: 'first, "quoted"' }) },
      { id: 'bbbb2222', status: 'diverged', sweepId: 'ssss', config: parseConfig({}) },
    ];
    const text = epochsCsv(runs, [[epoch(1, 0.5), epoch(2, 0.25)], [epoch(1, null)]]);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const header = lines[0]!.split(',');
    expect(header.slice(0, 3)).toEqual(['run_id', 'status', 'sweep_id']);
    expect(header.slice(-8)).toEqual([
      'epoch',
      'train_loss',
      'val_loss',
      'train_acc',
      'val_acc',
      'lr',
      'duration_ms',
      'samples_per_sec',
    ]);
    expect(lines[1]).toContain('"first, ""quoted"""');
    expect(lines[2]!.endsWith(',2,1,0.25,0.5,0.75,0.01,5,100')).toBe(true);
    expect(lines[3]!.startsWith('bbbb2222,diverged,ssss,')).toBe(true);
    expect(lines[3]!.endsWith(',1,1,,0.5,,0.01,5,100')).toBe(true);
    expect(csvCell(null)).toBe('');
  });

  it('keeps text a spreadsheet would run as a formula as text, and numbers as numbers', () => {
    for (const text of ['=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(A1)', '\tx', '\rx'])
      expect(csvCell(text).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect([csvCell(-0.5), csvCell(-1e-9), csvCell(0), csvCell(true), csvCell('relu'), csvCell('a=b')]).toEqual([
      '-0.5',
      '-1e-9',
      '0',
      'true',
      'relu',
      'a=b',
    ]);
    const runs = [
      {
        id: 'aaaa1111',
        status: 'completed',
        sweepId: null,
        config: parseConfig({ name: '=HYPERLINK("http://evil","x")' }),
      },
    ];
    const row = epochsCsv(runs, [[{ ...epoch(1, 0.5), trainLoss: -0.5 }]])
      .trimEnd()
      .split('\n')[1]!;
    expect(row).toContain(`,"'=HYPERLINK(""http://evil"",""x"")",`);
    expect(row.split(',').slice(-8)).toEqual(['1', '-0.5', '0.5', '0.5', '0.5', '0.01', '5', '100']);
  });
});

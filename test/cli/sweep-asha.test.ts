// `mlpw sweep --early-stop asha`: a real grid sweep on xor in real worker threads and a real SQLite file. The trials
// the pruner stopped end at a rung, recorded completed and stopped early with the rung; the decisions are the ones
// AshaPruner makes over the stored curves in trial order (--parallel 1), and a stopped trial's curve is the prefix of
// the same config trained to the end (stepping never changes the numbers). --time-budget starts no trial after it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { AshaPruner, parsePrunerFlag } from '../../engine/experiment/index.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const LRS = ['0.3', '0.001', '0.1', '0.0003', '0.03', '0.01'];
const BASE = ['--dataset', 'xor', '--samples', '160', '--epochs', '9', '--backend', 'cpu', '--batch', '32'];
const GRID = ['--grid', `optimizer.lr=${LRS.join(',')}`];

interface SweepJson {
  sweepId: string;
  trialsRun: number;
  stoppedEarly: number;
  budgetReached: boolean;
  runs: {
    runId: string;
    trial: number;
    status: string;
    stoppedEarly: boolean;
    stoppedRung: number | null;
    epochsDone: number;
  }[];
}

async function sweep(db: string, ...flags: string[]): Promise<SweepJson> {
  const r = await cli(['sweep', ...BASE, ...GRID, '--json', ...flags], { db });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as SweepJson;
}

describe('sweep --early-stop asha', () => {
  it('stops trials at rungs as AshaPruner decides over the stored curves, and keeps their curves comparable', async () => {
    const pruned = await sweep(tmp.file('a.db'), '--early-stop', 'asha:min=1,eta=3');
    const full = await sweep(tmp.file('b.db'));
    const store = new RunStore(tmp.file('a.db'), { readonly: true });
    const ref = new RunStore(tmp.file('b.db'), { readonly: true });
    try {
      const spec = parsePrunerFlag('asha:min=1,eta=3', 9);
      expect(store.getSweep(pruned.sweepId).pruner).toEqual(spec);
      const trials = store.sweepTrials(pruned.sweepId);
      const fullTrials = ref.sweepTrials(full.sweepId);
      expect(trials.map((t) => t.trial)).toEqual([0, 1, 2, 3, 4, 5]);
      // Replay by hand from the unpruned curves: trial by trial (parallel 1), judged at epochs 1 and 3.
      const pruner = new AshaPruner(spec);
      const expected = fullTrials.map((t) => {
        const curve = ref.getEpochs(t.runId);
        for (const e of [1, 3]) if (pruner.report(t.trial!, e, curve[e - 1]!.valLoss)!.stop) return e;
        return 9;
      });
      expect(expected.filter((e) => e < 9).length).toBeGreaterThan(0); // the case stops someone
      expect(trials.map((t) => t.epochsDone)).toEqual(expected);
      for (const [i, t] of trials.entries()) {
        const stopped = expected[i]! < 9;
        expect(t).toMatchObject({
          status: 'completed',
          stoppedEarly: stopped,
          stoppedRung: stopped ? [1, 3].indexOf(expected[i]!) : null,
        });
        // The stopped curve is the full run's first epochs, number for number.
        const strip = (e: { durationMs: number; samplesPerSec: number }) => ({
          ...e,
          durationMs: 0,
          samplesPerSec: 0,
        });
        expect(store.getEpochs(t.runId).map(strip)).toEqual(
          ref.getEpochs(fullTrials[i]!.runId).slice(0, expected[i]).map(strip),
        );
      }
      expect(pruned.stoppedEarly).toBe(expected.filter((e) => e < 9).length);
      expect(pruned.runs.find((r) => r.stoppedEarly)).toMatchObject({ status: 'completed' });
    } finally {
      store.close();
      ref.close();
    }
  });

  it('hyperband in two parallel workers: each bracket judged at its own rungs only, the last never stopped', async () => {
    const out = await sweep(tmp.file('h.db'), '--early-stop', 'hyperband:min=1,eta=3', '--parallel', '2');
    const store = new RunStore(tmp.file('h.db'), { readonly: true });
    try {
      expect(store.getSweep(out.sweepId).pruner).toMatchObject({ kind: 'hyperband', brackets: 3 });
      const trials = store.sweepTrials(out.sweepId);
      // Brackets by trial mod 3: rungs [1, 3], [3], [] of 9 epochs.
      const rungs = [[1, 3], [3], []];
      for (const t of trials) {
        const own = rungs[t.trial! % 3]!;
        expect(t.status).toBe('completed');
        expect([...own, 9]).toContain(t.epochsDone);
        expect(t.stoppedRung).toBe(t.epochsDone === 9 ? null : own.indexOf(t.epochsDone));
        expect(t.stoppedEarly).toBe(t.epochsDone < 9);
      }
      expect(out.stoppedEarly).toBe(trials.filter((t) => t.stoppedRung !== null).length);
    } finally {
      store.close();
    }
  });

  it('prints the schedule and each stop; bad --early-stop texts exit 2 storing nothing', async () => {
    const db = tmp.file('c.db');
    const bad = [
      ['asha:eta=1', /^mlpw sweep: --early-stop eta=1: expected a whole number ≥ 2/],
      ['asha:min=9', /--early-stop min=9 with 9 epochs leaves no rung/],
      ['median', /--early-stop "median": expected asha or hyperband/],
    ] as const;
    for (const [flag, message] of bad) {
      const r = await cli(['sweep', ...BASE, ...GRID, '--early-stop', flag], { db });
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(message)]);
    }
    const noVal = await cli(['sweep', ...BASE, ...GRID, '--val-split', '0', '--early-stop', 'asha'], { db });
    expect([noVal.code, noVal.stderr]).toEqual([
      2,
      expect.stringMatching(/metric=val_loss: the runs have no validation/),
    ]);
    const store = new RunStore(db, { readonly: true });
    try {
      expect(store.listSweeps()).toEqual([]);
    } finally {
      store.close();
    }
    const lrs = ['--grid', 'optimizer.lr=0.3,0.001,0.1,0.0003'];
    const shown = await cli(['sweep', ...BASE, ...lrs, '--early-stop', 'asha', '--time-budget', '10m'], { db });
    expect([shown.code, shown.stderr]).toEqual([0, '']);
    expect(shown.stdout).toContain('early stop: asha on val_loss (min), r=1 η=3, rungs at epoch 1,3 of 9\n');
    const stops = shown.stdout.match(/stopped early at rung \d \(epoch \d: rank \d of \d, the rung keeps 1\)/g) ?? [];
    expect(shown.stdout).toMatch(new RegExp(`\\n4 trials ran, ${stops.length} stopped early by asha, 4 of 4 done in `));
    const after = new RunStore(db, { readonly: true });
    try {
      const id = after.listSweeps()[0]!.id;
      expect(after.sweepTrials(id).filter((t) => t.stoppedRung !== null)).toHaveLength(stops.length);
      expect(after.getSweep(id)).toMatchObject({ method: 'grid', timeBudgetMs: 600_000 });
    } finally {
      after.close();
    }
  });
});

// RunStore.getBestAndLastEpochs, what the Runs table's metric columns read (api/store-run-table.ts): the best epoch
// and the last, oldest first, one row when they coincide, from a real SQLite file; equal to those rows of getEpochs.
// And getBestAndLastEpochsOf / getEpochsOf, the same reads for a whole listing in one statement each: per run, the
// rows the one-run reads give; a run with no epochs is absent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlpw-best-last-'));
const store = new RunStore(join(dir, 'runs.db'));
afterAll(() => (store.close(), rmSync(dir, { recursive: true, force: true })));

function runWith(epochs: number, bestEpoch: number | null): string {
  const id = store.createRun(
    parseConfig({ dataset: { name: 'xor', samples: 100 }, epochs: Math.max(1, epochs), backend: 'cpu' }),
  );
  const metrics = (e: number) => ({
    epoch: e,
    trainLoss: 1 / e,
    valLoss: 1 / e + 0.01,
    trainAcc: e / 10,
    valAcc: e / 11,
    lr: 0.1,
    durationMs: e,
    samplesPerSec: 100 * e,
  });
  for (let e = 1; e <= epochs; e++) store.recordEpoch(id, metrics(e));
  // The store takes the run's best epoch from the summary's best metrics (as the trainer finishes a run).
  const best = bestEpoch === null ? null : metrics(bestEpoch);
  store.finishRun(id, {
    status: 'completed',
    epochs,
    bestEpoch,
    best,
    final: null,
    durationMs: 10,
    samplesPerSecond: 100,
    stoppedEarly: false,
  });
  return id;
}

describe('getBestAndLastEpochs', () => {
  it('reads the best and the last epoch rows, or one when they coincide', () => {
    const cases: [epochs: number, best: number | null, expected: number[]][] = [
      [5, 3, [3, 5]],
      [5, 5, [5]],
      [5, null, [5]],
      [0, null, []],
    ];
    for (const [epochs, best, expected] of cases) {
      const id = runWith(epochs, best);
      const all = store.getEpochs(id);
      expect(store.getRun(id).bestEpoch).toBe(best);
      const got = store.getBestAndLastEpochs(id, best);
      expect(got.map((e) => e.epoch)).toEqual(expected);
      expect(got).toEqual(all.filter((e) => expected.includes(e.epoch)));
    }
  });
});

describe('epochs of many runs in one read', () => {
  it('gives each run the rows its one-run read gives', () => {
    const ids = [runWith(5, 3), runWith(5, 5), runWith(4, null), runWith(0, null), runWith(7, 1)];
    const runs = store.listRuns().filter((r) => ids.includes(r.id));
    expect(runs).toHaveLength(ids.length);
    const bestLast = store.getBestAndLastEpochsOf(runs);
    const every = store.getEpochsOf(ids);
    for (const run of runs) {
      const one = store.getBestAndLastEpochs(run.id, run.bestEpoch);
      expect(bestLast.get(run.id) ?? []).toEqual(one);
      expect(every.get(run.id) ?? []).toEqual(store.getEpochs(run.id));
    }
    expect(bestLast.has(ids[3]!)).toBe(false);
    expect(bestLast.get(ids[0]!)!.map((e) => e.epoch)).toEqual([3, 5]);
    expect(every.get(ids[4]!)!.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

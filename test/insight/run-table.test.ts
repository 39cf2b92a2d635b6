// insight's runs-table computations on runs trained for real and read back from a SQLite file: chosen columns,
// the filter syntax and its errors, and group mean ± std checked against values computed here from the stored epochs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';
import { runInWorker } from '../../engine/host/node/engine-client.ts';
import { recordRun } from '../../db/index.ts';
import { parseColumns, resolveColumn, type RunWithEpochs } from '../../insight/run-columns.ts';
import { parseFilter } from '../../insight/run-filter.ts';
import { groupRuns, isSummary } from '../../insight/group-runs.ts';

let dir: string;
let runs: RunWithEpochs[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-run-table-'));
  const store = new RunStore(join(dir, 'runs.db'));
  try {
    for (const activation of ['tanh', 'relu'] as const)
      for (const seed of [1, 2, 3]) {
        const config = parseConfig({
          dataset: { name: 'xor', samples: 200 },
          model: { layers: [{ units: 8, activation }] },
          epochs: 4,
          seed,
          backend: 'cpu',
        });
        const id = store.createRun(config);
        await runInWorker(config, recordRun(store, id)).result;
        if (seed === 1) store.addTags(id, ['baseline']);
      }
    runs = store.listRuns().map((run) => ({ run, epochs: store.getEpochs(run.id) }));
  } finally {
    store.close();
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run columns', () => {
  it('reads config keys, best/last metrics and the run facts', () => {
    const cols = parseColumns(
      'model.layers.activation,activation,seed,best.val_acc,last.train_loss,params,backend,dataset,tags',
      runs,
    );
    const r = runs.find((x) => x.run.seed === 2 && x.run.activation === 'relu')!;
    const best = r.epochs.find((e) => e.epoch === r.run.bestEpoch)!;
    expect(cols.map((c) => c.value(r))).toEqual([
      'relu',
      'relu',
      2,
      best.valAcc,
      r.epochs.at(-1)!.trainLoss,
      2 * 8 + 8 + 8 * 2 + 2,
      'cpu',
      'xor',
      '',
    ]);
    expect(resolveColumn('val_acc', runs).value(r)).toBe(r.epochs.at(-1)!.valAcc);
  });

  it('names an unknown, ambiguous or malformed column', () => {
    expect(() => resolveColumn('bogus', runs)).toThrow(/^unknown column "bogus" \(run: id, name, status/);
    expect(() => resolveColumn('best.speed', runs)).toThrow(
      'unknown metric "speed" in "best.speed" (metrics: train_loss, val_loss, train_acc, val_acc, lr, samples_per_sec, epoch_ms)',
    );
    expect(() => resolveColumn('samples', runs)).not.toThrow(); // dataset.samples, the one key ending in .samples
    expect(() => resolveColumn('type', runs)).toThrow(
      'column "type" is ambiguous (optimizer.type, schedule.type); give the full key',
    );
  });
});

describe('run filter', () => {
  const ids = (expr: string) =>
    runs
      .filter(parseFilter(expr, runs))
      .map((r) => r.run.id)
      .sort();
  const where = (f: (r: RunWithEpochs) => boolean) =>
    runs
      .filter(f)
      .map((r) => r.run.id)
      .sort();

  it('combines conditions with and, on numbers, words and tags', () => {
    const lastAcc = (r: RunWithEpochs) => r.epochs.at(-1)!.valAcc!;
    const median = [...runs.map(lastAcc)].sort((a, b) => a - b)[3]!;
    expect(ids(`val_acc >= ${median}`)).toEqual(where((r) => lastAcc(r) >= median));
    expect(ids('model.layers.activation = relu and seed != 1')).toEqual(
      where((r) => r.run.activation === 'relu' && r.run.seed !== 1),
    );
    expect(ids('tag = baseline')).toEqual(where((r) => r.run.tags.includes('baseline')));
    expect(ids('tag != baseline AND activation = "tanh"')).toEqual(
      where((r) => !r.run.tags.includes('baseline') && r.run.activation === 'tanh'),
    );
    expect(ids('params > 1000')).toEqual([]);
  });

  it('names the bad token and its column', () => {
    const error = (expr: string) => {
      try {
        parseFilter(expr, runs);
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(error('val_acc >> 0.9')).toBe('expected a value after "val_acc >", found ">" at column 10');
    expect(error('val_acc > 0.9 or seed = 1')).toBe(
      'expected "and" or the end after "val_acc > 0.9", found "or" at column 15',
    );
    expect(error('val_acc 0.9')).toBe('expected an operator (= != < <= > >=) after "val_acc", found "0.9" at column 9');
    expect(error('tag > a')).toBe('"tag" takes = or != (has the tag or not), found ">" at column 5');
    expect(error('speed > 1')).toMatch(/^unknown column "speed" .*, at column 1$/);
    expect(error('name = "open')).toBe('unexpected "\\"" at column 8 (a quote left open?)');
    expect(error('val_acc > 0.9 and')).toBe('expected a column name, found the end');
  });
});

describe('group runs', () => {
  it('gives n and mean ± sample std per group, as computed from the stored epochs', () => {
    const [by, ...shown] = parseColumns('activation,best.val_loss,last.val_acc,dataset', runs);
    const groups = groupRuns(runs, [by!], shown);
    expect(groups.map((g) => [g.keys, g.runs.length]).sort()).toEqual([
      [['relu'], 3],
      [['tanh'], 3],
    ]);
    for (const g of groups) {
      const mine = runs.filter((r) => r.run.activation === g.keys[0]);
      const bestLoss = mine.map((r) => r.epochs.find((e) => e.epoch === r.run.bestEpoch)!.valLoss!);
      const lastAcc = mine.map((r) => r.epochs[r.epochs.length - 1]!.valAcc!);
      for (const [cell, values] of [
        [g.cells[0], bestLoss],
        [g.cells[1], lastAcc],
      ] as const) {
        const mean = (values[0]! + values[1]! + values[2]!) / 3;
        const std = Math.sqrt(((values[0]! - mean) ** 2 + (values[1]! - mean) ** 2 + (values[2]! - mean) ** 2) / 2);
        expect(isSummary(cell!)).toBe(true);
        expect(cell).toEqual({ mean: expect.closeTo(mean, 12), std: expect.closeTo(std, 12), count: 3 });
      }
      expect(g.cells[2]).toBe('xor'); // a shared non-numeric value
    }
  });
});

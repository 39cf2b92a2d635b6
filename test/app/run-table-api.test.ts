// The runTable API method through dispatch() (as both transports call it) over a real SQLite file: chosen columns
// paged after the filter, ordering on a computed column (sortColumn), a filter that does not parse answered as
// filterError (no rows, not a failed call), an unknown column refused naming its field, and groups over every run
// that passes, not one page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../api/dispatch.ts';
import type { RunTablePage } from '../../api/run-table-api.ts';
import { createStoreApi } from '../../api/store-api.ts';
import { RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlpw-run-table-api-'));
const store = new RunStore(join(dir, 'runs.db'));
afterAll(() => (store.close(), rmSync(dir, { recursive: true, force: true })));
const handlers = createStoreApi(store, { mode: 'browser', appVersion: 'test' });

// Six runs, relu and tanh alternating, run i with final val_acc i / 10 (its best epoch is its last).
const ids: string[] = [];
for (let i = 1; i <= 6; i++) {
  const activation = i % 2 ? 'relu' : 'tanh';
  const id = store.createRun(
    parseConfig({
      dataset: { name: 'xor', samples: 100 },
      model: { layers: [{ units: 4, activation }] },
      epochs: 2,
      backend: 'cpu',
    }),
  );
  const metrics = (epoch: number) => ({
    epoch,
    trainLoss: 1,
    valLoss: 1 / epoch,
    trainAcc: 0.5,
    valAcc: (i / 10) * (epoch / 2),
    lr: 0.1,
    durationMs: 1,
    samplesPerSec: 10,
  });
  store.recordEpoch(id, metrics(1));
  store.recordEpoch(id, metrics(2));
  store.finishRun(id, {
    status: 'completed',
    epochs: 2,
    bestEpoch: 2,
    best: metrics(2),
    final: metrics(2),
    durationMs: 2,
    samplesPerSecond: 10,
    stoppedEarly: false,
  });
  ids.push(id);
}

async function table(input: object): Promise<RunTablePage> {
  const r = await dispatch(handlers, 'runTable', input);
  if (!r.ok) throw new Error(`${r.error.code} ${r.error.field}: ${r.error.message}`);
  return r.value as RunTablePage;
}

describe('runTable', () => {
  it('filters with the --filter syntax, then pages the chosen columns', async () => {
    const t = await table({
      columns: ['activation', 'best.val_acc'],
      filter: 'val_acc > 0.25 and activation = relu',
      sort: 'created',
      descending: false,
      limit: 1,
      offset: 1,
    });
    expect(t.total).toBe(2); // runs 3 and 5
    expect(t.filterError).toBeNull();
    expect(t.columns).toEqual([
      { key: 'activation', numeric: false },
      { key: 'best.val_acc', numeric: true },
    ]);
    expect(t.rows.map((r) => [r.run.id, ...r.cells])).toEqual([[ids[4], 'relu', 0.5]]);
    expect(t.configKeys).toContain('model.layers.activation');
  });

  it('orders on a computed column after the filter', async () => {
    const t = await table({
      columns: ['best.val_acc'],
      sortColumn: 'best.val_acc',
      descending: true,
      filter: 'activation = tanh',
    });
    expect(t.rows.map((r) => r.cells[0])).toEqual([0.6, 0.4, 0.2]);
    const r = await dispatch(handlers, 'runTable', { sortColumn: 'best.bogus' });
    expect(r.ok ? null : r.error.field).toBe('sortColumn');
  });

  it('reads a metric at a chosen epoch (atN.M), filters and sorts on it; an epoch a run lacks is empty', async () => {
    const t = await table({
      columns: ['at1.val_acc', 'at3.val_acc'],
      filter: 'at1.val_acc > 0.2',
      sortColumn: 'at1.val_acc',
      descending: true,
    });
    // epoch 1 of run i has val_acc (i / 10) / 2: runs 5 and 6 pass; neither has an epoch 3
    expect(t.rows.map((r) => [r.run.id, ...r.cells])).toEqual([
      [ids[5], 0.3, null],
      [ids[4], 0.25, null],
    ]);
    const r = await dispatch(handlers, 'runTable', { columns: ['at0.val_acc'] });
    expect(r.ok ? null : [r.error.field, r.error.message]).toEqual([
      'columns[0]',
      'epoch 0 in "at0.val_acc" is not an epoch (epochs count from 1)',
    ]);
  });

  it('answers a filter that does not parse with its error, naming the token', async () => {
    const t = await table({ columns: [], filter: 'activation = relu or val_acc > 1' });
    expect(t.filterError).toBe('expected "and" or the end after "activation = relu", found "or" at column 19');
    expect([t.rows, t.total]).toEqual([[], 0]);
  });

  it('refuses an unknown column naming the field', async () => {
    const r = await dispatch(handlers, 'runTable', { columns: ['activation', 'bogus'] });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect([r.error.field, r.error.message.split(' (')[0]]).toEqual(['columns[1]', 'unknown column "bogus"']);
  });

  it('groups every passing run, with n and mean ± sample std', async () => {
    const t = await table({ columns: ['best.val_acc'], groupBy: 'model.layers.activation', limit: 1 });
    const relu = t.groups!.find((g) => g.key === 'relu')!;
    expect(relu.runIds.sort()).toEqual([ids[0], ids[2], ids[4]].sort());
    const cell = relu.cells[0] as { mean: number; std: number; count: number };
    expect(cell.count).toBe(3);
    expect(cell.mean).toBeCloseTo(0.3, 12);
    expect(cell.std).toBeCloseTo(0.2, 12); // 0.1, 0.3, 0.5: sample variance 0.04
    expect(t.rows).toEqual([]);
  });

  it('groups by several keys, one group per combination, each with its runs and their cells', async () => {
    const t = await table({ columns: ['best.val_acc'], groupBy: ['activation', 'best.val_acc'] });
    expect(t.groups).toHaveLength(6);
    const relu = t.groups!.find((g) => g.keys[0] === 'relu' && g.keys[1] === 0.5)!;
    expect([relu.key, relu.runIds, relu.runs]).toEqual(['relu', [ids[4]], [{ id: ids[4], name: null, cells: [0.5] }]]);
    const byOne = await table({ columns: ['best.val_acc'], groupBy: ['activation'] });
    const tanh = byOne.groups!.find((g) => g.key === 'tanh')!;
    expect(tanh.keys).toEqual(['tanh']);
    expect(tanh.runs.map((r) => [r.id, ...r.cells])).toEqual(tanh.runIds.map((id) => [id, (ids.indexOf(id) + 1) / 10]));
    const r = await dispatch(handlers, 'runTable', { groupBy: ['activation', 'bogus'] });
    expect(r.ok ? null : r.error.field).toBe('groupBy[1]');
  });
});

// runTable keeps its listing and cells while the SQLite file is unchanged (api/store-run-table.ts): through dispatch()
// over a real file, a write by this connection (a tag, an epoch) and one by a second connection (as the CLI's) are
// both seen by the next call, cells, orders (other SQL sorts of kept runs) and groups of a kept listing equal a fresh
// store's, and the store's first table warms up a chunk at a time: a listRuns asked while it runs is answered first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../api/dispatch.ts';
import type { RunTablePage } from '../../api/run-table-api.ts';
import { createStoreApi } from '../../api/store-api.ts';
import { RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';
import type { EpochMetrics } from '../../engine/types.ts';

const RUNS = 1200;
const dir = mkdtempSync(join(tmpdir(), 'mlpw-run-table-kept-'));
const path = join(dir, 'runs.db');
const store = new RunStore(path);
afterAll(() => (store.close(), rmSync(dir, { recursive: true, force: true })));

const metrics = (epoch: number, acc: number): EpochMetrics => ({
  epoch,
  trainLoss: 1 - acc,
  valLoss: 1 - acc,
  trainAcc: acc,
  valAcc: acc,
  lr: 0.1,
  durationMs: 1,
  samplesPerSec: 10,
});

/** A finished run of `units` hidden units whose one epoch has val_acc `acc`. */
function addRun(s: RunStore, units: number, acc: number): string {
  const id = s.createRun(
    parseConfig({ dataset: { name: 'xor', samples: 100 }, model: { layers: [{ units }] }, epochs: 1, backend: 'cpu' }),
  );
  s.recordEpoch(id, metrics(1, acc));
  s.finishRun(id, {
    status: 'completed',
    epochs: 1,
    bestEpoch: 1,
    best: metrics(1, acc),
    final: metrics(1, acc),
    durationMs: 1,
    samplesPerSecond: 10,
    stoppedEarly: false,
  });
  return id;
}

store.db.transaction(() => {
  for (let i = 0; i < RUNS; i++) addRun(store, [4, 8][i % 2]!, (i % 97) / 100);
})();

const handlers = createStoreApi(store, { mode: 'browser', appVersion: 'test' });
async function call<T>(method: string, input: object): Promise<T> {
  const r = await dispatch(handlers, method, input);
  if (!r.ok) throw new Error(`${r.error.code} ${r.error.field}: ${r.error.message}`);
  return r.value as T;
}
const table = (input: object) => call<RunTablePage>('runTable', input);

describe('runTable over a kept listing', () => {
  it('answers a listRuns asked while the store warms up its first table before that table', async () => {
    const order: string[] = [];
    const first = table({ columns: ['best.val_acc'] }).then(() => order.push('runTable'));
    const page = call('listRuns', { limit: 50 }).then(() => order.push('listRuns'));
    await Promise.all([first, page]);
    expect(order).toEqual(['listRuns', 'runTable']);
  });

  it("sees this connection's writes and another connection's", async () => {
    const q = { columns: ['best.val_acc', 'tags'], filter: 'best.val_acc >= 0.96', sortColumn: 'best.val_acc' };
    const before = await table(q);
    expect(before.total).toBe(Array.from({ length: RUNS }, (_, i) => i % 97).filter((k) => k === 96).length);
    expect((await table(q)).rows).toEqual(before.rows); // kept: the same answer

    // this connection: a tag on one run, and a new run that passes the filter
    const tagged = before.rows[0]!.run.id;
    store.addTags(tagged, ['kept']);
    const fresh = addRun(store, 4, 0.99);
    const after = await table(q);
    expect(after.total).toBe(before.total + 1);
    expect(after.rows.at(-1)!.run.id).toBe(fresh);
    expect(after.rows.find((r) => r.run.id === tagged)!.cells[1]).toBe('kept');

    // a second connection (as `mlpw train` in another process)
    const other = new RunStore(path);
    let theirs = '';
    try {
      theirs = addRun(other, 8, 0.995);
    } finally {
      other.close();
    }
    const later = await table(q);
    expect(later.total).toBe(before.total + 2);
    expect(later.rows.at(-1)!.run.id).toBe(theirs);
  });

  it('gives the cells, sorts, filters and groups a fresh store gives', async () => {
    const queries = [
      { columns: ['best.val_acc', 'model.layers'], sortColumn: 'best.val_acc', descending: true, offset: 100 },
      { columns: ['last.val_loss'], filter: 'model.layers = 8 and best.val_acc < 0.5', sortColumn: 'last.val_loss' },
      { columns: ['best.val_acc', 'last.val_loss'], groupBy: 'model.layers' },
      { columns: ['at1.val_acc'], sortColumn: 'at1.val_acc', limit: 20 },
      // other SQL sorts of the kept runs (their ids read in that order): ties of the column keep the store's order
      { columns: ['best.val_acc'], sort: 'val_loss', descending: false, sortColumn: 'best.val_acc', offset: 40 },
      { columns: ['best.val_acc'], sort: 'id', sortColumn: 'best.val_acc', descending: true, limit: 200 },
      { columns: ['model.layers'], sort: 'layers', search: 'xor', filter: 'best.val_acc > 0.5', offset: 30 },
      { columns: ['model.layers'], sort: 'id', descending: true, search: 'xor', sortColumn: 'model.layers' },
    ];
    for (const q of queries) await table(q); // kept now
    const reader = new RunStore(path, { readonly: true });
    try {
      const cold = createStoreApi(reader, { mode: 'browser', appVersion: 'test' });
      for (const q of queries) {
        const fromCold = await dispatch(cold, 'runTable', q);
        expect(fromCold.ok && fromCold.value).toEqual(await table(q));
      }
    } finally {
      reader.close();
    }
  });
});

// `mlpw compare --at-epoch N` against runs recorded in a real SQLite file: each run's stored metrics at epoch N, as
// the store holds them; a run that stopped earlier says so; a bad N is refused naming the flag.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';
import type { EpochMetrics } from '../../engine/types.ts';
import { cli } from './helpers.ts';

let dir: string;
let db: string;
const ids: string[] = [];

function record(store: RunStore, name: string, lr: number, epochs: number): string {
  const id = store.createRun(parseConfig({ name, dataset: { name: 'moons' }, optimizer: { lr }, epochs }));
  for (let e = 1; e <= epochs; e++)
    store.recordEpoch(id, {
      epoch: e,
      trainLoss: 1 / (e + lr),
      valLoss: 1.1 / (e + lr),
      trainAcc: 0.5 + e / 100,
      valAcc: 0.45 + e / 100 + lr,
      lr,
      durationMs: 10,
      samplesPerSec: 1000,
    });
  return id;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-compare-at-epoch-'));
  db = join(dir, 'workbench.db');
  const store = new RunStore(db);
  ids.push(record(store, 'long', 0.01, 6), record(store, 'short', 0.1, 2));
  store.close();
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('mlpw compare --at-epoch', () => {
  it('gives every stored metric of each run at that epoch (JSON), null for a run that stopped earlier', async () => {
    const r = await cli(['compare', ...ids, '--at-epoch', '2', '--json'], { db });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { atEpoch: { epoch: number; metrics: Record<string, unknown> } };
    const store = new RunStore(db, { readonly: true });
    const stored = ids.map((id) => store.getEpochs(id).find((e) => e.epoch === 2)!);
    store.close();
    const expected = (e: EpochMetrics) => ({
      train_loss: e.trainLoss,
      val_loss: e.valLoss,
      train_acc: e.trainAcc,
      val_acc: e.valAcc,
      lr: e.lr,
      duration_ms: e.durationMs,
      samples_per_sec: e.samplesPerSec,
    });
    expect(out.atEpoch).toEqual({
      epoch: 2,
      metrics: { [ids[0]!]: expected(stored[0]!), [ids[1]!]: expected(stored[1]!) },
    });
    const later = JSON.parse((await cli(['compare', ...ids, '--at-epoch', '5', '--json'], { db })).stdout) as {
      atEpoch: { metrics: Record<string, unknown> };
    };
    expect(later.atEpoch.metrics[ids[1]!]).toBeNull();
    expect((later.atEpoch.metrics[ids[0]!] as { val_loss: number }).val_loss).toBeCloseTo(1.1 / 5.01, 12);
  });

  it('prints the metrics at the epoch as a table, and which run has no such epoch', async () => {
    const r = await cli(['compare', ...ids, '--at-epoch', '5'], { db });
    expect(r.code).toBe(0);
    const section = r.stdout.slice(r.stdout.indexOf('at epoch 5:'), r.stdout.indexOf('val_loss by epoch:'));
    const valLoss = section.split('\n').find((l) => l.startsWith('val_loss'))!;
    expect(valLoss.split(/\s+/).slice(1)).toEqual([(1.1 / 5.01).toFixed(4), '-']);
    expect(section).toContain(`${ids[1]} has no epoch 5 (2 stored)`);
  });

  it('refuses an N that is not a whole number from 1, naming the flag and the value', async () => {
    for (const bad of ['0', '2.5', 'last']) {
      const r = await cli(['compare', ...ids, '--at-epoch', bad], { db });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--at-epoch must be a whole number from 1 (got "${bad}")`);
    }
  });
});

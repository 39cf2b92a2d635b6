// `mlpw sweep`: every grid point trained and recorded under one sweep id; a bad point stops it before any run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { RunStore } from '../../db/index.ts';
import type { BuiltinDatasetConfig } from '../../engine/config.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let db: string;
beforeEach(() => {
  tmp = tempDir();
  db = tmp.file('w.db');
});
afterEach(() => tmp.cleanup());

const BASE = ['--dataset', 'xor', '--samples', '200', '--epochs', '3', '--backend', 'cpu', '--activation', 'tanh'];

describe('sweep', () => {
  it('trains the cartesian product in parallel workers and records it as one sweep', async () => {
    const r = await cli(
      [
        'sweep',
        ...BASE,
        '--grid',
        'optimizer.lr=0.1,0.01',
        '--grid',
        'model.layers=4,8x8',
        '--parallel',
        '2',
        '--json',
      ],
      { db },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { sweepId: string; runs: { runId: string; point: string; status: string }[] };
    expect(out.runs.map((x) => x.point).sort()).toEqual([
      'optimizer.lr=0.01 model.layers=4',
      'optimizer.lr=0.01 model.layers=8x8',
      'optimizer.lr=0.1 model.layers=4',
      'optimizer.lr=0.1 model.layers=8x8',
    ]);
    const store = new RunStore(db);
    const runs = store.listRuns({ sweepId: out.sweepId });
    expect(runs).toHaveLength(4);
    for (const run of runs) {
      expect(run.status).toBe('completed');
      expect(store.getEpochs(run.id)).toHaveLength(3);
      expect(run.config.model.layers.every((l) => l.activation === 'tanh')).toBe(true);
      expect((run.config.dataset as BuiltinDatasetConfig).samples).toBe(200);
    }
    expect(runs.map((r) => `${r.lr} ${r.layers}`).sort()).toEqual(['0.01 4', '0.01 8x8', '0.1 4', '0.1 8x8']);
    expect(store.getSweep(out.sweepId)).toMatchObject({
      size: 4,
      parallel: 2,
      grid: [
        { key: 'optimizer.lr', values: [0.1, 0.01] },
        { key: 'model.layers', values: [[4], [8, 8]] },
      ],
    });
    store.close();
    const listed = await cli(['runs', '--sweep', out.sweepId.slice(0, 5), '--sort', 'val_loss'], { db });
    expect(listed.stdout.trim().split('\n')).toHaveLength(6);
  });

  it('prints one line per finished run and the best one', async () => {
    const r = await cli(['sweep', ...BASE, '--grid', 'batchSize=16,32'], { db });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sweep [0-9a-z]{8}: 2 runs over batchSize, 1 at a time/);
    expect(r.stdout).toMatch(/\[1\/2\]  [0-9a-z]{8}  batchSize=16  completed  best val_loss/);
    expect(r.stdout).toMatch(/\nbest: [0-9a-z]{8} \(batchSize=(16|32)\)/);
  });

  it.each([
    [['--grid', 'optimizer.lr=0.1,-1'], '--grid optimizer.lr=-1: optimizer.lr:'],
    [['--grid', 'optimizer.lrate=0.1'], '--grid optimizer.lrate: not a config key'],
    [['--grid', 'model.layers=8,8xq'], '--grid model.layers=8xq:'],
    [[], 'sweep needs at least one --grid'],
    [['--grid', 'seed=1,2', '--parallel', '0'], '--parallel: expected 1 to 64, got 0'],
  ])('validates %j before starting anything (exit 2)', async (flags, message) => {
    const r = await cli(['sweep', ...BASE, ...flags], { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(existsSync(db)).toBe(false);
  });

  it('an unknown dataset is a config error that stores nothing (exit 2, the known names listed)', async () => {
    const r = await cli(['sweep', '--dataset', 'bogus', '--epochs', '2', '--backend', 'cpu', '--grid', 'seed=1,2'], {
      db,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown dataset "bogus" \(built-in: .*spiral.*; imported into .*: none\)/);
    if (existsSync(db)) {
      const store = new RunStore(db);
      expect(store.listRuns({})).toHaveLength(0);
      expect(store.listSweeps()).toHaveLength(0);
      store.close();
    }
  });

  it('a sweep over an imported dataset records each run with its name, hash and rows only (no generator settings)', async () => {
    const csv = tmp.file('points.csv');
    const rows = ['x,y,side'];
    for (let i = 0; i < 120; i++)
      rows.push(`${(i % 12) / 6 - 1},${Math.floor(i / 12) / 5 - 1},${i % 12 < 6 ? 'left' : 'right'}`);
    writeFileSync(csv, rows.join('\n') + '\n');
    expect((await cli(['import', csv, '--target', 'side', '--name', 'points'], { db })).code).toBe(0);
    const r = await cli(
      [
        'sweep',
        '--dataset',
        'points',
        '--samples',
        '200',
        '--noise',
        '0.3',
        '--epochs',
        '2',
        '--backend',
        'cpu',
        '--grid',
        'seed=1,2',
        '--json',
      ],
      { db },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { sweepId } = JSON.parse(r.stdout) as { sweepId: string };
    const store = new RunStore(db);
    const runs = store.listRuns({ sweepId });
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run.status).toBe('completed');
      expect(run.config.dataset).toEqual({
        source: 'imported',
        name: 'points',
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        rows: 120,
      });
    }
    expect(store.getSweep(sweepId).baseConfig.dataset).toMatchObject({ source: 'imported', name: 'points', rows: 120 });
    store.close();
  });
});

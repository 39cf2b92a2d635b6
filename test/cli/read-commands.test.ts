// runs, show, compare, export-csv, tag, note and rm on a store filled directly (no training needed to read).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dispatch } from '../../api/dispatch.ts';
import { createStoreApi } from '../../api/store-api.ts';
import { RunStore, type RunRecord } from '../../db/index.ts';
import type { EpochMetrics } from '../../engine/types.ts';
import { epochsCsv } from '../../insight/index.ts';
import { config, epoch, tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let db: string;
let ids: string[];

/** Three finished runs: lr 0.1 / 0.01 / 0.001 with best val losses 0.3 / 0.1 / 0.2, the last one on moons. */
beforeEach(() => {
  tmp = tempDir();
  db = tmp.file('w.db');
  const store = new RunStore(db);
  ids = [0.3, 0.1, 0.2].map((best, i) => {
    const id = store.createRun(
      config({ dataset: { name: i === 2 ? 'moons' : 'xor' }, optimizer: { lr: [0.1, 0.01, 0.001][i]! }, epochs: 3 }),
    );
    for (let e = 1; e <= 3; e++) store.recordEpoch(id, epoch(e, e === 2 ? best : best + 0.05 * e));
    store.finishRun(id, {
      status: 'completed',
      epochs: 3,
      bestEpoch: 2,
      best: epoch(2, best),
      final: null,
      durationMs: 100,
      samplesPerSecond: 1000,
      stoppedEarly: false,
    });
    return id;
  });
  store.close();
});
afterEach(() => tmp.cleanup());

describe('runs', () => {
  it('lists runs newest first with hyperparameters and summary metrics', async () => {
    const r = await cli(['runs'], { db });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+status\s+dataset\s+layers.*best val_loss/);
    expect(lines).toHaveLength(5);
    for (const id of ids) expect(r.stdout).toContain(id);
  });

  it('sorts on the best validation loss and filters by dataset, status and tag', async () => {
    const sorted = JSON.parse((await cli(['runs', '--sort', 'val_loss', '--json'], { db })).stdout) as {
      id: string;
      bestValLoss: number;
    }[];
    expect(sorted.map((r) => r.id)).toEqual([ids[1], ids[2], ids[0]]);
    expect(sorted[0]!.bestValLoss).toBe(0.1);
    const desc = JSON.parse(
      (await cli(['runs', '--sort', 'val_loss:desc', '--limit', '1', '--json'], { db })).stdout,
    ) as { id: string }[];
    expect(desc.map((r) => r.id)).toEqual([ids[0]]);
    expect(JSON.parse((await cli(['runs', '--dataset', 'moons', '--json'], { db })).stdout)).toHaveLength(1);
    expect(JSON.parse((await cli(['runs', '--status', 'running,failed', '--json'], { db })).stdout)).toHaveLength(0);
    await cli(['tag', ids[0]!, 'baseline'], { db });
    const tagged = JSON.parse((await cli(['runs', '--tag', 'baseline', '--json'], { db })).stdout) as {
      id: string;
      tags: string[];
    }[];
    expect(tagged).toEqual([expect.objectContaining({ id: ids[0], tags: ['baseline'] })]);
  });

  it.each([
    [['--sort', 'speed'], /--sort: unknown field "speed"/],
    [['--status', 'done'], /--status: unknown status "done"/],
    [['--limit', '-1'], /--limit/],
    [['--sweep', 'zzzz'], /no sweep "zzzz"/],
  ])('rejects %j with exit 2', async (flags, message) => {
    const r = await cli(['runs', ...flags], { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('show', () => {
  it('prints the summary, config and every epoch of a run given by prefix', async () => {
    const r = await cli(['show', ids[1]!.slice(0, 6)], { db });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`run ${ids[1]}  completed`);
    expect(r.stdout).toMatch(/best val_loss 0\.1000 at epoch 2/);
    expect(r.stdout).toMatch(/optimizer\.lr\s+0\.01\n/);
    expect(r.stdout).toMatch(/^epoch\s+train_loss/m);
    const json = JSON.parse((await cli(['show', ids[1]!, '--json'], { db })).stdout) as {
      id: string;
      epochs: unknown[];
      config: unknown;
    };
    expect(json.id).toBe(ids[1]);
    expect(json.epochs).toHaveLength(3);
  });

  it('names an unknown run (exit 2)', async () => {
    const r = await cli(['show', 'zzzzzzzz'], { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`mlpw show: no run "zzzzzzzz" in ${db}\n`);
  });
});

describe('compare', () => {
  it('shows only differing keys, best and last metrics, and val_loss by epoch', async () => {
    const r = await cli(['compare', ...ids], { db });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/optimizer\.lr\s+0\.1\s+0\.01\s+0\.001/);
    expect(r.stdout).toMatch(/dataset\.name\s+xor\s+xor\s+moons/);
    expect(r.stdout).not.toContain('optimizer.beta1');
    expect(r.stdout).toMatch(/best val_loss\s+0\.3000\s+0\.1000\s+0\.2000/);
    expect(r.stdout).toMatch(/last epoch\s+3\s+3\s+3/);
    expect(r.stdout).toMatch(/val_loss by epoch:\nepoch.*\n.*\n\s+1\s+0\.3500\s+0\.1500\s+0\.2500/);
    expect((await cli(['compare', ...ids, '--all'], { db })).stdout).toContain('optimizer.beta1');
  });

  it('gives the same content as JSON', async () => {
    const j = JSON.parse((await cli(['compare', ids[0]!, ids[1]!, '--json'], { db })).stdout);
    expect(j.runs).toEqual([ids[0], ids[1]]);
    expect(j.config).toEqual([{ key: 'optimizer.lr', values: { [ids[0]!]: 0.1, [ids[1]!]: 0.01 } }]);
    expect(j.best[ids[1]!].epoch).toBe(2);
    expect(j.valLoss[ids[0]!]).toHaveLength(3);
  });

  it('needs two runs', async () => {
    expect((await cli(['compare', ids[0]!], { db })).code).toBe(2);
  });
});

describe('export-csv', () => {
  it('writes one row per run and epoch with the hyperparameters', async () => {
    const out = tmp.file('runs.csv');
    const r = await cli(['export-csv', ids[0]!, ids[2]!, '--out', out], { db });
    expect(r.code).toBe(0);
    const [head, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
    const cols = head!.split(',');
    expect(cols.slice(0, 3)).toEqual(['run_id', 'status', 'sweep_id']);
    expect(cols).toContain('optimizer.lr');
    expect(cols.slice(-8)).toEqual([
      'epoch',
      'train_loss',
      'val_loss',
      'train_acc',
      'val_acc',
      'lr',
      'duration_ms',
      'samples_per_sec',
    ]);
    expect(rows).toHaveLength(6);
    const row = Object.fromEntries(cols.map((c, i) => [c, rows[4]!.split(',')[i]]));
    expect(row).toMatchObject({
      run_id: ids[2],
      'optimizer.lr': '0.001',
      'dataset.name': 'moons',
      epoch: '2',
      val_loss: '0.2',
    });
  });

  it('writes the Compare view’s bytes, formulas kept as text and negative numbers as numbers', async () => {
    const store = new RunStore(db);
    const id = store.createRun(config({ name: '=HYPERLINK("http://evil.example","click")' }));
    store.recordEpoch(id, { ...epoch(1, 0.5), trainLoss: -0.5 });
    const r = await dispatch(createStoreApi(store, { mode: 'browser', appVersion: '0.0.0-test' }), 'compareRuns', {
      ids: [id, ids[0]!],
    });
    store.close();
    if (!r.ok) throw new Error(r.error.message);
    const view = r.value as { runs: RunRecord[]; epochs: EpochMetrics[][] };
    const out = await cli(['export-csv', id, ids[0]!, '--out', '-'], { db });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(epochsCsv(view.runs, view.epochs));
    const row = out.stdout.split('\n')[1]!;
    expect(row).toContain(`,"'=HYPERLINK(""http://evil.example"",""click"")",`);
    expect(row.split(',').slice(-8, -6)).toEqual(['1', '-0.5']);
  });

  it('needs --out', async () => {
    const r = await cli(['export-csv', ids[0]!], { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out/);
  });
});

describe('tag, note, rm', () => {
  it('tags, untags and notes a run', async () => {
    expect((await cli(['tag', ids[0]!, 'a', 'b'], { db })).stdout).toBe(`${ids[0]}: a, b\n`);
    expect((await cli(['tag', ids[0]!, 'a', '--remove'], { db })).stdout).toBe(`${ids[0]}: b\n`);
    await cli(['note', ids[0]!, 'lr', 'too', 'high'], { db });
    expect((await cli(['show', ids[0]!], { db })).stdout).toMatch(/note .*: lr too high/);
  });

  it('asks before removing and removes nothing on no', async () => {
    const no = await cli(['rm', ids[0]!], { db, stdin: 'n\n' });
    expect(no.code).toBe(1);
    expect(no.stderr).toMatch(/remove run .*\? \[y\/N\] nothing removed/);
    expect((await cli(['rm', ids[0]!], { db })).code).toBe(1); // end of input is no
    const yes = await cli(['rm', ids[0]!, ids[1]!], { db, stdin: 'y\n' });
    expect(yes.code).toBe(0);
    expect((await cli(['rm', ids[2]!, '--yes'], { db })).code).toBe(0);
    expect(JSON.parse((await cli(['runs', '--json'], { db })).stdout)).toEqual([]);
  });

  it('refuses to remove a run that is being trained', async () => {
    const store = new RunStore(db);
    const active = store.createRun(config());
    store.close();
    const r = await cli(['rm', active, '--yes'], { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`run ${active} is running`));
    const again = new RunStore(db);
    expect(again.getRun(active).status).toBe('running');
    again.close();
  });
});

// `mlpw runs --columns / --filter / --group-by / --sort COLUMN` through the real binary, on a SQLite file whose runs a
// RunStore wrote (epochs given here, so the expected means and standard deviations are computed from them).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';

const BIN = join(import.meta.dirname, '../../bin/mlpw.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mlpw-runs-columns-'));
const db = join(dir, 'workbench.db');
const env = { ...process.env, MLPW_DB: db, FORCE_COLOR: '0' };
const mlpw = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, 'runs', ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
// last val_acc of each run, by activation and seed
const ACC = { tanh: [0.8, 0.9, 0.7], relu: [0.6, 0.5, 0.95] } as const;
const ids: Record<string, string> = {};

beforeAll(() => {
  const store = new RunStore(db);
  try {
    for (const activation of ['tanh', 'relu'] as const)
      ACC[activation].forEach((acc, i) => {
        const config = parseConfig({
          dataset: { name: 'xor' },
          model: { layers: [{ units: 4, activation }] },
          epochs: 2,
          seed: i + 1,
          backend: 'cpu',
        });
        const id = store.createRun(config, { experiment: 'act' });
        const epochs = [1, 2].map((epoch) => ({
          epoch,
          trainLoss: 1 / epoch,
          valLoss: 1 - acc / epoch,
          trainAcc: acc,
          valAcc: epoch === 2 ? acc : acc / 2,
          lr: 0.1,
          durationMs: 5,
          samplesPerSec: 1000,
        }));
        for (const m of epochs) store.recordEpoch(id, m);
        store.finishRun(id, {
          status: 'completed',
          epochs: 2,
          bestEpoch: 2,
          best: epochs[1]!,
          final: epochs[1]!,
          durationMs: 10,
          samplesPerSecond: 1000,
          stoppedEarly: false,
        });
        ids[`${activation}${i + 1}`] = id;
      });
    store.addTags(ids.relu3!, ['baseline']);
  } finally {
    store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const meanStd = (v: readonly number[]) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return [mean, Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (v.length - 1))];
};

describe('mlpw runs, computed columns', () => {
  it('--columns shows config keys, best/last metrics and run facts; --sort takes any column', () => {
    const r = mlpw(
      '--columns',
      'activation,seed,last.val_acc,best.val_loss,params,experiment',
      '--sort',
      'last.val_acc:desc',
      '--json',
    );
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows.map((x) => x['last.val_acc'])).toEqual([0.95, 0.9, 0.8, 0.7, 0.6, 0.5]);
    expect(rows[0]).toEqual({
      id: ids.relu3,
      activation: 'relu',
      seed: 3,
      'last.val_acc': 0.95,
      'best.val_loss': 1 - 0.95 / 2,
      params: null,
      experiment: 'act',
    });
    const text = mlpw('--columns', 'activation,last.val_acc', '--sort', 'last.val_acc');
    expect(text.stdout.split('\n')[0]).toBe('id        activation  last.val_acc');
    expect(text.stdout.split('\n')[2]).toBe(`${ids.relu3}  relu              0.9500`); // accuracy: best first, as --sort val_acc
  });

  it('--columns takes a metric at a chosen epoch (atN.M), and --filter and --sort too', () => {
    const r = mlpw(
      '--columns',
      'at1.val_acc,at3.val_acc',
      '--filter',
      'at1.val_acc > 0.4',
      '--sort',
      'at1.val_acc',
      '--json',
    );
    expect(r.code).toBe(0);
    // epoch 1's val_acc is half the last one; no run has an epoch 3
    expect(
      (JSON.parse(r.stdout) as Record<string, unknown>[]).map((x) => [x.id, x['at1.val_acc'], x['at3.val_acc']]),
    ).toEqual([
      [ids.relu3, 0.475, null],
      [ids.tanh2, 0.45, null],
    ]);
  });

  it('--filter keeps the runs that match, and names a bad token', () => {
    const kept = (expr: string) =>
      (JSON.parse(mlpw('--filter', expr, '--columns', 'seed', '--json').stdout) as { id: string }[])
        .map((x) => x.id)
        .sort();
    expect(kept('val_acc > 0.75 and model.layers.activation = tanh')).toEqual([ids.tanh1, ids.tanh2].sort());
    expect(kept('tag = baseline')).toEqual([ids.relu3]);
    const bad = mlpw('--filter', 'val_acc > 0.9 or seed = 1');
    expect([bad.code, bad.stderr]).toEqual([
      2,
      'mlpw runs: --filter: expected "and" or the end after "val_acc > 0.9", found "or" at column 15\n',
    ]);
    expect(mlpw('--columns', 'best.speed').stderr).toBe(
      'mlpw runs: --columns: unknown metric "speed" in "best.speed" (metrics: train_loss, val_loss, train_acc, val_acc, lr, samples_per_sec, epoch_ms)\n',
    );
  });

  it('--group-by gives one row per group with n and mean ± std of each metric shown', () => {
    const r = mlpw('--group-by', 'model.layers.activation', '--columns', 'last.val_acc,best.val_loss', '--json');
    const groups = JSON.parse(r.stdout) as {
      keys: Record<string, string>;
      n: number;
      columns: Record<string, { mean: number; std: number; count: number }>;
    }[];
    expect(groups.map((g) => [g.keys['model.layers.activation'], g.n])).toEqual([
      ['relu', 3],
      ['tanh', 3],
    ]);
    for (const g of groups) {
      const acc = ACC[g.keys['model.layers.activation'] as 'tanh' | 'relu'];
      const [mean, std] = meanStd(acc);
      expect(g.columns['last.val_acc']!.mean).toBeCloseTo(mean!, 12);
      expect(g.columns['last.val_acc']!.std).toBeCloseTo(std!, 12);
      const [lossMean] = meanStd(acc.map((a) => 1 - a / 2));
      expect(g.columns['best.val_loss']!.mean).toBeCloseTo(lossMean!, 12);
    }
    const text = mlpw('--group-by', 'activation', '--columns', 'last.val_acc', '--filter', 'seed <= 2');
    const [m, s] = meanStd([0.6, 0.5]);
    expect(text.stdout.split('\n')[2]).toBe(`relu        2  ${m!.toFixed(4)} ± ${s!.toFixed(4)}`);
  });
});

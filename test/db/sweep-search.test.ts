// Sweep search records (migration 005) on real SQLite files: a version-4 database's grid and search sweeps stay
// readable (method, space, seed and trials backfilled from the grid JSON the CLI kept, runs numbered by creation),
// and a new sweep keeps its method, space, seed, trials, time budget and pruner; trials, requeue and stopped rungs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { RunStore } from '../../db/index.ts';
import { hyperColumns } from '../../db/columns.ts';
import { migrate } from '../../db/open.ts';
import { MIGRATIONS } from '../../db/migrations/index.ts';
import { parsePrunerFlag } from '../../engine/experiment/asha.ts';
import { config, epoch, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

/** A version-4 file as the code before migration 005 wrote it: a grid sweep and a random search sweep. */
function versionFourStore(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(
    db,
    MIGRATIONS.filter((m) => m.version <= 4),
  );
  const sweep = db.prepare(`INSERT INTO sweeps (id, created_at, base_config, grid, parallel, size)
    VALUES (@id, @now, @base, @grid, 2, @size)`);
  const run =
    db.prepare(`INSERT INTO runs (id, name, config, dataset, layers, activation, optimizer, lr, batch_size, epochs, seed,
      backend, status, created_at, app_version, epochs_done, sweep_id)
    VALUES (@id, NULL, @config, @dataset, @layers, @activation, @optimizer, @lr, @batch_size, @epochs, @seed, @backend,
      'completed', @now, '0.1.0', 2, @sweep)`);
  const insertEpoch =
    db.prepare(`INSERT INTO epochs (run_id, epoch, train_loss, val_loss, train_acc, val_acc, lr, duration_ms, samples_per_sec)
    VALUES (@id, @epoch, @trainLoss, @valLoss, @trainAcc, @valAcc, @lr, @durationMs, @samplesPerSec)`);
  const base = JSON.stringify(config());
  db.transaction(() => {
    sweep.run({
      id: 'gr1dswp1',
      now: 1_700_000_000_000,
      base,
      grid: JSON.stringify([{ key: 'optimizer.lr', values: [0.1, 0.01, 0.001] }]),
      size: 3,
    });
    const search = { method: 'random', trials: 2, seed: 7 };
    sweep.run({
      id: 'randswp2',
      now: 1_700_000_001_000,
      base,
      grid: JSON.stringify([
        { key: 'optimizer.lr', values: [0.02, 0.05], search: { ...search, dist: 'loguniform:0.001:0.1' } },
        { key: 'batchSize', values: [8, 16], search: { ...search, dist: 'int:8:32' } },
      ]),
      size: 2,
    });
    // The grid's three runs share a creation time (one transaction): rowid keeps their order.
    ['gr000002', 'gr000000', 'gr000001'].forEach((id, i) => {
      const c = config({ optimizer: { type: 'sgd', lr: [0.1, 0.01, 0.001][i]! } });
      run.run({ id, ...hyperColumns(c), config: JSON.stringify(c), now: 1_700_000_000_000, sweep: 'gr1dswp1' });
      for (const n of [1, 2]) insertEpoch.run({ id, ...epoch(n) });
    });
    ['ra000001', 'ra000000'].forEach((id, i) => {
      const c = config({ batchSize: [8, 16][i]! });
      run.run({ id, ...hyperColumns(c), config: JSON.stringify(c), now: 1_700_000_001_000 + i, sweep: 'randswp2' });
    });
  })();
  db.close();
}

describe('migration 005 (sweep search)', () => {
  it('keeps every sweep of a version-4 database readable, search fields backfilled and runs numbered', () => {
    const path = tmp.file('v4.db');
    versionFourStore(path);
    const store = new RunStore(path);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(5);
      expect(store.getSweep('gr1dswp1')).toMatchObject({
        method: 'grid',
        space: null,
        sweepSeed: null,
        trials: null,
        timeBudgetMs: null,
        pruner: null,
        size: 3,
        grid: [{ key: 'optimizer.lr', values: [0.1, 0.01, 0.001] }],
      });
      expect(store.getSweep('randswp2')).toMatchObject({
        method: 'random',
        space: [
          { key: 'optimizer.lr', dist: 'loguniform:0.001:0.1' },
          { key: 'batchSize', dist: 'int:8:32' },
        ],
        sweepSeed: 7,
        trials: 2,
        pruner: null,
      });
      expect(store.sweepTrials('gr1dswp1').map((t) => [t.trial, t.runId, t.config.optimizer.lr])).toEqual([
        [0, 'gr000002', 0.1],
        [1, 'gr000000', 0.01],
        [2, 'gr000001', 0.001],
      ]);
      expect(store.sweepTrials('randswp2').map((t) => [t.trial, t.runId])).toEqual([
        [0, 'ra000001'],
        [1, 'ra000000'],
      ]);
      expect(store.listSweepsWithSearch().map((s) => [s.id, s.method, s.trials, s.runs])).toEqual([
        ['randswp2', 'random', 2, 2],
        ['gr1dswp1', 'grid', null, 3],
      ]);
      expect(store.listRuns({ sweepId: 'gr1dswp1' })).toHaveLength(3);
      expect(store.getEpochs('gr000000').map((e) => e.epoch)).toEqual([1, 2]);
    } finally {
      store.close();
    }
  });
});

describe('RunStore sweep search', () => {
  it('keeps a search sweep’s method, space, seed, trials, budget and pruner; numbers its trials', () => {
    const store = new RunStore(tmp.file('s.db'));
    try {
      const pruner = parsePrunerFlag('asha:metric=val_acc,min=1,eta=2', 8);
      const { sweepId, runIds } = store.createSweep({
        baseConfig: config(),
        grid: [],
        parallel: 1,
        configs: [config({ seed: 1 }), config({ seed: 2 })],
        size: 4,
        search: {
          method: 'bayes',
          space: [{ key: 'optimizer.lr', dist: 'loguniform:0.001:0.1' }],
          sweepSeed: 42,
          trials: 4,
          timeBudgetMs: 90_000,
          pruner,
        },
      });
      const later = store.createRun(config({ seed: 3 }), { status: 'queued', sweepId, sweepTrial: 2 });
      expect(store.getSweep(sweepId)).toMatchObject({
        method: 'bayes',
        space: [{ key: 'optimizer.lr', dist: 'loguniform:0.001:0.1' }],
        sweepSeed: 42,
        trials: 4,
        timeBudgetMs: 90_000,
        pruner,
        size: 4,
      });
      expect(store.sweepTrials(sweepId).map((t) => [t.trial, t.runId, t.status])).toEqual([
        [0, runIds[0], 'queued'],
        [1, runIds[1], 'queued'],
        [2, later, 'queued'],
      ]);
      expect(store.listSweepsWithSearch()[0]).toMatchObject({ method: 'bayes', trials: 4, pruner, runs: 3 });

      // A trial the pruner stopped: finished stopped early, with the rung it reached.
      store.markRunning(runIds[0]!);
      store.recordEpoch(runIds[0]!, epoch(1));
      store.finishRun(runIds[0]!, {
        status: 'completed',
        epochs: 1,
        bestEpoch: null,
        best: null,
        final: epoch(1),
        durationMs: 5,
        samplesPerSecond: 100,
        stoppedEarly: true,
      });
      store.recordStoppedRung(runIds[0]!, 0);
      expect(store.sweepTrials(sweepId)[0]).toMatchObject({ stoppedEarly: true, stoppedRung: 0, epochsDone: 1 });

      // A never-started run cancelled by Ctrl-C waits again; a finished one is not touched.
      store.cancelQueued([runIds[1]!]);
      expect(store.requeueRun(runIds[1]!)).toBe(true);
      expect(store.getRun(runIds[1]!).status).toBe('queued');
      expect(store.requeueRun(runIds[0]!)).toBe(false);
      expect(store.getRun(runIds[0]!).status).toBe('completed');
    } finally {
      store.close();
    }
  });

  it('reads a search kept only in the grid JSON (as the app writes it) into the columns', () => {
    const store = new RunStore(tmp.file('g.db'));
    try {
      const search = { method: 'random', trials: 1, seed: 3, dist: 'uniform:0.1:0.5' };
      const grid = [{ key: 'optimizer.lr', values: [0.2], search }];
      const { sweepId } = store.createSweep({ baseConfig: config(), grid, parallel: 1, configs: [config()] });
      expect(store.getSweep(sweepId)).toMatchObject({
        method: 'random',
        space: [{ key: 'optimizer.lr', dist: 'uniform:0.1:0.5' }],
        sweepSeed: 3,
        trials: 1,
        grid,
      });
    } finally {
      store.close();
    }
  });
});

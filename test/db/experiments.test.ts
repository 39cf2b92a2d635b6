// Experiments (migration 004): a database written before them keeps every run, in "Default"; create, rename and move
// runs on real SQLite files.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { RunStore, StoreError } from '../../db/index.ts';
import { hyperColumns } from '../../db/columns.ts';
import { migrate } from '../../db/open.ts';
import { MIGRATIONS } from '../../db/migrations/index.ts';
import { config, epoch, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

/** A version-3 file as the code before migration 004 wrote it: its migrations only, runs inserted with its columns. */
function versionThreeStore(path: string, runs: number): string[] {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(
    db,
    MIGRATIONS.filter((m) => m.version <= 3),
  );
  const insert =
    db.prepare(`INSERT INTO runs (id, name, config, dataset, layers, activation, optimizer, lr, batch_size, epochs, seed,
      backend, status, created_at, app_version, epochs_done)
    VALUES (@id, @name, @config, @dataset, @layers, @activation, @optimizer, @lr, @batch_size, @epochs, @seed, @backend, 'completed', @now, '0.1.0', 2)`);
  const insertEpoch =
    db.prepare(`INSERT INTO epochs (run_id, epoch, train_loss, val_loss, train_acc, val_acc, lr, duration_ms, samples_per_sec)
    VALUES (@id, @epoch, @trainLoss, @valLoss, @trainAcc, @valAcc, @lr, @durationMs, @samplesPerSec)`);
  const ids = Array.from({ length: runs }, (_, i) => `v3rn${String(i).padStart(4, '0')}`); // 8 characters, valid run ids
  db.transaction(() => {
    ids.forEach((id, i) => {
      const c = config({ seed: i + 1 });
      insert.run({ id, ...hyperColumns(c), config: JSON.stringify(c), now: 1_700_000_000_000 + i });
      for (const n of [1, 2]) insertEpoch.run({ id, ...epoch(n) });
    });
    db.prepare("INSERT INTO tags (run_id, tag) VALUES (?, 'baseline')").run(ids[0]);
  })();
  expect(db.pragma('user_version', { simple: true })).toBe(3);
  db.close();
  return ids;
}

describe('migration 004 (experiments)', () => {
  it('keeps every run of a version-3 database, each in "Default", with its epochs and tags', () => {
    const path = tmp.file('v3.db');
    const ids = versionThreeStore(path, 25);
    const store = new RunStore(path);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(5);
      const runs = store.listRuns();
      expect(runs.map((r) => r.id).sort()).toEqual(ids);
      expect(new Set(runs.map((r) => r.experiment))).toEqual(new Set(['Default']));
      expect(store.getEpochs(ids[3]!).map((e) => e.epoch)).toEqual([1, 2]);
      expect(store.getRun(ids[0]!).tags).toEqual(['baseline']);
      expect(store.listExperiments()).toEqual([
        { id: 1, name: 'Default', createdAt: expect.any(Number), runCount: 25 },
      ]);
      expect(store.listRuns({ experiment: 'default' })).toHaveLength(25);
    } finally {
      store.close();
    }
  });
});

describe('RunStore experiments', () => {
  it('puts a run in Default unless one is named, and creates a named one once', () => {
    const store = new RunStore(tmp.file('s.db'));
    try {
      const a = store.createRun(config());
      const b = store.createRun(config(), { experiment: 'widths' });
      const c = store.createRun(config(), { experiment: '  WIDTHS ' });
      expect(store.getRun(a).experiment).toBe('Default');
      expect([store.getRun(b).experiment, store.getRun(c).experiment]).toEqual(['widths', 'widths']);
      expect(store.listExperiments().map((e) => [e.name, e.runCount])).toEqual([
        ['Default', 1],
        ['widths', 2],
      ]);
      expect(
        store
          .listRuns({ experiment: 'Widths' })
          .map((r) => r.id)
          .sort(),
      ).toEqual([b, c].sort());
    } finally {
      store.close();
    }
  });

  it('a rerun joins its original experiment; a sweep puts every run in its experiment', () => {
    const store = new RunStore(tmp.file('s.db'));
    try {
      const original = store.createRun(config(), { experiment: 'depth' });
      const again = store.createRun(config(), { rerunOf: original });
      expect(store.getRun(again).experiment).toBe('depth');
      const { runIds } = store.createSweep({
        baseConfig: config(),
        grid: [{ key: 'seed', values: [1, 2, 3] }],
        parallel: 1,
        configs: [1, 2, 3].map((seed) => config({ seed })),
        experiment: 'seeds',
      });
      expect(runIds.map((id) => store.getRun(id).experiment)).toEqual(['seeds', 'seeds', 'seeds']);
    } finally {
      store.close();
    }
  });

  it('creates, renames and moves runs, with errors that name the experiment', () => {
    const store = new RunStore(tmp.file('s.db'));
    try {
      const runs = [store.createRun(config()), store.createRun(config()), store.createRun(config())];
      expect(store.createExperiment(' activations ')).toMatchObject({ name: 'activations', runCount: 0 });
      expect(() => store.createExperiment('Activations')).toThrow(/experiment "activations" already exists/);
      expect(() => store.createExperiment('  ')).toThrow(/experiment name "  ": expected 1 to 100 visible characters/);
      expect(store.moveRuns([runs[0]!.slice(0, 6), runs[1]!], 'activations')).toEqual([runs[0], runs[1]]);
      expect(store.listExperiments().map((e) => [e.name, e.runCount])).toEqual([
        ['Default', 1],
        ['activations', 2],
      ]);
      expect(store.renameExperiment('activations', 'sigmoid vs relu')).toMatchObject({
        id: 2,
        name: 'sigmoid vs relu',
        runCount: 2,
      });
      expect(store.getRun(runs[0]!).experiment).toBe('sigmoid vs relu');
      expect(() => store.renameExperiment('Default', 'SIGMOID VS RELU')).toThrow(
        /cannot rename "Default" to "SIGMOID VS RELU": experiment "sigmoid vs relu" already exists/,
      );
      expect(store.renameExperiment('sigmoid vs relu', 'Sigmoid vs ReLU').name).toBe('Sigmoid vs ReLU');
      const unknown = (() => {
        try {
          store.moveRuns([runs[2]!], 'nope');
        } catch (e) {
          return e as StoreError;
        }
      })();
      expect(unknown).toBeInstanceOf(StoreError);
      expect(unknown!.code).toBe('unknown_experiment');
      expect(unknown!.message).toMatch(/no experiment "nope" in .*s\.db \(experiments: Default, Sigmoid vs ReLU\)/);
      expect(() => store.listRuns({ experiment: 'nope' })).toThrow(/no experiment "nope"/);
      // all or none: an unknown run leaves the others where they were
      expect(() => store.moveRuns([runs[2]!, 'zzzzzzzz'], 'Sigmoid vs ReLU')).toThrow(/no run "zzzzzzzz"/);
      expect(store.getRun(runs[2]!).experiment).toBe('Default');
    } finally {
      store.close();
    }
  });
});

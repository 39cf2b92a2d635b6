// `mlpw merge OTHER.db`: bring the runs of another store into this one, for machines that share no queue. The other
// file is only read: it passes the same checks as any store we open (ours, healthy, not newer), then a consistent
// snapshot of it (VACUUM INTO, which a read-only connection may run) is migrated in a temporary file and attached,
// so a store from an older version merges too and a store being written meanwhile is never half-read.
// Everything lands in one transaction: a failure leaves this store as it was.
import { mkdtempSync, rmSync, existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './errors.ts';
import { openDatabase, type Db } from './open.ts';

export interface MergeConflict {
  id: string;
  /** what differs: the config, the creation time, or both */
  reason: string;
}

export interface MergeReport {
  /** runs copied, oldest first */
  merged: string[];
  /** ids already here with the same config and creation time: the same run, skipped */
  same: string[];
  /** ids already here that name a different run: kept this store's, skipped the other's */
  conflicts: MergeConflict[];
  /** runs still queued or running in the other store: skipped (merge again once they have ended) */
  active: string[];
  epochs: number;
  checkpoints: number;
  artifacts: number;
  /** imported datasets copied; `name` differs from `originalName` where this store already used the name */
  datasets: { name: string; originalName: string; hash: string }[];
  /** experiments created here for merged runs (the others matched by name, ignoring case) */
  experiments: string[];
  sweeps: number;
  dryRun: boolean;
}

interface OtherRun {
  id: string;
  config: string;
  created_at: number;
  status: string;
  sweep_id: string | null;
  experiment: string | null;
}

/** Columns both schemas have (after migration they are the same; the intersection keeps this true for any order). */
function columns(db: Db, table: string, exclude: readonly string[] = []): string {
  const names = (schema: string) =>
    (db.prepare(`PRAGMA ${schema}.table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
  const theirs = new Set(names('other'));
  return names('main')
    .filter((c) => theirs.has(c) && !exclude.includes(c))
    .map((c) => `"${c}"`)
    .join(', ');
}

/** A consistent, migrated copy of the other store in a temporary folder; the original file is never written. */
function snapshotOther(otherPath: string, folder: string): string {
  // Ours, healthy and not newer: the same checks as every open. Older is fine: the copy is migrated below.
  try {
    openDatabase(otherPath, { readonly: true }).close();
  } catch (e) {
    if (!(e instanceof StoreError && e.code === 'older_schema')) throw e;
  }
  const copy = join(folder, 'other.db');
  const source = new Database(otherPath, { readonly: true, fileMustExist: true });
  try {
    source.prepare('VACUUM INTO ?').run(copy);
  } finally {
    source.close();
  }
  openDatabase(copy).close(); // migrate the copy to this version's schema
  return copy;
}

export function mergeStore(target: Db, targetPath: string, otherPath: string, options: { dryRun?: boolean } = {}) {
  const other = resolve(otherPath);
  if (!existsSync(other)) throw new StoreError('cannot_open', `${otherPath}: no such file to merge from`);
  if (targetPath !== ':memory:' && existsSync(targetPath) && realpathSync(other) === realpathSync(targetPath))
    throw new StoreError('invalid_argument', `${otherPath} is this store itself; give another store's file`);
  const folder = mkdtempSync(join(tmpdir(), 'mlpw-merge-'));
  try {
    const copy = snapshotOther(other, folder);
    target.prepare('ATTACH DATABASE ? AS other').run(copy);
    try {
      return mergeAttached(target, options.dryRun ?? false);
    } finally {
      target.prepare('DETACH DATABASE other').run();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

class DryRun extends Error {}

function mergeAttached(db: Db, dryRun: boolean): MergeReport {
  const report: MergeReport = {
    merged: [],
    same: [],
    conflicts: [],
    active: [],
    epochs: 0,
    checkpoints: 0,
    artifacts: 0,
    datasets: [],
    experiments: [],
    sweeps: 0,
    dryRun,
  };
  const run = db.transaction(() => {
    const theirs = db
      .prepare(
        `SELECT r.id, r.config, r.created_at, r.status, r.sweep_id, e.name AS experiment
         FROM other.runs r LEFT JOIN other.experiments e ON e.id = r.experiment_id ORDER BY r.created_at, r.id`,
      )
      .all() as OtherRun[];
    const ours = db.prepare('SELECT config, created_at FROM main.runs WHERE id = ?');
    const toMerge: OtherRun[] = [];
    for (const r of theirs) {
      const here = ours.get(r.id) as { config: string; created_at: number } | undefined;
      if (here) {
        const sameConfig = here.config === r.config;
        const sameTime = here.created_at === r.created_at;
        if (sameConfig && sameTime) report.same.push(r.id);
        else
          report.conflicts.push({
            id: r.id,
            reason: [!sameConfig && 'config', !sameTime && 'creation time'].filter(Boolean).join(' and ') + ' differ',
          });
      } else if (r.status === 'running' || r.status === 'queued') report.active.push(r.id);
      else toMerge.push(r);
    }
    // Imported datasets by content hash; a name this store already uses for other data gets a suffix.
    const datasetCols = columns(db, 'datasets', ['id', 'name']);
    const chunkCols = columns(db, 'dataset_chunks', ['dataset_id']);
    const otherDatasets = db
      .prepare('SELECT id, name, hash FROM other.datasets WHERE complete = 1 ORDER BY id')
      .all() as { id: number; name: string; hash: string }[];
    const hasHash = db.prepare('SELECT 1 FROM main.datasets WHERE complete = 1 AND hash = ?');
    const nameTaken = db.prepare('SELECT 1 FROM main.datasets WHERE complete = 1 AND name = ?');
    const copyDataset = db.prepare(
      `INSERT INTO main.datasets (name, ${datasetCols}) SELECT ?, ${datasetCols} FROM other.datasets WHERE id = ?`,
    );
    const copyChunks = db.prepare(
      `INSERT INTO main.dataset_chunks (dataset_id, ${chunkCols}) SELECT ?, ${chunkCols} FROM other.dataset_chunks WHERE dataset_id = ?`,
    );
    for (const d of otherDatasets) {
      if (hasHash.get(d.hash)) continue;
      let name = d.name;
      for (let n = 2; nameTaken.get(name); n++) name = `${d.name} (merged ${n === 2 ? '' : n})`.replace(' )', ')');
      const id = Number(copyDataset.run(name, d.id).lastInsertRowid);
      copyChunks.run(id, d.id);
      report.datasets.push({ name, originalName: d.name, hash: d.hash });
    }

    if (toMerge.length > 0) {
      // Experiments by name (names ignore case, as in this store); the missing ones are created.
      const experimentIds = new Map<string, number>();
      const findExperiment = db.prepare('SELECT id FROM main.experiments WHERE name = ? COLLATE NOCASE');
      const addExperiment = db.prepare('INSERT INTO main.experiments (name, created_at) VALUES (?, ?)');
      for (const r of toMerge) {
        const name = r.experiment ?? 'Default';
        if (experimentIds.has(name.toLowerCase())) continue;
        const found = findExperiment.get(name) as { id: number } | undefined;
        if (found) experimentIds.set(name.toLowerCase(), found.id);
        else {
          const id = Number(addExperiment.run(name, Date.now()).lastInsertRowid);
          experimentIds.set(name.toLowerCase(), id);
          report.experiments.push(name);
        }
      }

      // Sweeps the merged runs belong to, by id (random ids: one here already is the same sweep).
      const sweepIds = [...new Set(toMerge.map((r) => r.sweep_id).filter((s): s is string => s !== null))];
      const sweepCols = columns(db, 'sweeps');
      const hasSweep = db.prepare('SELECT 1 FROM main.sweeps WHERE id = ?');
      const copySweep = db.prepare(
        `INSERT INTO main.sweeps (${sweepCols}) SELECT ${sweepCols} FROM other.sweeps WHERE id = ?`,
      );
      for (const id of sweepIds) if (!hasSweep.get(id)) report.sweeps += copySweep.run(id).changes;

      // The runs, then everything that hangs off them. Nobody here owns them: the owner columns stay empty.
      db.exec('CREATE TEMP TABLE IF NOT EXISTS merge_ids (id TEXT PRIMARY KEY, experiment_id INTEGER NOT NULL)');
      db.exec('DELETE FROM temp.merge_ids');
      const addId = db.prepare('INSERT INTO temp.merge_ids (id, experiment_id) VALUES (?, ?)');
      for (const r of toMerge) addId.run(r.id, experimentIds.get((r.experiment ?? 'Default').toLowerCase())!);
      const runCols = columns(db, 'runs', ['experiment_id', 'owner_pid', 'owner_host', 'owner_token']);
      db.exec(
        `INSERT INTO main.runs (${runCols}, experiment_id)
       SELECT ${runCols.replace(/"([^"]+)"/g, 'r."$1"')}, m.experiment_id
       FROM other.runs r JOIN temp.merge_ids m ON m.id = r.id`,
      );
      const copyRows = (table: string, exclude: readonly string[] = []): number => {
        const cols = columns(db, table, exclude);
        return db
          .prepare(
            `INSERT INTO main.${table} (${cols}) SELECT ${cols} FROM other.${table} WHERE run_id IN (SELECT id FROM temp.merge_ids)`,
          )
          .run().changes;
      };
      report.epochs = copyRows('epochs');
      report.checkpoints = copyRows('checkpoints');
      copyRows('tags');
      copyRows('layer_stats');
      copyRows('notes', ['id']); // new row ids here; the order of a run's notes is kept by created_at
      report.artifacts = copyRows('artifacts', ['id']);
      report.merged = toMerge.map((r) => r.id);
      db.exec('DELETE FROM temp.merge_ids');
    }
    if (dryRun) throw new DryRun();
  });
  try {
    run.immediate();
  } catch (e) {
    if (!(e instanceof DryRun)) throw e;
  }
  return report;
}

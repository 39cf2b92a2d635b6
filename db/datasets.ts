// Imported datasets as immutable snapshots (schema v2): a row per dataset and its features in deflated chunks, so a
// run refers to exactly the data it trained on however the source file changes later. The content hash (sha256
// over features, labels or targets, then the columns and classes) names the snapshot; a run records it.
// Writing is streamed: each chunk commits on its own (no write lock held across an import's await points) under a
// row marked incomplete, and the last step completes the row in one transaction; a failed import deletes its row.
// A table's fitted preprocessing (engine/data/preprocessing.ts) is kept as data in the source JSON, under
// "preprocessing" (no schema change), and read back as the record's own validated field.
import { createHash, type Hash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { withImportedDataset, type ExperimentConfig } from '../engine/config.ts';
import { findDataset, loadBuiltinDataset } from '../engine/data/builtin.ts';
import { PreprocessingSchema, type Preprocessing } from '../engine/data/preprocessing.ts';
import '../engine/host/node/mnist.ts';
import type { Dataset, Task } from '../engine/types.ts';
import { StoreError, sqliteCode } from './errors.ts';
import type { Db } from './open.ts';
import type { DatasetRecord } from './types.ts';

// The record's shape lives in types.ts (no Node there), so the API's ImportedDataset can be a part of it.
export type { DatasetRecord } from './types.ts';

/** What an importer knows at the end: the targets and the facts that complete the snapshot. */
export interface SnapshotTargets {
  task: Task;
  rows: number;
  outputs: number;
  targetName: string;
  labels?: Uint32Array;
  classLabels?: string[];
  targets?: Float32Array;
  source: object;
  preprocessing?: Preprocessing;
}

/** An import in progress: a RowSink (datasets/sink.ts) plus finish/abort. */
export interface SnapshotWriter {
  start(columns: { features: number; featureNames: string[] }): void;
  append(x: Float32Array, rows: number): void;
  finish(targets: SnapshotTargets): DatasetRecord;
  abort(): void;
}

/** An unfinished import older than this was left by a process that died; it is cleared on the next import. */
const STALE_IMPORT_MS = 6 * 3600_000;
/** deflate level: the fastest; MNIST-like data (mostly zeros) still shrinks several times. */
const LEVEL = 1;

const SELECT = `SELECT d.id, d.name, d.hash, d.task, d.rows, d.features, d.outputs, d.feature_names, d.target_name,
  d.class_labels, d.source, d.created_at,
  (SELECT coalesce(sum(length(x)), 0) FROM dataset_chunks c WHERE c.dataset_id = d.id) AS stored_bytes
  FROM datasets d WHERE d.complete = 1`;

// Prepared once per DatasetStore (one per open RunStore), named parameters throughout.
function datasetStatements(db: Db) {
  const p = (sql: string) => db.prepare(sql);
  return {
    list: p(`${SELECT} ORDER BY d.name`),
    byName: p(`${SELECT} AND d.name = @name`),
    byHash: p(`${SELECT} AND d.hash = @hash ORDER BY d.created_at LIMIT 1`),
    chunks: p('SELECT rows, x FROM dataset_chunks WHERE dataset_id = @id ORDER BY seq'),
    blobs: p('SELECT labels, targets FROM datasets WHERE id = @id'),
    featureNames: p('SELECT feature_names FROM datasets WHERE id = @id'),
    clearStale: p('DELETE FROM datasets WHERE complete = 0 AND created_at < @before'),
    begin: p(`INSERT INTO datasets (name, complete, features, feature_names, source, created_at)
      VALUES (@name, 0, @features, @featureNames, '{}', @now)`),
    insertChunk: p('INSERT INTO dataset_chunks (dataset_id, seq, rows, x) VALUES (@id, @seq, @rows, @x)'),
    complete: p(`UPDATE datasets SET complete = 1, hash = @hash, task = @task, rows = @rows, outputs = @outputs,
        target_name = @targetName, class_labels = @classLabels, source = @source, labels = @labels, targets = @targets
      WHERE id = @id`),
    remove: p('DELETE FROM datasets WHERE id = @id'),
    recordRunDataset: p('UPDATE runs SET dataset_hash = @hash WHERE id = @runId'),
    runDatasetHash: p('SELECT dataset_hash FROM runs WHERE id = @runId'),
    runsUsing: p('SELECT id FROM runs WHERE dataset_hash = @hash ORDER BY created_at LIMIT @limit'),
    countRunsUsing: p('SELECT count(*) AS n FROM runs WHERE dataset_hash = @hash'),
  };
}

interface DatasetRow {
  id: number;
  name: string;
  hash: string;
  task: Task;
  rows: number;
  features: number;
  outputs: number;
  feature_names: string;
  target_name: string | null;
  class_labels: string | null;
  source: string;
  created_at: number;
  stored_bytes: number;
}

function toRecord(r: DatasetRow): DatasetRecord {
  const { preprocessing, ...source } = JSON.parse(r.source) as Record<string, unknown>;
  return {
    id: r.id,
    name: r.name,
    hash: r.hash,
    task: r.task,
    rows: r.rows,
    features: r.features,
    outputs: r.outputs,
    featureNames: JSON.parse(r.feature_names) as string[],
    targetName: r.target_name,
    classLabels: r.class_labels === null ? null : (JSON.parse(r.class_labels) as string[]),
    source,
    preprocessing: preprocessing === undefined ? null : PreprocessingSchema.parse(preprocessing),
    createdAt: r.created_at,
    storedBytes: r.stored_bytes,
  };
}

const bytesOf = (a: Float32Array | Uint32Array, length = a.length) =>
  new Uint8Array(a.buffer, a.byteOffset, length * 4);

/** Copies inflated bytes into a fresh typed array: SQLite's buffers need not be 4-byte aligned. */
function inflateTo<T extends Float32Array | Uint32Array>(blob: Uint8Array, make: (n: number) => T): T {
  const raw = inflateSync(blob);
  const out = make(raw.byteLength / 4);
  new Uint8Array(out.buffer).set(raw);
  return out;
}

export function validateDatasetName(name: string): string {
  const t = name.trim();
  if (t === '' || t.length > 100 || /[\x00-\x1f]/.test(t))
    throw new StoreError('invalid_argument', `dataset name ${JSON.stringify(name)}: use 1 to 100 visible characters`);
  return t;
}

export class DatasetStore {
  private readonly st: ReturnType<typeof datasetStatements>;

  constructor(
    private readonly db: Db,
    private readonly path = 'the store',
  ) {
    this.st = datasetStatements(db);
  }

  list(): DatasetRecord[] {
    return (this.st.list.all() as DatasetRow[]).map(toRecord);
  }

  find(name: string): DatasetRecord | undefined {
    const row = this.st.byName.get({ name }) as DatasetRow | undefined;
    return row && toRecord(row);
  }

  findByHash(hash: string): DatasetRecord | undefined {
    const row = this.st.byHash.get({ hash }) as DatasetRow | undefined;
    return row && toRecord(row);
  }

  /** The snapshot as an engine Dataset (named by the record); throws StoreError when there is none. */
  load(ref: { name: string } | { hash: string }): Dataset {
    const rec = 'name' in ref ? this.find(ref.name) : this.findByHash(ref.hash);
    if (!rec)
      throw new StoreError(
        'invalid_argument',
        'name' in ref
          ? `no imported dataset "${ref.name}" in ${this.path}`
          : `no imported dataset with content hash ${ref.hash.slice(0, 12)}… in ${this.path}`,
      );
    const x = new Float32Array(rec.rows * rec.features);
    let at = 0;
    for (const chunk of this.st.chunks.iterate({ id: rec.id }) as Iterable<{ rows: number; x: Buffer }>) {
      const raw = inflateSync(chunk.x);
      new Uint8Array(x.buffer, at * 4, raw.byteLength).set(raw);
      at += chunk.rows * rec.features;
    }
    if (at !== x.length)
      throw new StoreError(
        'damaged',
        `dataset "${rec.name}" in ${this.path}: ${at / rec.features} rows stored, ${rec.rows} expected`,
      );
    const blobs = this.st.blobs.get({ id: rec.id }) as { labels: Buffer | null; targets: Buffer | null };
    const d: Dataset = {
      name: rec.name,
      task: rec.task,
      n: rec.rows,
      features: rec.features,
      outputs: rec.outputs,
      x,
      featureNames: rec.featureNames,
    };
    if (blobs.labels) d.labels = inflateTo(blobs.labels, (n) => new Uint32Array(n));
    if (blobs.targets) d.targets = inflateTo(blobs.targets, (n) => new Float32Array(n));
    if (rec.classLabels) d.classLabels = rec.classLabels;
    return d;
  }

  /** The imported snapshot a run naming `name` trains on, with its hash; null when no import has that name. */
  snapshotFor(name: string): { dataset: Dataset; hash: string } | null {
    const rec = this.find(name);
    return rec ? { dataset: this.load({ name }), hash: rec.hash } : null;
  }

  /** The config a run records: a dataset imported into this store is named by its name, hash and rows, and carries
   *  no generator settings; a built-in name always wins, as in the engine. */
  runConfig(config: ExperimentConfig): ExperimentConfig {
    if (config.dataset.source !== 'imported' && findDataset(config.dataset.name)) return config;
    const rec = this.find(config.dataset.name);
    return rec ? withImportedDataset(config, rec) : config;
  }

  /** The data a run trained on: the imported snapshot by the hash it recorded, else the built-in generator. */
  forRun(run: { id: string; config: ExperimentConfig }): Dataset {
    const hash = this.runDatasetHash(run.id);
    return hash === null ? loadBuiltinDataset(run.config.dataset) : this.load({ hash });
  }

  /** Starts an import under `name`; refuses a name an existing snapshot has. */
  writer(name: string): SnapshotWriter {
    const dsName = validateDatasetName(name);
    const { db, st } = this;
    const taken = this.find(dsName);
    if (taken)
      throw new StoreError(
        'invalid_argument',
        `a dataset "${dsName}" already exists (imported ${new Date(taken.createdAt).toISOString().slice(0, 10)}, ${taken.rows} rows, hash ${taken.hash.slice(0, 12)}); snapshots are immutable, so choose another --name`,
      );
    st.clearStale.run({ before: Date.now() - STALE_IMPORT_MS });
    const hash: Hash = createHash('sha256');
    let id: number | undefined;
    let features = 0;
    let seq = 0;
    let rows = 0;
    const remove = () => {
      if (id !== undefined && db.open) st.remove.run({ id });
      id = undefined;
    };
    return {
      start(columns) {
        features = columns.features;
        const info = st.begin.run({
          name: dsName,
          features,
          featureNames: JSON.stringify(columns.featureNames),
          now: Date.now(),
        });
        id = Number(info.lastInsertRowid);
      },
      append(x, n) {
        if (id === undefined) throw new Error('SnapshotWriter.append before start');
        const bytes = bytesOf(x, n * features);
        hash.update(bytes);
        st.insertChunk.run({ id, seq: seq++, rows: n, x: deflateSync(bytes, { level: LEVEL }) });
        rows += n;
      },
      finish: (t) => {
        if (id === undefined) throw new Error('SnapshotWriter.finish before start');
        if (t.rows !== rows) throw new Error(`SnapshotWriter.finish: ${rows} rows written, ${t.rows} announced`);
        if (t.labels) hash.update(bytesOf(t.labels));
        if (t.targets) hash.update(bytesOf(t.targets));
        const meta = {
          task: t.task,
          rows,
          features,
          outputs: t.outputs,
          targetName: t.targetName,
          classLabels: t.classLabels ?? null,
        };
        hash.update(JSON.stringify(meta));
        // Raw rows map to these features only through the preprocessing, so it is part of the content.
        if (t.preprocessing) hash.update(JSON.stringify(t.preprocessing));
        const row = st.featureNames.get({ id }) as { feature_names: string };
        hash.update(row.feature_names);
        const digest = hash.digest('hex');
        try {
          st.complete.run({
            id,
            hash: digest,
            task: t.task,
            rows,
            outputs: t.outputs,
            targetName: t.targetName,
            classLabels: t.classLabels ? JSON.stringify(t.classLabels) : null,
            source: JSON.stringify(t.preprocessing ? { ...t.source, preprocessing: t.preprocessing } : t.source),
            labels: t.labels ? deflateSync(bytesOf(t.labels), { level: LEVEL }) : null,
            targets: t.targets ? deflateSync(bytesOf(t.targets), { level: LEVEL }) : null,
          });
        } catch (e) {
          remove();
          if (sqliteCode(e) === 'SQLITE_CONSTRAINT_UNIQUE')
            throw new StoreError(
              'invalid_argument',
              `a dataset "${dsName}" was imported meanwhile by another process; choose another --name`,
            );
          throw e;
        }
        const done = this.find(dsName)!;
        id = undefined;
        return done;
      },
      abort: remove,
    };
  }

  /** The runs that trained on the snapshot `hash` (the first `limit`, oldest first) and how many there are. */
  runsUsing(hash: string, limit = 10): { ids: string[]; total: number } {
    const ids = (this.st.runsUsing.all({ hash, limit }) as { id: string }[]).map((r) => r.id);
    return { ids, total: (this.st.countRunsUsing.get({ hash }) as { n: number }).n };
  }

  /** Deletes the snapshot `name` (its chunks go with it) unless a run trained on it; returns the record removed. */
  remove(name: string): DatasetRecord {
    const rec = this.find(name);
    if (!rec) throw new StoreError('invalid_argument', `no imported dataset "${name}" in ${this.path}`);
    return this.db.transaction(() => {
      const { ids, total } = this.runsUsing(rec.hash);
      if (total > 0)
        throw new StoreError(
          'invalid_argument',
          `dataset "${rec.name}" is kept: ${total} run${total > 1 ? 's' : ''} trained on it (${ids.join(', ')}${total > ids.length ? ', …' : ''}); remove ${total > 1 ? 'them' : 'it'} first (mlpw rm RUN)`,
        );
      this.st.remove.run({ id: rec.id });
      return rec;
    })();
  }

  /** Records on a run which imported snapshot it trains on. */
  recordRunDataset(runId: string, hash: string): void {
    this.st.recordRunDataset.run({ hash, runId });
  }

  /** The content hash of the imported snapshot a run trained on, or null (built-in dataset). */
  runDatasetHash(runId: string): string | null {
    const row = this.st.runDatasetHash.get({ runId }) as { dataset_hash: string | null } | undefined;
    return row?.dataset_hash ?? null;
  }
}

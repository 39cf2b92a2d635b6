// RunStore: every run kept in one SQLite file. Synchronous by design (better-sqlite3): statements are prepared once,
// multi-row writes run in one transaction, and nothing awaits inside one. Callers own the async parts (training).
import type { ExperimentConfig } from '../engine/config.ts';
import type { GridAxis } from '../engine/experiment/grid-axis.ts';
import type {
  BackendInfo,
  CheckpointKind,
  DataInfo,
  EpochMetrics,
  LayerEpochStats,
  ModelSnapshot,
  RunStatus,
  RunSummary,
} from '../engine/types.ts';
import {
  TEST_METRICS_ARTIFACT,
  hyperColumns,
  recordOf,
  storedConfig,
  toRunRecord,
  type ListedRunRow,
  type RunRow,
} from './columns.ts';
import { DatasetStore } from './datasets.ts';
import { listRunsQuery } from './run-query.ts';
import { StoreError, sqliteCode } from './errors.ts';
import { isIdPrefix, newId } from './ids.ts';
import { currentOwner, ownerAlive, type OwnerRecord } from './liveness.ts';
import { openDatabase, type Db, type OpenOptions } from './open.ts';
import { decodeSnapshot, encodeSnapshot, type SnapshotModel } from './snapshot-codec.ts';
import { createStatements, type Statements } from './statements.ts';
import type {
  Artifact,
  CheckpointInfo,
  ExperimentRecord,
  Note,
  RunDetail,
  RunFilter,
  RunRecord,
  SweepMethod,
  SweepRecord,
  SweepSearch,
  SweepTrialRun,
} from './types.ts';
import type { PrunerSpec } from '../engine/experiment/asha.ts';

export interface StoreOptions extends OpenOptions {
  /** recorded with every run created through this store */
  appVersion?: string;
}

export interface CreateRunOptions {
  /** 'running' for a run that starts now (owned by this process); 'queued' for one waiting in a sweep. */
  status?: 'queued' | 'running';
  sweepId?: string;
  rerunOf?: string;
  /** the experiment's name, created if new; default: the original's for a rerun, else Default */
  experiment?: string;
  /** the run's 0-based trial number in its sweep (a search adds trials as it goes; a resumed trial keeps its number) */
  sweepTrial?: number;
}

/** Experiment 1 (migration 004): where a run goes when nobody names an experiment. */
export const DEFAULT_EXPERIMENT_ID = 1;
const EXPERIMENT_NAME_MAX = 100;
const RUN_NAME_MAX = 200;

type ExperimentRow = { id: number; name: string; created_at: number; runs: number };
const toExperiment = (r: ExperimentRow): ExperimentRecord => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  runCount: r.runs,
});

/** A name as the store keeps it: trimmed, 1–100 characters, no control characters. */
export function experimentName(name: string): string {
  const text = name.trim();
  if (text === '' || text.length > EXPERIMENT_NAME_MAX || /[\x00-\x1f\x7f]/.test(text))
    throw new StoreError(
      'invalid_argument',
      `experiment name ${JSON.stringify(name)}: expected 1 to ${EXPERIMENT_NAME_MAX} visible characters`,
    );
  return text;
}

const ACTIVE: readonly RunStatus[] = ['queued', 'running'];

/** One epoch's per-layer statistics (weight histograms, gradient norms), as recordEpoch saved them. */
export interface EpochLayerStats {
  epoch: number;
  layers: LayerEpochStats[];
}

export interface SweepSummary {
  id: string;
  createdAt: number;
  /** the config keys the sweep's grid varies, in grid order */
  keys: string[];
  size: number;
}

/** A sweep as `mlpw sweeps` lists it: the summary and how it searched (migration 005). */
export interface SweepListing extends SweepSummary {
  /** grid for --grid sweeps and for every sweep written before search */
  method: SweepMethod;
  /** random and bayes: each key's DIST text */
  space: { key: string; dist: string }[] | null;
  trials: number | null;
  pruner: PrunerSpec | null;
  /** runs recorded in it so far (a rerun trial counts twice) */
  runs: number;
}

type SweepRow = {
  id: string;
  created_at: number;
  base_config: string;
  grid: string;
  parallel: number;
  size: number;
  method: SweepMethod;
  space: string | null;
  sweep_seed: number | null;
  trials: number | null;
  time_budget_ms: number | null;
  pruner: string | null;
};

/** A search kept only in the grid JSON, each axis's `search: {method, dist, trials, seed}` (the app's sweeps, and all
 *  before migration 005), as the columns hold it. */
function searchInGrid(grid: readonly GridAxis[]): Partial<SweepSearch> {
  type Stored = { method?: unknown; dist?: unknown; trials?: unknown; seed?: unknown };
  const specs = grid.map((a) => (a as { search?: Stored }).search);
  const first = specs[0];
  if (!first || (first.method !== 'random' && first.method !== 'bayes')) return {};
  return {
    method: first.method,
    space: grid.map((a, i) => ({ key: a.key, dist: String(specs[i]?.dist ?? '') })),
    sweepSeed: typeof first.seed === 'number' ? first.seed : null,
    trials: typeof first.trials === 'number' ? first.trials : null,
  };
}

const NO_SEARCH: SweepSearch = {
  method: 'grid',
  space: null,
  sweepSeed: null,
  trials: null,
  timeBudgetMs: null,
  pruner: null,
};

/** Rows of several runs' epochs as arrays (run id, then EpochMetrics' fields; ordered by run, then epoch) as each run's
 *  list: objects of one shape made here were ~2× faster than better-sqlite3's for 50,000 rows. */
function byRun(rows: unknown[][]): Map<string, EpochMetrics[]> {
  const out = new Map<string, EpochMetrics[]>();
  for (const [runId, epoch, trainLoss, valLoss, trainAcc, valAcc, lr, durationMs, samplesPerSec] of rows) {
    let list = out.get(runId as string);
    if (!list) out.set(runId as string, (list = []));
    list.push({ epoch, trainLoss, valLoss, trainAcc, valAcc, lr, durationMs, samplesPerSec } as EpochMetrics);
  }
  return out;
}

/** What a run's kept parsed config depends on: its text's length (the text never changes once created, unless
 *  edited outside the app) and the imported set's facts that runConfig puts in. */
function parsedConfigKey(r: ListedRunRow): string {
  return `${r.config_length}\u0000${r.dataset_hash ?? ''}\u0000${r.dataset_rows ?? ''}`;
}

export class RunStore {
  readonly db: Db;
  readonly path: string;
  /** the imported dataset snapshots in the same file */
  readonly datasets: DatasetStore;
  private readonly st: Statements;
  private readonly appVersion: string;
  /** listRuns' statements by SQL text, each in raw mode (arrays) with its column names. */
  private readonly listCache = new Map<string, { stmt: ReturnType<Db['prepare']>; names: string[] }>();
  /** runs marked interrupted when this store opened */
  readonly recovered: string[];

  constructor(path: string, options: StoreOptions = {}) {
    this.path = path;
    this.db = openDatabase(path, options);
    this.st = createStatements(this.db);
    this.datasets = new DatasetStore(this.db, path);
    this.appVersion = options.appVersion ?? '0.0.0';
    // A read-only store (the CLI's read commands) writes nothing, so it leaves a dead owner's runs to the next writer.
    this.recovered = options.readonly ? [] : this.recoverInterrupted();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ── writing a run's life ──────────────────────────────────────────────────────────────────────────────────────

  createRun(config: ExperimentConfig, options: CreateRunOptions = {}): string {
    const status = options.status ?? 'running';
    return this.db.transaction(() => {
      const experimentId = this.experimentFor(options);
      return this.insertWithFreshId((id) =>
        this.insertRun(
          id,
          config,
          status,
          options.sweepId ?? null,
          options.rerunOf ?? null,
          experimentId,
          options.sweepTrial ?? null,
        ),
      );
    })();
  }

  /** A queued run starts: this process owns it from now on. */
  markRunning(id: string): void {
    const owner = currentOwner();
    const now = Date.now();
    this.expectChange(this.st.markRunning.run({ id, now, pid: owner.pid, host: owner.host, token: owner.token }), id);
  }

  /** What actually ran: the backend the engine chose and the data it prepared. */
  recordStarted(id: string, backend: BackendInfo, data: DataInfo): void {
    this.expectChange(
      this.st.recordStarted.run({
        id,
        backendUsed: backend.backend,
        kernels: backend.kernels,
        backendInfo: JSON.stringify(backend),
        dataInfo: JSON.stringify(data),
        now: Date.now(),
      }),
      id,
    );
  }

  /** One epoch and the run's running summary, committed together: a killed process loses only the epoch in flight. */
  recordEpoch(id: string, m: EpochMetrics): void {
    this.db
      .transaction(() => {
        this.expectWritable(id, `record epoch ${m.epoch}`);
        if (this.st.hasEpoch.get({ id, epoch: m.epoch }))
          throw new StoreError(
            'duplicate_epoch',
            `run ${id} already has epoch ${m.epoch} in ${this.path}; each epoch is recorded once`,
          );
        this.st.insertEpoch.run({ id, ...m });
        this.expectChange(
          this.st.afterEpoch.run({
            id,
            epoch: m.epoch,
            trainLoss: m.trainLoss,
            valLoss: m.valLoss,
            valAcc: m.valAcc,
            durationMs: m.durationMs,
            now: Date.now(),
          }),
          id,
        );
        if (m.layers) this.st.saveLayerStats.run({ id, epoch: m.epoch, layers: JSON.stringify(m.layers) });
      })
      .immediate();
  }

  /** Keeps the newest checkpoint of each kind. A 'best' one comes on every improvement and makes its epoch the run's best. */
  saveCheckpoint(id: string, kind: CheckpointKind, epoch: number, snapshot: ModelSnapshot): void {
    this.expectWritable(id, `save a ${kind} checkpoint`);
    const { model, weights } = encodeSnapshot(snapshot);
    this.db.transaction(() => {
      this.st.upsertCheckpoint.run({ id, kind, epoch, model: JSON.stringify(model), weights, now: Date.now() });
      if (kind === 'best') this.st.bestCheckpoint.run({ id, epoch });
    })();
  }

  finishRun(id: string, summary: RunSummary): void {
    this.expectWritable(id, 'finish it again');
    this.db.transaction(() => this.finishRow(id, summary))();
  }

  /** The finish itself, and the test-set score as its artifact (TEST_METRICS_ARTIFACT) when the run has one. */
  private finishRow(id: string, summary: RunSummary): void {
    if (summary.test)
      this.st.addArtifact.run({
        id,
        kind: TEST_METRICS_ARTIFACT,
        path: '',
        details: JSON.stringify(summary.test),
        now: Date.now(),
      });
    this.expectChange(
      this.st.finish.run({
        id,
        status: summary.status,
        now: Date.now(),
        error: summary.error ?? null,
        durationMs: summary.durationMs,
        samplesPerSec: summary.samplesPerSecond,
        stoppedEarly: summary.stoppedEarly ? 1 : 0,
        bestEpoch: summary.best ? summary.best.epoch : null,
        bestValLoss: summary.best?.valLoss ?? null,
      }),
      id,
    );
  }

  failRun(id: string, error: string): void {
    this.expectWritable(id, 'mark it failed');
    this.expectChange(this.st.fail.run({ id, status: 'failed', error, now: Date.now() }), id);
  }

  /** Queued runs that will not start (a sweep cancelled with Ctrl-C). */
  cancelQueued(ids: readonly string[]): void {
    this.db.transaction(() => {
      for (const id of ids) this.st.cancelQueued.run({ id, now: Date.now() });
    })();
  }

  /** Tells other processes that this one still trains the runs it owns; call every few seconds. */
  heartbeat(): number {
    return this.st.heartbeat.run({ token: currentOwner().token, now: Date.now() }).changes;
  }

  // ── reading runs ──────────────────────────────────────────────────────────────────────────────────────────────

  /** The full id of a run from its id or a unique prefix of it. */
  resolveRunId(ref: string): string {
    const text = ref.trim().toLowerCase();
    if (!isIdPrefix(text)) throw new StoreError('unknown_run', `no run "${ref}" in ${this.path}`);
    const ids = (this.st.idsWithPrefix.all({ lo: text, hi: text + '{' }) as { id: string }[]).map((r) => r.id);
    if (ids.includes(text)) return text;
    if (ids.length === 0) throw new StoreError('unknown_run', `no run "${ref}" in ${this.path}`);
    if (ids.length > 1)
      throw new StoreError(
        'ambiguous_run',
        `run id "${ref}" matches ${ids.length > 5 ? 'more than 5' : ids.length} runs (${ids.slice(0, 5).join(', ')}); give more characters`,
      );
    return ids[0]!;
  }

  getRun(ref: string): RunRecord {
    const id = this.resolveRunId(ref);
    return toRunRecord(this.st.getRun.get({ id }) as RunRow);
  }

  getRunDetail(ref: string): RunDetail {
    const run = this.getRun(ref);
    const notes = (this.st.notes.all({ id: run.id }) as { id: number; created_at: number; text: string }[]).map(
      (n) => ({ id: n.id, createdAt: n.created_at, text: n.text }),
    );
    const checkpoints = (
      this.st.checkpointInfo.all({ id: run.id }) as {
        kind: CheckpointKind;
        epoch: number;
        bytes: number;
        created_at: number;
      }[]
    ).map((c): CheckpointInfo => ({ kind: c.kind, epoch: c.epoch, bytes: c.bytes, createdAt: c.created_at }));
    return { ...run, notes, artifacts: this.listArtifacts(run.id), checkpoints };
  }

  getEpochs(ref: string): EpochMetrics[] {
    const id = this.resolveRunId(ref);
    return this.st.epochs.all({ id }) as EpochMetrics[];
  }

  /** A run's best epoch (by id, as the RunRecord has it) and its last, oldest first; one when they are the same. */
  getBestAndLastEpochs(id: string, bestEpoch: number | null): EpochMetrics[] {
    return this.st.bestAndLastEpochs.all({ id, best: bestEpoch }) as EpochMetrics[];
  }

  /**
   * The best and last epochs of many runs in one statement (runTable's metric columns over a whole listing), by run id,
   * each oldest first. Two primary-key lookups per run inside SQLite: 5,000 separate statements took ~0.6 s.
   */
  getBestAndLastEpochsOf(runs: readonly { id: string; bestEpoch: number | null }[]): Map<string, EpochMetrics[]> {
    return byRun(
      this.st.bestAndLastEpochsOf.all({ runs: JSON.stringify(runs.map((r) => [r.id, r.bestEpoch])) }) as unknown[][],
    );
  }

  /** Every epoch of many runs in one statement (runTable's atN.M columns), by run id, each oldest first. */
  getEpochsOf(ids: readonly string[]): Map<string, EpochMetrics[]> {
    return byRun(this.st.epochsOf.all({ ids: JSON.stringify(ids) }) as unknown[][]);
  }

  getCheckpoint(ref: string, kind: CheckpointKind): { epoch: number; snapshot: ModelSnapshot } | null {
    const id = this.resolveRunId(ref);
    const row = this.st.checkpoint.get({ id, kind }) as { epoch: number; model: string; weights: Buffer } | undefined;
    if (!row) return null;
    return { epoch: row.epoch, snapshot: decodeSnapshot(JSON.parse(row.model) as SnapshotModel, row.weights) };
  }

  /** The run's checkpoint of `kind`, or a StoreError('no_checkpoint') that says why it has none. */
  requireCheckpoint(run: RunRecord, kind: CheckpointKind): { epoch: number; snapshot: ModelSnapshot } {
    const found = this.getCheckpoint(run.id, kind);
    if (found) return found;
    const hint = kind === 'best' ? '; a run without a validation split has only a final one' : '';
    throw new StoreError(
      'no_checkpoint',
      `run ${run.id} has no ${kind} checkpoint (status ${run.status}, ${run.epochsDone} epochs)${hint}`,
    );
  }

  /**
   * `shared`: the caller reads the configs and never edits them (runTable), so each run's cached config is handed out
   * as is, not copied: the copies cost ~0.25 s per 5,000-run listing, and one object per run across calls lets
   * insight/'s flattened configs stay cached (a fresh copy each call flattened all 5,000 again, ~0.5 s).
   */
  listRuns(filter: RunFilter = {}, { shared = false }: { shared?: boolean } = {}): RunRecord[] {
    const { experiment, ...rest } = filter;
    const sweepId = filter.sweepId === undefined ? undefined : this.resolveSweepId(filter.sweepId);
    const experimentId = experiment === undefined ? undefined : this.getExperiment(experiment).id;
    const { sql, params } = listRunsQuery({ ...rest, sweepId, experimentId });
    let list = this.listCache.get(sql);
    if (!list) {
      const stmt = this.db.prepare(sql).raw(true);
      this.listCache.set(sql, (list = { stmt, names: stmt.columns().map((c) => c.name) }));
    }
    // Rows as arrays, made objects here: better-sqlite3's own objects of 37 columns took twice as long at 5,000 runs.
    const { names } = list;
    const rows = (list.stmt.all(params) as unknown[][]).map((values) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
      return row as unknown as ListedRunRow;
    });
    const texts = this.unparsedConfigTexts(rows);
    return rows.map((row) => this.listedRecord(row, shared, texts));
  }

  /** The config texts of the listed runs not parsed yet, in one statement when there are many (a cold listing of
   *  5,000 runs: one query per run was ~40 ms of CPU, one for all ~20); a few are read one by one in listedRecord. */
  private unparsedConfigTexts(rows: readonly ListedRunRow[]): Map<string, string> {
    const ids = rows.filter((r) => this.parsedConfigs.get(r.id)?.key !== parsedConfigKey(r)).map((r) => r.id);
    if (ids.length < 32) return new Map();
    this.configTexts ??= this.db
      .prepare('SELECT id, config FROM runs WHERE id IN (SELECT value FROM json_each(?))')
      .raw(true);
    return new Map(this.configTexts.all(JSON.stringify(ids)) as [string, string][]);
  }
  private configTexts: ReturnType<Db['prepare']> | undefined;

  /**
   * Each run's config parsed (zod) once, not on every listing: runTable lists every run for each call, and parsing
   * 5,000 configs took ~5.9 s of a 6 s listing on 2 busy cores. The listing reads only the text's length (a run's
   * config never changes once created; reading 5,000 texts was ~110 ms): a run not seen yet, a text of another length
   * (edited outside the app) or changed imported-set facts reads its text and parses again. Unless `shared`, a copy is
   * handed out, so no caller's edit reaches the next listing.
   */
  private readonly parsedConfigs = new Map<string, { key: string; config: ExperimentConfig }>();
  private listedRecord(r: ListedRunRow, shared: boolean, texts: ReadonlyMap<string, string>): RunRecord {
    const key = parsedConfigKey(r);
    const hit = this.parsedConfigs.get(r.id);
    if (hit?.key === key) return recordOf(r, shared ? hit.config : structuredClone(hit.config));
    const config = texts.get(r.id) ?? (this.st.configText.get({ id: r.id }) as { config: string }).config;
    const record = toRunRecord({ ...r, config });
    this.parsedConfigs.set(r.id, { key, config: shared ? record.config : structuredClone(record.config) });
    return record;
  }

  countRuns(): number {
    return (this.st.countRuns.get() as { n: number }).n;
  }

  // ── names, tags, notes, artifacts ─────────────────────────────────────────────────────────────────────────────

  /** Names a run (trimmed; empty clears it). Allowed on finished runs: like tags and notes, a name is not a result. */
  renameRun(ref: string, name: string): RunRecord {
    const id = this.resolveRunId(ref);
    const trimmed = name.trim();
    if (trimmed.length > RUN_NAME_MAX)
      throw new StoreError(
        'invalid_argument',
        `run name: ${trimmed.length} characters, at most ${RUN_NAME_MAX} (it begins ${JSON.stringify(trimmed.slice(0, 20))})`,
      );
    this.expectChange(this.st.renameRun.run({ id, name: trimmed === '' ? null : trimmed }), id);
    return this.getRun(id);
  }

  addTags(ref: string, tags: readonly string[]): string[] {
    const id = this.resolveRunId(ref);
    for (const t of tags)
      if (t.trim() === '' || t.includes('\x1f'))
        throw new StoreError('invalid_argument', `tag ${JSON.stringify(t)}: a tag needs visible text`);
    this.db.transaction(() => {
      for (const tag of tags) this.st.addTag.run({ id, tag: tag.trim() });
    })();
    return this.getRun(id).tags;
  }

  removeTags(ref: string, tags: readonly string[]): string[] {
    const id = this.resolveRunId(ref);
    this.db.transaction(() => {
      for (const tag of tags) this.st.removeTag.run({ id, tag: tag.trim() });
    })();
    return this.getRun(id).tags;
  }

  addNote(ref: string, text: string): Note {
    const id = this.resolveRunId(ref);
    if (text.trim() === '') throw new StoreError('invalid_argument', 'a note needs text');
    const now = Date.now();
    const info = this.st.addNote.run({ id, text, now });
    return { id: Number(info.lastInsertRowid), createdAt: now, text };
  }

  /** An exported file of a run (e.g. ONNX), with what its exporter wants to keep (e.g. the verification result). */
  addArtifact(ref: string, artifact: { kind: string; path: string; details?: unknown }): Artifact {
    const id = this.resolveRunId(ref);
    const now = Date.now();
    const details = artifact.details === undefined ? null : JSON.stringify(artifact.details);
    const info = this.st.addArtifact.run({ id, kind: artifact.kind, path: artifact.path, details, now });
    return {
      id: Number(info.lastInsertRowid),
      kind: artifact.kind,
      path: artifact.path,
      details: artifact.details ?? null,
      createdAt: now,
    };
  }

  listArtifacts(ref: string): Artifact[] {
    const id = this.resolveRunId(ref);
    return (
      this.st.artifacts.all({ id }) as {
        id: number;
        kind: string;
        path: string;
        details: string | null;
        created_at: number;
      }[]
    ).map((a) => ({
      id: a.id,
      kind: a.kind,
      path: a.path,
      details: a.details === null ? null : JSON.parse(a.details),
      createdAt: a.created_at,
    }));
  }

  /** Every recorded epoch's layer stats of a run (id or unique prefix), oldest first; [] for runs recorded without them. */
  getLayerStats(ref: string): EpochLayerStats[] {
    const id = this.resolveRunId(ref);
    const rows = this.st.layerStats.all({ id }) as { epoch: number; layers: string }[];
    return rows.map((r) => ({ epoch: r.epoch, layers: JSON.parse(r.layers) as LayerEpochStats[] }));
  }

  /** Removes runs with their epochs, checkpoints, tags, notes and artifacts; refuses any that is being trained. */
  deleteRuns(refs: readonly string[]): string[] {
    const ids = [...new Set(refs.map((r) => this.resolveRunId(r)))];
    return this.db.transaction(() => {
      for (const id of ids) {
        const row = this.st.owner.get({ id }) as (OwnerRecord & { status: RunStatus }) | undefined;
        if (row && ACTIVE.includes(row.status) && ownerAlive(row, Date.now()))
          throw new StoreError(
            'run_active',
            `run ${id} is ${row.status} (pid ${row.pid} on ${row.host}); cancel it before removing it`,
          );
      }
      for (const id of ids) this.st.deleteRun.run({ id });
      return ids;
    })();
  }

  // ── experiments ───────────────────────────────────────────────────────────────────────────────────────────────

  /** Every experiment, oldest (Default) first, with how many runs it holds. */
  listExperiments(): ExperimentRecord[] {
    return (this.st.listExperiments.all() as ExperimentRow[]).map(toExperiment);
  }

  /** The experiment of that name (any case), or StoreError('unknown_experiment') listing the ones there are. */
  getExperiment(name: string): ExperimentRecord {
    const row = this.st.experimentByName.get({ name: name.trim() }) as ExperimentRow | undefined;
    if (row) return toExperiment(row);
    const names = this.listExperiments().map((e) => e.name);
    throw new StoreError(
      'unknown_experiment',
      `no experiment ${JSON.stringify(name)} in ${this.path} (experiments: ${names.join(', ')})`,
    );
  }

  /** A new, empty experiment; a name already taken (in any case) is an error. */
  createExperiment(name: string): ExperimentRecord {
    const text = experimentName(name);
    return this.db.transaction(() => {
      const taken = this.st.experimentByName.get({ name: text }) as { name: string } | undefined;
      if (taken)
        throw new StoreError(
          'experiment_exists',
          `experiment ${JSON.stringify(taken.name)} already exists in ${this.path}`,
        );
      this.st.insertExperiment.run({ name: text, now: Date.now() });
      return this.getExperiment(text);
    })();
  }

  /** Renames an experiment; its runs stay in it. A change of case alone is allowed. */
  renameExperiment(from: string, to: string): ExperimentRecord {
    const text = experimentName(to);
    return this.db.transaction(() => {
      const source = this.getExperiment(from);
      const taken = this.st.experimentByName.get({ name: text }) as { id: number; name: string } | undefined;
      if (taken && taken.id !== source.id)
        throw new StoreError(
          'experiment_exists',
          `cannot rename ${JSON.stringify(source.name)} to ${JSON.stringify(text)}: experiment ${JSON.stringify(taken.name)} already exists in ${this.path}`,
        );
      this.st.renameExperiment.run({ id: source.id, to: text });
      return this.getExperiment(text);
    })();
  }

  /** Moves runs (ids or unique prefixes) into an existing experiment, all or none; returns their full ids. */
  moveRuns(refs: readonly string[], experiment: string): string[] {
    return this.db.transaction(() => {
      const ids = [...new Set(refs.map((r) => this.resolveRunId(r)))];
      const { id: experimentId } = this.getExperiment(experiment);
      for (const id of ids) this.st.moveRun.run({ id, experimentId });
      return ids;
    })();
  }

  /** The id of the named experiment, created if new (train and sweep --experiment NAME). */
  private ensureExperiment(name: string): number {
    const text = experimentName(name);
    const row = this.st.experimentByName.get({ name: text }) as { id: number } | undefined;
    if (row) return row.id;
    return Number(this.st.insertExperiment.run({ name: text, now: Date.now() }).lastInsertRowid);
  }

  /** Where a new run goes: the named experiment, else a rerun's original's, else Default. */
  private experimentFor(options: CreateRunOptions): number {
    if (options.experiment !== undefined) return this.ensureExperiment(options.experiment);
    if (options.rerunOf !== undefined) {
      const original = this.st.runExperiment.get({ id: options.rerunOf }) as
        { experimentId: number | null } | undefined;
      if (original?.experimentId != null) return original.experimentId;
    }
    return DEFAULT_EXPERIMENT_ID;
  }

  // ── sweeps ────────────────────────────────────────────────────────────────────────────────────────────────────

  /** A sweep and one queued run per grid point, in one transaction; returns the ids in grid order. */
  createSweep(sweep: {
    baseConfig: ExperimentConfig;
    grid: GridAxis[];
    parallel: number;
    configs: ExperimentConfig[];
    experiment?: string;
    /** the planned number of runs where a search adds them as it goes (createRun with sweepId); else configs' */
    size?: number;
    /** how it searches (method, space, seed, trials, budget, pruner); default: a grid */
    search?: Partial<SweepSearch>;
  }): { sweepId: string; runIds: string[] } {
    const search = { ...NO_SEARCH, ...(sweep.search ?? searchInGrid(sweep.grid)) };
    return this.db
      .transaction(() => {
        const sweepId = this.insertWithFreshId((id) =>
          this.st.insertSweep.run({
            id,
            now: Date.now(),
            base: JSON.stringify(this.datasets.runConfig(sweep.baseConfig)),
            grid: JSON.stringify(sweep.grid),
            parallel: sweep.parallel,
            size: sweep.size ?? sweep.configs.length,
            method: search.method,
            space: search.space ? JSON.stringify(search.space) : null,
            sweepSeed: search.sweepSeed,
            trials: search.trials,
            timeBudgetMs: search.timeBudgetMs,
            pruner: search.pruner ? JSON.stringify(search.pruner) : null,
          }),
        );
        // An imported dataset is recorded by name, hash and rows only, as for a single run.
        const runIds = sweep.configs.map((c, i) =>
          this.createRun(this.datasets.runConfig(c), {
            status: 'queued',
            sweepId,
            experiment: sweep.experiment,
            sweepTrial: i,
          }),
        );
        return { sweepId, runIds };
      })
      .immediate();
  }

  resolveSweepId(ref: string): string {
    const text = ref.trim().toLowerCase();
    const ids = isIdPrefix(text)
      ? (this.st.sweepIdsWithPrefix.all({ lo: text, hi: text + '{' }) as { id: string }[]).map((r) => r.id)
      : [];
    if (ids.includes(text)) return text;
    if (ids.length !== 1)
      throw new StoreError(
        ids.length ? 'invalid_argument' : 'unknown_sweep',
        ids.length
          ? `sweep id "${ref}" is ambiguous (${ids.slice(0, 5).join(', ')})`
          : `no sweep "${ref}" in ${this.path}`,
      );
    return ids[0]!;
  }

  getSweep(ref: string): SweepRecord {
    const id = this.resolveSweepId(ref);
    const r = this.st.getSweep.get({ id }) as SweepRow;
    return {
      id: r.id,
      createdAt: r.created_at,
      baseConfig: storedConfig(`sweep ${r.id}`, r.base_config),
      grid: JSON.parse(r.grid),
      parallel: r.parallel,
      size: r.size,
      method: r.method,
      space: r.space === null ? null : JSON.parse(r.space),
      sweepSeed: r.sweep_seed,
      trials: r.trials,
      timeBudgetMs: r.time_budget_ms,
      pruner: r.pruner === null ? null : JSON.parse(r.pruner),
    };
  }

  /** The sweep's runs by trial number, a trial's oldest run first (resume and the optimisation trace read these). */
  sweepTrials(ref: string): SweepTrialRun[] {
    const id = this.resolveSweepId(ref);
    const rows = this.st.sweepTrials.all({ id }) as (Omit<SweepTrialRun, 'runId' | 'config' | 'stoppedEarly'> & {
      id: string;
      config: string;
      stoppedEarly: number | null;
    })[];
    return rows.map(({ id: runId, config, stoppedEarly, ...r }) => ({
      runId,
      ...r,
      config: storedConfig(`run ${runId}`, config),
      stoppedEarly: stoppedEarly === 1,
    }));
  }

  /** A trial the sweep's pruner stopped: the rung (0-based) it reached; the run itself finished stopped early. */
  recordStoppedRung(id: string, rung: number): void {
    this.expectChange(this.st.stoppedAtRung.run({ id, rung }), id);
  }

  /** A sweep's run that never started (interrupted or cancelled while queued) is queued again, owned by this process;
   *  false when it had started (a resume reruns that trial as a new run instead). */
  requeueRun(id: string): boolean {
    const owner = currentOwner();
    return (
      this.st.requeue.run({ id, now: Date.now(), pid: owner.pid, host: owner.host, token: owner.token }).changes === 1
    );
  }

  /** The newest sweeps first, with the keys their grid varies. */
  listSweeps(limit = 100): SweepSummary[] {
    return this.listSweepsWithSearch(limit).map(({ id, createdAt, keys, size }) => ({ id, createdAt, keys, size }));
  }

  /** The newest sweeps first, with their method, space, trials, pruner and runs so far. */
  listSweepsWithSearch(limit = 100): SweepListing[] {
    const rows = this.st.listSweeps.all({ limit }) as (Pick<
      SweepRow,
      'id' | 'created_at' | 'grid' | 'size' | 'method' | 'space' | 'trials' | 'pruner'
    > & { runs: number })[];
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      keys: (JSON.parse(r.grid) as { key: string }[]).map((a) => a.key),
      size: r.size,
      method: r.method,
      space: r.space === null ? null : JSON.parse(r.space),
      trials: r.trials,
      pruner: r.pruner === null ? null : JSON.parse(r.pruner),
      runs: r.runs,
    }));
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────────────────────

  private insertRun(
    id: string,
    config: ExperimentConfig,
    status: 'queued' | 'running',
    sweepId: string | null,
    rerunOf: string | null,
    experimentId: number,
    sweepTrial: number | null = null,
  ): void {
    const owner = currentOwner();
    const now = Date.now();
    this.st.insertRun.run({
      id,
      ...hyperColumns(config),
      config: JSON.stringify(config),
      status,
      now,
      started: status === 'running' ? now : null,
      appVersion: this.appVersion,
      sweepId,
      rerunOf,
      pid: owner.pid,
      host: owner.host,
      token: owner.token,
      experimentId,
      sweepTrial,
    });
  }

  /** Retries on the (rare) id clash instead of checking first: the primary key is the only race-free check. */
  private insertWithFreshId(insert: (id: string) => unknown): string {
    for (let attempt = 0; ; attempt++) {
      const id = newId();
      try {
        insert(id);
        return id;
      } catch (e) {
        if (sqliteCode(e) !== 'SQLITE_CONSTRAINT_PRIMARYKEY' || attempt >= 5) throw e;
      }
    }
  }

  private expectChange(info: { changes: number }, id: string): void {
    if (info.changes === 0) throw new StoreError('unknown_run', `no run "${id}" in ${this.path}`);
  }

  /** A finished run (completed, cancelled, diverged, failed, interrupted) is read-only but for its name, tags and notes. */
  private expectWritable(id: string, what: string): void {
    const row = this.st.runState.get({ id }) as { status: RunStatus } | undefined;
    if (!row) throw new StoreError('unknown_run', `no run "${id}" in ${this.path}`);
    if (!ACTIVE.includes(row.status))
      throw new StoreError(
        'run_finished',
        `run ${id} is ${row.status}: cannot ${what}; a finished run is read-only (its tags and notes stay editable)`,
      );
  }

  /** Runs left queued or running by a process that is gone become 'interrupted'; live owners' runs are left alone. */
  private recoverInterrupted(): string[] {
    const now = Date.now();
    const candidates = this.st.activeRuns.all() as (OwnerRecord & { id: string })[];
    const dead = candidates.filter((r) => !ownerAlive(r, now));
    if (dead.length === 0) return [];
    this.db.transaction(() => {
      for (const r of dead)
        this.st.interrupt.run({
          id: r.id,
          now,
          heartbeatAt: r.heartbeatAt,
          error: `the process training it (pid ${r.pid ?? '?'} on ${r.host ?? '?'}) stopped before it finished`,
        });
    })();
    return dead.map((r) => r.id);
  }
}

// RunStore against a real SQLite file: a run's life, summaries, checkpoints, queries, tags, notes, artifacts, removal.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { RunStore, SCHEMA_VERSION, StoreError } from '../../db/index.ts';
import type { RunSummary } from '../../engine/types.ts';
import { config, epoch, snapshot, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let store: RunStore;
beforeEach(() => {
  tmp = tempDir();
  store = new RunStore(tmp.file('w.db'), { appVersion: '9.9.9' });
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

const summary = (over: Partial<RunSummary> = {}): RunSummary => ({
  status: 'completed',
  epochs: 3,
  bestEpoch: 3,
  best: null,
  final: null,
  durationMs: 123,
  samplesPerSecond: 456,
  stoppedEarly: false,
  ...over,
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof StoreError ? e.code : `not a StoreError: ${(e as Error).message}`;
  }
  return undefined;
}

describe('RunStore', () => {
  it('opens in WAL mode with foreign keys and the schema version', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  it('records a run from start to finish with a running summary', () => {
    const id = store.createRun(
      config({
        model: { layers: [{ units: 8 }, { units: 4, activation: 'tanh' }] },
        optimizer: { type: 'momentum', nesterov: true, lr: 0.1 },
      }),
    );
    expect(id).toMatch(/^[0-9a-z]{8}$/);
    store.recordStarted(
      id,
      { backend: 'cpu', kernels: 'js', precision: 'float32' },
      {
        dataset: 'xor',
        task: 'classification',
        features: 2,
        outputs: 2,
        trainSamples: 160,
        valSamples: 40,
        head: 'softmax',
        loss: 'cross_entropy',
      },
    );
    // The trainer's best checkpoints (lowest val_loss) name the best epoch as the run goes.
    store.recordEpoch(id, epoch(1, 0.5));
    store.saveCheckpoint(id, 'best', 1, snapshot());
    store.recordEpoch(id, epoch(2, 0.3));
    store.saveCheckpoint(id, 'best', 2, snapshot());
    store.recordEpoch(id, epoch(3, 0.4));
    let run = store.getRun(id);
    expect(run).toMatchObject({
      status: 'running',
      epochsDone: 3,
      bestValLoss: 0.3,
      bestEpoch: 2,
      finalValLoss: 0.4,
      layers: '8x4',
      activation: 'relu,tanh',
      optimizer: 'nesterov',
      lr: 0.1,
      appVersion: '9.9.9',
      backendInfo: { kernels: 'js' },
    });
    expect(run.durationMs).toBe(30);
    store.finishRun(id, summary());
    run = store.getRun(id);
    expect(run).toMatchObject({ status: 'completed', durationMs: 123, samplesPerSec: 456, stoppedEarly: false });
    expect(run.finishedAt).toBeGreaterThanOrEqual(run.startedAt!);
    expect(store.getEpochs(id).map((e) => e.valLoss)).toEqual([0.5, 0.3, 0.4]);
    expect(store.getEpochs(id)[0]).toEqual(epoch(1, 0.5));
    expect(run.config.model.layers[1]!.activation).toBe('tanh');
  });

  it('takes the best epoch from the trainer at the finish (its metric may be val_acc), matching the best checkpoint', () => {
    const id = store.createRun(config({ earlyStopping: { metric: 'val_acc' } }));
    for (const [e, loss] of [
      [1, 0.5],
      [2, 0.3],
      [3, 0.4],
    ] as const)
      store.recordEpoch(id, epoch(e, loss));
    store.saveCheckpoint(id, 'best', 2, snapshot());
    expect(store.getRun(id)).toMatchObject({ bestEpoch: 2, bestValLoss: 0.3 });
    store.finishRun(id, summary({ bestEpoch: 3, best: epoch(3, 0.4) }));
    expect(store.getRun(id)).toMatchObject({ bestEpoch: 3, bestValLoss: 0.4 });
  });

  it('keeps runs without a validation split (no best validation loss)', () => {
    const id = store.createRun(config({ validationSplit: 0 }));
    store.recordEpoch(id, epoch(1, null));
    expect(store.getRun(id)).toMatchObject({ bestValLoss: null, bestEpoch: null, finalValAcc: null, epochsDone: 1 });
  });

  it('round-trips checkpoints exactly and overwrites the best one', () => {
    const id = store.createRun(config());
    const s = snapshot();
    store.saveCheckpoint(id, 'best', 1, s);
    s.layers[0]!.W[0] = 42;
    store.saveCheckpoint(id, 'best', 2, s);
    store.saveCheckpoint(id, 'final', 2, snapshot());
    const best = store.getCheckpoint(id, 'best')!;
    expect(best.epoch).toBe(2);
    expect(best.snapshot).toEqual(s);
    expect(store.getCheckpoint(id, 'final')!.snapshot).toEqual(snapshot());
    expect(store.getRunDetail(id).checkpoints.map((c) => [c.kind, c.epoch, c.bytes])).toEqual([
      ['best', 2, 4 * 21],
      ['final', 2, 4 * 21],
    ]);
  });

  it('resolves unique prefixes and names unknown or ambiguous ids', () => {
    const id = store.createRun(config());
    expect(store.resolveRunId(id.slice(0, 3))).toBe(id);
    expect(store.resolveRunId(id.toUpperCase())).toBe(id);
    expect(codeOf(() => store.getRun('zzzzzzzz'))).toBe('unknown_run');
    expect(codeOf(() => store.getRun('no such run!'))).toBe('unknown_run');
    expect(() => store.getRun('zzzzzzzz')).toThrow(/no run "zzzzzzzz" in .*w\.db/);
    const [a, b] = [store.createRun(config()), store.createRun(config())];
    store.db.prepare("UPDATE runs SET id = 'abcd0001' WHERE id = ?").run(a);
    store.db.prepare("UPDATE runs SET id = 'abcd0002' WHERE id = ?").run(b);
    expect(codeOf(() => store.resolveRunId('abcd'))).toBe('ambiguous_run');
    expect(() => store.resolveRunId('abcd')).toThrow(/abcd0001, abcd0002/);
    expect(store.resolveRunId('abcd0002')).toBe('abcd0002');
  });

  it('filters, sorts and limits runs', () => {
    const ids = [0.3, 0.1, 0.2].map((loss, i) => {
      const id = store.createRun(
        config({ dataset: { name: i === 2 ? 'moons' : 'xor' }, optimizer: { lr: [0.1, 0.01, 0.001][i]! } }),
      );
      store.recordEpoch(id, epoch(1, loss));
      store.saveCheckpoint(id, 'best', 1, snapshot());
      store.finishRun(id, summary({ status: i === 1 ? 'diverged' : 'completed' }));
      return id;
    });
    const noLoss = store.createRun(config());
    expect(store.listRuns({ sort: 'val_loss' }).map((r) => r.id)).toEqual([ids[1], ids[2], ids[0], noLoss]);
    expect(store.listRuns({ sort: 'val_loss', descending: true }).map((r) => r.id)).toEqual([
      ids[0],
      ids[2],
      ids[1],
      noLoss,
    ]);
    expect(store.listRuns({ sort: 'lr', limit: 2 }).map((r) => r.lr)).toEqual([0.001, 0.01]);
    expect(store.listRuns({ dataset: 'moons' }).map((r) => r.id)).toEqual([ids[2]]);
    expect(
      store
        .listRuns({ status: ['diverged', 'running'] })
        .map((r) => r.id)
        .sort(),
    ).toEqual([ids[1], noLoss].sort());
    store.addTags(ids[0]!, ['baseline', 'keep']);
    expect(store.listRuns({ tag: 'keep' }).map((r) => r.id)).toEqual([ids[0]]);
    expect(store.getRun(ids[0]!).tags).toEqual(['baseline', 'keep']);
    expect(codeOf(() => store.listRuns({ sort: 'bogus' as never }))).toBe('invalid_argument');
  });

  it('keeps tags, notes and artifacts, and removes them with the run', () => {
    const id = store.createRun(config());
    // epochs and checkpoints before the finish: a finished run takes no more
    store.saveCheckpoint(id, 'final', 1, snapshot());
    store.recordEpoch(id, epoch(1));
    store.finishRun(id, summary());
    expect(store.addTags(id, ['a', 'b', 'a'])).toEqual(['a', 'b']);
    expect(store.removeTags(id, ['a'])).toEqual(['b']);
    store.addNote(id, 'first try');
    store.addArtifact(id, { kind: 'onnx', path: '/tmp/m.onnx', details: { verified: true, maxAbsDiff: 1e-6 } });
    const detail = store.getRunDetail(id);
    expect(detail.notes.map((n) => n.text)).toEqual(['first try']);
    expect(detail.artifacts[0]).toMatchObject({ kind: 'onnx', details: { verified: true } });
    expect(store.deleteRuns([id.slice(0, 5)])).toEqual([id]);
    for (const table of ['runs', 'epochs', 'checkpoints', 'tags', 'notes', 'artifacts'])
      expect(store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
  });

  it('refuses to remove a run this process is training, and removes nothing of the batch', () => {
    const done = store.createRun(config());
    store.finishRun(done, summary());
    const active = store.createRun(config());
    expect(codeOf(() => store.deleteRuns([done, active]))).toBe('run_active');
    expect(store.countRuns()).toBe(2);
  });

  it('creates a sweep with its queued runs and lists them by sweep id', () => {
    const configs = [0.1, 0.01].map((lr) => config({ optimizer: { lr } }));
    const { sweepId, runIds } = store.createSweep({
      baseConfig: config(),
      grid: [{ key: 'optimizer.lr', values: [0.1, 0.01] }],
      parallel: 2,
      configs,
    });
    expect(
      store
        .listRuns({ sweepId: sweepId.slice(0, 4) })
        .map((r) => r.id)
        .sort(),
    ).toEqual([...runIds].sort());
    expect(store.getRun(runIds[0]!).status).toBe('queued');
    expect(store.getSweep(sweepId)).toMatchObject({ size: 2, parallel: 2, grid: [{ key: 'optimizer.lr' }] });
    store.markRunning(runIds[0]!);
    store.cancelQueued(runIds);
    expect(runIds.map((id) => store.getRun(id).status)).toEqual(['running', 'cancelled']);
    expect(codeOf(() => store.listRuns({ sweepId: 'zzzz' }))).toBe('unknown_sweep');
  });

  it('writes every column through a plain SQLite reader too', () => {
    const id = store.createRun(config());
    store.close();
    const raw = new Database(tmp.file('w.db'), { readonly: true });
    const row = raw.prepare('SELECT dataset, layers, status FROM runs WHERE id = ?').get(id);
    raw.close();
    expect(row).toEqual({ dataset: 'xor', layers: '16x16', status: 'running' });
  });
});

// What the store keeps final, in a real SQLite file: a finished run takes no more epochs, checkpoints or endings (its
// tags and notes stay editable), an epoch is recorded once, and a stored config is checked when it is read back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore, StoreError } from '../../db/index.ts';
import type { RunSummary } from '../../engine/types.ts';
import { config, epoch, snapshot, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let store: RunStore;
beforeEach(() => {
  tmp = tempDir();
  store = new RunStore(tmp.file('runs.db'));
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

const summary: RunSummary = {
  status: 'completed',
  epochs: 2,
  bestEpoch: 2,
  best: epoch(2),
  final: epoch(2),
  durationMs: 20,
  samplesPerSecond: 1000,
  stoppedEarly: false,
};

function failure(f: () => unknown): StoreError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  throw new Error('expected a StoreError, got none');
}

function finishedRun(): string {
  const id = store.createRun(config());
  store.recordEpoch(id, epoch(1));
  store.recordEpoch(id, epoch(2));
  store.saveCheckpoint(id, 'final', 2, snapshot());
  store.finishRun(id, summary);
  return id;
}

describe('a finished run is read-only', () => {
  it('refuses epochs, checkpoints and a second finish, and changes nothing', () => {
    const id = finishedRun();
    const before = { run: store.getRun(id), epochs: store.getEpochs(id), checkpoint: store.getCheckpoint(id, 'final') };

    const late = failure(() => store.recordEpoch(id, epoch(3)));
    expect(late.code).toBe('run_finished');
    expect(late.message).toBe(
      `run ${id} is completed: cannot record epoch 3; a finished run is read-only (its tags and notes stay editable)`,
    );
    expect(failure(() => store.saveCheckpoint(id, 'final', 3, snapshot())).code).toBe('run_finished');
    expect(failure(() => store.saveCheckpoint(id, 'best', 1, snapshot())).message).toMatch(
      new RegExp(`run ${id} is completed: cannot save a best checkpoint`),
    );
    expect(failure(() => store.finishRun(id, { ...summary, status: 'diverged' })).message).toMatch(
      /cannot finish it again/,
    );
    expect(failure(() => store.failRun(id, 'too late')).message).toMatch(/cannot mark it failed/);

    expect(store.getRun(id)).toEqual(before.run);
    expect(store.getEpochs(id)).toEqual(before.epochs);
    expect(store.getCheckpoint(id, 'best')).toBeNull();
    expect(store.getCheckpoint(id, 'final')).toEqual(before.checkpoint);
  });

  it('keeps tags and notes editable', () => {
    const id = finishedRun();
    expect(store.addTags(id, ['baseline'])).toEqual(['baseline']);
    expect(store.addNote(id, 'kept for the report').text).toBe('kept for the report');
    expect(store.removeTags(id, ['baseline'])).toEqual([]);
  });

  it('treats failed, cancelled and interrupted runs as finished too', () => {
    const failed = store.createRun(config());
    store.failRun(failed, 'the worker crashed');
    expect(failure(() => store.recordEpoch(failed, epoch(1))).message).toBe(
      `run ${failed} is failed: cannot record epoch 1; a finished run is read-only (its tags and notes stay editable)`,
    );
    const { runIds } = store.createSweep({ baseConfig: config(), grid: [], parallel: 1, configs: [config()] });
    store.cancelQueued(runIds);
    expect(failure(() => store.saveCheckpoint(runIds[0]!, 'final', 1, snapshot())).code).toBe('run_finished');
  });

  it('an unknown run is unknown_run, not run_finished', () => {
    expect(failure(() => store.recordEpoch('zzzzzzzz', epoch(1))).code).toBe('unknown_run');
    expect(failure(() => store.finishRun('zzzzzzzz', summary)).code).toBe('unknown_run');
  });
});

describe('an epoch is recorded once', () => {
  it('answers a duplicate epoch with duplicate_epoch naming the run and the epoch, and keeps the first', () => {
    const id = store.createRun(config());
    store.recordEpoch(id, epoch(1, 0.5));
    store.saveCheckpoint(id, 'best', 1, snapshot());
    const dup = failure(() => store.recordEpoch(id, epoch(1, 0.1)));
    expect(dup.code).toBe('duplicate_epoch');
    expect(dup.message).toBe(`run ${id} already has epoch 1 in ${store.path}; each epoch is recorded once`);
    expect(store.getEpochs(id)).toEqual([epoch(1, 0.5)]);
    expect(store.getRun(id)).toMatchObject({ epochsDone: 1, bestValLoss: 0.5, bestEpoch: 1 });
  });
});

describe('stored configs are checked on read', () => {
  it('names the run and the field of a config edited outside the app', () => {
    const id = store.createRun(config());
    store.db.prepare(`UPDATE runs SET config = json_set(config, '$.optimizer.lr', -1) WHERE id = ?`).run(id);
    const bad = failure(() => store.getRun(id));
    expect(bad.code).toBe('damaged');
    expect(bad.message).toBe(
      `run ${id}: its stored config is not a valid experiment config: optimizer.lr: Too small: expected number to be >0 (got -1)`,
    );
    expect(failure(() => store.listRuns()).code).toBe('damaged');
  });

  it('reads back exactly the config it stored', () => {
    const c = config({
      name: 'kept',
      optimizer: { type: 'momentum', lr: 0.05, nesterov: true },
      model: { layers: [{ units: 4, activation: 'tanh' }] },
    });
    const id = store.createRun(c);
    expect(store.getRun(id).config).toEqual(c);
  });
});

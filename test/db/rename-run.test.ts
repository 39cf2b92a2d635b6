// Renaming a run in a real SQLite file: a finished run takes a new name (like tags and notes) and still refuses epochs;
// a name is trimmed, empty clears it, and one over 200 characters is refused with its length.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore, StoreError } from '../../db/index.ts';
import { config, epoch, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let file: string;
let store: RunStore;
beforeEach(() => {
  tmp = tempDir();
  file = tmp.file('runs.db');
  store = new RunStore(file);
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

function completedRun(): string {
  const id = store.createRun(config());
  store.recordEpoch(id, epoch(1));
  store.finishRun(id, {
    status: 'completed',
    epochs: 1,
    bestEpoch: 1,
    best: epoch(1),
    final: epoch(1),
    durationMs: 5,
    samplesPerSecond: 100,
    stoppedEarly: false,
  });
  return id;
}

describe('RunStore.renameRun', () => {
  it('renames a completed run (trimmed), read back after reopening the file, and the run still refuses epochs', () => {
    const id = completedRun();
    expect(store.renameRun(id.slice(0, 6), '  relu baseline  ').name).toBe('relu baseline');
    store.close();
    store = new RunStore(file);
    expect(store.getRun(id).name).toBe('relu baseline');
    expect(store.getRun(id).status).toBe('completed');
    expect(() => store.recordEpoch(id, epoch(2))).toThrow(/cannot record epoch 2; a finished run is read-only/);
    expect(store.getEpochs(id).map((e) => e.epoch)).toEqual([1]);
  });

  it('clears the name on an empty one and refuses one over 200 characters, keeping the old name', () => {
    const id = completedRun();
    store.renameRun(id, 'kept');
    expect(store.renameRun(id, '   ').name).toBeNull();
    store.renameRun(id, 'kept');
    expect(store.renameRun(id, 'x'.repeat(200)).name).toBe('x'.repeat(200));
    let error: unknown;
    try {
      store.renameRun(id, 'y'.repeat(201));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('invalid_argument');
    expect((error as StoreError).message).toMatch(/run name: 201 characters, at most 200/);
    expect(store.getRun(id).name).toBe('x'.repeat(200));
  });

  it('names the unknown run', () => {
    expect(() => store.renameRun('ffffffff', 'x')).toThrow(/no run "ffffffff"/);
  });
});

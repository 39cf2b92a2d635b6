// Layer statistics in the store: saved with their epoch by recordEpoch, read back per run, removed with the run,
// and recorded end to end when `mlpw train` runs the engine in its worker.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import type { LayerEpochStats } from '../../engine/types.ts';
import { trainRun } from '../cli/helpers.ts';
import { config, epoch, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const stats = (scale: number): LayerEpochStats[] => [
  { weights: { min: -scale, max: scale, counts: [1, 4, 1] }, gradNorm: 0.5 / scale },
  { weights: { min: -2 * scale, max: 0, counts: [2, 0, 1] }, gradNorm: null },
];

describe('layer stats in the run store', () => {
  it('keeps each epoch’s stats with the epoch, and getEpochs stays as it was', () => {
    const store = new RunStore(tmp.file('w.db'));
    const id = store.createRun(config());
    store.recordEpoch(id, { ...epoch(1), layers: stats(1) });
    store.recordEpoch(id, epoch(2)); // a backend or host that sent none
    store.recordEpoch(id, { ...epoch(3), layers: stats(3) });
    expect(store.getLayerStats(id.slice(0, 5))).toEqual([
      { epoch: 1, layers: stats(1) },
      { epoch: 3, layers: stats(3) },
    ]);
    expect(store.getEpochs(id)[0]).toEqual(epoch(1));
    store.close();
  });

  it('returns nothing for a run recorded without stats and removes them with the run', () => {
    const store = new RunStore(tmp.file('w.db'));
    const plain = store.createRun(config());
    store.recordEpoch(plain, epoch(1));
    expect(store.getLayerStats(plain)).toEqual([]);
    const id = store.createRun(config());
    store.recordEpoch(id, { ...epoch(1), layers: stats(1) });
    store.failRun(id, 'stopped by the test');
    store.deleteRuns([id]);
    expect(store.db.prepare('SELECT count(*) AS n FROM layer_stats').get()).toEqual({ n: 0 });
    store.close();
  });

  it('an epoch that fails to record leaves no stats behind', () => {
    const store = new RunStore(tmp.file('w.db'));
    const id = store.createRun(config());
    store.recordEpoch(id, { ...epoch(1), layers: stats(1) });
    expect(() => store.recordEpoch(id, { ...epoch(1), layers: stats(2) })).toThrow(); // epoch 1 twice
    expect(store.getLayerStats(id)).toEqual([{ epoch: 1, layers: stats(1) }]);
    store.close();
  });

  it('mlpw train records the engine’s stats for every epoch; with gradient norms from both CPU backends', async () => {
    const db = tmp.file('w.db');
    // float64 trains on the JS reference backend, which has the gradientNorms hook; float32 picks the fast kernels.
    const reference = await trainRun(db, '--layers', '8,4', '--precision', 'float64');
    const fast = await trainRun(db, '--layers', '8,4');
    const store = new RunStore(db);
    for (const id of [reference, fast]) {
      const recorded = store.getLayerStats(id);
      expect(recorded.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
      for (const r of recorded)
        expect(r.layers.map((l) => l.weights.counts.reduce((a, b) => a + b, 0))).toEqual([2 * 8, 8 * 4, 4 * 2]);
    }
    expect(store.getRun(reference).backendInfo).toMatchObject({ kernels: 'js', precision: 'float64' });
    expect(store.getLayerStats(reference).every((r) => r.layers.every((l) => l.gradNorm! > 0))).toBe(true);
    // The fast kernels report gradient norms too, and they are the same numbers as the reference's (same seed).
    expect(store.getRun(fast).backendInfo).toMatchObject({ kernels: 'wasm-relaxed-simd', precision: 'float32' });
    const norms = (id: string) => store.getLayerStats(id).flatMap((r) => r.layers.map((l) => l.gradNorm!));
    norms(fast).forEach((g, i) => expect(Math.abs(g - norms(reference)[i]!) / norms(reference)[i]!).toBeLessThan(1e-3));
    store.close();
  });
});

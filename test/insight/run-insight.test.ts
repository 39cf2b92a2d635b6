// The store host's insight for a run trained by `mlpw train` into a temporary store: data rebuilt from the run,
// answers that agree with what training recorded, and clear errors for views a run cannot have.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import {
  runConfusion,
  runDecisionBoundary,
  runGradientCheck,
  runMisclassified,
} from '../../insight/node/run-insight.ts';
import { runSplits } from '../../insight/node/run-data.ts';
import { writeFileSync } from 'node:fs';
import { enginePredict } from '../../export/onnx/engine-predict.ts';
import { predictedClass } from '../../insight/confusion.ts';
import { gridAxis } from '../../insight/decision-boundary.ts';
import { tempDir } from '../db/helpers.ts';
import { cli, trainRun } from '../cli/helpers.ts';

const tmp = tempDir();
let store: RunStore;
let xor: string;
let sine: string;
beforeAll(async () => {
  const db = tmp.file('w.db');
  xor = await trainRun(db, '--layers', '8', '--activation', 'tanh', '--epochs', '6');
  const r = await cli(
    ['train', '--dataset', 'sine', '--samples', '100', '--epochs', '2', '--backend', 'cpu', '--json'],
    { db },
  );
  sine = (JSON.parse(r.stdout) as { runId: string }).runId;
  store = new RunStore(db);
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

describe('run insight on the store host', () => {
  it('confusion matrix on the validation split, matching the recorded accuracy of that checkpoint', async () => {
    const run = store.getRun(xor);
    const c = await runConfusion(store, xor.slice(0, 6), 'final');
    expect(c).toMatchObject({ runId: xor, checkpoint: 'final', epoch: 6, split: 'validation' });
    expect(c.matrix.total).toBe(run.dataInfo!.valSamples);
    expect(c.matrix.accuracy).toBeCloseTo(run.finalValAcc!, 12);
    const best = await runConfusion(store, xor, 'best');
    expect(best.epoch).toBe(run.bestEpoch);
    expect(best.matrix.accuracy).toBeCloseTo(store.getEpochs(xor)[run.bestEpoch! - 1]!.valAcc!, 12);
  });

  it('decision boundary over every row of the 2-D dataset', async () => {
    const d = await runDecisionBoundary(store, xor, 'final', 20);
    expect(d.grid.predicted).toHaveLength(400);
    expect(d.grid.points).toHaveLength(200);
    expect(new Set(d.grid.predicted)).toEqual(new Set([0, 1]));
    // The training split's points first (what "show validation points" off keeps), then the validation split's.
    const { train, val } = runSplits(store, store.getRun(xor));
    expect(d.trainPoints).toBe(train.n);
    expect(d.grid.points.slice(0, d.trainPoints).map((p) => [p.x, p.y])).toEqual(
      Array.from({ length: train.n }, (_, i) => [train.x[2 * i], train.x[2 * i + 1]]),
    );
    expect(d.grid.points.slice(d.trainPoints).map((p) => p.label)).toEqual(Array.from(val.labels!));
  });

  it('gradient check of the checkpoint', () => {
    const g = runGradientCheck(store, xor, 'best');
    expect(g.result.rows).toBe(16);
    expect(g.result.verdict).toBe('agree');
    expect(runGradientCheck(store, sine, 'final').result.verdict).toBe('agree'); // regression: MSE targets
  });

  it('misclassified rows: as many as the confusion matrix counts off its diagonal, most confident first', async () => {
    const c = await runConfusion(store, xor, 'best');
    const offDiagonal = c.matrix.counts.reduce((s, row, t) => s + row.reduce((a, n, p) => a + (p === t ? 0 : n), 0), 0);
    const m = await runMisclassified(store, xor, 'best', 200);
    expect(m).toMatchObject({ runId: xor, checkpoint: 'best', split: 'validation', total: c.matrix.total });
    expect(m.wrong).toBe(offDiagonal);
    expect(m.rows).toHaveLength(Math.min(200, offDiagonal));
    const { val } = runSplits(store, store.getRun(xor));
    for (const r of m.rows) {
      expect(r.predicted).not.toBe(r.actual);
      expect(r.actual).toBe(val.labels![r.row]);
      expect(r.pixels).toEqual(Array.from(val.x.subarray(2 * r.row, 2 * r.row + 2)));
      expect(r.confidence).toBeGreaterThanOrEqual(0.5);
    }
    for (let i = 1; i < m.rows.length; i++)
      expect(m.rows[i]!.confidence).toBeLessThanOrEqual(m.rows[i - 1]!.confidence);
    expect((await runMisclassified(store, xor, 'best', 1)).rows.length).toBe(Math.min(1, offDiagonal));
    await expect(runMisclassified(store, sine, 'final')).rejects.toThrow(
      /regression run: misclassified rows need classes/,
    );
  });

  it('decision boundary of a run on feature transforms: over the x1, x2 plane, each cell through the transforms', async () => {
    const config = tmp.file('transforms.json');
    writeFileSync(
      config,
      JSON.stringify({
        dataset: { name: 'circles', samples: 300, transforms: ['x1^2', 'x2^2'] },
        epochs: 40,
        model: { layers: [] },
      }),
    );
    const r = await cli(['train', '--config', config, '--backend', 'cpu', '--json'], { db: tmp.file('w.db') });
    expect(r.code).toBe(0);
    const id = (JSON.parse(r.stdout) as { runId: string }).runId;
    const d = await runDecisionBoundary(store, id, 'final', 12);
    const { train } = runSplits(store, store.getRun(id));
    // The points are the raw x1, x2 (the split's first two of its four columns).
    expect([d.grid.points[0]!.x, d.grid.points[0]!.y]).toEqual([train.x[0], train.x[1]]);
    // Each cell's class is the engine's on that cell's x1, x2, x1², x2².
    const { snapshot } = store.requireCheckpoint(store.getRun(id), 'final');
    const xs = gridAxis(d.grid.x[0], d.grid.x[1], 12);
    const ys = gridAxis(d.grid.y[0], d.grid.y[1], 12);
    const rows = Float32Array.from({ length: 144 * 4 }, (_, i) => {
      const [cell, k] = [Math.floor(i / 4), i % 4];
      const [a, b] = [xs[cell % 12]!, ys[Math.floor(cell / 12)]!];
      return [a, b, a * a, b * b][k]!;
    });
    const out = await enginePredict(snapshot, rows, 144);
    const units = snapshot.layers.at(-1)!.units;
    expect(d.grid.predicted).toEqual(Array.from({ length: 144 }, (_, c) => predictedClass(out, c, units)));
    // A disc inside a ring: the centre cell and a corner cell differ.
    expect(d.grid.predicted[6 * 12 + 6]).not.toBe(d.grid.predicted[0]);
  });

  it('says why a view does not apply', async () => {
    await expect(runConfusion(store, sine, 'final')).rejects.toThrow(
      /regression run: a confusion matrix needs classes/,
    );
    await expect(runDecisionBoundary(store, sine, 'final')).rejects.toThrow(
      /1 input features: the decision boundary is drawn for 2/,
    );
  });
});

// `mlpw sweeps` and `mlpw sweeps SWEEP_ID` over a real SQLite file: the listing names each sweep's method, space,
// trials and pruner; one sweep's page lists its trials in order with the best val_loss so far (the trace).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { parsePrunerFlag } from '../../engine/experiment/index.ts';
import type { RunSummary } from '../../engine/types.ts';
import { config, epoch, tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

/** A finished run whose epochs' val_loss are `losses`; its best is the lowest. */
function finish(store: RunStore, id: string, losses: number[], stoppedRung?: number): void {
  store.markRunning(id);
  losses.forEach((v, i) => store.recordEpoch(id, epoch(i + 1, v)));
  const best = losses.indexOf(Math.min(...losses)) + 1;
  const summary: RunSummary = {
    status: 'completed',
    epochs: losses.length,
    bestEpoch: best,
    best: epoch(best, losses[best - 1]!),
    final: epoch(losses.length, losses.at(-1)!),
    durationMs: 10,
    samplesPerSecond: 100,
    stoppedEarly: stoppedRung !== undefined,
  };
  store.finishRun(id, summary);
  if (stoppedRung !== undefined) store.recordStoppedRung(id, stoppedRung);
}

describe('mlpw sweeps', () => {
  it('lists method, space, trials and pruner, and one sweep’s trials with the best so far', async () => {
    const db = tmp.file('s.db');
    const store = new RunStore(db);
    const pruner = parsePrunerFlag('asha:min=1,eta=3', 9);
    const lrs = [0.1, 0.01, 0.05, 0.002];
    const { sweepId, runIds } = store.createSweep({
      baseConfig: config({ epochs: 9 }),
      grid: [],
      parallel: 1,
      configs: lrs.map((lr) => config({ epochs: 9, optimizer: { type: 'sgd', lr } })),
      size: 4,
      search: {
        method: 'random',
        space: [{ key: 'optimizer.lr', dist: 'loguniform:0.001:0.3' }],
        sweepSeed: 5,
        trials: 4,
        timeBudgetMs: 600_000,
        pruner,
      },
    });
    const grid = store.createSweep({
      baseConfig: config(),
      grid: [{ key: 'batchSize', values: [8, 16] }],
      parallel: 2,
      configs: [config({ batchSize: 8 }), config({ batchSize: 16 })],
    });
    finish(store, runIds[0]!, [0.9, 0.6, 0.5]);
    finish(store, runIds[1]!, [0.95], 0);
    finish(store, runIds[2]!, [0.7, 0.4, 0.3]);
    store.cancelQueued([runIds[3]!]);
    store.close();

    const list = await cli(['sweeps'], { db });
    expect([list.code, list.stderr]).toEqual([0, '']);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^sweep\s+created\s+method\s+trials\s+runs\s+space\s+early stop/);
    const line = (id: string) => lines.find((l) => l.startsWith(id))!;
    expect(line(sweepId)).toMatch(/ random\s+4\s+4\s+optimizer\.lr~loguniform:0\.001:0\.3\s+asha val_loss r=1 η=3$/);
    expect(line(grid.sweepId)).toMatch(/ grid\s+2\s+2\s+batchSize\s+-$/);

    const show = await cli(['sweeps', sweepId.slice(0, 5)], { db });
    expect([show.code, show.stderr]).toEqual([0, '']);
    expect(show.stdout).toContain(`sweep ${sweepId}  random`);
    expect(show.stdout).toContain('space: optimizer.lr~loguniform:0.001:0.3');
    expect(show.stdout).toContain('trials: 4  sweep seed: 5');
    expect(show.stdout).toContain('time budget: 10m00s');
    expect(show.stdout).toContain('early stop: asha on val_loss (min), r=1 η=3, rungs at epoch 1,3 of 9');
    const row = (trial: number) => show.stdout.split('\n').find((l) => l.trimStart().startsWith(`${trial} `))!;
    expect(row(0)).toMatch(/optimizer\.lr=0\.1\s+completed\s+3\s+-\s+0\.5000\s+0\.5000$/);
    expect(row(1)).toMatch(/optimizer\.lr=0\.01\s+completed\s+1\s+rung 0\s+0\.9500\s+0\.5000$/);
    expect(row(2)).toMatch(/optimizer\.lr=0\.05\s+completed\s+3\s+-\s+0\.3000\s+0\.3000$/);
    expect(row(3)).toMatch(/optimizer\.lr=0\.002\s+cancelled\s+0\s+-\s+-\s+0\.3000$/);
    expect(show.stdout).toContain(`3 of 4 trials done; the rest: mlpw sweep --resume ${sweepId}`);

    const json = await cli(['sweeps', sweepId, '--json'], { db });
    const parsed = JSON.parse(json.stdout) as { sweep: { pruner: unknown }; trials: { bestSoFar: number | null }[] };
    expect(parsed.sweep.pruner).toEqual(pruner);
    expect(parsed.trials.map((t) => t.bestSoFar)).toEqual([0.5, 0.5, 0.3, 0.3]);
    const unknown = await cli(['sweeps', 'zzzzzzzz'], { db });
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringMatching(/no sweep "zzzzzzzz"/)]);
    const flags = await cli(['sweep', '--resume', sweepId, '--lr', '0.1'], { db });
    expect([flags.code, flags.stderr]).toEqual([
      2,
      expect.stringMatching(/--resume takes the sweep as it was stored: --lr/),
    ]);
    const missing = await cli(['sweep', '--resume', 'zzzzzzzz'], { db });
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/no sweep "zzzzzzzz"/)]);
  });
});

// One best epoch: the trainer's (its monitored metric, here val_acc, or minDelta), recorded on the run by its best
// checkpoints and its summary. `mlpw show`, `mlpw compare` and the Compare view (the API's compareRuns and insight's
// bestAndLast, as BestLastTable uses them) all name that epoch, also where the lowest validation loss lies elsewhere.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../api/dispatch.ts';
import { createStoreApi } from '../../api/store-api.ts';
import { RunStore, type RunRecord } from '../../db/index.ts';
import type { EpochMetrics } from '../../engine/types.ts';
import { bestAndLast } from '../../insight/index.ts';
import { config, epoch, snapshot, tempDir } from '../db/helpers.ts';
import { cli, trainRun } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let db: string;
beforeAll(() => {
  tmp = tempDir();
  db = tmp.file('w.db');
});
afterAll(() => tmp.cleanup());

/** The epoch a running minimum of val_loss would pick (the definition the views no longer use). */
const lowestValLoss = (epochs: EpochMetrics[]) => epochs.reduce((b, e) => (e.valLoss! < b.valLoss! ? e : b)).epoch;

/** The best epoch as each view reports it, for runs `ids` (the first two compared). */
async function viewsBest(
  ids: string[],
): Promise<{ show: number[]; showText: string[]; compareJson: number[]; compareText: string; compareView: number[] }> {
  const show: number[] = [];
  const showText: string[] = [];
  for (const id of ids) {
    show.push((JSON.parse((await cli(['show', id, '--json'], { db })).stdout) as { bestEpoch: number }).bestEpoch);
    showText.push((await cli(['show', id], { db })).stdout);
  }
  const j = JSON.parse((await cli(['compare', ...ids, '--json'], { db })).stdout) as {
    best: Record<string, EpochMetrics | null>;
  };
  const compareText = (await cli(['compare', ...ids], { db })).stdout;
  const store = new RunStore(db);
  try {
    const r = await dispatch(createStoreApi(store, { mode: 'browser', appVersion: '0.0.0-test' }), 'compareRuns', {
      ids,
    });
    if (!r.ok) throw new Error(r.error.message);
    const data = r.value as { runs: RunRecord[]; epochs: EpochMetrics[][] };
    const compareView = data.runs.map((run, i) => bestAndLast(data.epochs[i]!, run.bestEpoch).best?.epoch ?? -1);
    return { show, showText, compareJson: ids.map((id) => j.best[id]?.epoch ?? -1), compareText, compareView };
  } finally {
    store.close();
  }
}

describe('the best epoch', () => {
  it('is the trainer’s choice in show, compare and the Compare view, not the lowest validation loss', async () => {
    const file = tmp.file('val-acc.json');
    writeFileSync(
      file,
      JSON.stringify({
        dataset: { name: 'xor', samples: 200 },
        epochs: 12,
        backend: 'cpu',
        earlyStopping: { metric: 'val_acc' },
      }),
    );
    const r = await cli(['train', '--config', file, '--json'], { db });
    expect(r.code).toBe(0);
    const byAcc = (JSON.parse(r.stdout) as { runId: string }).runId;
    const byLoss = await trainRun(db, '--epochs', '6');

    const store = new RunStore(db);
    const runs = [byAcc, byLoss].map((id) => store.getRun(id));
    const epochs = runs.map((run) => store.getEpochs(run.id));
    const checkpoints = runs.map((run) => store.getCheckpoint(run.id, 'best')!.epoch);
    store.close();
    const best = runs.map((run) => run.bestEpoch!);
    // val_acc reaches its top before val_loss stops falling: the two definitions part here.
    expect(lowestValLoss(epochs[0]!)).not.toBe(best[0]);
    expect(best).toEqual(checkpoints);
    expect(runs[0]!.bestValLoss).toBe(epochs[0]![best[0]! - 1]!.valLoss);

    const views = await viewsBest([byAcc, byLoss]);
    expect(views.show).toEqual(best);
    expect(views.compareJson).toEqual(best);
    expect(views.compareView).toEqual(best);
    views.showText.forEach((text, i) =>
      expect(text).toMatch(new RegExp(`; best val_loss [0-9.]+ at epoch ${best[i]};`)),
    );
    expect(views.compareText).toMatch(new RegExp(`best epoch\\s+${best[0]}\\s+${best[1]}\\n`));
  });

  it('follows the best checkpoints while a run trains: minDelta keeps epoch 1 although epoch 3 has a lower loss', async () => {
    const store = new RunStore(db);
    const ids = [0.5, 0.6].map((first) => {
      const id = store.createRun(config());
      store.recordEpoch(id, epoch(1, first));
      store.saveCheckpoint(id, 'best', 1, snapshot());
      store.recordEpoch(id, epoch(2, first + 0.1));
      store.recordEpoch(id, epoch(3, first - 0.01));
      return id;
    });
    const runs = ids.map((id) => store.getRun(id));
    store.close();
    expect(runs.map((run) => [run.status, run.bestEpoch, run.bestValLoss])).toEqual([
      ['running', 1, 0.5],
      ['running', 1, 0.6],
    ]);

    const views = await viewsBest(ids);
    expect(views.show).toEqual([1, 1]);
    expect(views.compareJson).toEqual([1, 1]);
    expect(views.compareView).toEqual([1, 1]);
    expect(views.showText[0]).toMatch(/; best val_loss 0\.5000 at epoch 1;/);
  });

  it('is none before the first best checkpoint, in every view', async () => {
    const store = new RunStore(db);
    const ids = [store.createRun(config()), store.createRun(config())];
    for (const id of ids) store.recordEpoch(id, epoch(1, 0.4));
    store.close();
    const views = await viewsBest(ids);
    expect(views.show).toEqual([null, null]);
    expect(views.compareJson).toEqual([-1, -1]);
    expect(views.compareView).toEqual([-1, -1]);
    expect(views.showText[0]).not.toMatch(/best/);
    expect(views.compareText).toMatch(/best epoch\s+-\s+-\n/);
  });
});

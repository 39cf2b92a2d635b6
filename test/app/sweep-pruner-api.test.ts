// Early termination through the WorkbenchApi (dispatch, real SQLite file), as the app's sweep builder and window
// queue use it: createSweep / createSearchSweep store the `--early-stop` text's pruner as `mlpw sweep` does and
// refuse a bad one naming the field and the text; sweepRungs hands a trial its pruner, trial number and the other
// trials' stored values at their rungs (the runs trained here in real engine workers); recordStoppedRung stores a
// stopped trial's rung, which getSweep returns beside its runs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../api/dispatch.ts';
import { createStoreApi } from '../../api/store-api.ts';
import type { ApiHandlers, ApiOutputs } from '../../api/workbench-api.ts';
import { recordRun, RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';
import { parsePrunerFlag } from '../../engine/experiment/index.ts';
import { runInWorker } from '../../engine/host/node/engine-client.ts';
import { tempDir } from '../db/helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let store: RunStore;
let api: ApiHandlers;
beforeEach(() => {
  tmp = tempDir();
  store = new RunStore(tmp.file('w.db'), { appVersion: '0.0.0-test' });
  api = createStoreApi(store, { mode: 'browser', appVersion: '0.0.0-test' });
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

async function call<M extends keyof ApiOutputs>(method: M, input: unknown): Promise<ApiOutputs[M]> {
  const r = await dispatch(api, method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value as ApiOutputs[M];
}

const base = parseConfig({ dataset: { name: 'xor', samples: 160 }, epochs: 9, batchSize: 32, backend: 'cpu' });
const grid = [{ key: 'optimizer.lr', values: [0.3, 0.001, 0.1] }];

describe('early stop through the API', () => {
  it('stores the pruner of a grid and a search sweep as mlpw sweep parses it', async () => {
    const made = await call('createSweep', { baseConfig: base, grid, earlyStop: 'asha:min=1,eta=3' });
    expect(store.getSweep(made.sweepId)).toMatchObject({
      method: 'grid',
      pruner: parsePrunerFlag('asha:min=1,eta=3', 9),
    });
    const search = await call('createSearchSweep', {
      baseConfig: base,
      method: 'random',
      params: [{ key: 'optimizer.lr', dist: 'loguniform:0.001:0.3' }],
      trials: 3,
      seed: 2,
      earlyStop: 'hyperband:metric=val_acc,min=1,eta=3',
    });
    expect(store.getSweep(search.sweepId)).toMatchObject({
      method: 'random',
      sweepSeed: 2,
      pruner: { kind: 'hyperband', metric: 'val_acc', mode: 'max', brackets: 3, maxEpochs: 9 },
    });
    const plain = await call('createSweep', { baseConfig: base, grid });
    expect(store.getSweep(plain.sweepId).pruner).toBeNull();
    expect(await call('sweepRungs', { id: plain.runIds[0] })).toEqual({ pruner: null, trial: null, recorded: [] });
  });

  it('refuses a bad early stop, naming the field and the text, and stores nothing', async () => {
    const bad = [
      ['asha:eta=1', '--early-stop eta=1: expected a whole number ≥ 2'],
      ['asha:min=9', '--early-stop min=9 with 9 epochs leaves no rung'],
      ['median', '--early-stop "median": expected asha or hyperband'],
    ];
    for (const [earlyStop, message] of bad) {
      const r = call('createSweep', { baseConfig: base, grid, earlyStop });
      await expect(r).rejects.toMatchObject({ code: 'invalid_argument', field: 'earlyStop' });
      await expect(r).rejects.toThrow(message);
    }
    await expect(
      call('createSweep', { baseConfig: { ...base, validationSplit: 0 }, grid, earlyStop: 'asha' }),
    ).rejects.toThrow('--early-stop metric=val_loss: the runs have no validation split (validationSplit 0)');
    expect(store.listSweeps()).toEqual([]);
  });

  it('gives a trial the values the sweep’s other trials recorded at their rungs, and keeps a stopped trial’s rung', async () => {
    const { sweepId, runIds } = await call('createSweep', { baseConfig: base, grid, earlyStop: 'asha:min=1,eta=3' });
    // Trials 0 and 1 trained to the end here; trial 2 is still queued.
    for (const id of runIds.slice(0, 2)) {
      await call('startQueuedRun', { id });
      await runInWorker(store.getRun(id).config, recordRun(store, id)).result;
    }
    const rungs = await call('sweepRungs', { id: runIds[2] });
    expect(rungs.pruner).toEqual(parsePrunerFlag('asha:min=1,eta=3', 9));
    expect(rungs.trial).toBe(2);
    const valLoss = (id: string, epoch: number) => store.getEpochs(id)[epoch - 1]!.valLoss;
    expect(rungs.recorded).toEqual([
      { trial: 0, epoch: 1, value: valLoss(runIds[0]!, 1) },
      { trial: 0, epoch: 3, value: valLoss(runIds[0]!, 3) },
      { trial: 1, epoch: 1, value: valLoss(runIds[1]!, 1) },
      { trial: 1, epoch: 3, value: valLoss(runIds[1]!, 3) },
    ]);
    // Trial 0 asks too: it sees trial 1's values only (trial 2 has not run).
    expect((await call('sweepRungs', { id: runIds[0] })).recorded.map((r) => r.trial)).toEqual([1, 1]);
    await call('recordStoppedRung', { id: runIds[1], rung: 0 });
    expect(store.sweepTrials(sweepId).map((t) => t.stoppedRung)).toEqual([null, 0, null]);
    expect((await call('getSweep', { id: sweepId })).stoppedRungs).toEqual({ [runIds[1]!]: 0 });
    const alone = store.createRun(base);
    await expect(call('recordStoppedRung', { id: alone, rung: 0 })).rejects.toMatchObject({
      code: 'invalid_argument',
      field: 'id',
    });
  }, 60_000);
});

// The insight methods of the WorkbenchApi over a real RunStore, called through dispatch() as both transports call
// them: compare data in one call, layer stats recorded with the epochs a window sends, sweeps as queued runs that a
// window starts or cancels, and bad grids named by their key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../api/dispatch.ts';
import { createStoreApi } from '../../api/store-api.ts';
import type { ApiHandlers } from '../../api/workbench-api.ts';
import { RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';
import { fakeEpoch, fakeSummary, smallConfig } from './fixtures.ts';

let dir: string;
let store: RunStore;
let api: ApiHandlers;

async function call<T = never>(method: string, input: unknown): Promise<T> {
  const r = await dispatch(api, method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value as T;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-insight-api-'));
  store = new RunStore(join(dir, 'runs.db'), { appVersion: '0.0.0-test' });
  api = createStoreApi(store, { mode: 'browser', appVersion: '0.0.0-test' });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const layers = [{ weights: { min: -1, max: 1, counts: [1, 2, 3] }, gradNorm: 0.25 }];

describe('compare and layer stats', () => {
  it('returns every run and its epochs in one call, and keeps the layer stats a window records', async () => {
    const ids: string[] = [];
    for (const lr of [0.1, 0.01]) {
      const { id } = await call<{ id: string }>('createRun', { config: { ...smallConfig, optimizer: { lr } } });
      await call('recordEpochs', { id, metrics: [{ ...fakeEpoch(1, 0.9), layers }, fakeEpoch(2, 0.5)] });
      await call('finishRun', { id, summary: fakeSummary(2) });
      ids.push(id);
    }
    const out = await call<{ runs: { id: string; lr: number }[]; epochs: { epoch: number }[][] }>('compareRuns', {
      ids: [...ids].reverse(),
    });
    expect(out.runs.map((r) => r.lr)).toEqual([0.01, 0.1]);
    expect(out.epochs.map((e) => e.map((x) => x.epoch))).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(await call('getLayerStats', { id: ids[0] })).toEqual([{ epoch: 1, layers }]);
  });

  it('refuses a malformed histogram where it enters', async () => {
    const { id } = await call<{ id: string }>('createRun', { config: smallConfig });
    const bad = [{ weights: { min: 0, max: 1, counts: [-1] }, gradNorm: null }];
    await expect(call('recordEpoch', { id, metrics: { ...fakeEpoch(1, 0.9), layers: bad } })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});

describe('sweeps', () => {
  it('creates a 2×2 sweep of queued runs that a window starts, and cancels the ones it drops', async () => {
    const grid = [
      { key: 'optimizer.lr', values: [0.1, 0.01] },
      { key: 'model.layers', values: [[4], [8, 8]] },
    ];
    const { sweepId, runIds } = await call<{ sweepId: string; runIds: string[] }>('createSweep', {
      baseConfig: parseConfig(smallConfig),
      grid,
    });
    expect(runIds).toHaveLength(4);
    const sweep = await call<{
      sweep: { grid: unknown };
      runs: { id: string; status: string; layers: string; lr: number }[];
    }>('getSweep', { id: sweepId });
    expect(sweep.sweep.grid).toEqual(grid);
    expect(sweep.runs.map((r) => `${r.status} ${r.lr} ${r.layers}`)).toEqual([
      'queued 0.1 4',
      'queued 0.1 8x8',
      'queued 0.01 4',
      'queued 0.01 8x8',
    ]);
    expect(await call('listSweeps', {})).toEqual([
      { id: sweepId, createdAt: expect.any(Number), keys: ['optimizer.lr', 'model.layers'], size: 4 },
    ]);
    await call('startQueuedRun', { id: runIds[0] });
    await call('cancelQueuedRuns', { ids: runIds.slice(1) });
    expect(
      store
        .listRuns({ sweepId })
        .map((r) => r.status)
        .sort(),
    ).toEqual(['cancelled', 'cancelled', 'cancelled', 'running']);
    await expect(call('startQueuedRun', { id: runIds[1] })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringContaining('cancelled, not queued'),
    });
  });

  it('names the key of a grid value the config refuses, and takes at most three keys', async () => {
    const base = parseConfig(smallConfig);
    await expect(
      call('createSweep', { baseConfig: base, grid: [{ key: 'optimizer.lr', values: [0.1, -1] }] }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      field: 'grid',
      message: expect.stringMatching(/^optimizer\.lr=-1: /),
    });
    const four = ['optimizer.lr', 'batchSize', 'seed', 'epochs'].map((key) => ({ key, values: [1, 2] }));
    await expect(call('createSweep', { baseConfig: base, grid: four })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    expect(store.countRuns()).toBe(0);
  });
});

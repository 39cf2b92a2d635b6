// The WorkbenchApi over a real RunStore (what both transports call): paging and search, imported datasets from a
// CSV file to the renderer's wire form, a verified ONNX export recorded as an artifact, and a finished run read-only.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromWireDataset } from '../../api/dataset-wire.ts';
import { dispatch } from '../../api/dispatch.ts';
import { createStoreApi } from '../../api/store-api.ts';
import { toWireSnapshot } from '../../api/snapshot-wire.ts';
import type { ApiHandlers } from '../../api/workbench-api.ts';
import { RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';
import { runInWorker } from '../../engine/host/node/engine-client.ts';
import type { ModelSnapshot } from '../../engine/types.ts';
import { createFileGrants, type FileGrantStore } from '../../electron/file-grants.ts';
import { fakeEpoch, fakeSummary, smallConfig } from './fixtures.ts';

let dir: string;
let store: RunStore;
let api: ApiHandlers;
// Files reach the store host as handles the desktop's dialogs issued; these stand in for the dialogs' answers.
let files: FileGrantStore;
const open = (path: string) => files.grant(path, 'open').file;
const save = (path: string) => files.grant(path, 'save').file;

async function call(method: string, input: unknown) {
  const r = await dispatch(api, method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value as never;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-api-'));
  store = new RunStore(join(dir, 'runs.db'), { appVersion: '0.0.0-test' });
  files = createFileGrants();
  api = createStoreApi(store, { mode: 'electron', appVersion: '0.0.0-test', files });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('listRuns', () => {
  it('pages, counts and searches', async () => {
    for (let i = 0; i < 7; i++) {
      const { id } = await call('createRun', {
        config: { ...smallConfig, name: `run-${i}`, optimizer: { lr: 0.001 * (i + 1) } },
      });
      if (i % 2 === 0) await call('addTags', { id, tags: ['even'] });
    }
    const page = (await call('listRuns', { limit: 3, offset: 3, sort: 'lr', descending: false })) as {
      runs: { lr: number }[];
      total: number;
    };
    expect(page.total).toBe(7);
    expect(page.runs.map((r) => r.lr)).toEqual([0.004, 0.005, 0.006]);
    const tagged = (await call('listRuns', { search: 'EVEN', limit: 2 })) as { runs: unknown[]; total: number };
    expect([tagged.runs.length, tagged.total]).toEqual([2, 4]);
  });
});

describe('imported datasets', () => {
  it('imports a CSV file, lists it, and sends its rows exactly', async () => {
    const csv = join(dir, 'tiny.csv');
    writeFileSync(csv, 'a,b,label\n0.5,1.25,yes\n-1,2,no\n3,0.125,yes\n4,4,no\n');
    const rec = (await call('importDatasetFile', { file: open(csv), target: 'label' })) as {
      name: string;
      rows: number;
      task: string;
    };
    expect(rec).toMatchObject({ name: 'tiny', rows: 4, task: 'classification' });
    expect(((await call('listImportedDatasets', {})) as { name: string }[]).map((d) => d.name)).toEqual(['tiny']);
    const data = fromWireDataset(await call('loadImportedDataset', { name: 'tiny' }));
    expect(Array.from(data.x)).toEqual([0.5, 1.25, -1, 2, 3, 0.125, 4, 4]);
    expect(data.labels).toHaveLength(4);
    await expect(call('loadImportedDataset', { name: 'nope' })).rejects.toMatchObject({ code: 'unknown_dataset' });
  });
});

describe('exportOnnx', () => {
  it('writes a verified file of a run trained by the engine and records the artifact', async () => {
    const config = parseConfig({ ...smallConfig, epochs: 3, dataset: { name: 'xor', samples: 64 } });
    const { id } = (await call('createRun', { config })) as { id: string };
    let final: { epoch: number; snapshot: ModelSnapshot } | null = null;
    const { summary } = await runInWorker(config, {
      onCheckpoint: (kind, epoch, snapshot) => void (kind === 'final' && (final = { epoch, snapshot })),
    }).result;
    await call('recordEpoch', { id, metrics: fakeEpoch(1, 0.6) });
    await call('saveCheckpoint', {
      id,
      kind: 'final',
      epoch: final!.epoch,
      snapshot: JSON.parse(JSON.stringify(toWireSnapshot(final!.snapshot))),
    });
    await call('finishRun', { id, summary: JSON.parse(JSON.stringify(summary)) });
    const out = join(dir, 'exports', 'model.onnx');
    const result = (await call('exportOnnx', { id, file: save(out) })) as {
      maxAbsDiff: number;
      tolerance: number;
      checkpoint: string;
    };
    expect(existsSync(out)).toBe(true);
    expect(result.checkpoint).toBe('final');
    expect(result.maxAbsDiff).toBeLessThanOrEqual(result.tolerance);
    expect(store.getRunDetail(id).artifacts).toMatchObject([{ kind: 'onnx', path: out }]);
    // a second export may replace our own model, but never a file that is not .onnx or not one of ours
    await call('exportOnnx', { id, file: save(out) });
    const victim = join(dir, 'notes.txt');
    writeFileSync(victim, 'keep me');
    await expect(call('exportOnnx', { id, file: save(victim) })).rejects.toMatchObject({
      code: 'invalid_argument',
      field: 'path',
      message: expect.stringMatching(/must end in \.onnx/),
    });
    const foreign = join(dir, 'someone-else.onnx');
    writeFileSync(foreign, 'not a model');
    await expect(call('exportOnnx', { id, file: save(foreign) })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/not an MLP Workbench model/),
    });
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(readFileSync(foreign, 'utf8')).toBe('not a model');
  });

  it('accepts the final checkpoint of a run cancelled before its first epoch ended (epoch 0)', async () => {
    const config = parseConfig({ ...smallConfig, epochs: 1 });
    const { id } = (await call('createRun', { config })) as { id: string };
    let final: { epoch: number; snapshot: ModelSnapshot } | null = null;
    await runInWorker(config, {
      onCheckpoint: (kind, epoch, snapshot) => void (kind === 'final' && (final = { epoch, snapshot })),
    }).result;
    await call('saveCheckpoint', {
      id,
      kind: 'final',
      epoch: 0,
      snapshot: JSON.parse(JSON.stringify(toWireSnapshot(final!.snapshot))),
    });
    expect(store.getCheckpoint(id, 'final')!.epoch).toBe(0);
  });

  it('names the missing checkpoint', async () => {
    const { id } = (await call('createRun', { config: smallConfig })) as { id: string };
    await call('finishRun', { id, summary: fakeSummary(2) });
    await expect(call('exportOnnx', { id, file: save(join(dir, 'x.onnx')), checkpoint: 'best' })).rejects.toMatchObject(
      { code: 'no_checkpoint', field: 'checkpoint' },
    );
  });
});

describe('a finished run over the API', () => {
  it('refuses late epochs, checkpoints and a second finish with errors of ours, and keeps tags and notes editable', async () => {
    const { id } = (await call('createRun', { config: smallConfig })) as { id: string };
    await call('recordEpochs', { id, metrics: [fakeEpoch(1, 0.7), fakeEpoch(2, 0.5)] });
    await expect(call('recordEpoch', { id, metrics: fakeEpoch(2, 0.4) })).rejects.toMatchObject({
      code: 'duplicate_epoch',
      message: `run ${id} already has epoch 2 in ${store.path}; each epoch is recorded once`,
    });
    await call('finishRun', { id, summary: fakeSummary(2) });
    const finished = `run ${id} is completed: cannot`;
    await expect(call('recordEpoch', { id, metrics: fakeEpoch(3, 0.3) })).rejects.toMatchObject({
      code: 'run_finished',
      message: expect.stringContaining(`${finished} record epoch 3`),
    });
    await expect(call('recordEpochs', { id, metrics: [fakeEpoch(3, 0.3), fakeEpoch(4, 0.2)] })).rejects.toMatchObject({
      code: 'run_finished',
    });
    const snapshot = JSON.parse(JSON.stringify(toWireSnapshot(tinySnapshot())));
    await expect(call('saveCheckpoint', { id, kind: 'final', epoch: 2, snapshot })).rejects.toMatchObject({
      code: 'run_finished',
      message: expect.stringContaining(`${finished} save a final checkpoint`),
    });
    await expect(call('finishRun', { id, summary: { ...fakeSummary(2), status: 'cancelled' } })).rejects.toMatchObject({
      code: 'run_finished',
      message: expect.stringContaining(`${finished} finish it again`),
    });
    expect(store.getEpochs(id).map((e) => e.epoch)).toEqual([1, 2]);
    expect(store.getRun(id)).toMatchObject({ status: 'completed', epochsDone: 2 });
    expect(store.getCheckpoint(id, 'final')).toBeNull();
    expect(await call('addTags', { id, tags: ['kept'] })).toEqual(['kept']);
    expect(await call('addNote', { id, text: 'still editable' })).toMatchObject({ text: 'still editable' });
  });
});

function tinySnapshot(): ModelSnapshot {
  return {
    task: 'classification',
    head: 'softmax',
    loss: 'cross_entropy',
    layers: [
      { inputs: 2, units: 2, activation: 'identity', W: Float32Array.from([1, 0, 0, 1]), b: Float32Array.from([0, 0]) },
    ],
    standardize: { mean: Float32Array.from([0, 0]), std: Float32Array.from([1, 1]) },
    classLabels: ['a', 'b'],
  };
}

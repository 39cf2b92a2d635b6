// The run data the renderer sends crosses the API whole: every field of every epoch, backend, data and summary
// object comes back out of the schemas after JSON (HTTP) and structured clone (IPC), and a field the store would
// not keep is refused by name through dispatch() over a real store rather than dropped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../api/dispatch.ts';
import { API_INPUTS } from '../../api/schemas.ts';
import { createStoreApi } from '../../api/store-api.ts';
import type { ApiHandlers } from '../../api/workbench-api.ts';
import { RunStore } from '../../db/index.ts';
import { BackendInfoSchema, DataInfoSchema, EpochMetricsSchema, RunSummarySchema } from '../../engine/schemas.ts';
import type { BackendInfo, DataInfo, EpochMetrics, RunSummary } from '../../engine/types.ts';
import { fakeEpoch, smallConfig } from './fixtures.ts';

// Every field set, optional ones included: Required<> makes a field added to a schema a compile error here.
const epoch: Required<EpochMetrics> = {
  epoch: 3,
  trainLoss: 0.25,
  valLoss: 0.5,
  trainAcc: 0.875,
  valAcc: 0.75,
  lr: 0.01,
  durationMs: 12.5,
  samplesPerSec: 4096,
  layers: [
    { weights: { min: -0.5, max: 0.75, counts: [1, 0, 3] }, gradNorm: 0.125 },
    { weights: { min: 0, max: 0, counts: [4, 0, 0] }, gradNorm: null },
  ],
};
const backend: Required<BackendInfo> = {
  backend: 'webgpu',
  kernels: 'wgsl (swiftshader)',
  precision: 'float32',
  threads: 2,
  adapter: {
    vendor: 'google',
    architecture: 'swiftshader',
    device: 'subzero',
    description: 'SwiftShader',
    isFallback: true,
  },
};
const data: Required<DataInfo> = {
  dataset: 'spiral',
  task: 'classification',
  features: 2,
  outputs: 3,
  trainSamples: 160,
  valSamples: 40,
  testSamples: 20,
  classLabels: ['a', 'b', 'c'],
  head: 'softmax',
  loss: 'cross_entropy',
};
const summary: Required<RunSummary> = {
  status: 'diverged',
  epochs: 3,
  bestEpoch: 2,
  best: epoch,
  final: epoch,
  durationMs: 40,
  samplesPerSecond: 4000,
  stoppedEarly: true,
  error: 'loss became non-finite in epoch 4',
  test: {
    checkpoint: 'best',
    epoch: 2,
    samples: 20,
    loss: 0.75,
    acc: 0.5,
    classes: [
      { label: 'a', precision: 0.5, recall: 1, f1: 2 / 3, support: 5 },
      { label: 'b', precision: null, recall: 0, f1: null, support: 5 },
      { label: 'c', precision: 0.5, recall: 0.5, f1: 0.5, support: 10 },
    ],
    confusion: [
      [5, 0, 0],
      [0, 0, 5],
      [5, 0, 5],
    ],
  },
};

const transports = {
  http: (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown,
  ipc: (v: unknown) => structuredClone(v),
};

describe('run data through the API schemas', () => {
  it.each(Object.entries(transports))('keeps every field over %s', (_, carry) => {
    expect(API_INPUTS.recordEpochs.parse(carry({ id: 'r1', metrics: [epoch] }))).toEqual({
      id: 'r1',
      metrics: [epoch],
    });
    expect(API_INPUTS.recordStarted.parse(carry({ id: 'r1', backend, data }))).toEqual({ id: 'r1', backend, data });
    expect(API_INPUTS.finishRun.parse(carry({ id: 'r1', summary }))).toEqual({ id: 'r1', summary });
  });

  it('has a schema field for every field the fixtures set, and no other', () => {
    expect(Object.keys(EpochMetricsSchema.shape).sort()).toEqual(Object.keys(epoch).sort());
    expect(Object.keys(BackendInfoSchema.shape).sort()).toEqual(Object.keys(backend).sort());
    expect(Object.keys(DataInfoSchema.shape).sort()).toEqual(Object.keys(data).sort());
    expect(Object.keys(RunSummarySchema.shape).sort()).toEqual(Object.keys(summary).sort());
  });
});

describe('unknown fields through dispatch', () => {
  let dir: string;
  let store: RunStore;
  let api: ApiHandlers;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlpw-schemas-'));
    store = new RunStore(join(dir, 'runs.db'), { appVersion: '0.0.0-test' });
    api = createStoreApi(store, { mode: 'browser', appVersion: '0.0.0-test' });
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a recordEpochs payload with an unknown field, naming it, and records nothing', async () => {
    const created = await dispatch(api, 'createRun', { config: smallConfig });
    if (!created.ok) throw new Error(created.error.message);
    const { id } = created.value as { id: string };
    const metrics = [fakeEpoch(1, 0.9), { ...fakeEpoch(2, 0.8), valAccuracy: 0.5 }];
    const r = await dispatch(api, 'recordEpochs', { id, metrics });
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'invalid_argument',
        message: 'recordEpochs: metrics[1]: unknown key "valAccuracy"',
        field: 'metrics[1].valAccuracy',
      },
    });
    expect(store.getEpochs(id)).toEqual([]);
  });

  it('refuses an unknown field nested in a layer stat and at the top of an input', async () => {
    const layers = [{ weights: { min: 0, max: 1, counts: [1], mean: 0.5 }, gradNorm: null }];
    const nested = await dispatch(api, 'recordEpoch', { id: 'r1', metrics: { ...fakeEpoch(1, 0.9), layers } });
    expect(nested).toMatchObject({
      ok: false,
      error: { code: 'invalid_argument', field: 'metrics.layers[0].weights.mean' },
    });
    const top = await dispatch(api, 'getRun', { id: 'r1', verbose: true });
    expect(top).toMatchObject({ ok: false, error: { code: 'invalid_argument', field: 'verbose' } });
  });
});

// An imported dataset streamed to a real engine worker thread in chunks (datasetBegin, datasetChunk…, start): the
// worker assembles one copy of the rows and trains exactly as on the same rows sent whole; bad chunks, missing rows
// and a cancel while the rows load end the run with a message that says which.
import { describe, expect, it } from 'vitest';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { EngineError, runInWorker } from '../../engine/host/node/engine-client.ts';
import type { Dataset, EpochMetrics } from '../../engine/types.ts';
import type { StreamedDataset } from '../../engine/worker/client.ts';
import type { DatasetChunk } from '../../engine/worker/protocol.ts';

const config = {
  dataset: { name: 'rows', source: 'imported' as const },
  model: { layers: [{ units: 8, activation: 'tanh' as const }] },
  optimizer: { type: 'adam' as const, lr: 0.02 },
  batchSize: 16,
  epochs: 4,
  seed: 5,
  backend: 'cpu' as const,
};

// 301 rows: chunks of 64 leave a ragged last one.
const moons = (): Dataset => ({
  ...loadBuiltinDataset({ name: 'moons', samples: 301, noise: 0.1, classes: 2, seed: 2 }),
  name: 'rows',
});

function streamed(
  d: Dataset,
  rows: number,
  edit: (c: DatasetChunk, i: number) => DatasetChunk | null = (c) => c,
): StreamedDataset {
  const { x: _x, labels: _l, targets: _t, ...header } = d;
  async function* chunks(): AsyncGenerator<DatasetChunk> {
    for (let at = 0, i = 0; at < d.n; at += rows, i++) {
      const end = Math.min(d.n, at + rows);
      // slice(): a buffer of its own, as a chunk decoded from the API has, so transferring it leaves `d` whole
      const c = edit(
        { offset: at, x: d.x.slice(at * d.features, end * d.features), labels: d.labels!.slice(at, end) },
        i,
      );
      if (c) yield c;
    }
  }
  return { header, chunks: chunks() };
}

async function train(dataset: Dataset | StreamedDataset) {
  const epochs: EpochMetrics[] = [];
  const loading: number[] = [];
  const result = await runInWorker(
    config,
    { onEpoch: (m) => void epochs.push(m), onLoading: (rows) => void loading.push(rows) },
    { dataset },
  ).result;
  return { ...result, epochs, loading };
}

const deterministic = (m: EpochMetrics) => [m.epoch, m.trainLoss, m.valLoss, m.trainAcc, m.valAcc];

async function failure(run: Promise<unknown>): Promise<EngineError> {
  const e = await run.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(EngineError);
  return e as EngineError;
}

describe('a dataset streamed to the engine worker in chunks', () => {
  it('trains bit-identically to the same rows sent whole, and reports the rows as they go', async () => {
    const whole = await train(moons());
    const chunked = await train(streamed(moons(), 64));
    expect(chunked.summary.status).toBe('completed');
    expect(chunked.data.trainSamples + chunked.data.valSamples).toBe(301);
    expect(chunked.loading).toEqual([64, 128, 192, 256, 301]);
    expect(chunked.epochs.map(deterministic)).toEqual(whole.epochs.map(deterministic));
  });

  it('refuses a chunk out of order, naming the row it expected', async () => {
    const e = await failure(train(streamed(moons(), 64, (c, i) => (i === 1 ? { ...c, offset: 100 } : c))));
    expect(e.code).toBe('dataset_stream');
    expect(e.message).toBe('datasetChunk at row 100 of "rows": expected row 64 next (chunks arrive in order)');
  });

  it('refuses labels past the class count and a chunk whose x is not whole rows', async () => {
    const badLabel = await failure(
      train(
        streamed(moons(), 64, (c, i) => (i === 0 ? { ...c, labels: c.labels!.map((l, j) => (j === 3 ? 7 : l)) } : c)),
      ),
    );
    expect(badLabel.message).toBe('datasetChunk at row 0 of "rows": row 3 has class 7, past the 2 classes');
    const ragged = await failure(train(streamed(moons(), 64, (c) => ({ ...c, x: c.x.subarray(1) }))));
    expect(ragged.message).toMatch(
      /^datasetChunk at row 0 of "rows": x must be a Float32Array of whole rows of 2 features, got 127 values$/,
    );
  });

  it('fails a run whose rows did not all arrive', async () => {
    const e = await failure(train(streamed(moons(), 64, (c, i) => (i === 4 ? null : c))));
    expect(e.message).toBe('"rows": 256 of its 301 rows arrived before the run started');
  });

  it('a cancel while the rows load ends the run as cancelled before it starts', async () => {
    const { header } = streamed(moons(), 64);
    let release!: () => void;
    async function* slow(): AsyncGenerator<DatasetChunk> {
      const d = moons();
      const gate = new Promise<void>((r) => (release = r));
      yield { offset: 0, x: d.x.slice(0, 64 * 2), labels: d.labels!.slice(0, 64) };
      await gate;
      yield { offset: 64, x: d.x.slice(128, 256), labels: d.labels!.slice(64, 128) };
    }
    let started = false;
    const run = runInWorker(
      config,
      { onStarted: () => void (started = true), onLoading: () => (run.cancel(), release()) },
      { dataset: { header, chunks: slow() } },
    );
    const e = await failure(run.result);
    expect(e.code).toBe('cancelled');
    expect(started).toBe(false);
  });
});

// Engine workers reused between runs (engine/host/node/engine-pool.ts), on real worker threads: runs one after
// another in one worker give the per-epoch metrics of fresh workers bit for bit (wasm and float64 backends, dropout,
// Adam, a thread team, an imported dataset, after a cancel), a failed run's worker is never reused, and a process
// whose idle worker would wait an hour still exits as soon as its own work is done.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExperimentConfigInput } from '../../engine/config.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { ENGINE_WORKER_URL } from '../../engine/host/node/engine-client.ts';
import { EngineWorkerPool } from '../../engine/host/node/engine-pool.ts';
import type { Dataset, EpochMetrics } from '../../engine/types.ts';
import { runEngine, type RunOptions } from '../../engine/worker/client.ts';

const base = {
  dataset: { name: 'spiral', samples: 300 },
  model: {
    layers: [
      { units: 16, activation: 'tanh' as const, dropout: 0.2 },
      { units: 16, activation: 'relu' as const },
    ],
  },
  optimizer: { type: 'adam' as const, lr: 0.01 },
  batchSize: 16,
  epochs: 4,
  seed: 3,
  backend: 'cpu' as const,
} satisfies ExperimentConfigInput;

const configs: Record<string, ExperimentConfigInput> = {
  'wasm, Adam, dropout': base,
  'float64 reference, momentum': {
    ...base,
    precision: 'float64',
    optimizer: { type: 'momentum', lr: 0.05, momentum: 0.9, nesterov: true },
  },
  'wasm, SGD, another seed': { ...base, optimizer: { type: 'sgd', lr: 0.1 }, seed: 9 },
  // 2·64·128·128 flops per product reaches the parallel threshold: the run starts (and disposes) a thread team.
  'wasm, a thread team': {
    ...base,
    model: {
      layers: [
        { units: 128, activation: 'relu' },
        { units: 128, activation: 'tanh' },
      ],
    },
    batchSize: 64,
    epochs: 2,
  },
};

const imported: Dataset = {
  ...loadBuiltinDataset({ name: 'moons', samples: 301, noise: 0.1, classes: 2, seed: 2 }),
  name: 'rows',
};
const importedConfig: ExperimentConfigInput = { ...base, dataset: { name: 'rows', source: 'imported' } };

/** The metrics that must repeat exactly; durations and throughput are measurements, not results. */
const deterministic = (m: EpochMetrics) => [m.epoch, m.trainLoss, m.valLoss, m.trainAcc, m.valAcc, m.lr];

const pools: EngineWorkerPool[] = [];
afterAll(() => pools.forEach((p) => p.close()));

function pool(): EngineWorkerPool {
  const p = new EngineWorkerPool(ENGINE_WORKER_URL, { maxIdle: 1 });
  pools.push(p);
  return p;
}

async function train(on: EngineWorkerPool, config: ExperimentConfigInput, options: RunOptions = {}) {
  const epochs: EpochMetrics[] = [];
  const { summary } = await runEngine(on.acquire(), config, { onEpoch: (m) => void epochs.push(m) }, options).result;
  return { status: summary.status, epochs: epochs.map(deterministic) };
}

/** The same run in a worker of its own, terminated after. */
async function fresh(config: ExperimentConfigInput, options: RunOptions = {}) {
  const own = pool();
  const r = await train(own, config, options);
  own.close();
  expect(own.counts).toEqual({ started: 1, reused: 0 });
  return r;
}

describe('engine workers reused between runs', () => {
  it('gives every run the per-epoch metrics of a fresh worker, bit for bit, one run after another', async () => {
    const expected: Record<string, Awaited<ReturnType<typeof fresh>>> = {};
    for (const [name, config] of Object.entries(configs)) expected[name] = await fresh(config);
    const importedExpected = await fresh(importedConfig, { dataset: imported });

    const shared = pool();
    for (const round of [1, 2])
      for (const [name, config] of Object.entries(configs)) {
        const r = await train(shared, config);
        expect(r.status, `${name}, round ${round}`).toBe('completed');
        expect(r.epochs, `${name}, round ${round}`).toEqual(expected[name]!.epochs);
      }
    expect(await train(shared, importedConfig, { dataset: imported })).toEqual(importedExpected);
    // a built-in after the imported rows: nothing of them is left in the worker
    expect(await train(shared, base)).toEqual(expected['wasm, Adam, dropout']);
    expect(shared.counts).toEqual({ started: 1, reused: 2 * Object.keys(configs).length + 1 });
  });

  it('reuses a worker whose run was cancelled; the next run there equals a fresh one', async () => {
    const expected = await fresh(base);
    const shared = pool();
    const epochs: number[] = [];
    const long = runEngine(
      shared.acquire(),
      { ...base, dataset: { name: 'spiral', samples: 20000 }, epochs: 1000, batchSize: 8 },
      {
        onEpoch: (m) => {
          epochs.push(m.epoch);
          if (m.epoch === 1) long.cancel();
        },
      },
    );
    const { summary } = await long.result;
    expect(summary.status).toBe('cancelled');
    expect(summary.epochs).toBeLessThan(1000);
    expect(await train(shared, base)).toEqual(expected);
    expect(shared.counts).toEqual({ started: 1, reused: 1 });
  });

  it('never reuses a worker after a failure: a bad config, a cancel while rows load, a handler that throws', async () => {
    const expected = await fresh(base);
    const shared = pool();
    const bad = await runEngine(shared.acquire(), { ...base, optimizer: { type: 'adam', lr: -3 } }).result.catch(
      (e: unknown) => e,
    );
    expect(bad).toMatchObject({ name: 'EngineError', code: 'invalid_config', field: 'optimizer.lr' });
    expect(await train(shared, base)).toEqual(expected);
    expect(shared.counts).toEqual({ started: 2, reused: 0 });

    // the good run's worker is idle now: a run cancelled while its rows stream in ends it
    const { x: _x, labels: _l, targets: _t, ...header } = imported;
    async function* chunks() {
      yield { offset: 0, x: imported.x.slice(0, 100 * imported.features), labels: imported.labels!.slice(0, 100) };
      loading.cancel();
      yield { offset: 100, x: imported.x.slice(100 * imported.features), labels: imported.labels!.slice(100) };
    }
    const loading = runEngine(shared.acquire(), importedConfig, {}, { dataset: { header, chunks: chunks() } });
    await expect(loading.result).rejects.toMatchObject({ code: 'cancelled' });
    expect(await train(shared, base)).toEqual(expected);
    expect(shared.counts).toEqual({ started: 3, reused: 1 });

    const throwing = runEngine(shared.acquire(), base, {
      onEpoch: (m) => {
        if (m.epoch === 2) throw new Error('disk full');
      },
    });
    await expect(throwing.result).rejects.toThrow('disk full');
    expect(await train(shared, base)).toEqual(expected);
    expect(shared.counts).toEqual({ started: 4, reused: 2 });
  });

  it('lets the process exit with an idle worker that would wait an hour', async () => {
    const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
    const script = `
      import { EngineWorkerPool } from ${JSON.stringify(root('engine/host/node/engine-pool.ts'))};
      import { ENGINE_WORKER_URL } from ${JSON.stringify(root('engine/host/node/engine-client.ts'))};
      import { runEngine } from ${JSON.stringify(root('engine/worker/client.ts'))};
      const pool = new EngineWorkerPool(ENGINE_WORKER_URL, { idleMs: 3_600_000 });
      const config = ${JSON.stringify({ ...base, epochs: 2 })};
      for (let i = 0; i < 2; i++) {
        const { summary } = await runEngine(pool.acquire(), config).result;
        console.log(summary.status);
      }
      console.log(JSON.stringify({ ...pool.counts, idle: pool.idleCount }));
    `;
    const dir = mkdtempSync(join(tmpdir(), 'mlpw-worker-reuse-'));
    const file = join(dir, 'two-runs.mts');
    writeFileSync(file, script);
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', file],
        { cwd: root('.'), timeout: 50_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
      ),
    ).finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(out.trim().split('\n')).toEqual(['completed', 'completed', '{"started":1,"reused":1,"idle":1}']);
  });
});

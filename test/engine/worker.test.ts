// The engine in a real worker thread: every epoch reported in order, bit-identical reruns, cancel, clear errors.
import { describe, expect, it } from 'vitest';
import { EngineError, runInWorker } from '../../engine/host/node/engine-client.ts';
import type { EpochMetrics } from '../../engine/types.ts';

const config = {
  dataset: { name: 'moons', samples: 400, noise: 0.1 },
  model: {
    layers: [
      { units: 16, activation: 'tanh' as const, dropout: 0.1 },
      { units: 16, activation: 'relu' as const },
    ],
  },
  optimizer: { type: 'adam' as const, lr: 0.01 },
  batchSize: 16,
  epochs: 8,
  seed: 3,
  backend: 'cpu' as const,
};

async function collect(input = config) {
  const epochs: EpochMetrics[] = [];
  const checkpoints: string[] = [];
  const { summary, backend } = await runInWorker(input, {
    onEpoch: (m) => void epochs.push(m),
    onCheckpoint: (kind, epoch) => void checkpoints.push(`${kind}@${epoch}`),
  }).result;
  return { summary, backend, epochs, checkpoints };
}

/** The metrics that must repeat exactly; durations and throughput are measurements, not results. */
const deterministic = (m: EpochMetrics) => [m.epoch, m.trainLoss, m.valLoss, m.trainAcc, m.valAcc, m.lr];

describe('engine worker (worker_threads)', () => {
  it('reports every epoch in order, then the final checkpoint, then done', async () => {
    const r = await collect();
    expect(r.summary.status).toBe('completed');
    expect(r.epochs.map((m) => m.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.checkpoints.at(-1)).toBe('final@8');
    expect(r.checkpoints.filter((c) => c.startsWith('best')).length).toBeGreaterThan(0);
    expect(r.backend.backend).toBe('cpu');
    expect(r.epochs.every((m) => m.samplesPerSec > 0 && m.durationMs > 0)).toBe(true);
  });

  it('is bit-reproducible: the same config and seed give identical per-epoch metrics in two workers', async () => {
    const [a, b] = await Promise.all([collect(), collect()]);
    expect(a.epochs.map(deterministic)).toEqual(b.epochs.map(deterministic));
    const c = await collect({ ...config, seed: 4 });
    expect(c.epochs.map(deterministic)).not.toEqual(a.epochs.map(deterministic));
  });

  it('cancel stops a long run between batches with status cancelled', async () => {
    const epochs: number[] = [];
    const run = runInWorker(
      { ...config, dataset: { name: 'spiral', samples: 20000 }, epochs: 1000, batchSize: 8 },
      { onEpoch: (m) => void epochs.push(m.epoch) },
    );
    setTimeout(() => run.cancel(), 400);
    const { summary } = await run.result;
    expect(summary.status).toBe('cancelled');
    expect(summary.epochs).toBeLessThan(1000);
    expect(summary.epochs).toBe(epochs.length);
  });

  it('an invalid config comes back as a structured error naming the field', async () => {
    const err = await runInWorker({ ...config, optimizer: { type: 'adam', lr: -3 } }).result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('invalid_config');
    expect((err as EngineError).field).toBe('optimizer.lr');
  });

  it('calls a recorder in message order: started, epochs and checkpoints, then finished last', async () => {
    const events: string[] = [];
    const { summary } = await runInWorker(
      { ...config, epochs: 3 },
      {
        onStarted: (backend) => void events.push(`started ${backend.backend}`),
        // An async handler finishes before the next message is handled.
        onEpoch: async (m) => {
          await new Promise((r) => setTimeout(r, 20));
          events.push(`epoch ${m.epoch}`);
        },
        onCheckpoint: (kind, epoch) => void events.push(`${kind}@${epoch}`),
        onFinished: (s) => void events.push(`finished ${s.status}`),
        onFailed: (e) => void events.push(`failed ${String(e)}`),
      },
    ).result;
    expect(summary.status).toBe('completed');
    expect(events[0]).toBe('started cpu');
    expect(events.filter((e) => e.startsWith('epoch'))).toEqual(['epoch 1', 'epoch 2', 'epoch 3']);
    expect(events.slice(-2)).toEqual(['final@3', 'finished completed']);
  });

  it("reports a failure to onFailed before rejecting: the engine's, and a handler's", async () => {
    const failures: unknown[] = [];
    const bad = runInWorker(
      { ...config, optimizer: { type: 'adam', lr: -3 } },
      { onFailed: (e) => void failures.push(e) },
    );
    const err = await bad.result.catch((e: unknown) => e);
    expect(failures).toEqual([err]);
    expect(err).toMatchObject({ name: 'EngineError', code: 'invalid_config', field: 'optimizer.lr' });

    const epochs: number[] = [];
    const broken = runInWorker(config, {
      onEpoch: (m) => {
        epochs.push(m.epoch);
        if (m.epoch === 2) throw new Error('disk full');
      },
      onFinished: () => void failures.push('finished'),
      onFailed: (e) => void failures.push((e as Error).message),
    });
    await expect(broken.result).rejects.toThrow('disk full');
    // The worker is gone: no epoch after the failing one reaches the handlers, and the run never finishes.
    await new Promise((r) => setTimeout(r, 200));
    expect(epochs).toEqual([1, 2]);
    expect(failures.slice(1)).toEqual(['disk full']);
  });
});

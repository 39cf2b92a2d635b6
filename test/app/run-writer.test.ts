// The renderer's store writer: every epoch reaches the store in order, epochs arriving during a write are batched,
// and the end of the run is written after all of them.
import { describe, expect, it } from 'vitest';
import type { WorkbenchApi } from '../../api/workbench-api.ts';
import { createRunWriter } from '../../renderer/training/run-writer.ts';
import { fakeEpoch, fakeSummary } from './fixtures.ts';

function fakeApi() {
  const calls: { method: string; epochs?: number[] }[] = [];
  let release: (() => void) | null = null;
  const api = {
    recordStarted: async () => void calls.push({ method: 'recordStarted' }),
    recordEpochs: async ({ metrics }: { metrics: { epoch: number }[] }) => {
      calls.push({ method: 'recordEpochs', epochs: metrics.map((m) => m.epoch) });
      await new Promise<void>((r) => (release = r));
    },
    finishRun: async () => void calls.push({ method: 'finishRun' }),
  } as unknown as WorkbenchApi;
  return { api, calls, release: () => release?.() };
}

describe('createRunWriter', () => {
  it('batches epochs that arrive while a write is in flight, in order, and finishes last', async () => {
    const { api, calls, release } = fakeApi();
    const writer = createRunWriter(api, 'run1');
    writer.onStarted({ backend: 'cpu', kernels: 'js', precision: 'float32' }, {} as never);
    writer.onEpoch(fakeEpoch(1, 0.9));
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    for (let e = 2; e <= 5; e++) writer.onEpoch(fakeEpoch(e, 0.5));
    writer.onFinished(fakeSummary(5));
    const settled = writer.settle();
    for (let i = 0; i < 3; i++) {
      release();
      await new Promise((r) => setTimeout(r, 0));
    }
    await settled;
    expect(calls).toEqual([
      { method: 'recordStarted' },
      { method: 'recordEpochs', epochs: [1] },
      { method: 'recordEpochs', epochs: [2, 3, 4, 5] },
      { method: 'finishRun' },
    ]);
  });

  it('reports the first failed write from settle()', async () => {
    const api = { finishRun: async () => Promise.reject(new Error('store gone')) } as unknown as WorkbenchApi;
    const writer = createRunWriter(api, 'run1');
    writer.onFinished(fakeSummary(1));
    await expect(writer.settle()).rejects.toThrow('store gone');
  });

  it('sends a new best checkpoint while the run trains, after its epoch, coalescing bests that arrive during a write', async () => {
    const calls: string[] = [];
    const held: (() => void)[] = [];
    const release = () => held.shift()?.();
    const hold = () => new Promise<void>((r) => held.push(r));
    const api = {
      recordEpochs: async ({ metrics }: { metrics: { epoch: number }[] }) => {
        calls.push(`epochs ${metrics.map((m) => m.epoch).join(',')}`);
        await hold();
      },
      saveCheckpoint: async ({ kind, epoch }: { kind: string; epoch: number }) => void calls.push(`${kind} ${epoch}`),
      finishRun: async () => void calls.push('finish'),
    } as unknown as WorkbenchApi;
    const snapshot = { layers: [], standardize: null } as never;
    const writer = createRunWriter(api, 'run1');
    writer.onEpoch(fakeEpoch(1, 0.9));
    writer.onCheckpoint('best', 1, snapshot);
    await new Promise((r) => setTimeout(r, 0));
    // epoch 1 is being written; epochs 2 and 3 each improve on the best meanwhile
    writer.onEpoch(fakeEpoch(2, 0.8));
    writer.onCheckpoint('best', 2, snapshot);
    writer.onEpoch(fakeEpoch(3, 0.7));
    writer.onCheckpoint('best', 3, snapshot);
    for (let i = 0; i < 4; i++) {
      release();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(calls).toEqual(['epochs 1', 'epochs 2,3', 'best 3']);
    writer.onEpoch(fakeEpoch(4, 0.75));
    writer.onCheckpoint('final', 4, snapshot);
    writer.onFinished(fakeSummary(4));
    const settled = writer.settle();
    for (let i = 0; i < 4; i++) {
      release();
      await new Promise((r) => setTimeout(r, 0));
    }
    await settled;
    // the best is not sent twice; the final checkpoint and the finish come after every epoch
    expect(calls).toEqual(['epochs 1', 'epochs 2,3', 'best 3', 'epochs 4', 'final 4', 'finish']);
  });
});

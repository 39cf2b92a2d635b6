// Small hand-written run data for the app tests: what a renderer would send after a two-epoch spiral run.
import type { EpochMetrics, RunSummary } from '../../engine/types.ts';

export const smallConfig = {
  dataset: { name: 'spiral', samples: 200 },
  model: { layers: [{ units: 8 }, { units: 8 }] },
  epochs: 2,
  backend: 'cpu' as const,
};

export function fakeEpoch(epoch: number, loss: number): EpochMetrics {
  return {
    epoch,
    trainLoss: loss,
    valLoss: loss + 0.1,
    trainAcc: 1 - loss / 2,
    valAcc: 1 - loss / 2 - 0.05,
    lr: 0.01,
    durationMs: 5,
    samplesPerSec: 32000,
  };
}

export function fakeSummary(epochs: number): RunSummary {
  const final = fakeEpoch(epochs, 0.5);
  return {
    status: 'completed',
    epochs,
    bestEpoch: epochs,
    best: final,
    final,
    durationMs: 10,
    samplesPerSecond: 32000,
    stoppedEarly: false,
  };
}

// Shared by the store tests: a temp folder per test and a small valid config and epoch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type ExperimentConfigInput } from '../../engine/config.ts';
import type { EpochMetrics, ModelSnapshot } from '../../engine/types.ts';

export function tempDir(): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mlpw-test-'));
  return { dir, file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function config(input: ExperimentConfigInput = {}) {
  return parseConfig({ dataset: { name: 'xor', samples: 200 }, epochs: 5, backend: 'cpu', ...input });
}

export function epoch(n: number, valLoss: number | null = 1 / n): EpochMetrics {
  return {
    epoch: n,
    trainLoss: 1 / n + 0.1,
    valLoss,
    trainAcc: 0.5,
    valAcc: valLoss === null ? null : 1 - 1 / (n + 1),
    lr: 0.01,
    durationMs: 10,
    samplesPerSec: 1000,
  };
}

export function snapshot(): ModelSnapshot {
  return {
    task: 'classification',
    head: 'softmax',
    loss: 'cross_entropy',
    layers: [
      {
        inputs: 2,
        units: 3,
        activation: 'relu',
        W: Float32Array.from([1, 2, 3, 4, 5, 6]),
        b: Float32Array.from([0.1, 0.2, 0.3]),
      },
      {
        inputs: 3,
        units: 2,
        activation: 'identity',
        W: Float32Array.from([-1, -2, -3, -4, -5, -6]),
        b: Float32Array.from([0.5, -0.5]),
      },
    ],
    standardize: { mean: Float32Array.from([0.25, -0.5]), std: Float32Array.from([1.5, 2]) },
    classLabels: ['a', 'b'],
  };
}

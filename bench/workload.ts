// The reference workload every CPU/GPU benchmark uses: MLP 784-512-256-10, ReLU, softmax cross-entropy, SGD,
// batch 256, 10,240 seeded random samples; one warm-up epoch, then the median of 5 timed epochs.
import { parseConfig, type ExperimentConfig } from '../engine/config.ts';
import type { TrainingBackend } from '../engine/backends/backend.ts';
import { prepareData } from '../engine/data/prepare.ts';
import { initWeights } from '../engine/model/init.ts';
import { Rng } from '../engine/rng.ts';
import type { Dataset } from '../engine/types.ts';

export const WORKLOAD = { features: 784, hidden: [512, 256], classes: 10, batch: 256, samples: 10_240, epochs: 5 };

export function workloadConfig(): ExperimentConfig {
  return parseConfig({
    dataset: { name: 'random' },
    validationSplit: 0,
    standardize: false,
    model: { layers: WORKLOAD.hidden.map((units) => ({ units, activation: 'relu' })), head: 'softmax' },
    loss: 'cross_entropy',
    optimizer: { type: 'sgd', lr: 0.01 },
    batchSize: WORKLOAD.batch,
    epochs: 1,
    seed: 7,
  });
}

export function workloadData(): Dataset {
  const rng = new Rng(42);
  const n = WORKLOAD.samples;
  const x = new Float32Array(n * WORKLOAD.features);
  for (let i = 0; i < x.length; i++) x[i] = rng.next();
  const labels = new Uint32Array(n);
  for (let i = 0; i < n; i++) labels[i] = rng.int(WORKLOAD.classes);
  return {
    name: 'random',
    task: 'classification',
    n,
    features: WORKLOAD.features,
    outputs: WORKLOAD.classes,
    x,
    labels,
  };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Samples/s of one backend on the reference workload (median of timed epochs after one warm-up). */
export async function benchBackend(backend: TrainingBackend, epochs = WORKLOAD.epochs): Promise<number> {
  const config = workloadConfig();
  const data = workloadData();
  const prepared = prepareData(data, 0, false, 1);
  const weights = initWeights(config, data.features, data.outputs, 'softmax');
  await backend.init(
    {
      features: data.features,
      outputs: data.outputs,
      head: 'softmax',
      loss: 'cross_entropy',
      layers: weights.map((w) => ({ inputs: w.inputs, units: w.units, activation: w.activation, dropout: 0 })),
      optimizer: config.optimizer,
      seed: config.seed,
    },
    weights,
    prepared,
  );
  const rng = new Rng(3);
  const rates: number[] = [];
  for (let e = 0; e <= epochs; e++) {
    const order = rng.permutation(prepared.train.n);
    const t0 = performance.now();
    await backend.trainEpoch({ order, batchSize: config.batchSize, lr: 0.01, step: e * 40 });
    const seconds = (performance.now() - t0) / 1000;
    if (e > 0) rates.push(prepared.train.n / seconds);
  }
  backend.dispose();
  return median(rates);
}

// The training jobs we hand to peers, built from our own engine (config, data, seeded initial weights, the epoch
// orders), and our side of them: the same epochs on one of our backends, timed, with the loss of each epoch or step.
import type { ModelSpec, TrainingBackend } from '../../engine/backends/backend.ts';
import { parseConfig, type ExperimentConfig } from '../../engine/config.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { prepareData, type PreparedData } from '../../engine/data/prepare.ts';
import { initWeights } from '../../engine/model/init.ts';
import { Rng } from '../../engine/rng.ts';
import type { Dataset, LayerWeights } from '../../engine/types.ts';
import { workloadConfig, workloadData } from '../workload.ts';

export interface PeerJob {
  name: string;
  n: number;
  features: number;
  classes: number;
  batchSize: number;
  /** training rows, n × features */
  x: Float32Array;
  labels: Uint32Array;
  spec: ModelSpec;
  /** initial weights, W inputs × units row-major */
  weights: LayerWeights[];
  /** one permutation of 0..n-1 per epoch; batches are its consecutive slices */
  orders: Uint32Array[];
  prepared: PreparedData;
}

function jobOf(name: string, config: ExperimentConfig, data: Dataset, epochs: number, orderSeed: number): PeerJob {
  const prepared = prepareData(data, 0, false, 1);
  const weights = initWeights(config, data.features, data.outputs, 'softmax');
  const rng = new Rng(orderSeed);
  return {
    name,
    n: prepared.train.n,
    features: data.features,
    classes: data.outputs,
    batchSize: config.batchSize,
    x: prepared.train.x,
    labels: prepared.train.labels!,
    spec: {
      features: data.features,
      outputs: data.outputs,
      head: 'softmax',
      loss: 'cross_entropy',
      layers: weights.map((w) => ({ inputs: w.inputs, units: w.units, activation: w.activation, dropout: 0 })),
      optimizer: config.optimizer,
      seed: config.seed,
      // as the trainer passes it: the fast CPU backend sizes its thread team by a step's products
      batchSize: config.batchSize,
    },
    weights,
    orders: Array.from({ length: epochs }, () => rng.permutation(prepared.train.n)),
    prepared,
  };
}

/** The reference workload (bench/workload.ts): 784-512-256-10 ReLU, SGD 0.01, batch 256, 10,240 rows, orders Rng(3). */
export function referenceJob(epochs: number, samples?: number): PeerJob {
  const data = workloadData();
  const n = samples ?? data.n;
  const cut = { ...data, n, x: data.x.subarray(0, n * data.features), labels: data.labels!.subarray(0, n) };
  return jobOf('reference', workloadConfig(), cut, epochs, 3);
}

export const SPIRAL = { hidden: [32, 32], batch: 32, epochs: 50 };

/** The small-net case: spiral (500 rows, 3 arms) 2-32-32-3 tanh, Adam 0.01, batch 32, all rows trained. */
export function spiralJob(epochs = SPIRAL.epochs): PeerJob {
  const config = parseConfig({
    dataset: { name: 'spiral', classes: 3, samples: 500 },
    validationSplit: 0,
    standardize: false,
    model: { layers: SPIRAL.hidden.map((units) => ({ units, activation: 'tanh' })), head: 'softmax' },
    loss: 'cross_entropy',
    optimizer: { type: 'adam', lr: 0.01 },
    batchSize: SPIRAL.batch,
    epochs,
    seed: 7,
  });
  return jobOf('spiral', config, loadBuiltinDataset(config.dataset), epochs, config.seed);
}

/** Our side: `epochs` epochs of the job on `backend` from the job's initial weights; seconds and mean loss of each. */
export async function oursEpochs(
  backend: TrainingBackend,
  job: PeerJob,
  epochs = job.orders.length,
): Promise<{ epochSeconds: number[]; epochLosses: number[] }> {
  await backend.init(job.spec, job.weights, job.prepared);
  const batches = Math.ceil(job.n / job.batchSize);
  const epochSeconds: number[] = [];
  const epochLosses: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    const sums = await backend.trainEpoch({
      order: job.orders[e]!,
      batchSize: job.batchSize,
      lr: job.spec.optimizer.lr,
      step: e * batches,
    });
    epochSeconds.push((performance.now() - t0) / 1000);
    epochLosses.push(sums!.lossSum / sums!.count);
  }
  return { epochSeconds, epochLosses };
}

/** Our loss at each of the first `steps` minibatches of epoch 0 (before that step's update), one batch per call. */
export async function oursStepLosses(backend: TrainingBackend, job: PeerJob, steps: number): Promise<number[]> {
  await backend.init(job.spec, job.weights, job.prepared);
  const order = job.orders[0]!;
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const rows = order.subarray(s * job.batchSize, (s + 1) * job.batchSize);
    const sums = await backend.trainEpoch({
      order: rows,
      batchSize: job.batchSize,
      lr: job.spec.optimizer.lr,
      step: s,
    });
    losses.push(sums!.lossSum / sums!.count);
  }
  return losses;
}

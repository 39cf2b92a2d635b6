// The run store: what recording costs per epoch relative to an epoch of the reference workload, and how long
// `mlpw runs` and `mlpw compare` take on a store with 1,000 runs × 100 epochs (epochs by direct inserts, each new
// best through saveCheckpoint('best'), as a training run records it).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../engine/backends/select.ts';
import '../engine/host/node/providers.ts';
import { parseConfig } from '../engine/config.ts';
import { prepareData } from '../engine/data/prepare.ts';
import { initWeights } from '../engine/model/init.ts';
import { Rng } from '../engine/rng.ts';
import type { EpochMetrics, ModelSnapshot } from '../engine/types.ts';
import { RunStore } from '../db/index.ts';
import { main } from '../cli/main.ts';
import type { CommandContext } from '../cli/command.ts';
import { median, WORKLOAD, workloadConfig, workloadData } from './workload.ts';

// A part of the reference epoch (same model and batch), scaled: per-sample cost does not depend on the epoch's length.
const TIMED_SAMPLES = 4096;

async function referenceEpochMs(): Promise<{ ms: number; kernels: string }> {
  const config = workloadConfig();
  const full = workloadData();
  const n = TIMED_SAMPLES;
  const data = { ...full, n, x: full.x.subarray(0, n * full.features), labels: full.labels!.subarray(0, n) };
  const prepared = prepareData(data, 0, false, 1);
  const weights = initWeights(config, data.features, data.outputs, 'softmax');
  // The fastest CPU backend this process has (wasm-simd with threads): the epoch a store write must stay small against.
  const backend = await createBackend(config);
  const layers = weights.map((w) => ({ inputs: w.inputs, units: w.units, activation: w.activation, dropout: 0 }));
  await backend.init(
    {
      features: data.features,
      outputs: data.outputs,
      head: 'softmax',
      loss: 'cross_entropy',
      layers,
      optimizer: config.optimizer,
      seed: 1,
    },
    weights,
    prepared,
  );
  const rng = new Rng(3);
  const times: number[] = [];
  for (let e = 0; e < 3; e++) {
    const t0 = performance.now();
    await backend.trainEpoch({ order: rng.permutation(n), batchSize: config.batchSize, lr: 0.01, step: e * 4 });
    if (e > 0) times.push(performance.now() - t0);
  }
  const kernels = `${backend.info.backend}/${backend.info.kernels}, ${backend.info.threads ?? 1} threads`;
  backend.dispose();
  return { ms: (median(times) * WORKLOAD.samples) / n, kernels };
}

function timeMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const metrics = (epoch: number, rng: Rng): EpochMetrics => ({
  epoch,
  trainLoss: 2 / epoch + rng.next() * 0.1,
  valLoss: 2 / epoch + rng.next() * 0.2,
  trainAcc: 1 - 1 / (epoch + 1),
  valAcc: 1 - 1.2 / (epoch + 2),
  lr: 0.01,
  durationMs: 12_000,
  samplesPerSec: 850,
});

/** Median cost of recordEpoch and of a best-checkpoint write of the reference model, in a fresh file store. */
function storeWriteCosts(dir: string): { epochMs: number; checkpointMs: number; checkpointBytes: number } {
  const store = new RunStore(join(dir, 'writes.db'));
  const config = workloadConfig();
  const id = store.createRun(config);
  const rng = new Rng(5);
  const epochTimes = Array.from({ length: 400 }, (_, i) => timeMs(() => store.recordEpoch(id, metrics(i + 1, rng))));
  const layers = initWeights(config, WORKLOAD.features, WORKLOAD.classes, 'softmax');
  const snapshot: ModelSnapshot = {
    task: 'classification',
    head: 'softmax',
    loss: 'cross_entropy',
    layers,
    standardize: null,
  };
  const checkpointTimes = Array.from({ length: 12 }, (_, i) =>
    timeMs(() => store.saveCheckpoint(id, 'best', i + 1, snapshot)),
  );
  const checkpointBytes = store.getRunDetail(id).checkpoints[0]!.bytes;
  store.close();
  return { epochMs: median(epochTimes), checkpointMs: median(checkpointTimes.slice(2)), checkpointBytes };
}

/**
 * 1,000 runs × 100 epochs with varied hyperparameters and summaries, in one transaction. Each epoch whose val_loss
 * improves on the run's best saves a 'best' checkpoint, which sets the run's best columns as in training (the
 * trainer's default monitor is val_loss). Returns some run ids.
 */
function fillStore(path: string, runs: number, epochs: number): string[] {
  const store = new RunStore(path);
  const rng = new Rng(11);
  const insertEpoch = store.db
    .prepare(`INSERT INTO epochs (run_id, epoch, train_loss, val_loss, train_acc, val_acc, lr, duration_ms, samples_per_sec)
    VALUES (@id, @epoch, @trainLoss, @valLoss, @trainAcc, @valAcc, @lr, @durationMs, @samplesPerSec)`);
  const ids = store.db.transaction(() =>
    Array.from({ length: runs }, (_, r) => {
      const config = parseConfig({
        dataset: { name: ['spiral', 'moons', 'circles', 'xor'][r % 4] },
        model: { layers: [[16], [16, 16], [64, 64], [128, 64, 32]][r % 4]!.map((units) => ({ units })) },
        optimizer: { type: (['sgd', 'momentum', 'adam'] as const)[r % 3], lr: [0.3, 0.1, 0.03, 0.01, 0.003][r % 5] },
        batchSize: [16, 32, 64][r % 3],
        epochs,
        seed: r,
      });
      const id = store.createRun(config);
      const layers = initWeights(config, 2, 2, 'softmax');
      const snapshot: ModelSnapshot = {
        task: 'classification',
        head: 'softmax',
        loss: 'cross_entropy',
        layers,
        standardize: null,
      };
      let best = Infinity;
      for (let e = 1; e <= epochs; e++) {
        const m = metrics(e, rng);
        insertEpoch.run({ id, ...m });
        if (m.valLoss! < best) {
          best = m.valLoss!;
          store.saveCheckpoint(id, 'best', e, snapshot);
        }
      }
      return id;
    }),
  )();
  store.db
    .exec(`UPDATE runs SET status = 'completed', epochs_done = ${epochs}, finished_at = created_at + 60000, duration_ms = 60000,
    final_val_loss = (SELECT val_loss FROM epochs WHERE run_id = runs.id AND epoch = ${epochs}),
    final_val_acc = (SELECT val_acc FROM epochs WHERE run_id = runs.id AND epoch = ${epochs}),
    owner_pid = NULL, owner_host = NULL, owner_token = NULL`);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  return ids;
}

/** Median wall time of an in-process `mlpw …` (open, query, format, close), output discarded. */
async function cliMs(argv: string[]): Promise<number> {
  const sink = { write: () => true };
  const ctx: CommandContext = { stdout: sink, stderr: sink, stdin: process.stdin, env: {} };
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const code = await main(argv, ctx);
    if (code !== 0) throw new Error(`mlpw ${argv.join(' ')} exited ${code}`);
    if (i > 0) times.push(performance.now() - t0);
  }
  return median(times);
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mlpw-bench-'));
  try {
    const { ms: epochMs, kernels } = await referenceEpochMs();
    const w = storeWriteCosts(dir);
    const pct = (ms: number) => `${((100 * ms) / epochMs).toFixed(4)} %`;
    console.log(
      `store writes vs one reference epoch (${kernels}, ${(epochMs / 1000).toFixed(1)} s, from ${TIMED_SAMPLES} timed samples):`,
    );
    console.log(
      `  recordEpoch (1 transaction)              ${w.epochMs.toFixed(3).padStart(8)} ms   ${pct(w.epochMs)}`,
    );
    console.log(
      `  best checkpoint (${(w.checkpointBytes / 1e6).toFixed(1)} MB, per improvement) ${w.checkpointMs.toFixed(3).padStart(8)} ms   ${pct(w.checkpointMs)}`,
    );
    console.log(
      `  both, worst case (every epoch improves)  ${(w.epochMs + w.checkpointMs).toFixed(3).padStart(8)} ms   ${pct(w.epochMs + w.checkpointMs)}  (goal < 1 %)`,
    );

    const path = join(dir, 'big.db');
    const t0 = performance.now();
    const ids = fillStore(path, 1000, 100);
    const built = performance.now() - t0;
    console.log(
      `store with 1,000 runs × 100 epochs (${(statSync(path).size / 1e6).toFixed(1)} MB, built in ${(built / 1000).toFixed(1)} s), in-process, median of 5:`,
    );
    const cases: [string, string[]][] = [
      ['runs (newest 50)', ['runs', '--db', path]],
      ['runs --sort val_loss --limit 0 (all)', ['runs', '--db', path, '--sort', 'val_loss', '--limit', '0']],
      ['runs --dataset moons --sort val_acc', ['runs', '--db', path, '--dataset', 'moons', '--sort', 'val_acc']],
      ['compare 2 runs', ['compare', '--db', path, ...ids.slice(0, 2)]],
      ['compare 10 runs', ['compare', '--db', path, ...ids.slice(0, 10)]],
      ['show 1 run', ['show', '--db', path, ids[500]!]],
    ];
    for (const [label, argv] of cases)
      console.log(`  ${label.padEnd(38)} ${(await cliMs(argv)).toFixed(1).padStart(8)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

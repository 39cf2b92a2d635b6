// The training loop: data → split/standardise → init → epochs of minibatch SGD on a backend, with the schedule,
// early stopping, divergence detection, per-epoch metrics and checkpoints. Host-agnostic: callbacks report out.
import { ConfigError, resolveHeadAndLoss, splitSeed, type ExperimentConfig } from './config.ts';
import type { TrainingBackend } from './backends/backend.ts';
import { prepareData, splitOptions } from './data/prepare.ts';
import { scoreTestSet } from './data/test-score.ts';
import { distillTargets, type Teacher } from './distill.ts';
import { initWeights } from './model/init.ts';
import { outputUnits } from './model/losses.ts';
import { layerEpochStats } from './layer-stats.ts';
import { learningRateAt } from './model/schedules.ts';
import { Rng } from './rng.ts';
import { ThroughputWindow } from './throughput.ts';
import { YIELD_EVERY_MS, yieldToEventLoop } from './yield.ts';
import type {
  BackendInfo,
  CheckpointKind,
  DataInfo,
  Dataset,
  EpochMetrics,
  LayerWeights,
  ModelSnapshot,
  Progress,
  RunSummary,
} from './types.ts';

export interface TrainCallbacks {
  onStart?(info: { backend: BackendInfo; data: DataInfo; initial: ModelSnapshot }): void;
  onEpoch?(metrics: EpochMetrics): void | Promise<void>;
  onProgress?(p: Progress): void;
  /** `best`: a new best validation epoch; `final`: the weights the run ends with (last good epoch). */
  onCheckpoint?(kind: CheckpointKind, epoch: number, snapshot: ModelSnapshot): void | Promise<void>;
  shouldCancel?(): boolean;
  /** Play / pause / step / pace (engine/worker/run-gate.ts): awaited between epochs and, while held, between batches. */
  gate?: TrainingGate;
}

/** Where a paused run stands: `epoch` whole epochs trained, then `batch` of the next epoch's `batches`. */
export interface StepPosition {
  epoch: number;
  batch: number;
  batches: number;
}

/**
 * What the trainer awaits to go on. Both waits resolve true when the run was cancelled while waiting; `weights`
 * reads the model after that exact step (only called while the run waits). Waiting never changes the numbers.
 */
export interface TrainingGate {
  /** read after every batch: while false the batches run without awaiting anything */
  readonly held: boolean;
  beforeEpoch(at: StepPosition, weights: () => Promise<ModelSnapshot>): Promise<boolean>;
  afterBatch(at: StepPosition, weights: () => Promise<ModelSnapshot>): Promise<boolean>;
}

export interface TrainResult {
  summary: RunSummary;
  final: ModelSnapshot;
  best: ModelSnapshot | null;
  data: DataInfo;
  backend: BackendInfo;
}

const PROGRESS_EVERY_MS = 250;

export async function train(
  config: ExperimentConfig,
  dataset: Dataset,
  backend: TrainingBackend,
  cb: TrainCallbacks = {},
  /** a distilled student's teacher (config.distill): its logits are computed once, before the first epoch */
  options: { teacher?: Teacher } = {},
): Promise<TrainResult> {
  const { head, loss } = resolveHeadAndLoss(config, dataset.task, dataset.outputs);
  if (config.testSplit + (config.crossValidation ? 0 : config.validationSplit) >= 1)
    throw new ConfigError(
      `testSplit: ${config.testSplit} with validationSplit ${config.validationSplit} leaves no training rows; together they must stay below 1`,
      'testSplit',
      config.testSplit,
    );
  const data = prepareData(
    dataset,
    config.validationSplit,
    config.standardize,
    splitSeed(config.dataset),
    splitOptions(config),
  );
  if (data.train.n === 0)
    throw new ConfigError(
      `validationSplit: ${config.validationSplit} of ${dataset.n} samples leaves no training rows; lower it or use more samples`,
      'validationSplit',
      config.validationSplit,
    );
  const dataInfo: DataInfo = {
    dataset: dataset.name,
    task: dataset.task,
    features: dataset.features,
    outputs: dataset.outputs,
    trainSamples: data.train.n,
    valSamples: data.val.n,
    ...(data.test ? { testSamples: data.test.n } : {}),
    classLabels: dataset.classLabels,
    head,
    loss,
  };
  const snapshot = (layers: LayerWeights[]): ModelSnapshot => ({
    task: dataset.task,
    head,
    loss,
    layers,
    standardize: data.standardize,
    classLabels: dataset.classLabels,
    featureNames: dataset.featureNames,
  });

  const weights = initWeights(config, dataset.features, dataset.outputs, head);
  const student = { outputUnits: outputUnits(head, dataset.outputs), head };
  const distill = await distillTargets(config, dataset, data, student, options.teacher);
  const spec = {
    features: dataset.features,
    outputs: dataset.outputs,
    head,
    loss,
    layers: weights.map((w, i) => ({
      inputs: w.inputs,
      units: w.units,
      activation: w.activation,
      dropout: config.model.layers[i]?.dropout ?? 0,
    })),
    optimizer: config.optimizer,
    seed: config.seed,
    batchSize: config.batchSize,
    ...(distill ? { distill } : {}),
  };
  await backend.init(spec, weights, data);
  cb.onStart?.({ backend: backend.info, data: dataInfo, initial: snapshot(weights) });

  const shuffle = new Rng(config.seed);
  const hasVal = data.val.n > 0;
  const started = performance.now();
  let step = 0;
  let status: RunSummary['status'] = 'completed';
  let error: string | undefined;
  let lastGood = weights;
  let lastGoodEpoch = 0;
  let best: { metrics: EpochMetrics; snapshot: ModelSnapshot } | null = null;
  let final: EpochMetrics | null = null;
  let sinceImprovement = 0;
  let stoppedEarly = false;
  let trainSamples = 0;
  let lastGoodAt = started;
  const throughput = new ThroughputWindow(started);

  let lastYield = performance.now();
  const batches = Math.ceil(data.train.n / config.batchSize);
  const gate = cb.gate;
  const weightsNow = async () => snapshot(await backend.getWeights());
  let inEpoch = 0;
  // The backend's view of the gate: the epoch in progress is filled in here.
  const batchGate = gate && {
    get held() {
      return gate.held;
    },
    afterBatch: (batch: number) => gate.afterBatch({ epoch: inEpoch, batch, batches }, weightsNow),
  };
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    if (cb.shouldCancel?.() || (gate && (await gate.beforeEpoch({ epoch, batch: 0, batches }, weightsNow)))) {
      status = 'cancelled';
      break;
    }
    inEpoch = epoch;
    const order = shuffle.permutation(data.train.n);
    const lr = learningRateAt(config, epoch);
    const t0 = performance.now();
    let lastProgress = t0;
    const sums = await backend.trainEpoch(
      { order, batchSize: config.batchSize, lr, step },
      {
        onBatch(done, batches) {
          const now = performance.now();
          if (cb.onProgress && now - lastProgress > PROGRESS_EVERY_MS) {
            lastProgress = now;
            const sps = throughput.rateAt(Math.min(done * config.batchSize, order.length), now);
            cb.onProgress({ epoch: epoch + 1, batch: done, batches, samplesPerSec: sps });
          }
          return cb.shouldCancel?.() ?? false;
        },
        gate: batchGate,
      },
    );
    if (sums === null) {
      status = 'cancelled';
      break;
    }
    step += Math.ceil(order.length / config.batchSize);
    const val = hasVal ? await backend.evaluate('val') : null;
    const endedAt = performance.now();
    const durationMs = endedAt - t0;
    const metrics: EpochMetrics = {
      epoch: epoch + 1,
      trainLoss: sums.lossSum / sums.count,
      valLoss: val ? val.lossSum / val.count : null,
      trainAcc: dataset.task === 'classification' ? sums.correct / sums.count : null,
      valAcc: val && dataset.task === 'classification' ? val.correct / val.count : null,
      lr,
      durationMs,
      // Over whole epochs spanning ≥ 200 ms, this one's evaluation and the last one's bookkeeping included.
      samplesPerSec: throughput.addEpoch(sums.count, endedAt),
    };
    const current = await backend.getWeights();
    const gradNorms = backend.gradientNorms?.();
    const finite =
      Number.isFinite(metrics.trainLoss) &&
      (metrics.valLoss === null || Number.isFinite(metrics.valLoss)) &&
      current.every((l) => allFinite(l.W) && allFinite(l.b));
    if (!finite) {
      status = 'diverged';
      error = `loss or weights became non-finite in epoch ${epoch + 1} (train loss ${metrics.trainLoss}); kept epoch ${lastGoodEpoch}`;
      await backend.setWeights(lastGood);
      break;
    }
    trainSamples += sums.count;
    lastGoodAt = endedAt;
    lastGood = current;
    lastGoodEpoch = epoch + 1;
    final = metrics;
    // The stats ride only on what onEpoch reports, so summaries and ONNX metadata keep plain metrics.
    await cb.onEpoch?.({ ...metrics, layers: layerEpochStats(current, gradNorms) });

    const score = monitorValue(config, metrics);
    const bestScore = best ? monitorValue(config, best.metrics) : null;
    if (bestScore === null || improved(config, metrics, score, bestScore)) {
      best = { metrics, snapshot: snapshot(current) };
      sinceImprovement = 0;
      await cb.onCheckpoint?.('best', metrics.epoch, best.snapshot);
    } else {
      sinceImprovement++;
    }
    if (config.earlyStopping.enabled && sinceImprovement >= config.earlyStopping.patience) {
      stoppedEarly = true;
      break;
    }
  }

  const finalSnapshot = snapshot(lastGood);
  // The test rows are scored once, now, on the weights the run ships: never seen by early stopping or the best epoch.
  const test =
    data.test && lastGoodEpoch > 0
      ? await scoreTestSet(
          backend,
          data.test,
          best
            ? { checkpoint: 'best', epoch: best.metrics.epoch, layers: best.snapshot.layers }
            : { checkpoint: 'final', epoch: lastGoodEpoch, layers: lastGood },
          { head, loss, outputs: dataset.outputs, classLabels: dataset.classLabels },
        )
      : undefined;
  await cb.onCheckpoint?.('final', lastGoodEpoch, finalSnapshot);
  const summary: RunSummary = {
    status,
    epochs: lastGoodEpoch,
    bestEpoch: best?.metrics.epoch ?? null,
    best: best?.metrics ?? null,
    final,
    durationMs: performance.now() - started,
    // The whole run's window: every sample trained over the time from the first epoch's start to the last good one's end.
    samplesPerSecond: lastGoodAt > started ? (trainSamples / (lastGoodAt - started)) * 1000 : 0,
    stoppedEarly,
    error,
    ...(test ? { test } : {}),
  };
  return { summary, final: finalSnapshot, best: best?.snapshot ?? null, data: dataInfo, backend: backend.info };
}

function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

/** The early-stopping / best-checkpoint metric; without a validation split, the training loss. */
function monitorValue(config: ExperimentConfig, m: EpochMetrics): number {
  if (config.earlyStopping.metric === 'val_acc' && m.valAcc !== null) return m.valAcc;
  return m.valLoss ?? m.trainLoss;
}

function improved(config: ExperimentConfig, m: EpochMetrics, score: number, best: number): boolean {
  const delta = config.earlyStopping.minDelta;
  const maximize = config.earlyStopping.metric === 'val_acc' && m.valAcc !== null;
  return maximize ? score > best + delta : score < best - delta;
}

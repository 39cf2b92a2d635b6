// `mlpw train`: one run in an engine worker thread, a progress bar and a line per epoch (or one JSON object).
import { EngineError, runInWorker, type RunHandlers } from '../../engine/host/node/engine-client.ts';
import '../../engine/host/node/mnist.ts'; // mnist is one of the built-in names checked below
import { findDataset, listDatasets } from '../../engine/data/builtin.ts';
import { keepAlive, recordRun, type RunStore } from '../../db/index.ts';
import { DatasetStore } from '../../db/datasets.ts';
import { ConfigError, type ExperimentConfig } from '../../engine/config.ts';
import type { Dataset, EpochMetrics, ModelSnapshot, RunSummary, TestMetrics } from '../../engine/types.ts';
import { parseFlags } from '../args.ts';
import { CONFIG_FLAGS, configFromFlags } from '../config-flags.ts';
import { fmt, fmtDuration, fmtInt, progressBar } from '../format.ts';
import type { Command, CommandContext } from '../command.ts';
import { DB_FLAG, withStore } from '../store-path.ts';
import { EXPERIMENT_FLAG } from './experiments.ts';
import { teacherSnapshot } from './distill-teacher.ts';

export const TRAIN_USAGE = `mlpw train [--config FILE] [--dataset NAME] [--layers 32,32] [--activation relu] [--loss L]
           [--optimizer sgd|momentum|nesterov|adam] [--lr 0.1] [--batch 32] [--epochs 100] [--seed 1]
           [--backend auto|cpu|webgpu] [--experiment NAME] [--db FILE] [--json] [--quiet]
  records the run in the store (--db, else $MLPW_DB, else the desktop app's database) and prints its id;
  --experiment puts it in that experiment (created if new; default "Default")
  --config FILE            an ExperimentConfig JSON file; the flags below override it
  --dataset NAME           a built-in dataset (mlpw datasets) or an imported one
  --samples N --noise F --classes K   built-in generators only
  --layers 32,32           hidden layer widths (32x32 too; 0 for none)
  --activation A           identity, sigmoid, tanh, relu, leaky_relu, gelu (every hidden layer)
  --dropout F              dropout rate of every hidden layer, 0 to <1
  --head H --loss L        output head (auto, softmax, sigmoid, identity); loss (auto, cross_entropy, binary_cross_entropy, mse)
  --optimizer O --lr F --momentum F --nesterov   sgd, momentum, nesterov, adam; learning rate; momentum
  --weight-decay F         L2 weight decay on the weights
  --schedule S             constant, step, cosine
  --batch N --epochs N --seed N
  --val-split F            fraction held out for validation, 0 to 0.9 (default 0.2)
  --test-split F           fraction held out as a test set first, 0 to 0.9 (default 0): never used for early stopping
                           or the best epoch, scored once at the end on the best checkpoint (mlpw show, runs --columns test.acc)
  --stratify S             auto (default: by class for classification), quantiles (regression: by target quantile
                           bins), none (a plain seeded shuffle; a --config file without the key splits so, as before)
  --early-stopping N       stop after N epochs without validation improvement
  --no-standardize         train on the features as stored (default: zero mean, unit variance from the training split)
  --backend B --precision P   auto, cpu, webgpu; float32 or float64 (cpu)
  --name NAME              the run's name`;

export function metricsLine(m: EpochMetrics, epochs: number): string {
  const parts = [`epoch ${String(m.epoch).padStart(String(epochs).length)}/${epochs}`, `loss ${fmt(m.trainLoss)}`];
  if (m.trainAcc !== null) parts.push(`acc ${fmt(m.trainAcc, 3)}`);
  if (m.valLoss !== null) parts.push(`val_loss ${fmt(m.valLoss)}`);
  if (m.valAcc !== null) parts.push(`val_acc ${fmt(m.valAcc, 3)}`);
  parts.push(`lr ${fmt(m.lr)}`, `${fmtInt(m.samplesPerSec)} samples/s`);
  return parts.join('  ');
}

/** "test (best checkpoint, epoch 12; 30 rows): loss 0.1234  acc 0.967": the held-out score and which weights made it. */
export function testLine(t: TestMetrics): string {
  return (
    `test (${t.checkpoint} checkpoint, epoch ${t.epoch}; ${fmtInt(t.samples)} rows): loss ${fmt(t.loss)}` +
    (t.acc !== null ? `  acc ${fmt(t.acc, 3)}` : '')
  );
}

function pick(m: EpochMetrics | null) {
  if (!m) return null;
  const out: Record<string, number> = { epoch: m.epoch, trainLoss: m.trainLoss };
  if (m.valLoss !== null) out.valLoss = m.valLoss;
  if (m.trainAcc !== null) out.trainAcc = m.trainAcc;
  if (m.valAcc !== null) out.valAcc = m.valAcc;
  return out;
}

export function summaryJson(summary: RunSummary, extra: Record<string, unknown>) {
  return {
    ...extra,
    status: summary.status,
    epochs: summary.epochs,
    bestEpoch: summary.bestEpoch,
    final: pick(summary.final),
    best: pick(summary.best),
    samplesPerSecond: summary.samplesPerSecond,
    durationMs: summary.durationMs,
    stoppedEarly: summary.stoppedEarly,
    ...(summary.error ? { error: summary.error } : {}),
    ...(summary.test ? { test: summary.test } : {}),
  };
}

/** Extra per-run work the store adds (a recorder's events, RunHandlers); kept out of the printing logic. */
export interface TrainHooks extends RunHandlers {
  extraJson?(): Record<string, unknown>;
}

/** Runs a config in a worker with terminal output; returns the summary. Ctrl-C cancels the run cleanly. */
export async function trainWithOutput(
  config: ExperimentConfig,
  ctx: CommandContext,
  opts: { json: boolean; quiet: boolean; hooks?: TrainHooks; dataset?: Dataset; teacher?: ModelSnapshot },
): Promise<{ summary: RunSummary; backend: string }> {
  const { json, quiet, hooks = {} } = opts;
  const tty = ctx.stderr.isTTY === true && !json && !quiet;
  let backendName: string = config.backend;
  let barShown = false;
  const clearBar = () => {
    if (barShown) ctx.stderr.write('\r\x1b[2K');
    barShown = false;
  };
  const run = runInWorker(
    config,
    {
      onStarted: async (backend, data) => {
        backendName =
          backend.backend === 'cpu'
            ? `cpu (${backend.kernels})`
            : `webgpu (${backend.adapter?.description ?? 'adapter'})`;
        if (!json && !quiet)
          ctx.stdout.write(
            `training ${data.dataset}: ${data.trainSamples} train / ${data.valSamples} validation` +
              `${data.testSamples ? ` / ${data.testSamples} test` : ''} samples, ` +
              `${data.features} → ${config.model.layers.map((l) => l.units).join(' → ') || '·'} → ${data.outputs} ` +
              `(${data.head}, ${data.loss}), backend ${backendName}\n`,
          );
        await hooks.onStarted?.(backend, data);
      },
      onEpoch: async (m) => {
        await hooks.onEpoch?.(m);
        if (json || quiet) return;
        clearBar();
        ctx.stdout.write(metricsLine(m, config.epochs) + '\n');
      },
      onProgress: (p) => {
        hooks.onProgress?.(p);
        if (!tty) return;
        const frac = (p.epoch - 1 + p.batch / p.batches) / config.epochs;
        ctx.stderr.write(
          `\r${progressBar(frac)} epoch ${p.epoch}/${config.epochs} batch ${p.batch}/${p.batches} ${fmtInt(p.samplesPerSec)} samples/s`,
        );
        barShown = true;
      },
      onCheckpoint: (kind, epoch, snapshot) => hooks.onCheckpoint?.(kind, epoch, snapshot),
    },
    { dataset: opts.dataset, teacher: opts.teacher },
  );
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      clearBar();
      if (!json) ctx.stderr.write('cancelling… (Ctrl-C again to quit at once)\n');
      run.cancel();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    const { summary } = await run.result;
    clearBar();
    await hooks.onFinished?.(summary);
    if (json) {
      ctx.stdout.write(JSON.stringify(summaryJson(summary, { ...hooks.extraJson?.(), backend: backendName })) + '\n');
    } else if (!quiet) {
      const f = summary.final;
      const b = summary.best;
      ctx.stdout.write(
        `${summary.status}: ${summary.epochs} epochs in ${fmtDuration(summary.durationMs)}, ${fmtInt(summary.samplesPerSecond)} samples/s` +
          (f ? `; final val_loss ${fmt(f.valLoss)}${f.valAcc !== null ? ` val_acc ${fmt(f.valAcc, 3)}` : ''}` : '') +
          (b ? `; best val_loss ${fmt(b.valLoss)} at epoch ${b.epoch}` : '') +
          (summary.error ? `\n${summary.error}` : '') +
          (summary.test ? `\n${testLine(summary.test)}` : '') +
          '\n',
      );
    }
    return { summary, backend: backendName };
  } catch (e) {
    clearBar();
    await hooks.onFailed?.(e);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** A dataset that is neither built in nor imported into this store: a config error before any run is recorded. */
export function unknownDatasetError(name: string, datasets: DatasetStore, path: string): ConfigError {
  const builtIn = listDatasets()
    .map((d) => d.name)
    .join(', ');
  const imported = datasets.list().map((d) => d.name);
  return new ConfigError(
    `dataset.name: unknown dataset "${name}" (built-in: ${builtIn}; imported into ${path}: ${imported.length ? imported.join(', ') : 'none'})`,
    'dataset.name',
    name,
  );
}

/** One run trained with terminal output and recorded in the store (train, rerun); returns the exit code. */
export async function trainRecorded(
  store: RunStore,
  config: ExperimentConfig,
  ctx: CommandContext,
  opts: { json: boolean; quiet: boolean; rerunOf?: string; experiment?: string },
): Promise<number> {
  // An imported dataset is loaded from its snapshot here and sent to the worker; the run records its hash.
  const { datasets } = store;
  const imported = datasets.snapshotFor(config.dataset.name);
  if (!imported && !findDataset(config.dataset.name))
    throw unknownDatasetError(config.dataset.name, datasets, store.path);
  // The run and the worker get the same config: an imported dataset as its name, hash and rows, nothing of a generator.
  config = datasets.runConfig(config);
  // A student (config.distill) brings its teacher's best checkpoint; a missing one is refused before anything is stored.
  const teacher = teacherSnapshot(store, config);
  const runId = store.createRun(config, { status: 'running', rerunOf: opts.rerunOf, experiment: opts.experiment });
  if (imported) datasets.recordRunDataset(runId, imported.hash);
  if (opts.quiet && !opts.json) ctx.stdout.write(`${runId}\n`);
  else if (!opts.json)
    ctx.stdout.write(`run ${runId}${opts.rerunOf ? ` (rerun of ${opts.rerunOf})` : ''} → ${store.path}\n`);
  const stopBeating = keepAlive(store);
  const recorder = recordRun(store, runId);
  let started = false;
  try {
    const { summary } = await trainWithOutput(config, ctx, {
      json: opts.json,
      quiet: opts.quiet,
      hooks: {
        ...recorder,
        onStarted: (backend, data) => ((started = true), recorder.onStarted(backend, data)),
        extraJson: () => ({ runId }),
      },
      dataset: imported?.dataset,
      teacher,
    });
    return summary.status === 'completed' || summary.status === 'cancelled' ? 0 : 1;
  } catch (e) {
    // A config error the worker finds before training starts (a split that leaves no training rows) stores nothing either.
    if (!started && e instanceof EngineError && e.code === 'invalid_config') store.deleteRuns([runId]);
    throw e;
  } finally {
    stopBeating();
  }
}

export const train: Command = {
  name: 'train',
  summary: 'train one run',
  usage: TRAIN_USAGE,
  async run(argv, ctx) {
    const flags = {
      ...CONFIG_FLAGS,
      ...DB_FLAG,
      ...EXPERIMENT_FLAG,
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
    } as const;
    const { values } = parseFlags(argv, flags, false);
    const config = configFromFlags(values);
    return withStore(values.db, ctx.env, (store) =>
      trainRecorded(store, config, ctx, {
        json: values.json === true,
        quiet: values.quiet === true,
        experiment: values.experiment,
      }),
    );
  },
};

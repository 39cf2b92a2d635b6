// `mlpw sweep --grid KEY=V1,V2,… …`: one run per point of the grid over a base config, recorded as one sweep.
import { parseFlags, intFlag } from '../args.ts';
import type { Command } from '../command.ts';
import { CONFIG_FLAGS, configFromFlags } from '../config-flags.ts';
import { UsageError } from '../errors.ts';
import { fmt, fmtDuration } from '../format.ts';
import { keepAlive } from '../../db/index.ts';
import { expandGrid, parseGridFlag } from '../../engine/experiment/index.ts';
import { runSweep, type SweepOutcome } from '../sweep/run-sweep.ts';
import { DB_FLAG, withStore } from '../store-path.ts';
import { EXPERIMENT_FLAG } from './experiments.ts';
import { unknownDatasetError } from './train.ts';
import { findDataset } from '../../engine/data/builtin.ts';

const MAX_PARALLEL = 64;

function outcomeLine(o: SweepOutcome, done: number, total: number): string {
  const s = o.summary;
  const parts = [
    `[${String(done).padStart(String(total).length)}/${total}]`,
    o.job.runId,
    o.job.label,
    s ? s.status : 'failed',
  ];
  if (s?.best?.valLoss != null) parts.push(`best val_loss ${fmt(s.best.valLoss)} @ ${s.best.epoch}`);
  if (s?.final?.valAcc != null) parts.push(`val_acc ${fmt(s.final.valAcc, 3)}`);
  if (s) parts.push(fmtDuration(s.durationMs));
  if (o.error) parts.push(`— ${o.error}`);
  return parts.join('  ');
}

export const sweep: Command = {
  name: 'sweep',
  summary: 'train one run per point of a hyperparameter grid',
  usage: `mlpw sweep [--config FILE] [config flags as for train] --grid KEY=V1,V2,… [--grid …] [--parallel N] [--experiment NAME] [--json] [--db FILE]
  KEY is a config path (optimizer.lr, batchSize, model.layers, model.layers.activation, …); layer lists are
  written with x: --grid model.layers=16,16x16,64x64 (keeping the base activation). Every point is checked first.`,
  async run(argv, ctx) {
    const { values } = parseFlags(
      argv,
      {
        ...CONFIG_FLAGS,
        ...DB_FLAG,
        ...EXPERIMENT_FLAG,
        grid: { type: 'string', multiple: true },
        parallel: { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean' },
      },
      false,
    );
    const parallel = intFlag('parallel', values.parallel) ?? 1;
    if (parallel < 1 || parallel > MAX_PARALLEL)
      throw new UsageError(`--parallel: expected 1 to ${MAX_PARALLEL}, got ${parallel}`);
    const base = configFromFlags(values);
    const axes = (values.grid ?? []).map((g) => parseGridFlag(g));
    const points = expandGrid(base, axes);
    return withStore(values.db, ctx.env, async (store) => {
      // An unknown dataset is a config error before anything is stored, as in train.
      for (const name of new Set(points.map((p) => p.config.dataset.name)))
        if (!store.datasets.snapshotFor(name) && !findDataset(name))
          throw unknownDatasetError(name, store.datasets, store.path);
      const { sweepId, runIds } = store.createSweep({
        baseConfig: base,
        grid: axes,
        parallel,
        configs: points.map((p) => p.config),
        experiment: values.experiment,
      });
      const jobs = points.map((p, i) => ({
        runId: runIds[i]!,
        config: store.datasets.runConfig(p.config),
        label: p.assignments.map((a) => `${a.key}=${a.text}`).join(' '),
      }));
      const quiet = values.json === true || values.quiet === true;
      if (!quiet)
        ctx.stdout.write(
          `sweep ${sweepId}: ${jobs.length} runs over ${axes.map((a) => a.key).join(' × ')}, ${parallel} at a time → ${store.path}\n`,
        );
      const stopBeating = keepAlive(store);
      let outcomes: SweepOutcome[];
      try {
        outcomes = await runSweep(store, jobs, parallel, (o, done) => {
          if (!quiet) ctx.stdout.write(outcomeLine(o, done, jobs.length) + '\n');
        });
      } finally {
        stopBeating();
      }
      const runs = store.listRuns({ sweepId, sort: 'val_loss' });
      if (values.json) {
        ctx.stdout.write(
          JSON.stringify({
            sweepId,
            runs: runs.map((r) => ({
              runId: r.id,
              point: jobs.find((j) => j.runId === r.id)!.label,
              status: r.status,
              bestValLoss: r.bestValLoss,
              bestEpoch: r.bestEpoch,
              finalValAcc: r.finalValAcc,
            })),
          }) + '\n',
        );
      } else if (!values.quiet) {
        const best = runs[0];
        if (best?.bestValLoss != null)
          ctx.stdout.write(
            `best: ${best.id} (${jobs.find((j) => j.runId === best.id)!.label}) val_loss ${fmt(best.bestValLoss)} at epoch ${best.bestEpoch}\n`,
          );
        ctx.stdout.write(`all runs: mlpw runs --sweep ${sweepId} --sort val_loss\n`);
      }
      const bad = outcomes.filter(
        (o) => !o.summary || o.summary.status === 'failed' || o.summary.status === 'diverged',
      );
      return bad.length === 0 ? 0 : 1;
    });
  },
};

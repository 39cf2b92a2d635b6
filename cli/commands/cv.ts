// `mlpw cv --folds K`: k-fold cross-validation as K runs, fold i validating and the other folds training, recorded as
// one sweep over crossValidation.fold (so `mlpw runs --sweep ID --group-by sweep` and the app's sweep views show them
// together), then the mean ± sample std over the folds of each metric at each run's best epoch (and the test set's).
import { parseFlags, intFlag } from '../args.ts';
import type { Command } from '../command.ts';
import { CONFIG_FLAGS, configFromFlags } from '../config-flags.ts';
import { UsageError } from '../errors.ts';
import { fmt, table } from '../format.ts';
import { keepAlive } from '../../db/index.ts';
import { parseConfig, type ExperimentConfig } from '../../engine/config.ts';
import { findDataset } from '../../engine/data/builtin.ts';
import { groupRuns, isSummary, type Summary } from '../../insight/group-runs.ts';
import { parseColumns, type RunWithEpochs } from '../../insight/run-columns.ts';
import { runSweep } from '../sweep/run-sweep.ts';
import { DB_FLAG, withStore } from '../store-path.ts';
import { EXPERIMENT_FLAG } from './experiments.ts';
import { TRAIN_USAGE, unknownDatasetError } from './train.ts';

export const MAX_FOLDS = 100;
const MAX_PARALLEL = 64;
/** The metrics averaged over the folds: at each run's best epoch, then the held-out test set's where there is one. */
export const CV_COLUMNS = 'best.val_loss,best.val_acc,best.train_loss,best.train_acc,test.loss,test.acc';

/** The K fold configs of a base config: fold i of K validates, each run named after its fold. */
export function foldConfigs(base: ExperimentConfig, folds: number): ExperimentConfig[] {
  return Array.from({ length: folds }, (_, fold) =>
    parseConfig({
      ...base,
      name: `${base.name ?? 'cv'} fold ${fold + 1}/${folds}`,
      crossValidation: { folds, fold },
    }),
  );
}

function summaryText(s: Summary | null, digits: number): string {
  if (!s) return '-';
  return s.std === null ? fmt(s.mean, digits) : `${fmt(s.mean, digits)} ± ${fmt(s.std, digits)}`;
}

export const cv: Command = {
  name: 'cv',
  summary: 'k-fold cross-validation: one run per fold, mean ± std of each metric',
  usage: `mlpw cv --folds K [config flags as for train] [--parallel N] [--experiment NAME] [--json] [--quiet] [--db FILE]
  K runs (2 to ${MAX_FOLDS}), recorded as one sweep over crossValidation.fold: fold i of the rows (after any
  --test-split rows are taken out, the same test rows for every fold) validates, the other folds train; folds are
  stratified as the validation split is (--stratify). --val-split is not used. Prints each fold's metrics at its
  best epoch and their mean ± sample std (as mlpw runs --sweep ID --group-by sweep --columns … computes them).
  --folds K                number of folds
  --parallel N             folds trained at a time (default 1)
train's flags:
${TRAIN_USAGE.split('\n').slice(5).join('\n')}`,
  async run(argv, ctx) {
    const { values } = parseFlags(
      argv,
      {
        ...CONFIG_FLAGS,
        ...DB_FLAG,
        ...EXPERIMENT_FLAG,
        folds: { type: 'string' },
        parallel: { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean' },
      },
      false,
    );
    const folds = intFlag('folds', values.folds);
    if (folds === undefined) throw new UsageError('cv needs --folds K (2 to 100)');
    if (folds < 2 || folds > MAX_FOLDS) throw new UsageError(`--folds: expected 2 to ${MAX_FOLDS}, got ${folds}`);
    const parallel = intFlag('parallel', values.parallel) ?? 1;
    if (parallel < 1 || parallel > MAX_PARALLEL)
      throw new UsageError(`--parallel: expected 1 to ${MAX_PARALLEL}, got ${parallel}`);
    const base = configFromFlags(values);
    const configs = foldConfigs(base, folds);
    return withStore(values.db, ctx.env, async (store) => {
      if (!store.datasets.snapshotFor(base.dataset.name) && !findDataset(base.dataset.name))
        throw unknownDatasetError(base.dataset.name, store.datasets, store.path);
      const { sweepId, runIds } = store.createSweep({
        baseConfig: base,
        grid: [{ key: 'crossValidation.fold', values: configs.map((_, i) => i) }],
        parallel,
        configs,
        experiment: values.experiment,
      });
      const jobs = configs.map((c, i) => ({
        runId: runIds[i]!,
        config: store.datasets.runConfig(c),
        label: `fold ${i + 1}/${folds}`,
      }));
      const quiet = values.json === true || values.quiet === true;
      if (!quiet)
        ctx.stdout.write(
          `cv ${sweepId}: ${folds} folds of ${base.dataset.name}, ${parallel} at a time → ${store.path}\n`,
        );
      const stopBeating = keepAlive(store);
      let failed = 0;
      try {
        await runSweep(store, jobs, parallel, (o, done) => {
          const s = o.summary;
          if (!s || s.status === 'failed' || s.status === 'diverged') failed++;
          if (quiet) return;
          const parts = [`[${done}/${folds}]`, o.job.runId, o.job.label, s ? s.status : 'failed'];
          if (s?.best?.valLoss != null) parts.push(`best val_loss ${fmt(s.best.valLoss)} @ ${s.best.epoch}`);
          if (s?.best?.valAcc != null) parts.push(`val_acc ${fmt(s.best.valAcc, 3)}`);
          if (s?.test)
            parts.push(`test loss ${fmt(s.test.loss)}${s.test.acc !== null ? ` acc ${fmt(s.test.acc, 3)}` : ''}`);
          if (o.error) parts.push(`— ${o.error}`);
          ctx.stdout.write(parts.join('  ') + '\n');
        });
      } finally {
        stopBeating();
      }
      // The folds in fold order, their metrics and the summary over them, as `runs --group-by sweep` computes them.
      const rows: RunWithEpochs[] = runIds.map((id) => ({ run: store.getRun(id), epochs: store.getEpochs(id) }));
      const shown = parseColumns(CV_COLUMNS, rows).filter((c) => rows.some((r) => c.value(r) !== null));
      const [group] = groupRuns(rows, parseColumns('sweep', rows), shown);
      const summaries = shown.map((c, i) => {
        const cell = group?.cells[i] ?? null;
        return { key: c.key, summary: isSummary(cell) ? cell : null };
      });
      if (values.json) {
        ctx.stdout.write(
          JSON.stringify({
            sweepId,
            folds: rows.map((r, i) => ({
              fold: i,
              runId: r.run.id,
              status: r.run.status,
              bestEpoch: r.run.bestEpoch,
              ...Object.fromEntries(shown.map((c) => [c.key, c.value(r)])),
            })),
            summary: Object.fromEntries(summaries.map((s) => [s.key, s.summary])),
          }) + '\n',
        );
      } else if (!values.quiet) {
        const digits = (key: string) => (/acc/.test(key) ? 3 : 4);
        const body = rows.map((r, i) => [
          String(i + 1),
          r.run.id,
          r.run.bestEpoch === null ? '-' : String(r.run.bestEpoch),
          ...shown.map((c) => {
            const v = c.value(r);
            return typeof v === 'number' ? fmt(v, digits(c.key)) : '-';
          }),
        ]);
        body.push(['mean ± std', '', '', ...summaries.map((s) => summaryText(s.summary, digits(s.key)))]);
        ctx.stdout.write(table(['fold', 'run', 'best @', ...shown.map((c) => c.key)], body) + '\n');
        ctx.stdout.write(`all folds: mlpw runs --sweep ${sweepId} --group-by sweep --columns ${CV_COLUMNS}\n`);
      }
      return failed === 0 ? 0 : 1;
    });
  },
};

// `mlpw show RUN`: one run — what ran, its summary, tags, notes, checkpoints, artifacts, config and every epoch; for a
// classifier also per-class precision, recall and F1 with the confusion matrix, on the validation split (as the app's
// confusion view computes them, insight/) and on the held-out test set the run scored when it finished.
import '../../engine/host/node/mnist.ts'; // a run on mnist rebuilds its validation rows from the built-in generator
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { fmt, fmtDuration, fmtInt, table } from '../format.ts';
import { flatText, flattenConfig } from '../../engine/experiment/index.ts';
import { backendText, epochsTable, fmtBytes, fmtTime } from '../run-format.ts';
import { DB_FLAG, withReadOnlyStore } from '../store-path.ts';
import type { RunDetail, RunStore } from '../../db/index.ts';
import { TEST_METRICS_ARTIFACT } from '../../db/columns.ts';
import { SURFACE_ARTIFACT } from '../../insight/node/loss-surface-run.ts';
import { classScores, type ClassScore } from '../../insight/confusion.ts';
import { runConfusion } from '../../insight/node/run-insight.ts';
import type { CheckpointKind } from '../../engine/types.ts';
import { testLine } from './train.ts';

/** Per-class scores and the confusion counts of one split, as `show` prints and --json returns them. */
export interface ClassReport {
  split: string;
  checkpoint: CheckpointKind;
  epoch: number;
  samples: number;
  accuracy: number;
  classes: ClassScore[];
  /** counts[true][predicted] */
  confusion: number[][];
}

/** The class report of a classifier's validation split (its training split without one), on the checkpoint the run
 *  ships (best where there is one); null for a regression or a run with no checkpoint. */
export async function validationReport(store: RunStore, run: RunDetail): Promise<ClassReport | null> {
  if (run.dataInfo?.task !== 'classification' || run.checkpoints.length === 0) return null;
  const kind: CheckpointKind = run.checkpoints.some((c) => c.kind === 'best') ? 'best' : 'final';
  const c = await runConfusion(store, run.id, kind);
  return {
    split: c.split,
    checkpoint: c.checkpoint,
    epoch: c.epoch,
    samples: c.matrix.total,
    accuracy: c.matrix.accuracy,
    classes: classScores(c.matrix.counts, c.matrix.classes),
    confusion: c.matrix.counts,
  };
}

/** The per-class table and the confusion matrix (rows: true class, columns: predicted), indented under a title. */
export function classReportLines(
  title: string,
  classes: readonly ClassScore[],
  confusion: readonly number[][],
): string[] {
  const f = (v: number | null) => fmt(v, 3);
  const scores = table(
    ['class', 'precision', 'recall', 'f1', 'support'],
    classes.map((c) => [c.label, f(c.precision), f(c.recall), f(c.f1), String(c.support)]),
  );
  const matrix = table(
    ['true / predicted', ...classes.map((c) => c.label)],
    confusion.map((row, i) => [classes[i]!.label, ...row.map(String)]),
  );
  const indent = (text: string) => text.split('\n').map((l) => `    ${l}`);
  return [`  ${title}`, ...indent(scores), '    confusion (rows: true class, columns: predicted):', ...indent(matrix)];
}

function header(run: RunDetail): string[] {
  const lines = [`run ${run.id}  ${run.status}${run.name ? `  "${run.name}"` : ''}`];
  lines.push(
    `  created ${fmtTime(run.createdAt)}, started ${fmtTime(run.startedAt)}, finished ${fmtTime(run.finishedAt)}` +
      (run.durationMs !== null ? `, took ${fmtDuration(run.durationMs)}` : ''),
  );
  lines.push(
    `  backend ${backendText(run)}${run.backendInfo ? `, ${run.backendInfo.precision}` : ''}; app ${run.appVersion}`,
  );
  const d = run.dataInfo;
  if (d)
    lines.push(
      `  data ${d.dataset} (${d.task}): ${fmtInt(d.trainSamples)} train / ${fmtInt(d.valSamples)} validation` +
        `${d.testSamples ? ` / ${fmtInt(d.testSamples)} test` : ''}, ${d.features} features → ${d.outputs} outputs (${d.head}, ${d.loss})` +
        `; split ${run.config.crossValidation ? `fold ${run.config.crossValidation.fold + 1} of ${run.config.crossValidation.folds}, ` : ''}stratify ${run.config.stratify}`,
    );
  if (run.test) lines.push(`  ${testLine(run.test)}`);
  lines.push(
    `  ${run.epochsDone}/${run.epochs} epochs` +
      (run.bestEpoch === null
        ? ''
        : run.bestValLoss !== null
          ? `; best val_loss ${fmt(run.bestValLoss)} at epoch ${run.bestEpoch}`
          : `; best epoch ${run.bestEpoch}`) +
      (run.finalValAcc !== null ? `; final val_acc ${fmt(run.finalValAcc, 3)}` : '') +
      (run.samplesPerSec ? `; ${fmtInt(run.samplesPerSec)} samples/s` : '') +
      (run.stoppedEarly ? '; stopped early' : ''),
  );
  if (run.sweepId) lines.push(`  sweep ${run.sweepId}`);
  if (run.rerunOf) lines.push(`  rerun of ${run.rerunOf}`);
  if (run.tags.length) lines.push(`  tags: ${run.tags.join(', ')}`);
  if (run.error) lines.push(`  error: ${run.error}`);
  if (run.checkpoints.length)
    lines.push(
      `  checkpoints: ${run.checkpoints.map((c) => `${c.kind} (epoch ${c.epoch}, ${fmtBytes(c.bytes)})`).join(', ')}`,
    );
  for (const a of run.artifacts.filter((a) => a.kind !== TEST_METRICS_ARTIFACT))
    // A loss surface's details are its whole grid: named here, read with `mlpw surface`.
    lines.push(
      `  artifact ${a.kind}: ${a.path}${a.kind === SURFACE_ARTIFACT ? ' (mlpw surface shows it)' : a.details !== null ? ` ${JSON.stringify(a.details)}` : ''}`,
    );
  for (const n of run.notes) lines.push(`  note ${fmtTime(n.createdAt)}: ${n.text}`);
  return lines;
}

export const show: Command = {
  name: 'show',
  summary: 'one run: summary, config and per-epoch metrics',
  usage: 'mlpw show RUN [--json] [--db FILE]   (RUN: an id or a unique prefix of one)',
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, { ...DB_FLAG, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError(`show takes one run id (got ${positionals.length})`);
    return withReadOnlyStore(values.db, ctx.env, async (store) => {
      const run = store.getRunDetail(positionals[0]!);
      const epochs = store.getEpochs(run.id);
      let report: ClassReport | null = null;
      let reportError: string | null = null;
      try {
        report = await validationReport(store, run);
      } catch (e) {
        // The rows could not be rebuilt (an imported snapshot removed, say): the rest of the run still shows.
        reportError = (e as Error).message;
      }
      if (values.json) {
        ctx.stdout.write(JSON.stringify({ ...run, epochs, validation: report }) + '\n');
        return 0;
      }
      const flat = [...flattenConfig(run.config)];
      const width = Math.max(...flat.map(([k]) => k.length));
      const out = [...header(run), ''];
      if (report || run.test?.classes || reportError) {
        out.push('per class:');
        if (report)
          out.push(
            ...classReportLines(
              `${report.split} (${report.checkpoint} checkpoint, epoch ${report.epoch}; ${fmtInt(report.samples)} rows): acc ${fmt(report.accuracy, 3)}`,
              report.classes,
              report.confusion,
            ),
          );
        else if (reportError) out.push(`  validation: not available (${reportError})`);
        const t = run.test;
        if (t?.classes && t.confusion) out.push(...classReportLines(testLine(t), t.classes, t.confusion));
        out.push('');
      }
      out.push('config:', ...flat.map(([k, v]) => `  ${k.padEnd(width)}  ${flatText(v)}`), '');
      out.push(epochs.length ? epochsTable(epochs) : 'no epochs recorded');
      ctx.stdout.write(out.join('\n') + '\n');
      return 0;
    });
  },
};

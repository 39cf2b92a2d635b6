// `mlpw show RUN`: one run — what ran, its summary, tags, notes, checkpoints, artifacts, config and every epoch.
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { fmt, fmtDuration, fmtInt } from '../format.ts';
import { flatText, flattenConfig } from '../../engine/experiment/index.ts';
import { backendText, epochsTable, fmtBytes, fmtTime } from '../run-format.ts';
import { DB_FLAG, withReadOnlyStore } from '../store-path.ts';
import type { RunDetail } from '../../db/index.ts';

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
      `  data ${d.dataset} (${d.task}): ${fmtInt(d.trainSamples)} train / ${fmtInt(d.valSamples)} validation, ${d.features} features → ${d.outputs} outputs (${d.head}, ${d.loss})`,
    );
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
  for (const a of run.artifacts)
    lines.push(`  artifact ${a.kind}: ${a.path}${a.details !== null ? ` ${JSON.stringify(a.details)}` : ''}`);
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
    return withReadOnlyStore(values.db, ctx.env, (store) => {
      const run = store.getRunDetail(positionals[0]!);
      const epochs = store.getEpochs(run.id);
      if (values.json) {
        ctx.stdout.write(JSON.stringify({ ...run, epochs }) + '\n');
        return 0;
      }
      const flat = [...flattenConfig(run.config)];
      const width = Math.max(...flat.map(([k]) => k.length));
      const out = [...header(run), '', 'config:', ...flat.map(([k, v]) => `  ${k.padEnd(width)}  ${flatText(v)}`), ''];
      out.push(epochs.length ? epochsTable(epochs) : 'no epochs recorded');
      ctx.stdout.write(out.join('\n') + '\n');
      return 0;
    });
  },
};

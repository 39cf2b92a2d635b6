// `mlpw merge OTHER.db`: bring another store's runs (epochs, checkpoints, layer stats, tags, notes, artifacts, the
// imported datasets and sweeps they used, their experiments by name) into this one, for machines without a shared
// queue. The other file is only read. Ids already here are skipped when they are the same run and reported when
// they are not; runs still training over there are skipped. --dry-run reports what would happen and writes nothing.
import { mergeStore, type MergeReport } from '../../db/index.ts';
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { DB_FLAG, withStore } from '../store-path.ts';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatMerge(report: MergeReport, from: string): string {
  const lines: string[] = [];
  const verb = report.dryRun ? 'would merge' : 'merged';
  const parts = report.merged.length ? [plural(report.epochs, 'epoch'), plural(report.checkpoints, 'checkpoint')] : [];
  if (report.artifacts) parts.push(plural(report.artifacts, 'artifact'));
  if (report.datasets.length) parts.push(plural(report.datasets.length, 'dataset'));
  if (report.sweeps) parts.push(plural(report.sweeps, 'sweep'));
  if (report.experiments.length)
    parts.push(
      `new experiment${report.experiments.length === 1 ? '' : 's'} ${report.experiments.map((e) => `"${e}"`).join(', ')}`,
    );
  lines.push(
    `${verb} ${plural(report.merged.length, 'run')} from ${from}${parts.length ? ` (${parts.join(', ')})` : ''}`,
  );
  for (const d of report.datasets)
    if (d.name !== d.originalName)
      lines.push(`dataset "${d.originalName}" is named "${d.name}" here: this store has other data under that name`);
  if (report.same.length) lines.push(`skipped ${plural(report.same.length, 'run')} already here (the same run)`);
  for (const c of report.conflicts)
    lines.push(`conflict: run ${c.id} is a different run here (${c.reason}); kept this store's, skipped the other's`);
  if (report.active.length)
    lines.push(
      `skipped ${plural(report.active.length, 'run')} still queued or running in ${from}: ${report.active.join(', ')} (merge again once they have ended)`,
    );
  return lines.join('\n') + '\n';
}

export const merge: Command = {
  name: 'merge',
  summary: "bring another store's runs into this one",
  usage: 'mlpw merge OTHER.db [--dry-run] [--json] [--db FILE]   (OTHER.db is only read)',
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, {
      ...DB_FLAG,
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const [other, ...extra] = positionals;
    if (!other) throw new UsageError('merge needs the file of the store to merge from (mlpw merge OTHER.db)');
    if (extra.length) throw new UsageError(`merge takes one store file, got also "${extra[0]}"`);
    return withStore(values.db, ctx.env, (store) => {
      const report = mergeStore(store.db, store.path, other, { dryRun: values['dry-run'] === true });
      ctx.stdout.write(values.json ? JSON.stringify(report) + '\n' : formatMerge(report, other));
      return 0;
    });
  },
};

// `mlpw compare RUN RUN…`: configs side by side (only the keys that differ unless --all), metrics at each run's best
// epoch (the trainer's, as the run records it; the Compare view's too) and at its last, and the validation loss epoch
// by epoch.
import type { EpochMetrics } from '../../engine/types.ts';
import type { RunRecord } from '../../db/index.ts';
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { fmt, fmtDuration, table } from '../format.ts';
import { configTable, differs, flatText } from '../../engine/experiment/index.ts';
import { bestAndLast, type BestAndLast } from '../../insight/index.ts';
import { DB_FLAG, withReadOnlyStore } from '../store-path.ts';

const POINT_ROWS: [string, (e: EpochMetrics) => string][] = [
  ['epoch', (e) => String(e.epoch)],
  ['val_loss', (e) => fmt(e.valLoss)],
  ['val_acc', (e) => fmt(e.valAcc, 3)],
  ['train_loss', (e) => fmt(e.trainLoss)],
  ['train_acc', (e) => fmt(e.trainAcc, 3)],
];

function metricsTable(runs: RunRecord[], ends: BestAndLast[]): string {
  const best = ends.map((e) => e.best);
  const last = ends.map((e) => e.last);
  const rows: string[][] = [['status', ...runs.map((r) => r.status)]];
  for (const [label, points] of [
    ['best', best],
    ['last', last],
  ] as const)
    for (const [name, cell] of POINT_ROWS) rows.push([`${label} ${name}`, ...points.map((p) => (p ? cell(p) : '-'))]);
  rows.push(['time', ...runs.map((r) => (r.durationMs === null ? '-' : fmtDuration(r.durationMs)))]);
  return table(['metric', ...runs.map((r) => r.id)], rows);
}

export const compare: Command = {
  name: 'compare',
  summary: 'runs side by side: differing config, best/last metrics, validation loss per epoch',
  usage: 'mlpw compare RUN RUN… [--all] [--json] [--db FILE]   (--all: every config key, not only those that differ)',
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, {
      ...DB_FLAG,
      all: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length < 2) throw new UsageError(`compare needs two or more runs (got ${positionals.length})`);
    return withReadOnlyStore(values.db, ctx.env, (store) => {
      const runs = positionals.map((ref) => store.getRun(ref));
      const curves = runs.map((r) => store.getEpochs(r.id));
      const ends = runs.map((r, i) => bestAndLast(curves[i]!, r.bestEpoch));
      const keys = configTable(runs.map((r) => r.config)).filter((k) => values.all || differs(k.values));
      const longest = Math.max(0, ...curves.map((c) => c.length));
      if (values.json) {
        const byRun = <T>(f: (i: number) => T) => Object.fromEntries(runs.map((r, i) => [r.id, f(i)]));
        ctx.stdout.write(
          JSON.stringify({
            runs: runs.map((r) => r.id),
            config: keys.map((k) => ({ key: k.key, values: byRun((i) => k.values[i] ?? null) })),
            best: byRun((i) => ends[i]!.best),
            last: byRun((i) => ends[i]!.last),
            valLoss: byRun((i) => curves[i]!.map((e) => e.valLoss)),
          }) + '\n',
        );
        return 0;
      }
      const out: string[] = [];
      out.push(values.all ? 'config:' : 'config (keys that differ):');
      out.push(
        keys.length
          ? table(
              ['key', ...runs.map((r) => r.id)],
              keys.map((k) => [k.key, ...k.values.map(flatText)]),
            )
          : '  identical',
      );
      out.push('', metricsTable(runs, ends), '', 'val_loss by epoch:');
      const rows: string[][] = [];
      for (let e = 0; e < longest; e++)
        rows.push([String(e + 1), ...curves.map((c) => (c[e] ? fmt(c[e]!.valLoss) : ''))]);
      out.push(table(['epoch', ...runs.map((r) => r.id)], rows));
      ctx.stdout.write(out.join('\n') + '\n');
      return 0;
    });
  },
};

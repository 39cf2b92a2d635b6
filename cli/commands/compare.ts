// `mlpw compare RUN RUN…`: configs side by side (only the keys that differ unless --all), metrics at each run's best
// epoch (the trainer's, as the run records it; the Compare view's too) and at its last, the held-out test set's score
// where a run has one, and the validation loss epoch by epoch; with --at-epoch N, every stored metric of each run at
// epoch N (as the Compare view's hover reads them).
import type { EpochMetrics } from '../../engine/types.ts';
import type { RunRecord } from '../../db/index.ts';
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { fmt, fmtDuration, table } from '../format.ts';
import { configTable, differs, flatText } from '../../engine/experiment/index.ts';
import {
  bestAndLast,
  epochAt,
  metricValue,
  storedMetrics,
  type BestAndLast,
  type CurveSplit,
} from '../../insight/index.ts';
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
  // The held-out test set, scored once on the model each run ships: rows only when some run has one.
  if (runs.some((r) => r.test)) {
    rows.push(['test loss', ...runs.map((r) => (r.test ? fmt(r.test.loss) : '-'))]);
    rows.push(['test acc', ...runs.map((r) => (r.test ? fmt(r.test.acc, 3) : '-'))]);
    rows.push(['test scored on', ...runs.map((r) => (r.test ? `${r.test.checkpoint} @ ${r.test.epoch}` : '-'))]);
  }
  rows.push(['time', ...runs.map((r) => (r.durationMs === null ? '-' : fmtDuration(r.durationMs)))]);
  return table(['metric', ...runs.map((r) => r.id)], rows);
}

/** Every metric the runs store, split first ("val_loss", "train_acc", "lr"), with its value in an epoch. */
function metricColumns(curves: EpochMetrics[][]): { name: string; value: (e: EpochMetrics) => number | null }[] {
  const snake = (m: string) => m.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return storedMetrics(curves).flatMap((m) =>
    (m.splits.length ? m.splits : [null]).map((split: CurveSplit | null) => ({
      name: split === null ? snake(m.metric) : `${split}_${snake(m.metric)}`,
      value: (e: EpochMetrics) => metricValue(e, split, m.metric),
    })),
  );
}

/** `--at-epoch`: a whole number from 1; the error names the flag and the value. */
function parseAtEpoch(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`--at-epoch must be a whole number from 1 (got "${text}")`);
  return n;
}

function atEpochTable(runs: RunRecord[], curves: EpochMetrics[][], epoch: number): string {
  const points = curves.map((c) => epochAt(c, epoch));
  const rows = metricColumns(curves).map((col) => [
    col.name,
    ...points.map((p) => {
      const v = p ? col.value(p) : null;
      return v === null ? '-' : fmt(v, 4);
    }),
  ]);
  const ended = runs.flatMap((r, i) =>
    points[i] ? [] : [`${r.id} has no epoch ${epoch} (${curves[i]!.length} stored)`],
  );
  return [`at epoch ${epoch}:`, table(['metric', ...runs.map((r) => r.id)], rows), ...ended].join('\n');
}

export const compare: Command = {
  name: 'compare',
  summary: 'runs side by side: differing config, best/last metrics, validation loss per epoch',
  usage:
    'mlpw compare RUN RUN… [--all] [--at-epoch N] [--json] [--db FILE]   (--all: every config key, not only those that differ; --at-epoch: every metric at epoch N)',
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, {
      ...DB_FLAG,
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      'at-epoch': { type: 'string' },
    });
    const atEpoch = parseAtEpoch(values['at-epoch']);
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
            test: byRun((i) => runs[i]!.test),
            valLoss: byRun((i) => curves[i]!.map((e) => e.valLoss)),
            ...(atEpoch === null
              ? {}
              : {
                  atEpoch: {
                    epoch: atEpoch,
                    metrics: byRun((i) => {
                      const p = epochAt(curves[i]!, atEpoch);
                      return p ? Object.fromEntries(metricColumns(curves).map((c) => [c.name, c.value(p)])) : null;
                    }),
                  },
                }),
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
      out.push('', metricsTable(runs, ends));
      if (atEpoch !== null) out.push('', atEpochTable(runs, curves, atEpoch));
      out.push('', 'val_loss by epoch:');
      const rows: string[][] = [];
      for (let e = 0; e < longest; e++)
        rows.push([String(e + 1), ...curves.map((c) => (c[e] ? fmt(c[e]!.valLoss) : ''))]);
      out.push(table(['epoch', ...runs.map((r) => r.id)], rows));
      ctx.stdout.write(out.join('\n') + '\n');
      return 0;
    });
  },
};

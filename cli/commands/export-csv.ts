// `mlpw export-csv RUN… --out FILE`: every epoch of the runs, one row per run and epoch, with every hyperparameter
// as a column, for spreadsheets and pandas (whole curves, not only the last value).
import { writeFileSync } from 'node:fs';
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { configTable, type FlatValue } from '../../engine/experiment/index.ts';
import { DB_FLAG, withReadOnlyStore } from '../store-path.ts';

export function csvCell(v: FlatValue | undefined): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const EPOCH_COLUMNS = ['epoch', 'train_loss', 'val_loss', 'train_acc', 'val_acc', 'lr', 'duration_ms', 'samples_per_sec'] as const;

export const exportCsv: Command = {
  name: 'export-csv',
  summary: 'every epoch of runs as CSV, with their hyperparameters',
  usage: 'mlpw export-csv RUN… --out FILE [--db FILE]   (--out - writes to stdout)',
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, { ...DB_FLAG, out: { type: 'string' } });
    if (positionals.length === 0) throw new UsageError('export-csv needs at least one run');
    const out = values.out;
    if (!out) throw new UsageError('export-csv needs --out FILE (or --out - for stdout)');
    return withReadOnlyStore(values.db, ctx.env, (store) => {
      const runs = positionals.map((ref) => store.getRun(ref));
      const keys = configTable(runs.map((r) => r.config));
      const lines = [['run_id', 'status', 'sweep_id', ...keys.map((k) => k.key), ...EPOCH_COLUMNS].map(csvCell).join(',')];
      runs.forEach((run, i) => {
        const hyper = [run.id, run.status, run.sweepId, ...keys.map((k) => k.values[i])].map(csvCell);
        for (const e of store.getEpochs(run.id)) {
          const metrics = [e.epoch, e.trainLoss, e.valLoss, e.trainAcc, e.valAcc, e.lr, e.durationMs, e.samplesPerSec].map(csvCell);
          lines.push([...hyper, ...metrics].join(','));
        }
      });
      const text = lines.join('\n') + '\n';
      if (out === '-') ctx.stdout.write(text);
      else {
        try {
          writeFileSync(out, text);
        } catch (e) {
          throw new UsageError(`--out: cannot write ${values.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        ctx.stdout.write(`wrote ${lines.length - 1} rows (${runs.length} runs) to ${values.out}\n`);
      }
      return 0;
    });
  },
};

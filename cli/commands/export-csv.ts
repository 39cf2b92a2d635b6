// `mlpw export-csv RUN… --out FILE`: every epoch of the runs, one row per run and epoch, with every hyperparameter
// as a column, for spreadsheets and pandas (whole curves, not only the last value).
import { writeFileSync } from 'node:fs';
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { epochsCsv } from '../../insight/index.ts';
import { DB_FLAG, withReadOnlyStore } from '../store-path.ts';

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
      const curves = runs.map((r) => store.getEpochs(r.id));
      const text = epochsCsv(runs, curves);
      if (out === '-') ctx.stdout.write(text);
      else {
        try {
          writeFileSync(out, text);
        } catch (e) {
          throw new UsageError(
            `--out: cannot write ${values.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
          );
        }
        ctx.stdout.write(
          `wrote ${curves.reduce((n, c) => n + c.length, 0)} rows (${runs.length} runs) to ${values.out}\n`,
        );
      }
      return 0;
    });
  },
};

// `mlpw rerun RUN`: train the stored config again as a new run. Seeded data, init and shuffling make a CPU rerun's
// metrics identical to the original's.
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { DB_FLAG, withStore } from '../store-path.ts';
import { trainRecorded } from './train.ts';

export const rerun: Command = {
  name: 'rerun',
  summary: 'train a recorded run again with the same config',
  usage: 'mlpw rerun RUN [--json] [--quiet] [--db FILE]',
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, {
      ...DB_FLAG,
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError(`rerun takes one run id (got ${positionals.length})`);
    return withStore(values.db, ctx.env, (store) => {
      const original = store.getRun(positionals[0]!);
      return trainRecorded(store, original.config, ctx, {
        json: values.json === true,
        quiet: values.quiet === true,
        rerunOf: original.id,
      });
    });
  },
};

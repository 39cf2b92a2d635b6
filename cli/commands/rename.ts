// `mlpw rename RUN NAME…`: give a run a name (shown by `mlpw runs` and the app); an empty NAME ("") clears it.
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { DB_FLAG, withStore } from '../store-path.ts';

export const rename: Command = {
  name: 'rename',
  summary: 'rename a run (also a finished one)',
  usage: 'mlpw rename RUN NAME… [--db FILE]   (the words are joined with spaces; "" clears the name)',
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, { ...DB_FLAG });
    const [ref, ...words] = positionals;
    if (!ref || words.length === 0) throw new UsageError('rename needs a run and a name ("" clears it)');
    return withStore(values.db, ctx.env, (store) => {
      const run = store.renameRun(ref, words.join(' '));
      ctx.stdout.write(run.name === null ? `${run.id}: name cleared\n` : `${run.id}: ${run.name}\n`);
      return 0;
    });
  },
};

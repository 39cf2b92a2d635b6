// `mlpw note RUN TEXT…`: attach a dated note to a run (shown by `mlpw show`).
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { DB_FLAG, withStore } from '../store-path.ts';

export const note: Command = {
  name: 'note',
  summary: 'attach a note to a run',
  usage: 'mlpw note RUN TEXT… [--db FILE]   (the words are joined with spaces)',
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, { ...DB_FLAG });
    const [ref, ...words] = positionals;
    if (!ref || words.join('').trim() === '') throw new UsageError('note needs a run and some text');
    return withStore(values.db, ctx.env, (store) => {
      store.addNote(ref, words.join(' '));
      ctx.stdout.write(`noted on ${store.resolveRunId(ref)}\n`);
      return 0;
    });
  },
};

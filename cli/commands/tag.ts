// `mlpw tag RUN TAG…`: label a run (filter with `mlpw runs --tag T`); --remove takes tags off.
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { DB_FLAG, withStore } from '../store-path.ts';

export const tag: Command = {
  name: 'tag',
  summary: 'add tags to a run (or --remove them)',
  usage: 'mlpw tag RUN TAG… [--remove] [--db FILE]',
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, { ...DB_FLAG, remove: { type: 'boolean' } });
    const [ref, ...tags] = positionals;
    if (!ref || tags.length === 0) throw new UsageError('tag needs a run and at least one tag');
    return withStore(values.db, ctx.env, (store) => {
      const now = values.remove ? store.removeTags(ref, tags) : store.addTags(ref, tags);
      ctx.stdout.write(`${store.resolveRunId(ref)}: ${now.length ? now.join(', ') : 'no tags'}\n`);
      return 0;
    });
  },
};

// `mlpw rm RUN…`: remove runs with everything recorded about them. Asks first unless --yes; refuses active runs.
import { createInterface } from 'node:readline';
import { parseFlags } from '../args.ts';
import type { Command, CommandContext } from '../command.ts';
import { UsageError } from '../errors.ts';
import { DB_FLAG, withStore } from '../store-path.ts';

/** One line from stdin; end of input counts as no. */
async function ask(ctx: CommandContext, question: string): Promise<boolean> {
  ctx.stderr.write(question);
  const rl = createInterface({ input: ctx.stdin, terminal: false });
  try {
    for await (const line of rl) return /^\s*y(es)?\s*$/i.test(line);
    return false;
  } finally {
    rl.close();
  }
}

export const rm: Command = {
  name: 'rm',
  summary: 'remove runs (asks unless --yes)',
  usage: 'mlpw rm RUN… [--yes] [--db FILE]',
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, { ...DB_FLAG, yes: { type: 'boolean', short: 'y' } });
    if (positionals.length === 0) throw new UsageError('rm needs at least one run');
    return withStore(values.db, ctx.env, async (store) => {
      const runs = positionals.map((ref) => store.getRun(ref));
      if (!values.yes) {
        const list = runs
          .map((r) => `${r.id} (${r.status}, ${r.dataset} ${r.layers || '·'}, ${r.epochsDone} epochs)`)
          .join(', ');
        if (!(await ask(ctx, `remove ${runs.length === 1 ? 'run' : `${runs.length} runs`} ${list}? [y/N] `))) {
          ctx.stderr.write('nothing removed\n');
          return 1;
        }
      }
      const removed = store.deleteRuns(runs.map((r) => r.id));
      ctx.stdout.write(`removed ${removed.join(', ')}\n`);
      return 0;
    });
  },
};

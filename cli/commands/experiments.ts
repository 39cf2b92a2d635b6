// `mlpw experiments`: the named groups of runs (as in MLflow) with their run counts; create, rename, move runs.
import type { ExperimentRecord } from '../../db/index.ts';
import type { Options } from '../args.ts';
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { fmtInt, table } from '../format.ts';
import { fmtTime } from '../run-format.ts';
import { DB_FLAG, withReadOnlyStore, withStore } from '../store-path.ts';

/** `--experiment NAME` of train and sweep (created if new) and of runs (a filter). */
export const EXPERIMENT_FLAG = { experiment: { type: 'string' } } as const satisfies Options;

const USAGE = `mlpw experiments [--json] [--db FILE]              list experiments with their run counts
       mlpw experiments create NAME [--db FILE]
       mlpw experiments rename OLD NEW [--db FILE]
       mlpw experiments mv RUN… --to NAME [--db FILE]     move runs into an existing experiment
  new runs go to "Default" unless train or sweep is given --experiment NAME`;

function experimentsTable(list: ExperimentRecord[]): string {
  return table(
    ['experiment', 'runs', 'created'],
    list.map((e) => [e.name, fmtInt(e.runCount), fmtTime(e.createdAt)]),
  );
}

export const experiments: Command = {
  name: 'experiments',
  summary: 'list experiments with run counts; create, rename, move runs into one',
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, { ...DB_FLAG, json: { type: 'boolean' }, to: { type: 'string' } });
    const [action, ...args] = positionals;
    const say = (text: string) => ctx.stdout.write(text + '\n');
    if (action === undefined) {
      if (values.to !== undefined) throw new UsageError('--to goes with "mlpw experiments mv RUN… --to NAME"');
      return withReadOnlyStore(values.db, ctx.env, (store) => {
        const list = store.listExperiments();
        say(values.json ? JSON.stringify(list) : experimentsTable(list));
        return 0;
      });
    }
    if (action === 'create') {
      if (args.length !== 1)
        throw new UsageError(`experiments create takes one name (got ${args.length}); quote a name with spaces`);
      return withStore(values.db, ctx.env, (store) => {
        const made = store.createExperiment(args[0]!);
        say(values.json ? JSON.stringify(made) : `created experiment "${made.name}"`);
        return 0;
      });
    }
    if (action === 'rename') {
      if (args.length !== 2)
        throw new UsageError(
          `experiments rename takes OLD and NEW (got ${args.length} names); quote a name with spaces`,
        );
      return withStore(values.db, ctx.env, (store) => {
        const from = store.getExperiment(args[0]!).name;
        const renamed = store.renameExperiment(from, args[1]!);
        say(
          values.json
            ? JSON.stringify(renamed)
            : `renamed experiment "${from}" to "${renamed.name}" (${fmtInt(renamed.runCount)} runs)`,
        );
        return 0;
      });
    }
    if (action === 'mv') {
      if (values.to === undefined)
        throw new UsageError('experiments mv needs --to NAME (the experiment to move the runs into)');
      if (args.length === 0) throw new UsageError('experiments mv needs at least one run id');
      const to = values.to;
      return withStore(values.db, ctx.env, (store) => {
        const moved = store.moveRuns(args, to);
        const target = store.getExperiment(to);
        say(
          values.json
            ? JSON.stringify({ experiment: target.name, runs: moved })
            : `moved ${moved.length} run${moved.length === 1 ? '' : 's'} to "${target.name}": ${moved.join(', ')}`,
        );
        return 0;
      });
    }
    throw new UsageError(`experiments: unknown action "${action}" (create, rename, mv; none lists them)`);
  },
};

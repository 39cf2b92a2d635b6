// `mlpw datasets`: the datasets a run can name: built-in generators, MNIST, and snapshots imported into the store.
// `mlpw datasets rm NAME` deletes an imported snapshot, unless runs trained on it (they are named instead).
import { existsSync } from 'node:fs';
import { listDatasets } from '../../engine/data/builtin.ts';
import '../../engine/host/node/mnist.ts';
import { parseFlags } from '../args.ts';
import { fmtInt, table } from '../format.ts';
import type { Command, CommandContext } from '../command.ts';
import { UsageError } from '../errors.ts';
import { DB_FLAG, resolveDbPath, withStore } from '../store-path.ts';

interface Row {
  name: string;
  task: string;
  source: string;
  description: string;
  rows?: number;
  features?: number;
  outputs?: number;
  hash?: string;
}

export const datasets: Command = {
  name: 'datasets',
  summary: 'list the datasets a run can use',
  usage: `mlpw datasets [--db FILE] [--json]
mlpw datasets rm NAME [--db FILE] [--json]
  rm deletes an imported dataset; one that runs trained on is kept, and those runs are named (remove them first)`,
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, { ...DB_FLAG, json: { type: 'boolean' } });
    if (positionals[0] === 'rm') return removeDataset(positionals.slice(1), values, ctx);
    if (positionals.length > 0)
      throw new UsageError(
        `mlpw datasets: unknown subcommand "${positionals[0]}" (expected rm NAME, or nothing to list)`,
      );
    const rows: Row[] = listDatasets().map((d) => ({
      name: d.name,
      task: d.task,
      source: 'built-in',
      description: d.description,
    }));
    // Listing must not create a database: only an existing store is opened.
    if (existsSync(resolveDbPath(values.db, ctx.env)))
      await withStore(values.db, ctx.env, (store) => {
        for (const d of store.datasets.list())
          rows.push({
            name: d.name,
            task: d.task,
            source: 'imported',
            description: `${fmtInt(d.rows)} rows × ${d.features} features from ${(d.source.files as string[] | undefined)?.join(', ') ?? '?'}`,
            rows: d.rows,
            features: d.features,
            outputs: d.outputs,
            hash: d.hash,
          });
      });
    if (values.json) ctx.stdout.write(JSON.stringify(rows) + '\n');
    else
      ctx.stdout.write(
        table(
          ['name', 'task', 'source', 'description'],
          rows.map((r) => [r.name, r.task, r.source, r.description]),
        ) + '\n',
      );
    return 0;
  },
};

async function removeDataset(
  names: string[],
  values: { db?: string; json?: boolean },
  ctx: CommandContext,
): Promise<number> {
  if (names.length !== 1) throw new UsageError(`mlpw datasets rm: expected one dataset name, got ${names.length}`);
  const name = names[0]!;
  if (!existsSync(resolveDbPath(values.db, ctx.env)))
    throw new UsageError(`no imported dataset "${name}": there is no store at ${resolveDbPath(values.db, ctx.env)}`);
  return withStore(values.db, ctx.env, (store) => {
    const removed = store.datasets.remove(name);
    if (values.json)
      ctx.stdout.write(JSON.stringify({ removed: removed.name, hash: removed.hash, rows: removed.rows }) + '\n');
    else
      ctx.stdout.write(
        `removed dataset ${removed.name} (${fmtInt(removed.rows)} rows, hash ${removed.hash.slice(0, 12)})\n`,
      );
    return 0;
  });
}

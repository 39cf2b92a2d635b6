// `mlpw datasets`: the datasets a run can name: built-in generators, MNIST, and snapshots imported into the store.
import { existsSync } from 'node:fs';
import { listDatasets } from '../../engine/data/builtin.ts';
import '../../engine/host/node/mnist.ts';
import { parseFlags } from '../args.ts';
import { fmtInt, table } from '../format.ts';
import type { Command } from '../command.ts';
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
  usage: 'mlpw datasets [--db FILE] [--json]',
  async run(argv, ctx) {
    const { values } = parseFlags(argv, { ...DB_FLAG, json: { type: 'boolean' } }, false);
    const rows: Row[] = listDatasets().map((d) => ({ name: d.name, task: d.task, source: 'built-in', description: d.description }));
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
    else ctx.stdout.write(table(['name', 'task', 'source', 'description'], rows.map((r) => [r.name, r.task, r.source, r.description])) + '\n');
    return 0;
  },
};

// `mlpw datasets`: the datasets a run can name.
import { listDatasets } from '../../engine/data/builtin.ts';
import { parseFlags } from '../args.ts';
import { table } from '../format.ts';
import type { Command } from '../command.ts';

export const datasets: Command = {
  name: 'datasets',
  summary: 'list the datasets a run can use',
  usage: 'mlpw datasets [--json]',
  async run(argv, ctx) {
    const { values } = parseFlags(argv, { json: { type: 'boolean' } }, false);
    const rows = listDatasets().map((d) => ({ name: d.name, task: d.task, source: 'built-in', description: d.description }));
    if (values.json) ctx.stdout.write(JSON.stringify(rows) + '\n');
    else ctx.stdout.write(table(['name', 'task', 'source', 'description'], rows.map((r) => [r.name, r.task, r.source, r.description])) + '\n');
    return 0;
  },
};

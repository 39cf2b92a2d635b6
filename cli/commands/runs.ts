// `mlpw runs`: the recorded runs, newest first or sorted on a metric, with the hyperparameters that matter.
import { RUN_STATUSES, type RunStatus } from '../../engine/types.ts';
import { RUN_SORT_FIELDS, type RunFilter, type RunSortField } from '../../db/index.ts';
import { intFlag, parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { fmtInt, table } from '../format.ts';
import { RUNS_HEADER, runsRow } from '../run-format.ts';
import { DB_FLAG, withReadOnlyStore } from '../store-path.ts';
import { EXPERIMENT_FLAG } from './experiments.ts';

const DEFAULT_LIMIT = 50;

export function parseStatuses(value: string | undefined): RunStatus[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((s) => {
    if (!(RUN_STATUSES as readonly string[]).includes(s)) throw new UsageError(`--status: unknown status "${s}" (one of ${RUN_STATUSES.join(', ')})`);
    return s as RunStatus;
  });
}

/** "val_loss", "val_loss:desc" or "lr:asc". */
export function parseSort(value: string | undefined): Pick<RunFilter, 'sort' | 'descending'> {
  if (value === undefined) return {};
  const [field, dir, extra] = value.split(':');
  if (!(RUN_SORT_FIELDS as readonly string[]).includes(field!)) throw new UsageError(`--sort: unknown field "${field}" (one of ${RUN_SORT_FIELDS.join(', ')})`);
  if (extra !== undefined || (dir !== undefined && dir !== 'asc' && dir !== 'desc')) throw new UsageError(`--sort: expected FIELD or FIELD:asc|desc, got "${value}"`);
  return { sort: field as RunSortField, descending: dir === undefined ? undefined : dir === 'desc' };
}

export const runs: Command = {
  name: 'runs',
  summary: 'list recorded runs (filter, sort on a metric)',
  usage: `mlpw runs [--status S[,S…]] [--dataset D] [--tag T] [--sweep ID] [--experiment NAME] [--sort FIELD[:asc|desc]] [--limit N] [--json] [--db FILE]
  sort fields: ${RUN_SORT_FIELDS.join(', ')} (default: created, newest first; --limit 0 shows all)`,
  async run(argv, ctx) {
    const { values } = parseFlags(
      argv,
      { ...DB_FLAG, ...EXPERIMENT_FLAG, status: { type: 'string' }, dataset: { type: 'string' }, tag: { type: 'string' }, sweep: { type: 'string' }, sort: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
      false,
    );
    const limit = intFlag('limit', values.limit) ?? DEFAULT_LIMIT;
    if (limit < 0) throw new UsageError(`--limit: expected 0 or more, got ${limit}`);
    const filter: RunFilter = {
      status: parseStatuses(values.status),
      dataset: values.dataset,
      tag: values.tag,
      sweepId: values.sweep,
      experiment: values.experiment,
      ...parseSort(values.sort),
    };
    return withReadOnlyStore(values.db, ctx.env, (store) => {
      // One row more than asked tells whether the list was cut without counting every match.
      const rows = store.listRuns({ ...filter, limit: limit === 0 ? undefined : limit + 1 });
      const cut = limit !== 0 && rows.length > limit;
      const shown = cut ? rows.slice(0, limit) : rows;
      if (values.json) {
        ctx.stdout.write(JSON.stringify(shown) + '\n');
        return 0;
      }
      if (shown.length === 0) {
        ctx.stdout.write(`no runs${Object.values(filter).some((v) => v !== undefined) ? ' match' : ''} in ${store.path}\n`);
        return 0;
      }
      ctx.stdout.write(table(RUNS_HEADER, shown.map(runsRow)) + '\n');
      if (cut) ctx.stdout.write(`(first ${fmtInt(limit)} shown; --limit N or --limit 0 for more)\n`);
      return 0;
    });
  },
};

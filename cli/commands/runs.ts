// `mlpw runs`: the recorded runs, newest first or sorted on a metric, with the hyperparameters that matter; or chosen
// columns, a filter and groups (mean ± std) computed by insight/, as the app computes them.
import { RUN_STATUSES, type RunStatus } from '../../engine/types.ts';
import { RUN_SORT_FIELDS, type RunFilter, type RunRecord, type RunSortField, type RunStore } from '../../db/index.ts';
import {
  ColumnError,
  parseColumns,
  resolveColumn,
  sortRuns,
  type CellValue,
  type Column,
  type RunWithEpochs,
} from '../../insight/run-columns.ts';
import { FilterError, parseFilter } from '../../insight/run-filter.ts';
import { groupRuns, isSummary, type Summary } from '../../insight/group-runs.ts';
import { intFlag, parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { fmt, fmtDuration, fmtInt, table } from '../format.ts';
import { fmtTime, RUNS_HEADER, runsRow } from '../run-format.ts';
import { DB_FLAG, withReadOnlyStore } from '../store-path.ts';
import { EXPERIMENT_FLAG } from './experiments.ts';

const DEFAULT_LIMIT = 50;

export function parseStatuses(value: string | undefined): RunStatus[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((s) => {
    if (!(RUN_STATUSES as readonly string[]).includes(s))
      throw new UsageError(`--status: unknown status "${s}" (one of ${RUN_STATUSES.join(', ')})`);
    return s as RunStatus;
  });
}

/** "val_loss", "val_loss:desc" or "lr:asc". */
export function parseSort(value: string | undefined): Pick<RunFilter, 'sort' | 'descending'> {
  if (value === undefined) return {};
  const [field, dir, extra] = value.split(':');
  if (!(RUN_SORT_FIELDS as readonly string[]).includes(field!))
    throw new UsageError(`--sort: unknown field "${field}" (one of ${RUN_SORT_FIELDS.join(', ')})`);
  if (extra !== undefined || (dir !== undefined && dir !== 'asc' && dir !== 'desc'))
    throw new UsageError(`--sort: expected FIELD or FIELD:asc|desc, got "${value}"`);
  return { sort: field as RunSortField, descending: dir === undefined ? undefined : dir === 'desc' };
}

const DEFAULT_GROUP_COLUMNS = 'best.val_loss,last.val_acc,duration';

export function cellText(column: Column, v: CellValue): string {
  if (v === null) return '-';
  if (typeof v !== 'number') return String(v);
  if (column.key === 'duration') return fmtDuration(v);
  if (column.key === 'created') return fmtTime(v);
  return Number.isInteger(v) ? String(v) : fmt(v);
}

export function summaryText(column: Column, s: Summary | null, n: number): string {
  if (!s) return '-';
  const one = (v: number) => (column.key === 'duration' ? fmtDuration(v) : Number.isInteger(v) ? String(v) : fmt(v));
  return `${one(s.mean)} ± ${s.std === null ? '-' : one(s.std)}${s.count < n ? ` (${s.count} of ${n})` : ''}`;
}

/** A flag's insight error as the flag's usage error (exit 2, one line). */
function flagged<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ColumnError || e instanceof FilterError) throw new UsageError(`--${flag}: ${e.message}`);
    throw e;
  }
}

interface TableFlags {
  columns?: string;
  filter?: string;
  groupBy?: string;
  sort?: string;
  limit: number;
  json: boolean;
}

/** --columns, --filter, --group-by, or --sort on a column the SQL does not hold: computed here by insight/. */
function columnsTable(store: RunStore, filter: RunFilter, flags: TableFlags, write: (s: string) => void): number {
  const records: RunRecord[] = store.listRuns(filter);
  const all: RunWithEpochs[] = records.map((run) => ({ run, epochs: store.getEpochs(run.id) }));
  const keep = flags.filter === undefined ? () => true : flagged('filter', () => parseFilter(flags.filter!, all));
  let rows = all.filter(keep);
  if (flags.sort !== undefined && filter.sort === undefined) {
    const [key, dir] = flags.sort.split(':');
    let column: Column;
    try {
      column = resolveColumn(key!, all);
    } catch (e) {
      if (!(e instanceof ColumnError)) throw e;
      throw new UsageError(
        `--sort: unknown field "${key}" (one of ${RUN_SORT_FIELDS.join(', ')}, or a column: ${e.message})`,
      );
    }
    rows = sortRuns(rows, column, dir === undefined ? column.kind === 'metric' && /acc/.test(key!) : dir === 'desc');
  }
  const shown = flagged('columns', () =>
    parseColumns(
      flags.columns ??
        (flags.groupBy
          ? DEFAULT_GROUP_COLUMNS
          : 'status,dataset,model.layers,model.layers.activation,best.val_loss,last.val_acc'),
      all,
    ),
  );
  if (flags.groupBy !== undefined) {
    const by = flagged('group-by', () => parseColumns(flags.groupBy!, all));
    const groups = groupRuns(rows, by, shown);
    if (flags.json) {
      write(
        JSON.stringify(
          groups.map((g) => ({
            keys: Object.fromEntries(by.map((c, i) => [c.key, g.keys[i]])),
            n: g.runs.length,
            runs: g.runs.map((r) => r.run.id),
            columns: Object.fromEntries(shown.map((c, i) => [c.key, g.cells[i]])),
          })),
        ) + '\n',
      );
      return 0;
    }
    if (groups.length === 0) return (write(`no runs match in ${store.path}\n`), 0);
    const header = [...by.map((c) => c.key), 'n', ...shown.map((c) => (c.numeric ? `${c.key} (mean ± std)` : c.key))];
    const body = groups.map((g) => [
      ...by.map((c, i) => cellText(c, g.keys[i] ?? null)),
      String(g.runs.length),
      ...shown.map((c, i) => {
        const cell = g.cells[i] ?? null;
        return c.numeric
          ? summaryText(c, isSummary(cell) ? cell : null, g.runs.length)
          : cell === null
            ? '(varies)'
            : cellText(c, cell as CellValue);
      }),
    ]);
    write(table(header, body) + '\n');
    return 0;
  }
  const cut = flags.limit !== 0 && rows.length > flags.limit;
  const page = cut ? rows.slice(0, flags.limit) : rows;
  if (flags.json) {
    write(
      JSON.stringify(
        page.map((r) => ({ id: r.run.id, ...Object.fromEntries(shown.map((c) => [c.key, c.value(r)])) })),
      ) + '\n',
    );
    return 0;
  }
  if (page.length === 0) return (write(`no runs match in ${store.path}\n`), 0);
  write(
    table(
      ['id', ...shown.map((c) => c.key)],
      page.map((r) => [r.run.id, ...shown.map((c) => cellText(c, c.value(r)))]),
    ) + '\n',
  );
  if (cut) write(`(first ${fmtInt(flags.limit)} of ${fmtInt(rows.length)} shown; --limit N or --limit 0 for more)\n`);
  return 0;
}

export const runs: Command = {
  name: 'runs',
  summary: 'list recorded runs (filter, sort on a metric)',
  usage: `mlpw runs [--status S[,S…]] [--dataset D] [--tag T] [--sweep ID] [--experiment NAME] [--sort FIELD[:asc|desc]] [--limit N] [--json] [--db FILE]
          [--columns KEY,…] [--filter EXPR] [--group-by KEY[,KEY…]]
  sort fields: ${RUN_SORT_FIELDS.join(', ')}, or any column (default: created, newest first; --limit 0 shows all)
  columns: a config key (model.layers.activation, optimizer.lr, or its last part: activation), a metric at the best or
    last epoch or at epoch N (best.val_acc, last.train_loss, at10.val_acc; a bare val_acc is the last), params,
    duration, backend, dataset, tags,
    experiment, status, epochs, name
  --filter 'val_acc > 0.9 and model.layers.activation = relu and tag = baseline'   (= != < <= > >=, joined by and)
  --group-by KEY: one row per group with n and mean ± std of every numeric column shown`,
  async run(argv, ctx) {
    const { values } = parseFlags(
      argv,
      {
        ...DB_FLAG,
        ...EXPERIMENT_FLAG,
        status: { type: 'string' },
        dataset: { type: 'string' },
        tag: { type: 'string' },
        sweep: { type: 'string' },
        sort: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
        columns: { type: 'string' },
        filter: { type: 'string' },
        'group-by': { type: 'string' },
      },
      false,
    );
    const limit = intFlag('limit', values.limit) ?? DEFAULT_LIMIT;
    if (limit < 0) throw new UsageError(`--limit: expected 0 or more, got ${limit}`);
    const sqlSort =
      values.sort === undefined || (RUN_SORT_FIELDS as readonly string[]).includes(values.sort.split(':')[0]!);
    const computed =
      values.columns !== undefined || values.filter !== undefined || values['group-by'] !== undefined || !sqlSort;
    const filter: RunFilter = {
      status: parseStatuses(values.status),
      dataset: values.dataset,
      tag: values.tag,
      sweepId: values.sweep,
      experiment: values.experiment,
      ...(sqlSort ? parseSort(values.sort) : {}),
    };
    if (computed) {
      if (!sqlSort && !/^[\w.]+(:(asc|desc))?$/.test(values.sort!))
        throw new UsageError(`--sort: expected FIELD or FIELD:asc|desc, got "${values.sort}"`);
      const flags = {
        columns: values.columns,
        filter: values.filter,
        groupBy: values['group-by'],
        sort: values.sort,
        limit,
        json: values.json === true,
      };
      return withReadOnlyStore(values.db, ctx.env, (store) =>
        columnsTable(store, filter, flags, (s) => ctx.stdout.write(s)),
      );
    }
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
        ctx.stdout.write(
          `no runs${Object.values(filter).some((v) => v !== undefined) ? ' match' : ''} in ${store.path}\n`,
        );
        return 0;
      }
      ctx.stdout.write(table(RUNS_HEADER, shown.map(runsRow)) + '\n');
      if (cut) ctx.stdout.write(`(first ${fmtInt(limit)} shown; --limit N or --limit 0 for more)\n`);
      return 0;
    });
  },
};

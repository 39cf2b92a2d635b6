// The SQL of RunStore.listRuns: filters, a sort on any summary column (nulls last), limit and offset.
import { RUN_LIST_COLUMNS, SORT_COLUMNS } from './columns.ts';
import { StoreError } from './errors.ts';
import type { RunFilter } from './types.ts';

/**
 * `sweepId` must already be a full sweep id and `experimentId` the experiment's id (RunStore resolves both). The SQL
 * text depends only on which filters are set, so it caches well. `idsOnly`: the same runs in the same order, their ids
 * alone (runTable reorders runs it holds already).
 */
export function listRunsQuery(
  filter: Omit<RunFilter, 'experiment'> & { experimentId?: number },
  { idsOnly = false }: { idsOnly?: boolean } = {},
): {
  sql: string;
  params: Record<string, unknown>;
} {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.status?.length) {
    where.push(`runs.status IN (${filter.status.map((_, i) => `@status${i}`).join(', ')})`);
    filter.status.forEach((s, i) => (params[`status${i}`] = s));
  }
  if (filter.dataset !== undefined) {
    where.push('runs.dataset = @dataset');
    params.dataset = filter.dataset;
  }
  if (filter.tag !== undefined) {
    where.push('EXISTS (SELECT 1 FROM tags WHERE tags.run_id = runs.id AND tags.tag = @tag)');
    params.tag = filter.tag;
  }
  if (filter.sweepId !== undefined) {
    where.push('runs.sweep_id = @sweep');
    params.sweep = filter.sweepId;
  }
  if (filter.experimentId !== undefined) {
    where.push('runs.experiment_id = @experiment');
    params.experiment = filter.experimentId;
  }
  const sort = SORT_COLUMNS[filter.sort ?? 'created'];
  if (!sort)
    throw new StoreError(
      'invalid_argument',
      `cannot sort runs by "${filter.sort}" (fields: ${Object.keys(SORT_COLUMNS).join(', ')})`,
    );
  const dir = (filter.descending ?? sort.descending) ? 'DESC' : 'ASC';
  params.limit = filter.limit ?? -1;
  params.offset = filter.offset ?? 0;
  const sql = `SELECT ${idsOnly ? 'runs.id' : RUN_LIST_COLUMNS} FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
    ORDER BY runs.${sort.column} ${dir} NULLS LAST, runs.created_at DESC, runs.id LIMIT @limit OFFSET @offset`;
  return { sql, params };
}

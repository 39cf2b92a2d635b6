// The runTable method over the store (Node side): the listed runs, each with its epochs read only when a metric
// column asks, filtered, then paged or grouped by insight/'s functions, the ones `mlpw runs` uses.
import type { RunStore } from '../db/run-store.ts';
import type { RunRecord } from '../db/types.ts';
import type { EpochMetrics } from '../engine/types.ts';
import { groupRuns, type Summary } from '../insight/group-runs.ts';
import {
  AT_EPOCH_KEY,
  ColumnError,
  configKeys,
  resolveColumn,
  sortRuns,
  type CellValue,
  type Column,
  type RunWithEpochs,
} from '../insight/run-columns.ts';
import { FilterError, parseFilter } from '../insight/run-filter.ts';
import { ApiError } from './errors.ts';
import type { CellValue as WireCell, RunTablePage, Summary as WireSummary } from './run-table-api.ts';
import type { ApiParsedInput } from './workbench-api.ts';

// The contract's restated types stay the same as insight/'s: each way assignable, or this does not compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const CONTRACT_MATCHES: [Same<CellValue, WireCell>, Same<Summary, WireSummary>] = [true, true];

/**
 * Runs whose epochs are read the first time a column needs them (a config filter reads none): then every listed run's
 * at once, in one statement, and only its best and last unless an atN.M key asks for every epoch. 5,000 runs × 10
 * epochs on 2 busy cores: one statement per run ~0.6 s, this one ~30 ms.
 */
function lazyEpochs(store: RunStore, runs: readonly RunRecord[], every: boolean): RunWithEpochs[] {
  let byRun: Map<string, EpochMetrics[]> | undefined;
  const load = () => (byRun ??= every ? store.getEpochsOf(runs.map((r) => r.id)) : store.getBestAndLastEpochsOf(runs));
  const none: EpochMetrics[] = [];
  return runs.map((run) => {
    let epochs: EpochMetrics[] | undefined;
    return {
      run,
      get epochs() {
        return (epochs ??= load().get(run.id) ?? none);
      },
    };
  });
}

/** Whether a key of the query names a metric at a chosen epoch (at12.val_acc), which needs every epoch of a run. */
function asksAtEpoch(q: ApiParsedInput<'runTable'>): boolean {
  const keys = [...q.columns, q.sortColumn ?? '', ...(typeof q.groupBy === 'string' ? [q.groupBy] : (q.groupBy ?? []))];
  return keys.some((k) => AT_EPOCH_KEY.test(k.trim())) || /(^|[\s"'])at\d+\./.test(q.filter ?? '');
}

/** A column's error as the API's, naming the input field it came from. */
function asField<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ColumnError) throw new ApiError('invalid_argument', e.message, field);
    throw e;
  }
}

/** `listed` gives every run the store's filter, search and SQL sort select, in order. */
export function runTable(q: ApiParsedInput<'runTable'>, listed: RunRecord[], store: RunStore): RunTablePage {
  const every = asksAtEpoch(q);
  const all = lazyEpochs(store, listed, every);
  const columns: Column[] = q.columns.map((key, i) => asField(`columns[${i}]`, () => resolveColumn(key, all)));
  const shown = { columns: columns.map((c) => ({ key: c.key, numeric: c.numeric })), configKeys: configKeys(all) };
  let keep: (r: RunWithEpochs) => boolean = () => true;
  try {
    if (q.filter?.trim()) keep = parseFilter(q.filter, all);
  } catch (e) {
    // A filter being typed is often half-written: an answer to show under the box, not a failed call.
    if (e instanceof FilterError) return { ...shown, rows: [], total: 0, groups: null, filterError: e.message };
    throw e;
  }
  let passing = all.filter(keep);
  if (q.sortColumn !== undefined)
    passing = sortRuns(
      passing,
      asField('sortColumn', () => resolveColumn(q.sortColumn!, all)),
      q.descending ?? false,
    );
  const page = { ...shown, total: passing.length, filterError: null };
  if (q.groupBy !== undefined) {
    const keys = typeof q.groupBy === 'string' ? [q.groupBy] : q.groupBy;
    const by = keys.map((key, i) =>
      asField(typeof q.groupBy === 'string' ? 'groupBy' : `groupBy[${i}]`, () => resolveColumn(key, all)),
    );
    const groups = groupRuns(passing, by, columns).map((g) => ({
      key: g.keys[0] ?? null,
      keys: g.keys,
      runIds: g.runs.map((r) => r.run.id),
      runs: g.runs.map((r) => ({ id: r.run.id, name: r.run.name, cells: columns.map((c) => c.value(r)) })),
      cells: g.cells,
    }));
    return { ...page, rows: [], groups };
  }
  const rows = passing
    .slice(q.offset, q.offset + q.limit)
    .map((r) => ({ run: r.run, cells: columns.map((c) => c.value(r)) }));
  return { ...page, rows, groups: null };
}

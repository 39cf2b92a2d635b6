// The runTable method over the store (Node side): the listed runs, each with its epochs read only when a metric
// column asks, filtered, then paged or grouped by insight/'s functions, the ones `mlpw runs` uses.
import { SORT_COLUMNS } from '../db/columns.ts';
import type { RunStore } from '../db/run-store.ts';
import { listRunsQuery } from '../db/run-query.ts';
import type { RunRecord, RunSortField } from '../db/types.ts';
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

/** A listed run with its place among the listed runs (Base.runs), where its remembered cells are kept. */
interface Row extends RunWithEpochs {
  readonly at: number;
}

/** The listed runs' rows (in Base.runs order), read with best and last epochs or with every one, and their cells. */
interface View {
  rows: Row[];
  /** per column key, each row's cell (UNSET until asked) */
  cells: Map<string, (CellValue | typeof UNSET)[]>;
}
const UNSET = Symbol('unset');

/** One SQL sort of the listed runs: their places in Base.runs in that order, and the rows so ordered per view. */
interface Order {
  at: number[];
  best?: Row[];
  every?: Row[];
}

/**
 * Every run one filter (status, dataset, experiment, search) selects, kept while the file is unchanged: a sort, a
 * column added, a filter or a group over the same runs reads no run and no epoch again and computes each cell once;
 * another SQL sort of them reads only their ids in that order. 5,000 runs × 10 epochs: the listing ~55 ms, their best
 * and last epochs ~30 ms, the ids in another order a few ms.
 */
interface Base {
  runs: RunRecord[];
  /** run id → its place in runs */
  place: Map<string, number>;
  best?: View;
  every?: View;
  /** by [sort, descending] */
  orders: Map<string, Order>;
}

interface TableCache {
  /** the file's version the listings are of (dataVersion) */
  version: string;
  /** by filter, the newest last; at most KEPT */
  bases: Map<string, Base>;
  versionOf: () => string;
  /** every run's config parsed and flattened once, a chunk at a time (warmUp); settled when done */
  warm?: Promise<void>;
}
const KEPT = 6;
const caches = new WeakMap<RunStore, TableCache>();

function cacheOf(store: RunStore): TableCache {
  let cache = caches.get(store);
  if (!cache) {
    // data_version moves when another connection (the CLI, a second window) commits; total_changes() counts this
    // connection's own writes (a run training here records an epoch): either means the listings are stale.
    const stmt = store.db.prepare('SELECT (SELECT data_version FROM pragma_data_version) AS d, total_changes() AS c');
    const versionOf = () => {
      const { d, c } = stmt.get() as { d: number; c: number };
      return `${d}:${c}`;
    };
    caches.set(store, (cache = { version: '', bases: new Map(), versionOf }));
  }
  return cache;
}

/**
 * Rows whose epochs are read the first time a column needs them (a config filter reads none): then every listed run's
 * at once, in one statement, and only its best and last unless an atN.M key asks for every epoch. 5,000 runs × 10
 * epochs on 2 busy cores: one statement per run ~0.6 s, this one ~30 ms.
 */
function lazyEpochs(store: RunStore, runs: readonly RunRecord[], every: boolean): Row[] {
  let byRun: Map<string, EpochMetrics[]> | undefined;
  const load = () => (byRun ??= every ? store.getEpochsOf(runs.map((r) => r.id)) : store.getBestAndLastEpochsOf(runs));
  const none: EpochMetrics[] = [];
  return runs.map((run, at) => {
    let epochs: EpochMetrics[] | undefined;
    return {
      run,
      at,
      get epochs() {
        return (epochs ??= load().get(run.id) ?? none);
      },
    };
  });
}

/** The ids of the runs the query's filter (less its search) selects, in its SQL sort: the store's own statement. */
function idsInOrder(store: RunStore, q: ApiParsedInput<'runTable'>, sort: RunSortField, descending: boolean): string[] {
  const experimentId = q.experiment === undefined ? undefined : store.getExperiment(q.experiment).id;
  const { sql, params } = listRunsQuery(
    { status: q.status, dataset: q.dataset, experimentId, sort, descending },
    { idsOnly: true },
  );
  return store.db.prepare(sql).pluck().all(params) as string[];
}

/**
 * The rows for this query in its SQL order, and the view they belong to: kept while the file is unchanged, else listed
 * now (and kept); with every epoch when `every`, else with best and last (the same runs, read once).
 */
function rowsFor(
  store: RunStore,
  cache: TableCache,
  q: ApiParsedInput<'runTable'>,
  list: () => RunRecord[],
  every: boolean,
): { view: View; rows: Row[] } {
  const version = cache.versionOf();
  if (version !== cache.version) {
    cache.bases.clear();
    cache.version = version;
  }
  // The query as the store reads it: a left-out sort or direction is the default one.
  const sort = q.sort ?? 'created';
  const descending = q.descending ?? SORT_COLUMNS[sort]?.descending ?? false;
  const filterKey = JSON.stringify([q.status ?? [], q.dataset ?? null, q.experiment ?? null, q.search?.trim() || '']);
  const orderKey = JSON.stringify([sort, descending]);
  let base = cache.bases.get(filterKey);
  if (base)
    cache.bases.delete(filterKey); // re-inserted below: the newest last
  else {
    const runs = list();
    const listedOrder: Order = { at: runs.map((_, i) => i) };
    base = { runs, place: new Map(runs.map((r, i) => [r.id, i])), orders: new Map([[orderKey, listedOrder]]) };
  }
  cache.bases.set(filterKey, base);
  if (cache.bases.size > KEPT) cache.bases.delete(cache.bases.keys().next().value!);
  const { runs, place } = base;
  let order = base.orders.get(orderKey);
  if (!order) {
    // the search (matched in memory) kept some of the ids: those, in this order
    const at = idsInOrder(store, q, sort, descending).flatMap((id) => place.get(id) ?? []);
    base.orders.set(orderKey, (order = { at }));
  }
  const made = (): View => ({ rows: lazyEpochs(store, runs, every), cells: new Map() });
  const view = every ? (base.every ??= made()) : (base.best ??= made());
  const ordered = () => order.at.map((i) => view.rows[i]!);
  return { view, rows: every ? (order.every ??= ordered()) : (order.best ??= ordered()) };
}

/** The column, its cells remembered in the view: a sort key, a filter's value or a group's is computed once. */
function remembered(column: Column, view: View): Column {
  let cells = view.cells.get(column.key);
  if (!cells) view.cells.set(column.key, (cells = new Array(view.rows.length).fill(UNSET)));
  const kept = cells;
  return {
    ...column,
    value: (r) => {
      const at = (r as Partial<Row>).at;
      if (at === undefined || view.rows[at] !== r) return column.value(r);
      const v = kept[at]!;
      return v === UNSET ? (kept[at] = column.value(r)) : v;
    },
  };
}

const WARM_CHUNK = 100;
/**
 * The store's first table: every run's config parsed (the store keeps it) and flattened (insight keeps it), WARM_CHUNK
 * runs at a time with a turn of the event loop between, so the page's other calls (the first page, a sort) are answered
 * meanwhile instead of waiting ~1 s behind 5,000 configs on 2 busy cores.
 */
function warmUp(store: RunStore, cache: TableCache): Promise<void> {
  return (cache.warm ??= (async () => {
    for (let offset = 0; ; offset += WARM_CHUNK) {
      const runs = store.listRuns({ limit: WARM_CHUNK, offset }, { shared: true });
      configKeys(runs.map((run) => ({ run, epochs: [] })));
      if (runs.length < WARM_CHUNK) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  })().catch((e: unknown) => {
    cache.warm = undefined; // tried again by the next call
    throw e;
  }));
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

/**
 * `list` gives every run the store's filter, search and SQL sort select, in order; it is called only when the file
 * changed since these runs were last listed (or they fell out of the kept ones).
 */
export async function runTable(
  q: ApiParsedInput<'runTable'>,
  list: () => RunRecord[],
  store: RunStore,
): Promise<RunTablePage> {
  const cache = cacheOf(store);
  await warmUp(store, cache);
  const { view, rows: all } = rowsFor(store, cache, q, list, asksAtEpoch(q));
  const resolve = (key: string) => remembered(resolveColumn(key, all), view);
  const columns: Column[] = q.columns.map((key, i) => asField(`columns[${i}]`, () => resolve(key)));
  const shown = { columns: columns.map((c) => ({ key: c.key, numeric: c.numeric })), configKeys: configKeys(all) };
  let keep: (r: RunWithEpochs) => boolean = () => true;
  try {
    if (q.filter?.trim()) keep = parseFilter(q.filter, all, resolve);
  } catch (e) {
    // A filter being typed is often half-written: an answer to show under the box, not a failed call.
    if (e instanceof FilterError) return { ...shown, rows: [], total: 0, groups: null, filterError: e.message };
    throw e;
  }
  let passing = all.filter(keep);
  if (q.sortColumn !== undefined)
    passing = sortRuns(
      passing,
      asField('sortColumn', () => resolve(q.sortColumn!)),
      q.descending ?? false,
    );
  const page = { ...shown, total: passing.length, filterError: null };
  if (q.groupBy !== undefined) {
    const keys = typeof q.groupBy === 'string' ? [q.groupBy] : q.groupBy;
    const by = keys.map((key, i) =>
      asField(typeof q.groupBy === 'string' ? 'groupBy' : `groupBy[${i}]`, () => resolve(key)),
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

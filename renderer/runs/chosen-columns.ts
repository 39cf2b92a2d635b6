// The Runs table's chosen columns: the built-in ones (columns.ts, sorted by the store) and any key `mlpw runs
// --columns` takes (computed on the store host by runTable), remembered in localStorage across sessions, and the
// group-by choice beside them.
import { METRICS, type CellValue } from '../../insight/run-columns.ts';
import { isSummary, type Summary } from '../../insight/group-runs.ts';
import { fmtDate, fmtDuration, fmtNum } from '../format.ts';
import { RUN_COLUMNS } from './columns.ts';

const STORAGE_KEY = 'mlpw.runs.columns';
const BUILT_IN = new Set(RUN_COLUMNS.map((c) => c.key));
/** What a grouped table shows when no computed column is chosen (as `mlpw runs --group-by`). */
export const DEFAULT_GROUP_COLUMNS = ['best.val_loss', 'last.val_acc', 'duration'];

export const isBuiltIn = (key: string) => BUILT_IN.has(key);

/** The picker's sections; config keys come from the store (runTable's configKeys). */
export const FACT_KEYS = ['params', 'backend', 'experiment', 'sweep'];
export const METRIC_KEYS = Object.keys(METRICS).flatMap((m) => [`best.${m}`, `last.${m}`]);

export function loadChosenColumns(): string[] {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY);
    const keys: unknown = raw ? JSON.parse(raw) : null;
    if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) return keys;
  } catch {
    // storage refused or a damaged entry: the default columns
  }
  return RUN_COLUMNS.map((c) => c.key);
}

export function saveChosenColumns(keys: readonly string[]): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(keys));
  } catch {
    // not kept across a reload; the choice still holds for this session
  }
}

const GROUP_KEY = 'mlpw.runs.groupBy';

/** The remembered group-by keys (group by, then by), as the columns are; none: an ungrouped table. */
export function loadGroupBy(): string[] {
  try {
    const raw = globalThis.localStorage?.getItem(GROUP_KEY);
    const keys: unknown = raw ? JSON.parse(raw) : null;
    if (Array.isArray(keys) && keys.length <= 2 && keys.every((k) => typeof k === 'string' && k !== '')) return keys;
  } catch {
    // storage refused or a damaged entry: no grouping
  }
  return [];
}

export function saveGroupBy(keys: readonly string[]): void {
  try {
    if (keys.length === 0) globalThis.localStorage?.removeItem(GROUP_KEY);
    else globalThis.localStorage?.setItem(GROUP_KEY, JSON.stringify(keys));
  } catch {
    // not kept across a reload; the grouping still holds for this session
  }
}

export function cellText(key: string, v: CellValue): string {
  if (v === null) return '–';
  if (typeof v !== 'number') return String(v);
  if (key === 'duration') return fmtDuration(v);
  if (key === 'created') return fmtDate(v);
  return Number.isInteger(v) ? String(v) : fmtNum(v);
}

/** A group's cell: mean ± std (sample, n − 1), with how many runs had a value when some had none. */
export function groupCellText(key: string, numeric: boolean, cell: Summary | CellValue | null, n: number): string {
  if (!isSummary(cell)) return cell !== null ? cellText(key, cell) : numeric ? '–' : '(varies)';
  const one = (v: number) => (key === 'duration' ? fmtDuration(v) : fmtNum(v));
  return `${one(cell.mean)} ± ${cell.std === null ? '–' : one(cell.std)}${cell.count < n ? ` (${cell.count} of ${n})` : ''}`;
}

// What tells compared runs apart, as their legend and column labels: the config keys whose values differ between them
// ("activation=sigmoid, lr=0.05"), so a reader sees the variable rather than an id to look up.
import { configTable, differs, flatText, type FlatValue } from '../engine/experiment/index.ts';
import type { ExperimentConfig } from '../engine/config.ts';

export interface LabelledRun {
  id: string;
  name: string | null;
  config: ExperimentConfig;
}

/** Keys shown at most in one label before "…". */
export const MAX_LABEL_KEYS = 3;

// The run's name has its own fallback; the seed differs in every repeat, so it labels only when nothing else does.
const NAME_KEY = 'name';
const SEED_KEY = 'seed';

/** The shortest dotted suffix of `key` that no other key of the table ends with ("lr" for optimizer.lr). */
function shortKey(key: string, allKeys: readonly string[]): string {
  const parts = key.split('.');
  for (let n = 1; n < parts.length; n++) {
    const suffix = parts.slice(-n).join('.');
    const clash = allKeys.some((k) => k !== key && (k === suffix || k.endsWith(`.${suffix}`)));
    if (!clash) return suffix;
  }
  return key;
}

/** Numbers at the fewest significant digits (3 or more) that keep the distinct values of a key distinct. */
function valueFormatter(values: readonly (FlatValue | undefined)[]): (v: FlatValue | undefined) => string {
  const fractions = values.filter((v): v is number => typeof v === 'number' && !Number.isInteger(v));
  const distinct = new Set(fractions).size;
  let digits = 3;
  while (digits < 17 && new Set(fractions.map((v) => +v.toPrecision(digits))).size < distinct) digits++;
  return (v) => (typeof v === 'number' && !Number.isInteger(v) ? String(+v.toPrecision(digits)) : flatText(v));
}

/**
 * One label per run, in order: the differing config keys, most distinct values first (at most MAX_LABEL_KEYS, then
 * "…"); when only the name or the seed differs, the run's name (else `seed=N`); when nothing does, the name or the
 * id. Runs whose labels would be equal get their id appended, so every legend entry names one run.
 */
export function runLabels(runs: readonly LabelledRun[]): string[] {
  const table = configTable(runs.map((r) => r.config));
  const allKeys = table.map((row) => row.key);
  const varying = table.filter((row) => differs(row.values));
  // the key that tells the most runs apart first (a swept lr before a dataset two of 50 runs share), ties in order
  const spread = (values: readonly unknown[]) => new Set(values).size;
  const meaningful = varying
    .filter((row) => row.key !== NAME_KEY && row.key !== SEED_KEY)
    .sort((x, y) => spread(y.values) - spread(x.values));
  const byName = runs.some((r) => r.name) && differs(runs.map((r) => r.name ?? null));
  const seeds = varying.filter((row) => row.key === SEED_KEY);
  const shown = meaningful.length > 0 ? meaningful : byName ? [] : seeds;
  const parts = shown.slice(0, MAX_LABEL_KEYS).map((row) => ({
    key: shortKey(row.key, allKeys),
    values: row.values,
    format: valueFormatter(row.values),
  }));
  const more = shown.length > MAX_LABEL_KEYS ? ', …' : '';
  const labels = runs.map((r, i) =>
    parts.length > 0 ? parts.map((p) => `${p.key}=${p.format(p.values[i])}`).join(', ') + more : r.name || r.id,
  );
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return labels.map((l, i) => (counts.get(l)! > 1 && l !== runs[i]!.id ? `${l} · ${runs[i]!.id}` : l));
}

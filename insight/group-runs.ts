// Runs grouped by one or more columns (seeds of one design, say): one row per group with n and the mean ± sample
// standard deviation of every numeric column shown. For `mlpw runs --group-by` and the app's grouped table.
import type { CellValue, Column, RunWithEpochs } from './run-columns.ts';

export interface Summary {
  mean: number;
  /** sample standard deviation (n − 1); null with one value */
  std: number | null;
  /** runs with a value (the group's n counts every run) */
  count: number;
}

export interface RunGroup {
  /** the group's value of each key column, in order */
  keys: CellValue[];
  runs: RunWithEpochs[];
  /** per shown column: a Summary for numeric columns, else the value the group shares (or null when it varies) */
  cells: (Summary | CellValue | null)[];
}

export function meanStd(values: readonly number[]): Summary | null {
  if (values.length === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return { mean, std: null, count: 1 };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance), count: values.length };
}

export function isSummary(cell: Summary | CellValue | null): cell is Summary {
  return typeof cell === 'object' && cell !== null;
}

/** Groups in first-seen order of their key values (keep the runs sorted as wanted beforehand). */
export function groupRuns(runs: readonly RunWithEpochs[], by: readonly Column[], shown: readonly Column[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const r of runs) {
    const keys = by.map((c) => c.value(r));
    const id = JSON.stringify(keys);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { keys, runs: [], cells: [] }));
    g.runs.push(r);
  }
  for (const g of groups.values()) {
    g.cells = shown.map((c) => {
      const values = g.runs.map((r) => c.value(r));
      if (c.numeric) return meanStd(values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)));
      return values.every((v) => v === values[0]) ? (values[0] ?? null) : null;
    });
  }
  return [...groups.values()];
}

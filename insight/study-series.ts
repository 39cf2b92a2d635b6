// The depth-vs-width study's chart (the lecture's "equal parameter budget"): one point per depth (number of hidden
// layers) with the mean ± sample std over seeds of a best validation metric, read as `mlpw study depth-width` reads
// it (best.val_loss / best.val_acc: the metric at the trainer's best epoch, insight/run-columns.ts).
import { meanStd } from './group-runs.ts';
import { parseColumns, type RunWithEpochs } from './run-columns.ts';

export const STUDY_METRICS = [
  { id: 'val_loss', label: 'best val loss', column: 'best.val_loss' },
  { id: 'val_acc', label: 'best val acc', column: 'best.val_acc' },
] as const;
export type StudyMetric = (typeof STUDY_METRICS)[number]['id'];

export interface StudyPoint {
  /** hidden layers */
  depth: number;
  /** the depth's hidden widths as the grid names them, e.g. 12x12 */
  layers: string;
  /** the seeds' values, in run order (finished runs with a finite value only) */
  values: number[];
  /** the runs the values come from, in the same order */
  runs: string[];
  mean: number;
  /** sample std (n − 1); null with one seed */
  std: number | null;
}

/** A grid over hidden layers, alone or × seed: the sweep a depth-vs-width study makes. */
export function isDepthStudy(keys: readonly string[]): boolean {
  return keys.includes('model.layers') && keys.every((k) => k === 'model.layers' || k === 'seed');
}

/**
 * Finished (completed) runs grouped by depth, ascending; a depth none of whose runs has a value yet is left out.
 * Two widths at one depth (not a study's grid) stay separate points, keyed by their layer text.
 */
export function studySeries(runs: readonly RunWithEpochs[], metric: StudyMetric): StudyPoint[] {
  const column = parseColumns(STUDY_METRICS.find((m) => m.id === metric)!.column, runs)[0]!;
  const groups = new Map<string, { depth: number; values: number[]; runs: string[] }>();
  for (const r of runs) {
    if (r.run.status !== 'completed') continue;
    const value = column.value(r);
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    const hidden = r.run.config.model.layers;
    const layers = hidden.length ? hidden.map((l) => l.units).join('x') : '0';
    let g = groups.get(layers);
    if (!g) groups.set(layers, (g = { depth: hidden.length, values: [], runs: [] }));
    g.values.push(value);
    g.runs.push(r.run.id);
  }
  return [...groups.entries()]
    .map(([layers, g]) => {
      const s = meanStd(g.values)!;
      return { depth: g.depth, layers, values: g.values, runs: g.runs, mean: s.mean, std: s.std };
    })
    .sort((a, b) => a.depth - b.depth || a.layers.localeCompare(b.layers));
}

// Weight histograms over epochs, as TensorBoard's histogram dashboard shows them: each epoch's histogram (its own
// range, fixed bin count) spread onto one value grid shared by every epoch, so a heatmap of epoch × value shows the
// distribution widening or collapsing. Counts are split between grid bins in proportion to overlap (uniform within
// a source bin).
import type { LayerEpochStats } from '../engine/types.ts';

export interface EpochLayers {
  epoch: number;
  layers: LayerEpochStats[];
}

export interface HistogramGrid {
  epochs: number[];
  /** bins + 1 edges over [min, max] of every epoch's weights */
  edges: number[];
  /** [epochIndex, binIndex, count] for every non-empty cell */
  cells: [number, number, number][];
  maxCount: number;
}

/** Adds `count` spread uniformly over [lo, hi] to the grid bins it overlaps. */
function spread(into: number[], edges: number[], lo: number, hi: number, count: number): void {
  const bins = into.length;
  const min = edges[0]!;
  const width = (edges[bins]! - min) / bins;
  if (width <= 0 || hi <= lo) {
    into[Math.min(bins - 1, Math.max(0, width > 0 ? Math.floor((lo - min) / width) : 0))]! += count;
    return;
  }
  const first = Math.max(0, Math.floor((lo - min) / width));
  const last = Math.min(bins - 1, Math.floor((hi - min) / width));
  for (let b = first; b <= last; b++) {
    const overlap = Math.min(hi, edges[b + 1]!) - Math.max(lo, edges[b]!);
    if (overlap > 0) into[b]! += (count * overlap) / (hi - lo);
  }
}

export function histogramGrid(stats: readonly EpochLayers[], layer: number, bins = 40): HistogramGrid {
  const hists = stats.map((s) => s.layers[layer]?.weights).filter((h) => h !== undefined);
  const epochs = stats.filter((s) => s.layers[layer]).map((s) => s.epoch);
  if (hists.length === 0) return { epochs: [], edges: [], cells: [], maxCount: 0 };
  const min = Math.min(...hists.map((h) => h.min));
  const max = Math.max(...hists.map((h) => h.max));
  const edges = Array.from({ length: bins + 1 }, (_, i) => min + ((max - min) * i) / bins);
  const cells: [number, number, number][] = [];
  let maxCount = 0;
  hists.forEach((h, e) => {
    const row = new Array<number>(bins).fill(0);
    const w = (h.max - h.min) / h.counts.length;
    h.counts.forEach((c, k) => c > 0 && spread(row, edges, h.min + k * w, h.min + (k + 1) * w, c));
    row.forEach((c, b) => {
      if (c <= 0) return;
      cells.push([e, b, c]);
      maxCount = Math.max(maxCount, c);
    });
  });
  return { epochs, edges, cells, maxCount };
}

/** Per layer, [epoch, mean gradient norm] for the epochs that have one. */
export function gradientNormSeries(stats: readonly EpochLayers[]): [number, number][][] {
  const layers = Math.max(0, ...stats.map((s) => s.layers.length));
  return Array.from({ length: layers }, (_, l) =>
    stats.flatMap((s) => {
      const g = s.layers[l]?.gradNorm;
      return g === null || g === undefined ? [] : [[s.epoch, g] as [number, number]];
    }),
  );
}

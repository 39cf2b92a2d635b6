// What the network view draws, as plain data: which units of each layer are shown (a large layer keeps its top units
// by outgoing weight norm, the rest summed up as "+N more"), where each sits, and the edges between shown units with
// a stroke width by |weight| scaled per layer. A 784-128-64-10 net has 109k weights and draws at most ~1,900 edges.
import type { ModelSnapshot } from '../../engine/types.ts';

/** A layer wider than this shows its top units only. */
export const MAX_UNITS = 32;
/** A wide input layer (an image's pixels) shows fewer: its top inputs by outgoing weight norm. */
export const MAX_INPUTS = 16;

export interface ShownUnit {
  /** column: 0 the inputs, then each layer of the snapshot */
  column: number;
  /** the unit's index in its layer */
  index: number;
  x: number;
  y: number;
  /** the layer's bias for this unit (inputs: null) */
  bias: number | null;
  /** ‖outgoing weights‖ (the output layer: ‖incoming weights‖), what large layers are ranked by */
  norm: number;
}

export interface Edge {
  /** the snapshot layer the weight belongs to: W[from, to] of layers[layer] */
  layer: number;
  from: number;
  to: number;
  weight: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** stroke width in px, 0.4–3.5 by (|weight| / max |weight| of the layer)²: the few strong ones stand out of a dense layer */
  width: number;
  opacity: number;
}

export interface NetworkLayout {
  width: number;
  height: number;
  /** the size of a unit's mark: a thumbnail's side, or a dot's diameter */
  unitSize: number;
  columns: { x: number; size: number; units: ShownUnit[]; hidden: number }[];
  /** ascending |weight|, so the strongest are drawn last, on top */
  edges: Edge[];
}

/** Euclidean norms of W's rows (each input's outgoing weights) or columns (each unit's incoming weights). */
export function weightNorms(W: Float32Array, inputs: number, units: number, of: 'rows' | 'columns'): Float64Array {
  const norms = new Float64Array(of === 'rows' ? inputs : units);
  for (let k = 0; k < inputs; k++)
    for (let j = 0; j < units; j++) {
      const w = W[k * units + j]!;
      norms[of === 'rows' ? k : j]! += w * w;
    }
  return norms.map(Math.sqrt);
}

/** The indices of the `cap` largest norms, in index order (all of them when the layer fits). */
export function topUnits(norms: ArrayLike<number>, cap: number): number[] {
  const all = Array.from({ length: norms.length }, (_, i) => i);
  if (norms.length <= cap) return all;
  return all
    .sort((a, b) => norms[b]! - norms[a]! || a - b)
    .slice(0, cap)
    .sort((a, b) => a - b);
}

export interface LayoutOptions {
  width: number;
  /** thumbnails (2-D inputs) need more room per unit than dots */
  thumbnails: boolean;
}

export function networkLayout(snapshot: ModelSnapshot, options: LayoutOptions): NetworkLayout {
  const { layers } = snapshot;
  const sizes = [layers[0]!.inputs, ...layers.map((l) => l.units)];
  // Each column's ranking: its outgoing weights (the next layer's rows); the output column its incoming ones.
  const norms = sizes.map((_, c) =>
    c < layers.length
      ? weightNorms(layers[c]!.W, layers[c]!.inputs, layers[c]!.units, 'rows')
      : weightNorms(layers[c - 1]!.W, layers[c - 1]!.inputs, layers[c - 1]!.units, 'columns'),
  );
  const shown = sizes.map((n, c) => topUnits(norms[c]!, c === 0 && n > MAX_UNITS ? MAX_INPUTS : MAX_UNITS));
  const most = Math.max(...shown.map((s) => s.length));
  // Vertical pitch per unit: thumbnails 22–48 px, dots 12–28 px; the view grows rather than shrink them further.
  const pitch = options.thumbnails
    ? Math.max(22, Math.min(48, Math.floor(560 / most)))
    : Math.max(12, Math.min(28, Math.floor(420 / most)));
  const unitSize = options.thumbnails ? pitch - 6 : Math.max(7, Math.min(14, pitch - 6));
  const top = 14;
  const bottom = 26; // room for "+N more"
  const height = top + bottom + most * pitch;
  const side = 64; // feature and class labels left and right
  const width = Math.max(options.width, 2 * side + sizes.length * (unitSize + 40));
  const step = (width - 2 * side) / Math.max(1, sizes.length - 1);
  const columns = shown.map((indices, c) => {
    const x = sizes.length === 1 ? width / 2 : side + c * step;
    const y0 = top + ((most - indices.length) * pitch) / 2 + pitch / 2;
    const units = indices.map((index, i): ShownUnit => ({
      column: c,
      index,
      x,
      y: y0 + i * pitch,
      bias: c === 0 ? null : layers[c - 1]!.b[index]!,
      norm: norms[c]![index]!,
    }));
    return { x, size: sizes[c]!, units, hidden: sizes[c]! - indices.length };
  });
  const edges: Edge[] = [];
  layers.forEach((layer, l) => {
    let max = 0;
    for (const w of layer.W) max = Math.max(max, Math.abs(w));
    const half = unitSize / 2;
    for (const a of columns[l]!.units)
      for (const b of columns[l + 1]!.units) {
        const weight = layer.W[a.index * layer.units + b.index]!;
        const r = max > 0 ? Math.abs(weight) / max : 0;
        edges.push({
          layer: l,
          from: a.index,
          to: b.index,
          weight,
          x1: a.x + half,
          y1: a.y,
          x2: b.x - half,
          y2: b.y,
          width: 0.4 + 3.1 * r * r,
          opacity: 0.12 + 0.88 * r * r,
        });
      }
  });
  edges.sort((p, q) => Math.abs(p.weight) - Math.abs(q.weight));
  return { width, height, unitSize, columns, edges };
}

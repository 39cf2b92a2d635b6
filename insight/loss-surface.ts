// The loss surface of a trained run, two ways. 1-D (Goodfellow et al. 2015): the loss along the straight line from
// the initial to the final weights. 2-D (Li et al. 2018): the loss over the plane θ* + a·δ + b·η through the final
// weights θ*, δ and η random Gaussian directions, filter-normalised so that each unit's slice of a direction has that
// unit's weight norm (the plot's scale then means the same in every layer), with the stored trajectory projected on
// it. The losses come from an evaluator (the run's backend, inference mode), so this file is only the geometry.
import { z } from 'zod';
import { Rng } from '../engine/rng.ts';
import type { LayerWeights } from '../engine/types.ts';
import { YIELD_EVERY_MS, yieldToEventLoop } from '../engine/yield.ts';
import type { LossSurface, LossSurfaceOptions, TrajectoryPoint } from './loss-surface-types.ts';

export type { LossSurface, LossSurfaceOptions, TrajectoryPoint };

export const DEFAULT_SURFACE_OPTIONS: LossSurfaceOptions = {
  grid: 41,
  range: 1,
  seed: 1,
  lineFrom: -0.25,
  lineTo: 1.25,
  linePoints: 31,
  plane: 'random',
};

/** Mean losses at one weight vector; val null for a run without a validation split. */
export type LossEvaluator = (layers: LayerWeights[]) => Promise<{ train: number; val: number | null }>;

export interface SurfaceInputs {
  runId: string;
  initial: LayerWeights[];
  final: { epoch: number; layers: LayerWeights[] };
  /** stored weights the run passed through besides the initial and final ones (its best checkpoint, snapshots) */
  waypoints: { epoch: number; label: TrajectoryPoint['label']; layers: LayerWeights[] }[];
  trajectorySource: LossSurface['plane']['trajectorySource'];
  kernels: string;
  rows: LossSurface['rows'];
}

export interface SurfaceHooks {
  /** after each evaluated point: done of total */
  onProgress?(done: number, total: number): void;
  shouldCancel?(): boolean;
}

/** Thrown by computeLossSurface when shouldCancel answers true. */
export class SurfaceCancelledError extends Error {
  readonly code = 'cancelled';
  constructor() {
    super('the loss surface was cancelled');
    this.name = 'SurfaceCancelledError';
  }
}

/** The options as a request gives them (CLI flags, the API): every field optional, checked, defaults filled. */
export const SurfaceOptionsSchema = z
  .strictObject({
    grid: z.number().int().min(3).max(101).default(DEFAULT_SURFACE_OPTIONS.grid),
    range: z.number().positive().max(100).default(DEFAULT_SURFACE_OPTIONS.range),
    seed: z.number().int().min(0).max(0xffffffff).default(DEFAULT_SURFACE_OPTIONS.seed),
    lineFrom: z.number().min(-10).max(0).default(DEFAULT_SURFACE_OPTIONS.lineFrom),
    lineTo: z.number().min(1).max(10).default(DEFAULT_SURFACE_OPTIONS.lineTo),
    linePoints: z.number().int().min(2).max(401).default(DEFAULT_SURFACE_OPTIONS.linePoints),
    plane: z.enum(['random', 'trajectory']).default(DEFAULT_SURFACE_OPTIONS.plane),
  })
  .refine((o) => o.grid % 2 === 1, {
    message: 'must be odd, so the final weights sit on the centre point',
    path: ['grid'],
  });

/** A direction in weight space, laid out like the weights (one W and b per layer), in float64. */
export interface Direction {
  W: Float64Array[];
  b: Float64Array[];
}

/** Gaussian entries for every weight, zero for every bias (Li et al.'s choice: biases are not perturbed). */
export function randomDirection(layers: readonly LayerWeights[], rng: Rng): Direction {
  return {
    W: layers.map((l) => Float64Array.from({ length: l.W.length }, () => rng.normal())),
    b: layers.map((l) => new Float64Array(l.b.length)),
  };
}

/** Per unit j of each layer: the direction's column j of W (the unit's incoming weights) scaled to ‖W[:, j]‖. */
export function filterNormalize(d: Direction, layers: readonly LayerWeights[]): void {
  layers.forEach((l, li) => {
    const dW = d.W[li]!;
    for (let j = 0; j < l.units; j++) {
      let wn = 0;
      let dn = 0;
      for (let i = 0; i < l.inputs; i++) {
        wn += l.W[i * l.units + j]! ** 2;
        dn += dW[i * l.units + j]! ** 2;
      }
      const scale = dn > 0 ? Math.sqrt(wn) / Math.sqrt(dn) : 0;
      for (let i = 0; i < l.inputs; i++) dW[i * l.units + j]! *= scale;
    }
  });
}

function dot(a: Direction, b: Direction): number {
  let s = 0;
  for (const [k, arrays] of [
    ['W', a.W],
    ['b', a.b],
  ] as const)
    arrays.forEach((x, li) => {
      const y = b[k][li]!;
      for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
    });
  return s;
}

/** θ − ref as a direction. */
function offset(theta: readonly LayerWeights[], ref: readonly LayerWeights[]): Direction {
  return {
    W: theta.map((l, li) => Float64Array.from(l.W, (v, i) => v - ref[li]!.W[i]!)),
    b: theta.map((l, li) => Float64Array.from(l.b, (v, i) => v - ref[li]!.b[i]!)),
  };
}

/** ref + a·δ + b·η, rounded to float32 as the backends hold weights (a = b = 0 gives ref exactly). */
function onPlane(ref: readonly LayerWeights[], d: Direction, e: Direction, a: number, b: number): LayerWeights[] {
  return ref.map((l, li) => ({
    ...l,
    W: Float32Array.from(l.W, (v, i) => v + a * d.W[li]![i]! + b * e.W[li]![i]!),
    b: Float32Array.from(l.b, (v, i) => v + a * d.b[li]![i]! + b * e.b[li]![i]!),
  }));
}

/** (1 − α)·θ₀ + α·θ₁: exactly θ₀ at α = 0 and θ₁ at α = 1. */
function onLine(from: readonly LayerWeights[], to: readonly LayerWeights[], alpha: number): LayerWeights[] {
  return from.map((l, li) => ({
    ...l,
    W: Float32Array.from(l.W, (v, i) => (1 - alpha) * v + alpha * to[li]!.W[i]!),
    b: Float32Array.from(l.b, (v, i) => (1 - alpha) * v + alpha * to[li]!.b[i]!),
  }));
}

/** count values from lo to hi inclusive; values within 1e-9 of 0 or 1 are snapped so the endpoints are exact. */
export function linspace(lo: number, hi: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => {
    const v = count === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * i) / (count - 1);
    return Math.abs(v) < 1e-9 ? 0 : Math.abs(v - 1) < 1e-9 ? 1 : v;
  });
}

/** Least-squares coordinates of p on span(d, e), and the share of ‖p‖ the projection keeps. */
export function project(p: Direction, d: Direction, e: Direction): { x: number; y: number; captured: number } {
  const dd = dot(d, d);
  const ee = dot(e, e);
  const de = dot(d, e);
  const pd = dot(p, d);
  const pe = dot(p, e);
  const det = dd * ee - de * de;
  if (!(det > 0)) return { x: 0, y: 0, captured: 0 };
  const x = (pd * ee - pe * de) / det;
  const y = (pe * dd - pd * de) / det;
  const pp = dot(p, p);
  const kept = x * x * dd + 2 * x * y * de + y * y * ee;
  return { x, y, captured: pp > 0 ? Math.sqrt(Math.max(0, kept) / pp) : 1 };
}

function scaled(a: Direction, by: number): Direction {
  return { W: a.W.map((w) => w.map((v) => v * by)), b: a.b.map((w) => w.map((v) => v * by)) };
}

/** a += k·b */
function addScaled(a: Direction, b: Direction, k: number): void {
  a.W.forEach((w, li) => w.forEach((v, i) => (w[i] = v + k * b.W[li]![i]!)));
  a.b.forEach((w, li) => w.forEach((v, i) => (w[i] = v + k * b.b[li]![i]!)));
}

/** Leading eigenpairs of a small symmetric matrix (power iteration with deflation). */
export function topEigen(g: number[][], count: number): { value: number; vector: number[] }[] {
  const m = g.length;
  const a = g.map((row) => row.slice());
  const out: { value: number; vector: number[] }[] = [];
  for (let k = 0; k < Math.min(count, m); k++) {
    let v = Array.from({ length: m }, (_, i) => 1 + i / m);
    let value = 0;
    for (let it = 0; it < 500; it++) {
      const w = a.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0));
      const norm = Math.hypot(...w);
      if (!(norm > 0)) break;
      v = w.map((x) => x / norm);
      value = norm;
    }
    out.push({ value, vector: v });
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) a[i]![j]! -= value * v[i]! * v[j]!;
  }
  return out;
}

/**
 * Replaces d and e by the two principal directions of the offsets θᵢ − θ* (uncentred, so the plane passes through
 * the final weights and holds every offset when there are at most two), each as long as the longest offset. With
 * one offset the second direction is the random e made orthogonal to it.
 */
export function trajectoryPlane(offsets: Direction[], d: Direction, e: Direction): void {
  const live = offsets.filter((p) => dot(p, p) > 0);
  if (live.length === 0) return;
  const longest = Math.sqrt(Math.max(...live.map((p) => dot(p, p))));
  const gram = live.map((p) => live.map((q) => dot(p, q)));
  const pairs = topEigen(gram, 2).filter((p) => p.value > 1e-12 * gram[0]![0]!);
  const directions = pairs.map(({ value, vector }) => {
    const u = scaled(live[0]!, 0);
    live.forEach((p, i) => addScaled(u, p, vector[i]! / Math.sqrt(value)));
    return u;
  });
  const u1 = directions[0]!;
  let u2 = directions[1];
  if (!u2) {
    u2 = scaled(e, 1);
    addScaled(u2, u1, -dot(u2, u1) / dot(u1, u1));
    u2 = scaled(u2, 1 / Math.sqrt(dot(u2, u2)));
  }
  // The initial weights (the first offset) on the left: the path runs left to right into the centre.
  const sign = dot(live[0]!, u1) > 0 ? -1 : 1;
  for (const [target, source, k] of [
    [d, u1, sign * longest],
    [e, u2, longest],
  ] as const) {
    const s = scaled(source, k);
    target.W = s.W;
    target.b = s.b;
  }
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

export async function computeLossSurface(
  inputs: SurfaceInputs,
  evaluate: LossEvaluator,
  options: LossSurfaceOptions = DEFAULT_SURFACE_OPTIONS,
  hooks: SurfaceHooks = {},
): Promise<LossSurface> {
  const started = performance.now();
  const theta = inputs.final.layers;
  const alphas = linspace(options.lineFrom, options.lineTo, options.linePoints);
  const axis = linspace(-options.range, options.range, options.grid);
  const total = alphas.length + axis.length * axis.length;
  let done = 0;
  let lastYield = performance.now();
  const step = async (weights: LayerWeights[]) => {
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    if (hooks.shouldCancel?.()) throw new SurfaceCancelledError();
    const losses = await evaluate(weights);
    hooks.onProgress?.(++done, total);
    return losses;
  };

  const lineTrain: (number | null)[] = [];
  const lineVal: (number | null)[] = [];
  let hasVal = false;
  for (const alpha of alphas) {
    const { train, val } = await step(onLine(inputs.initial, theta, alpha));
    lineTrain.push(finite(train));
    lineVal.push(val === null ? null : finite(val));
    hasVal ||= val !== null;
  }

  const points = [
    { epoch: 0, label: 'initial' as const, layers: inputs.initial },
    ...inputs.waypoints,
    { epoch: inputs.final.epoch, label: 'final' as const, layers: theta },
  ];
  const rng = new Rng(options.seed);
  const d = randomDirection(theta, rng);
  const e = randomDirection(theta, rng);
  filterNormalize(d, theta);
  filterNormalize(e, theta);
  if (options.plane === 'trajectory')
    trajectoryPlane(
      points.slice(0, -1).map((p) => offset(p.layers, theta)),
      d,
      e,
    );
  const planeTrain: (number | null)[] = [];
  const planeVal: (number | null)[] = [];
  for (const b of axis)
    for (const a of axis) {
      const { train, val } = await step(onPlane(theta, d, e, a, b));
      planeTrain.push(finite(train));
      planeVal.push(val === null ? null : finite(val));
    }

  const trajectory = points.map((p): TrajectoryPoint => ({
    epoch: p.epoch,
    label: p.label,
    ...project(offset(p.layers, theta), d, e),
  }));
  const center = Math.floor(axis.length / 2) * axis.length + Math.floor(axis.length / 2);
  const originAt = axis.length % 2 === 1 ? center : -1;
  const origin =
    originAt >= 0
      ? { train: planeTrain[originAt] ?? Number.NaN, val: hasVal ? (planeVal[originAt] ?? Number.NaN) : null }
      : await evaluate(theta);
  return {
    version: 1,
    runId: inputs.runId,
    options,
    kernels: inputs.kernels,
    rows: inputs.rows,
    line: {
      alpha: alphas,
      train: lineTrain,
      val: hasVal ? lineVal : null,
      distance: Math.sqrt(Math.max(0, dot(offset(theta, inputs.initial), offset(theta, inputs.initial)))),
      initialEpoch: 0,
      finalEpoch: inputs.final.epoch,
    },
    plane: {
      axis,
      train: planeTrain,
      val: hasVal ? planeVal : null,
      normalisation: options.plane === 'trajectory' ? 'principal, longest offset' : 'filter, biases zero',
      cosine: dot(d, e) / Math.sqrt(dot(d, d) * dot(e, e)),
      trajectory,
      trajectorySource: inputs.trajectorySource,
    },
    origin,
    evaluations: total,
    durationMs: performance.now() - started,
    createdAt: Date.now(),
  };
}

/** The key a stored surface is found by: its options, in a fixed order. */
export function surfaceKey(o: LossSurfaceOptions): string {
  return `plane=${o.plane} grid=${o.grid} range=${o.range} seed=${o.seed} line=${o.lineFrom}..${o.lineTo}/${o.linePoints}`;
}

// The lecture's homework, runnable on a trained run: backprop's gradient against central finite differences,
// (L(θ + h) − L(θ − h)) / 2h, in float64 on a few validation rows at a checkpoint's weights. Inference mode (no
// dropout) and the loss alone (no weight decay), so both sides differentiate the same function. Wide layers are
// checked on a seeded sample of their parameters: each one costs two forward passes. A distilled student is checked
// on the objective it trains on, alpha·(true-label loss) + (1 − alpha)·(teacher term), its teacher's logits held fixed.
import type { LayerGradCheck, GradCheckObjective, GradCheckVerdict, GradientCheckResult } from './types.ts';
import type { DistillLoss } from '../engine/model/losses.ts';
import { Mlp } from '../engine/backends/cpu/mlp.ts';
import { applyStandardize } from '../engine/data/prepare.ts';
import { Rng } from '../engine/rng.ts';
import type { ModelSnapshot } from '../engine/types.ts';

export interface GradCheckRows {
  /** raw features (the dataset's units), n × features */
  x: Float32Array;
  n: number;
  labels?: Uint32Array;
  /** regression: n × outputs */
  targets?: Float32Array;
  /** a distilled student's teacher logits of these rows, n × outputs (teacherLogits64) */
  teacher?: ArrayLike<number>;
}

export interface GradCheckOptions {
  /** parameters checked per layer (weights and biases together); a layer with fewer is checked whole */
  perLayer?: number;
  /** the finite-difference step */
  epsilon?: number;
  seed?: number;
  /** a distilled student's loss settings (with rows.teacher): the check differentiates the mixed objective */
  distill?: DistillLoss;
}

/** A teacher checkpoint's logits (its output layer before the head) of n raw rows, standardised as the teacher was, in float64. */
export function teacherLogits64(teacher: ModelSnapshot, raw: Float32Array, n: number): Float64Array {
  const features = teacher.layers[0]!.inputs;
  const x = raw.slice(0, n * features);
  if (teacher.standardize) applyStandardize(x, features, teacher.standardize);
  const mlp = new Mlp(
    'float64',
    teacher.layers.map((l) => ({ ...l, dropout: 0 })),
    'identity',
    'mse',
  );
  return Float64Array.from(mlp.forward(Float64Array.from(x), n));
}

export const AGREE = 1e-5;
export const CLOSE = 1e-3;
/**
 * Central differences carry absolute rounding noise of about ε·|L|/h ≈ 1e-10 (float64, h = 1e-6), so an entry
 * smaller than this floor is judged by its absolute difference over the floor: noise alone stays below AGREE.
 */
export const NOISE_FLOOR = 1e-4;

/** `count` distinct indices in [0, total), ascending; all of them when count ≥ total. */
export function sampleIndices(total: number, count: number, rng: Rng): number[] {
  if (count >= total) return Array.from({ length: total }, (_, i) => i);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(rng.int(total));
  return [...picked].sort((a, b) => a - b);
}

export function verdictOf(worst: number): GradCheckVerdict {
  return worst <= AGREE ? 'agree' : worst <= CLOSE ? 'close' : 'disagree';
}

export function gradientCheck(
  snapshot: ModelSnapshot,
  rows: GradCheckRows,
  options: GradCheckOptions = {},
): GradientCheckResult {
  const h = options.epsilon ?? 1e-6;
  const perLayer = options.perLayer ?? 40;
  const rng = new Rng(options.seed ?? 1);
  const { n } = rows;
  const features = snapshot.layers[0]!.inputs;
  const x = rows.x.slice(0, n * features);
  if (snapshot.standardize) applyStandardize(x, features, snapshot.standardize);
  const X = Float64Array.from(x);
  const k = snapshot.layers.at(-1)!.units;
  const distill = options.distill && rows.teacher ? options.distill : null;
  if (options.distill && !rows.teacher) throw new Error('gradientCheck: distill needs rows.teacher (n × outputs)');
  const teacher = distill ? { teacher: Float64Array.from(rows.teacher!).subarray(0, n * k) } : {};
  const targets =
    snapshot.task === 'regression'
      ? { targets: Float64Array.from(rows.targets!.subarray(0, n * k)), ...teacher }
      : { labels: rows.labels!.subarray(0, n), ...teacher };
  const mlp = new Mlp(
    'float64',
    snapshot.layers.map((l) => ({ ...l, dropout: 0 })),
    snapshot.head,
    snapshot.loss,
    distill,
  );
  const objective: GradCheckObjective = distill ? { kind: 'distill', ...distill } : { kind: 'labels' };
  const meanLoss = () => {
    mlp.forward(X, n);
    return mlp.lossAndBackward(X, n, targets, false).lossSum / n;
  };
  mlp.forward(X, n);
  const loss = mlp.lossAndBackward(X, n, targets, true).lossSum / n;
  const analytic = mlp.layers.map((l) => ({ W: Float64Array.from(l.dW), b: Float64Array.from(l.db) }));

  const layers = mlp.layers.map((layer, li): LayerGradCheck => {
    const params = layer.W.length + layer.b.length;
    let maxRel = 0;
    let maxAbs = 0;
    let diff2 = 0;
    let a2 = 0;
    let n2 = 0;
    const picked = sampleIndices(params, perLayer, rng);
    for (const p of picked) {
      const [param, grad, i] =
        p < layer.W.length ? [layer.W, analytic[li]!.W, p] : [layer.b, analytic[li]!.b, p - layer.W.length];
      const saved = param[i]!;
      param[i] = saved + h;
      const up = meanLoss();
      param[i] = saved - h;
      const down = meanLoss();
      param[i] = saved;
      const numeric = (up - down) / (2 * h);
      const a = grad[i]!;
      const abs = Math.abs(a - numeric);
      maxAbs = Math.max(maxAbs, abs);
      maxRel = Math.max(maxRel, abs / Math.max(Math.abs(a) + Math.abs(numeric), NOISE_FLOOR));
      diff2 += abs * abs;
      a2 += a * a;
      n2 += numeric * numeric;
    }
    return {
      layer: li,
      inputs: layer.inputs,
      units: layer.units,
      checked: picked.length,
      parameters: params,
      maxRelError: maxRel,
      relError: Math.sqrt(diff2) / Math.max(Math.sqrt(a2) + Math.sqrt(n2), 1e-12),
      maxAbsDiff: maxAbs,
    };
  });
  const worst = Math.max(...layers.map((l) => l.maxRelError));
  return { rows: n, epsilon: h, objective, loss, layers, worst, verdict: verdictOf(worst) };
}

export type { LayerGradCheck, GradCheckObjective, GradCheckVerdict, GradientCheckResult };

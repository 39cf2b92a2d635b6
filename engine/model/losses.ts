// Heads and losses. Each returns the summed per-sample loss and the count of correct predictions, and writes
// dZ = ∂(mean loss over the batch)/∂Z when asked. Softmax + cross-entropy is fused: dZ = (p − y)/n.
import type { DISTILL_LOSSES, ResolvedHead, ResolvedLoss } from '../config.ts';
import { sigmoid, type Float } from './activations.ts';

export interface LossTargets {
  /** classification: class index per row of the batch. */
  labels?: ArrayLike<number>;
  /** regression: n × k targets. */
  targets?: Float | Float32Array;
  /** a distilled student's batch: the teacher's logits, n × k (training only) */
  teacher?: ArrayLike<number>;
}

type DistillLossName = (typeof DISTILL_LOSSES)[number];

export interface LossResult {
  lossSum: number;
  correct: number;
}

/** Output units of the last layer: one logit for the sigmoid head, one per class or target otherwise. */
export function outputUnits(head: ResolvedHead, outputs: number): number {
  return head === 'sigmoid' ? 1 : outputs;
}

/** P = head(Z) row by row (softmax with the max subtracted for stability). */
export function headForward(head: ResolvedHead, Z: Float, P: Float, n: number, k: number): void {
  if (head === 'identity') {
    P.set(Z.subarray(0, n * k));
  } else if (head === 'sigmoid') {
    for (let i = 0; i < n * k; i++) P[i] = sigmoid(Z[i]!);
  } else {
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, Z[o + j]!);
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const e = Math.exp(Z[o + j]! - max);
        P[o + j] = e;
        sum += e;
      }
      for (let j = 0; j < k; j++) P[o + j]! /= sum;
    }
  }
}

function argmaxRow(P: Float, o: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (P[o + j]! > P[o + best]!) best = j;
  return best;
}

/**
 * Loss of a batch given logits Z (n × k) and the head's output P = head(Z) (already computed).
 * dZ, when given, receives the gradient of the batch-mean loss; `scale` is the divisor of that mean (the batch size).
 */
export function headLoss(
  head: ResolvedHead,
  loss: ResolvedLoss,
  Z: Float,
  P: Float,
  n: number,
  k: number,
  t: LossTargets,
  dZ: Float | null,
  scale = n,
): LossResult {
  let lossSum = 0;
  let correct = 0;
  const labels = t.labels;
  if (head === 'softmax' && loss === 'cross_entropy') {
    for (let i = 0; i < n; i++) {
      const o = i * k;
      const y = labels![i]!;
      // log p_y = z_y − logsumexp(z), computed from P's max-shifted sum for stability.
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, Z[o + j]!);
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(Z[o + j]! - max);
      lossSum += Math.log(sum) + max - Z[o + y]!;
      if (argmaxRow(P, o, k) === y) correct++;
      if (dZ) for (let j = 0; j < k; j++) dZ[o + j] = (P[o + j]! - (j === y ? 1 : 0)) / scale;
    }
  } else if (head === 'sigmoid' && loss === 'binary_cross_entropy') {
    for (let i = 0; i < n; i++) {
      const z = Z[i]!;
      const y = labels![i]!;
      lossSum += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
      if ((P[i]! >= 0.5 ? 1 : 0) === y) correct++;
      if (dZ) dZ[i] = (P[i]! - y) / scale;
    }
  } else if (loss === 'mse') {
    // Per-sample loss: mean over the k outputs of (p − y)²; for classification y is one-hot (or the 0/1 label).
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let s = 0;
      let gp = 0; // Σ_j g_j p_j, for the softmax Jacobian
      for (let j = 0; j < k; j++) {
        const y = labels ? (k === 1 ? labels[i]! : j === labels[i]! ? 1 : 0) : t.targets![o + j]!;
        const d = P[o + j]! - y;
        s += d * d;
        if (dZ) {
          const g = (2 * d) / (k * scale);
          dZ[o + j] = g;
          gp += g * P[o + j]!;
        }
      }
      lossSum += s / k;
      if (labels) {
        const predicted = k === 1 ? (P[o]! >= 0.5 ? 1 : 0) : argmaxRow(P, o, k);
        if (predicted === labels[i]!) correct++;
      }
      if (dZ && head === 'softmax') for (let j = 0; j < k; j++) dZ[o + j] = P[o + j]! * (dZ[o + j]! - gp);
      else if (dZ && head === 'sigmoid') for (let j = 0; j < k; j++) dZ[o + j]! *= P[o + j]! * (1 - P[o + j]!);
    }
  } else {
    throw new Error(`unsupported head/loss pair ${head}/${loss}`);
  }
  return { lossSum, correct };
}

/** How a student learns from its teacher's logits (config.distill, without the teacher's id). */
export interface DistillLoss {
  loss: DistillLossName;
  temperature: number;
  /** weight of the true-label loss; the teacher's term has 1 − alpha */
  alpha: number;
}

/** log Σ_j exp(s·Z[o + j]), shifted by the row's max for stability. */
function logSumExp(Z: ArrayLike<number>, o: number, k: number, s: number): number {
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, s * Z[o + j]!);
  let sum = 0;
  for (let j = 0; j < k; j++) sum += Math.exp(s * Z[o + j]! - max);
  return Math.log(sum) + max;
}

/**
 * The teacher's term of a student's loss, summed over the n rows of logits Z against the teacher's logits `teacher`
 * (n × k). Per row, mimic-l2: the mean over the k logits of (z − t)² (Ba & Caruana 2014); soft-ce: T² · H(q, p), the
 * cross-entropy of the student's softmax(z/T) against the teacher's softmax(t/T) (Hinton et al. 2015; the T² keeps
 * its gradient T(p − q) the size of a hard-label one), binary for the sigmoid head. With dZ holding the true-label
 * loss's gradient, dZ ← alpha·dZ + (1 − alpha)·∂(term / scale)/∂Z.
 */
export function distillTerm(
  d: DistillLoss,
  head: ResolvedHead,
  Z: ArrayLike<number>,
  teacher: ArrayLike<number>,
  n: number,
  k: number,
  dZ: Float | null,
  scale = n,
): number {
  const a = d.alpha;
  const w = 1 - a;
  let sum = 0;
  if (d.loss === 'mimic-l2') {
    for (let i = 0; i < n * k; i++) {
      const diff = Z[i]! - teacher[i]!;
      sum += (diff * diff) / k;
      if (dZ) dZ[i] = a * dZ[i]! + (w * 2 * diff) / (k * scale);
    }
    return sum;
  }
  const T = d.temperature;
  if (head === 'identity')
    throw new Error('distill.loss: soft-ce needs a softmax or sigmoid head (a regression teacher: use mimic-l2)');
  if (head === 'sigmoid') {
    for (let i = 0; i < n * k; i++) {
      const u = Z[i]! / T;
      const q = sigmoid(teacher[i]! / T);
      sum += T * T * (Math.max(u, 0) - u * q + Math.log1p(Math.exp(-Math.abs(u))));
      if (dZ) dZ[i] = a * dZ[i]! + (w * T * (sigmoid(u) - q)) / scale;
    }
    return sum;
  }
  const inv = 1 / T;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    const lseStudent = logSumExp(Z, o, k, inv);
    const lseTeacher = logSumExp(teacher, o, k, inv);
    let row = lseStudent;
    for (let j = 0; j < k; j++) {
      const q = Math.exp(teacher[o + j]! * inv - lseTeacher);
      row -= q * Z[o + j]! * inv;
      if (dZ) dZ[o + j] = a * dZ[o + j]! + (w * T * (Math.exp(Z[o + j]! * inv - lseStudent) - q)) / scale;
    }
    sum += T * T * row;
  }
  return sum;
}

/** A student's batch loss: alpha · (the run's loss on the true labels) + (1 − alpha) · the teacher's term. */
export function distilledHeadLoss(
  d: DistillLoss,
  head: ResolvedHead,
  loss: ResolvedLoss,
  Z: Float,
  P: Float,
  n: number,
  k: number,
  t: LossTargets & { teacher: ArrayLike<number> },
  dZ: Float | null,
  scale = n,
): LossResult {
  const base = headLoss(head, loss, Z, P, n, k, t, dZ, scale);
  const term = distillTerm(d, head, Z, t.teacher, n, k, dZ, scale);
  return { lossSum: d.alpha * base.lossSum + (1 - d.alpha) * term, correct: base.correct };
}

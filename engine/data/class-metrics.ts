// Per-class scores of a classifier from its head outputs: the confusion counts, precision, recall and F1. One
// implementation for the trainer's test-set score, `mlpw show` and the app's confusion view (insight/confusion.ts).
import type { ResolvedLoss } from '../config.ts';

/** The predicted class of row i: argmax of a softmax head; p ≥ 0.5 for a one-unit sigmoid head. */
export function predictedClass(outputs: ArrayLike<number>, i: number, units: number): number {
  if (units === 1) return outputs[i]! >= 0.5 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < units; k++) if (outputs[i * units + k]! > outputs[i * units + best]!) best = k;
  return best;
}

/** counts[true][predicted] over the first labels.length rows of head outputs (n × units); k classes. */
export function confusionCounts(
  outputs: ArrayLike<number>,
  units: number,
  labels: ArrayLike<number>,
  k: number,
): number[][] {
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]![predictedClass(outputs, i, units)]!++;
  return counts;
}

export interface ClassScore {
  label: string;
  /** correct / rows predicted as this class; null when nothing was */
  precision: number | null;
  /** correct / rows of this class; null when the class has no rows */
  recall: number | null;
  /** harmonic mean of precision and recall; null when either is */
  f1: number | null;
  /** rows whose true class this is */
  support: number;
}

export function f1Score(precision: number | null, recall: number | null): number | null {
  if (precision === null || recall === null) return null;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** Precision, recall, F1 and support of every class from counts[true][predicted]. */
export function classScores(counts: readonly (readonly number[])[], classes: readonly string[]): ClassScore[] {
  return classes.map((label, c) => {
    const support = counts[c]!.reduce((a, b) => a + b, 0);
    const predicted = counts.reduce((a, row) => a + row[c]!, 0);
    const correct = counts[c]![c]!;
    const precision = predicted > 0 ? correct / predicted : null;
    const recall = support > 0 ? correct / support : null;
    return { label, precision, recall, f1: f1Score(precision, recall), support };
  });
}

/** Probabilities below this count as it in a log-loss, so one confidently wrong row stays finite. */
export const MIN_PROBABILITY = 1e-12;

/**
 * Mean per-row loss from head outputs P (n × units), as engine/model/losses.ts defines each loss: cross-entropy
 * −log p_y, binary cross-entropy −(y log p + (1−y) log(1−p)), mse the mean over outputs of (p − y)² (y one-hot for
 * classes). From P rather than the logits, so p is clamped at MIN_PROBABILITY.
 */
export function meanLoss(
  loss: ResolvedLoss,
  P: ArrayLike<number>,
  n: number,
  units: number,
  truth: { labels?: ArrayLike<number>; targets?: ArrayLike<number> },
): number {
  const log = (p: number) => Math.log(Math.max(p, MIN_PROBABILITY));
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const o = i * units;
    if (loss === 'cross_entropy') sum -= log(P[o + truth.labels![i]!]!);
    else if (loss === 'binary_cross_entropy') {
      const y = truth.labels![i]!;
      sum -= y === 1 ? log(P[o]!) : log(1 - P[o]!);
    } else {
      let s = 0;
      for (let j = 0; j < units; j++) {
        const y = truth.labels
          ? units === 1
            ? truth.labels[i]!
            : j === truth.labels[i]!
              ? 1
              : 0
          : truth.targets![o + j]!;
        s += (P[o + j]! - y) ** 2;
      }
      sum += s / units;
    }
  }
  return n > 0 ? sum / n : Number.NaN;
}

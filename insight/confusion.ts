// Confusion matrix of a classifier on labelled rows: counts[true][predicted], with per-class recall and precision.
// Predictions come from the engine itself (enginePredict: the same float32 forward pass an ONNX export is checked
// against), so the matrix agrees with the run's recorded validation accuracy.
import type { ConfusionMatrix } from './types.ts';
import { enginePredict } from '../export/onnx/engine-predict.ts';
import type { ModelSnapshot } from '../engine/types.ts';

/** The predicted class of row i: argmax of a softmax head; p ≥ 0.5 for a one-unit sigmoid head. */
export function predictedClass(outputs: ArrayLike<number>, i: number, units: number): number {
  if (units === 1) return outputs[i]! >= 0.5 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < units; k++) if (outputs[i * units + k]! > outputs[i * units + best]!) best = k;
  return best;
}

/** From head outputs (n × units) and true labels; `classes` names the classes (2 for a sigmoid head). */
export function confusionFromOutputs(
  outputs: ArrayLike<number>,
  units: number,
  labels: ArrayLike<number>,
  classes: string[],
): ConfusionMatrix {
  const k = classes.length;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const n = labels.length;
  for (let i = 0; i < n; i++) counts[labels[i]!]![predictedClass(outputs, i, units)]!++;
  let correct = 0;
  for (let c = 0; c < k; c++) correct += counts[c]![c]!;
  const rowSum = (c: number) => counts[c]!.reduce((a, b) => a + b, 0);
  const colSum = (c: number) => counts.reduce((a, row) => a + row[c]!, 0);
  return {
    classes,
    counts,
    total: n,
    accuracy: n > 0 ? correct / n : 0,
    recall: classes.map((_, c) => (rowSum(c) > 0 ? counts[c]![c]! / rowSum(c) : null)),
    precision: classes.map((_, c) => (colSum(c) > 0 ? counts[c]![c]! / colSum(c) : null)),
  };
}

/** Class names of a snapshot: its labels, else "class k" for each output (two for a sigmoid head). */
export function classNames(snapshot: ModelSnapshot): string[] {
  if (snapshot.classLabels?.length) return snapshot.classLabels;
  const units = snapshot.layers[snapshot.layers.length - 1]!.units;
  return Array.from({ length: snapshot.head === 'sigmoid' ? 2 : units }, (_, k) => `class ${k}`);
}

/** The matrix of a classification snapshot on n raw rows (n × features, the dataset's own units) with their labels. */
export async function confusionMatrix(
  snapshot: ModelSnapshot,
  rows: { x: Float32Array; n: number; labels: Uint32Array },
): Promise<ConfusionMatrix> {
  if (snapshot.task !== 'classification') throw new Error('a confusion matrix needs a classification run');
  const units = snapshot.layers[snapshot.layers.length - 1]!.units;
  const outputs = await enginePredict(snapshot, rows.x, rows.n);
  return confusionFromOutputs(outputs, units, rows.labels.subarray(0, rows.n), classNames(snapshot));
}

export type { ConfusionMatrix };

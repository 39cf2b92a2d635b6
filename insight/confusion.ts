// Confusion matrix of a classifier on labelled rows: counts[true][predicted], with per-class recall and precision
// (counted by engine/data/class-metrics.ts, which the trainer's test score uses too).
// Predictions come from the engine itself (enginePredict: the same float32 forward pass an ONNX export is checked
// against), so the matrix agrees with the run's recorded validation accuracy.
import type { ConfusionMatrix } from './types.ts';
import { classScores, confusionCounts } from '../engine/data/class-metrics.ts';
import { enginePredict } from '../export/onnx/engine-predict.ts';
import type { ModelSnapshot } from '../engine/types.ts';

/** From head outputs (n × units) and true labels; `classes` names the classes (2 for a sigmoid head). */
export function confusionFromOutputs(
  outputs: ArrayLike<number>,
  units: number,
  labels: ArrayLike<number>,
  classes: string[],
): ConfusionMatrix {
  const counts = confusionCounts(outputs, units, labels, classes.length);
  const n = labels.length;
  let correct = 0;
  for (let c = 0; c < classes.length; c++) correct += counts[c]![c]!;
  const scores = classScores(counts, classes);
  return {
    classes,
    counts,
    total: n,
    accuracy: n > 0 ? correct / n : 0,
    recall: scores.map((s) => s.recall),
    precision: scores.map((s) => s.precision),
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
export { classScores, f1Score, predictedClass, type ClassScore } from '../engine/data/class-metrics.ts';

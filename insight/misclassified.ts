// The misclassified rows of an image classifier, for Insight's gallery (issue 16): each wrong row's pixels with its
// predicted and true class and the predicted class's probability, the most confident mistakes first (those teach
// the most). Predictions come from enginePredict, as the confusion matrix's do, so the count matches its off-diagonal.
import { enginePredict } from '../export/onnx/engine-predict.ts';
import type { ModelSnapshot } from '../engine/types.ts';
import { classNames, predictedClass } from './confusion.ts';
import type { Misclassified } from './misclassified-types.ts';

export type { Misclassified, MisclassifiedRow } from './misclassified-types.ts';

/** The first `limit` misclassified rows by confidence (ties by row), of n raw rows (n × features) and their labels. */
export async function misclassifiedRows(
  snapshot: ModelSnapshot,
  rows: { x: Float32Array; n: number; labels: Uint32Array },
  limit: number,
): Promise<Misclassified> {
  if (snapshot.task !== 'classification') throw new Error('misclassified rows need a classification run');
  const units = snapshot.layers.at(-1)!.units;
  const features = snapshot.layers[0]!.inputs;
  const outputs = await enginePredict(snapshot, rows.x, rows.n);
  const wrong: { row: number; predicted: number; confidence: number }[] = [];
  for (let i = 0; i < rows.n; i++) {
    const predicted = predictedClass(outputs, i, units);
    if (predicted === rows.labels[i]) continue;
    const p = units === 1 ? outputs[i]! : outputs[i * units + predicted]!;
    wrong.push({ row: i, predicted, confidence: units === 1 && predicted === 0 ? 1 - p : p });
  }
  wrong.sort((a, b) => b.confidence - a.confidence || a.row - b.row);
  return {
    classes: classNames(snapshot),
    total: rows.n,
    wrong: wrong.length,
    rows: wrong.slice(0, limit).map((w) => ({
      ...w,
      actual: rows.labels[w.row]!,
      pixels: Array.from(rows.x.subarray(w.row * features, (w.row + 1) * features)),
    })),
  };
}

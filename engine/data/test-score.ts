// The held-out test set's score, taken once after the last epoch on the weights the run ships (the best checkpoint
// where there is one, else the final weights). Through the backend's own predict, so no second forward pass exists.
import type { TrainingBackend } from '../backends/backend.ts';
import type { ResolvedHead, ResolvedLoss } from '../config.ts';
import type { CheckpointKind, LayerWeights, TestMetrics } from '../types.ts';
import { classScores, confusionCounts, meanLoss } from './class-metrics.ts';
import type { Split } from './prepare.ts';

export interface ScoredModel {
  checkpoint: CheckpointKind;
  epoch: number;
  layers: LayerWeights[];
}

/** Metrics of head outputs P (n × units) against a split's labels or targets. */
export function testMetricsFromOutputs(
  P: ArrayLike<number>,
  split: Split,
  model: { head: ResolvedHead; loss: ResolvedLoss; units: number; classes: readonly string[] | null },
  scored: Omit<ScoredModel, 'layers'>,
): TestMetrics {
  const loss = meanLoss(model.loss, P, split.n, model.units, split);
  const base = {
    checkpoint: scored.checkpoint,
    epoch: scored.epoch,
    samples: split.n,
    loss: Number.isFinite(loss) ? loss : null,
  };
  if (!split.labels || !model.classes) return { ...base, acc: null };
  const confusion = confusionCounts(P, model.units, split.labels, model.classes.length);
  let correct = 0;
  confusion.forEach((row, c) => (correct += row[c]!));
  return { ...base, acc: correct / split.n, classes: classScores(confusion, model.classes), confusion };
}

/** Loads `scored`'s weights into the backend (training is over) and scores the test rows (already standardised). */
export async function scoreTestSet(
  backend: TrainingBackend,
  test: Split,
  scored: ScoredModel,
  model: { head: ResolvedHead; loss: ResolvedLoss; outputs: number; classLabels?: string[] },
): Promise<TestMetrics> {
  await backend.setWeights(scored.layers);
  const P = await backend.predict(test.x, test.n);
  const units = scored.layers[scored.layers.length - 1]!.units;
  const classCount = model.head === 'sigmoid' ? 2 : model.outputs;
  const classes = test.labels
    ? (model.classLabels ?? Array.from({ length: classCount }, (_, k) => `class ${k}`))
    : null;
  return testMetricsFromOutputs(P, test, { head: model.head, loss: model.loss, units, classes }, scored);
}

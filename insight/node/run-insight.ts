// One run's insight views, computed where the store and the data are (the store host): the confusion matrix on the
// validation split, the decision boundary of a two-feature model, the gradient check. Each names the checkpoint
// and epoch it used, so the page can say which weights it shows.
import type { RunStore } from '../../db/index.ts';
import { StoreError } from '../../db/errors.ts';
import type { Split } from '../../engine/data/prepare.ts';
import type { CheckpointKind } from '../../engine/types.ts';
import { confusionMatrix, type ConfusionMatrix } from '../confusion.ts';
import { decisionBoundary, type DecisionGrid } from '../decision-boundary.ts';
import { gradientCheck, teacherLogits64, type GradientCheckResult } from '../gradient-check.ts';
import { misclassifiedRows, type Misclassified } from '../misclassified.ts';
import { transformsOf } from '../../engine/data/transforms.ts';
import { runSplits } from './run-data.ts';

interface FromCheckpoint {
  runId: string;
  checkpoint: CheckpointKind;
  epoch: number;
}

/** The validation split, or the training split for a run trained without one (as `mlpw export` verifies). */
function checkedSplit(splits: { train: Split; val: Split }): { split: Split; name: 'validation' | 'training' } {
  return splits.val.n > 0 ? { split: splits.val, name: 'validation' } : { split: splits.train, name: 'training' };
}

export async function runConfusion(
  store: RunStore,
  ref: string,
  kind: CheckpointKind,
): Promise<FromCheckpoint & { split: string; matrix: ConfusionMatrix }> {
  const run = store.getRun(ref);
  if (run.dataInfo?.task === 'regression')
    throw new StoreError('invalid_argument', `run ${run.id} is a regression run: a confusion matrix needs classes`);
  const { epoch, snapshot } = store.requireCheckpoint(run, kind);
  const { split, name } = checkedSplit(runSplits(store, run));
  const matrix = await confusionMatrix(snapshot, { x: split.x, n: split.n, labels: split.labels! });
  return { runId: run.id, checkpoint: kind, epoch, split: name, matrix };
}

/** Points drawn over the grid: at most this many, evenly strided, so a 100 000-row dataset stays a small answer. */
export const MAX_BOUNDARY_POINTS = 1500;

export async function runDecisionBoundary(
  store: RunStore,
  ref: string,
  kind: CheckpointKind,
  resolution = 60,
): Promise<FromCheckpoint & { grid: DecisionGrid; trainPoints: number }> {
  const run = store.getRun(ref);
  const { epoch, snapshot } = store.requireCheckpoint(run, kind);
  const f = snapshot.layers[0]!.inputs; // 2, or 2 plus feature transforms' columns (x1, x2 come first)
  if (!transformsOf(snapshot.featureNames, f))
    throw new StoreError(
      'invalid_argument',
      `run ${run.id} has ${f} input features: the decision boundary is drawn for 2`,
    );
  const { train, val } = runSplits(store, run);
  const n = train.n + val.n;
  const stride = Math.max(1, Math.ceil(n / MAX_BOUNDARY_POINTS));
  const x: number[] = [];
  const label: number[] = [];
  const outputs = snapshot.layers.at(-1)!.units;
  const add = (split: Split) => {
    for (let i = 0; i < split.n; i += stride) {
      x.push(split.x[f * i]!, split.x[f * i + 1]!);
      label.push(split.labels ? split.labels[i]! : split.targets![i * outputs]!);
    }
  };
  add(train);
  const trainPoints = label.length; // the training split's points come first, then the validation split's
  add(val);
  const grid = await decisionBoundary(snapshot, { x: Float32Array.from(x), n: label.length, label }, resolution);
  return { runId: run.id, checkpoint: kind, epoch, grid, trainPoints };
}

export function runGradientCheck(
  store: RunStore,
  ref: string,
  kind: CheckpointKind,
  rows = 16,
): FromCheckpoint & { split: string; result: GradientCheckResult } {
  const run = store.getRun(ref);
  const { epoch, snapshot } = store.requireCheckpoint(run, kind);
  const { split, name } = checkedSplit(runSplits(store, run));
  const n = Math.min(rows, split.n);
  const features = snapshot.layers[0]!.inputs;
  const outputs = snapshot.layers.at(-1)!.units;
  const x = split.x.subarray(0, n * features);
  // A student trains on its teacher's logits too (the teacher's best checkpoint, as the worker gets it).
  const distill = run.config.distill;
  const teacher = distill && store.requireCheckpoint(store.getRun(distill.teacher), 'best').snapshot;
  const result = gradientCheck(
    snapshot,
    {
      x,
      n,
      labels: split.labels?.subarray(0, n),
      targets: split.targets?.subarray(0, n * outputs),
      ...(teacher && { teacher: teacherLogits64(teacher, x, n) }),
    },
    distill ? { distill: { loss: distill.loss, temperature: distill.temperature, alpha: distill.alpha } } : {},
  );
  return { runId: run.id, checkpoint: kind, epoch, split: name, result };
}

/** The most confident mistakes on the validation split (the training split without one), for an image classifier. */
export async function runMisclassified(
  store: RunStore,
  ref: string,
  kind: CheckpointKind,
  limit = 48,
): Promise<FromCheckpoint & { split: string } & Misclassified> {
  const run = store.getRun(ref);
  if (run.dataInfo?.task === 'regression')
    throw new StoreError('invalid_argument', `run ${run.id} is a regression run: misclassified rows need classes`);
  const { epoch, snapshot } = store.requireCheckpoint(run, kind);
  const { split, name } = checkedSplit(runSplits(store, run));
  const found = await misclassifiedRows(snapshot, { x: split.x, n: split.n, labels: split.labels! }, limit);
  return { runId: run.id, checkpoint: kind, epoch, split: name, ...found };
}

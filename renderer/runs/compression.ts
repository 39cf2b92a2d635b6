// The compression view's data (issue 19): a teacher run, its distilled students (config.distill.teacher) and the same
// student architectures trained from labels alone on the same data, each as parameter count and validation metric.
import type { RunRecord } from '../../db/types.ts';
import type { EpochMetrics } from '../../engine/types.ts';

export type CompressionRole = 'teacher' | 'student' | 'labels';

export interface CompressionPoint {
  id: string;
  role: CompressionRole;
  /** "64 relu": the hidden layers, as the run's facts show them */
  architecture: string;
  params: number;
  /** classification: validation accuracy at the best epoch (the checkpoint a run ships); regression: best val loss */
  metric: number | null;
  /** a student's loss: "mimic-l2", "soft-ce T=4 α=0.1" */
  how: string;
}

/** Weights and biases of the network a finished run describes (hidden layers, then its output layer). */
export function parameterCount(run: RunRecord): number | null {
  const data = run.dataInfo;
  if (!data) return null;
  const widths = [
    data.features,
    ...run.config.model.layers.map((l) => l.units),
    data.head === 'sigmoid' ? 1 : data.outputs,
  ];
  let total = 0;
  for (let i = 1; i < widths.length; i++) total += widths[i - 1]! * widths[i]! + widths[i]!;
  return total;
}

const architecture = (run: RunRecord) =>
  run.config.model.layers.map((l) => `${l.units} ${l.activation}`).join(' · ') || 'linear';

/** Same rows and targets: the dataset config and the split that decides the training rows. */
const sameData = (a: RunRecord, b: RunRecord) =>
  JSON.stringify([
    a.config.dataset,
    a.config.validationSplit,
    a.config.testSplit,
    a.config.stratify,
    a.config.crossValidation,
  ]) ===
  JSON.stringify([
    b.config.dataset,
    b.config.validationSplit,
    b.config.testSplit,
    b.config.stratify,
    b.config.crossValidation,
  ]);

/** The runs the view plots around `teacher`, with their roles: finished runs only, the teacher first. */
export function compressionRuns(
  teacher: RunRecord,
  runs: readonly RunRecord[],
): { run: RunRecord; role: CompressionRole }[] {
  const done = (r: RunRecord) => r.status === 'completed' && r.dataInfo !== null;
  const students = runs.filter((r) => done(r) && r.config.distill?.teacher === teacher.id);
  const shapes = new Set(students.map(architecture));
  const labels = runs.filter(
    (r) => done(r) && r.id !== teacher.id && !r.config.distill && shapes.has(architecture(r)) && sameData(r, teacher),
  );
  return [
    { run: teacher, role: 'teacher' as const },
    ...students.map((run) => ({ run, role: 'student' as const })),
    ...labels.map((run) => ({ run, role: 'labels' as const })),
  ];
}

export function compressionPoint(
  run: RunRecord,
  role: CompressionRole,
  epochs: readonly EpochMetrics[],
): CompressionPoint {
  const best = epochs.find((m) => m.epoch === run.bestEpoch);
  const d = run.config.distill;
  const how = !d
    ? role === 'teacher'
      ? 'teacher (labels)'
      : 'labels'
    : d.loss === 'soft-ce'
      ? `soft-ce T=${d.temperature} α=${d.alpha}`
      : `mimic-l2${d.alpha > 0 ? ` α=${d.alpha}` : ''}`;
  const classification = run.dataInfo?.task === 'classification';
  return {
    id: run.id,
    role,
    architecture: architecture(run),
    params: parameterCount(run) ?? 0,
    metric: classification ? (best?.valAcc ?? null) : run.bestValLoss,
    how,
  };
}

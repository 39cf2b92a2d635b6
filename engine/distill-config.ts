// A student's config from its teacher's (mlpw distill and the app's "Distill…" both start here): the teacher's
// dataset, split, preprocessing, optimizer and schedule, its layers without dropout until the student's replace them,
// and a distill section naming the teacher. The same student trained from labels alone is that config without it.
import type { DistillConfig, ExperimentConfig, ExperimentConfigInput } from './config.ts';

export function studentConfigInput(
  teacher: { id: string; config: ExperimentConfig },
  distill: Partial<Omit<DistillConfig, 'teacher'>>,
): ExperimentConfigInput {
  const { distill: _d, name: _n, ...kept } = teacher.config;
  return {
    ...kept,
    model: { ...kept.model, layers: kept.model.layers.map((l) => ({ units: l.units, activation: l.activation })) },
    distill: { teacher: teacher.id, ...distill },
  };
}

/** The same student trained from the labels alone: what the compression view compares it with. */
export function fromLabels<T extends ExperimentConfigInput>(student: T): Omit<T, 'distill'> {
  const { distill: _d, ...rest } = student;
  return rest;
}

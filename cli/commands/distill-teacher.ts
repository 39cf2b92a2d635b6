// A student's teacher as the CLI finds it: the run its config.distill names, and that run's best checkpoint.
import type { RunStore } from '../../db/index.ts';
import type { ExperimentConfig } from '../../engine/config.ts';
import type { ModelSnapshot } from '../../engine/types.ts';

/** The teacher's best checkpoint when `config` is a student's (train, rerun and distill all send it to the worker). */
export function teacherSnapshot(store: RunStore, config: ExperimentConfig): ModelSnapshot | undefined {
  if (!config.distill) return undefined;
  const teacher = store.getRun(config.distill.teacher);
  return store.requireCheckpoint(teacher, 'best').snapshot;
}

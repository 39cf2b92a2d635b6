// A sweep trial under its sweep's pruner (ASHA / Hyperband) in the window's queue: the pruner is rebuilt from the
// store's curves of the sweep's other trials (api sweepRungs), so the queue judges the trial at its rungs against the
// values the CLI's live pruner would hold there (a rung's rule reads only the values recorded, not their order).
import type { WorkbenchApi } from '../../api/workbench-api.ts';
import { AshaPruner } from '../../engine/experiment/asha.ts';

export interface SweepJudge {
  pruner: AshaPruner;
  trial: number;
}

/** The pruner that judges queued run `runId`, or null: in no sweep, a sweep that stops nothing, or a bracket with no rungs. */
export async function sweepJudge(api: WorkbenchApi, runId: string): Promise<SweepJudge | null> {
  const { pruner: spec, trial, recorded } = await api.sweepRungs({ id: runId });
  if (!spec || trial === null) return null;
  const pruner = new AshaPruner(spec);
  for (const r of recorded) pruner.record(r.trial, r.epoch, r.value);
  return pruner.rungsOf(trial).length > 0 ? { pruner, trial } : null;
}

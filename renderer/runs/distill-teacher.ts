// A student's teacher in the page: the best checkpoint of the run its config.distill names, fetched through the
// WorkbenchApi when the queue starts the student, and sent to the engine worker with `start`.
import type { WorkbenchApi } from '../../api/workbench-api.ts';
import { fromWireSnapshot } from '../../api/snapshot-wire.ts';
import type { ExperimentConfig } from '../../engine/config.ts';
import type { ModelSnapshot } from '../../engine/types.ts';

export async function teacherSnapshot(api: WorkbenchApi, config: ExperimentConfig): Promise<ModelSnapshot | undefined> {
  const d = config.distill;
  if (!d) return undefined;
  const found = await api.getCheckpoint({ id: d.teacher, kind: 'best' });
  if (!found) throw new Error(`distill.teacher: run ${d.teacher} has no best checkpoint to learn from`);
  return fromWireSnapshot(found.snapshot);
}

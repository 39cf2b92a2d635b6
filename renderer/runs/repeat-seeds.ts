// "Repeat with seeds": the same configs again with seeds seed+1 … seed+n, queued in this window's training queue into
// each run's experiment, so grouping by the varied keys gives mean ± std over seeds. One implementation for a run,
// a selection of runs and a sweep's runs.
import type { RunRecord } from '../../db/types.ts';
import type { TrainingQueue } from '../training/queue.ts';

/** the most seeds one "Repeat with seeds" queues per run */
export const REPEAT_MAX = 50;

export const validRepeat = (n: number | null): n is number => Number.isInteger(n) && n! >= 1 && n! <= REPEAT_MAX;

/** Queues `n` more runs of each run's config; returns how many were queued. */
export function queueSeeds(
  queue: Pick<TrainingQueue, 'add'>,
  runs: readonly Pick<RunRecord, 'config' | 'experiment'>[],
  n: number,
): number {
  if (!validRepeat(n)) throw new RangeError(`seeds per run must be a whole number from 1 to ${REPEAT_MAX}, not ${n}`);
  for (const run of runs) {
    // A plain copy: the run may be Vue's reactive state, which the queue must not share.
    const base = JSON.parse(JSON.stringify(run.config)) as RunRecord['config'];
    for (let i = 1; i <= n; i++) queue.add({ ...base, seed: base.seed + i }, { experiment: run.experiment });
  }
  return runs.length * n;
}

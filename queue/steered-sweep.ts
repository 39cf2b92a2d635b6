// What a stored sweep's search asks of its coordinator while agents train it: TPE proposals as results come back
// (bayes), decisions at ASHA/Hyperband rungs (--early-stop), and the end of its time budget. Built from the sweep as
// the store holds it, so a new sweep and one reattached with `--attach` are steered by the same code and records.
import type { RunStore, SweepRecord } from '../db/index.ts';
import type { RungDecision } from '../engine/experiment/asha.ts';
import { QueuedRungs } from './asha-on-queue.ts';
import type { QueueSteering } from './coordinator.ts';
import { QueuedBayes } from './search-on-queue.ts';
import type { SweepOutcome } from './sweep-job.ts';

export interface SteeredSweep {
  steering: QueueSteering;
  /** the rung decision that stopped a run, for its outcome line */
  stoppedAt(runId: string): RungDecision | undefined;
  /** the outcome with its rung decision, as a local sweep reports it */
  withStop(o: SweepOutcome): SweepOutcome;
}

/**
 * The steering of a stored sweep. `startedAt`: when this sweep's clock started (a new sweep: now); a reattached one's
 * budget runs from its creation, so a budget that ended while no coordinator ran queues nothing more.
 */
export function steeredSweep(
  store: RunStore,
  sweep: SweepRecord,
  startedAt: number,
  experiment?: string,
): SteeredSweep {
  const bayes = sweep.method === 'bayes' ? QueuedBayes.of(store, sweep, experiment) : null;
  const rungs = sweep.pruner ? QueuedRungs.replayed(store, sweep.id, sweep.pruner) : null;
  const steering: QueueSteering = {
    deadline: sweep.timeBudgetMs === null ? null : startedAt + sweep.timeBudgetMs,
  };
  // A run cancelled from outside (mlpw sweep --cancel, the app's Cancel) ends the search: nothing more is proposed.
  let cancelled = false;
  if (bayes)
    steering.next = (outcome, open) => {
      if (outcome && outcome.summary === null && outcome.error === 'cancelled') cancelled = true;
      else if (outcome) bayes.heard(outcome);
      return cancelled ? [] : bayes.fill(open);
    };
  if (rungs) {
    steering.rungsOf = (job) => rungs.rungsOf(job);
    steering.onEpoch = (job, m, redis) => rungs.onEpoch(redis, job, m);
    steering.onCollect = async (jobs, redis) => {
      await rungs.resend(
        redis,
        jobs.map((j) => j.runId),
      );
      for (const { job, epoch } of rungs.unjudged(jobs)) await rungs.onEpoch(redis, job, epoch);
    };
  }
  const stoppedAt = (runId: string) => rungs?.stoppedAt(runId);
  return {
    steering,
    stoppedAt,
    withStop: (o) => {
      const stopped = stoppedAt(o.job.runId);
      return stopped ? { ...o, stopped } : o;
    },
  };
}

// Runs a sweep's queued runs, at most `parallel` engine workers at a time, each recorded as it goes. Ctrl-C cancels
// the runs in flight and the queued ones; a second Ctrl-C quits at once (the runs become 'interrupted' on next open).
// With a pruner (ASHA), a trial runs paused and steps one epoch at a time, so it is judged at each rung exactly after
// that epoch: a stopped trial ends there, finished 'completed' and stopped early, with the rung it reached.
import { runInWorker, type EngineRun } from '../../engine/host/node/engine-client.ts';
import type { AshaPruner, RungDecision } from '../../engine/experiment/asha.ts';
import { judgedTrialHandlers } from '../../engine/experiment/asha-trial.ts';
import { recordRun, type RunStore } from '../../db/index.ts';
import type { DatasetStore } from '../../db/datasets.ts';
import { teacherSnapshot } from '../commands/distill-teacher.ts';
import type { SweepJob, SweepOutcome } from '../../queue/sweep-job.ts';

// The point and its outcome live in queue/, which the app's server shares with the CLI.
export type { SweepJob, SweepOutcome };

export interface RunJobsOptions {
  /** judges every job that has a trial number at its bracket's rungs */
  pruner?: AshaPruner | null;
  /** Date.now() after which no job starts (the ones running finish) */
  deadline?: number | null;
}

export async function runSweep(
  store: RunStore,
  jobs: readonly SweepJob[],
  parallel: number,
  onDone: (outcome: SweepOutcome, finished: number) => void,
  options: RunJobsOptions = {},
): Promise<SweepOutcome[]> {
  let next = 0;
  return runJobs(
    store,
    () => (next < jobs.length ? jobs[next++]! : null),
    Math.min(parallel, jobs.length),
    onDone,
    () => {
      if (next < jobs.length) store.cancelQueued(jobs.slice(next).map((j) => j.runId));
    },
    options,
  );
}

/** Runs jobs as `take` hands them out (a search proposes each as a worker frees up, from the outcomes so far);
 *  `take` returning null ends that worker. `leftOver` runs at the end, Ctrl-C included. */
export async function runJobs(
  store: RunStore,
  take: (outcomes: readonly SweepOutcome[]) => SweepJob | null,
  parallel: number,
  onDone: (outcome: SweepOutcome, finished: number) => void,
  leftOver: () => void = () => {},
  { pruner = null, deadline = null }: RunJobsOptions = {},
): Promise<SweepOutcome[]> {
  const outcomes: SweepOutcome[] = [];
  // Imported datasets are loaded once from their snapshots and sent to each worker; runs record the hash.
  const { datasets } = store;
  const snapshots = new Map<string, ReturnType<DatasetStore['snapshotFor']>>();
  const teachers = new Map<string, ReturnType<typeof teacherSnapshot>>();
  const inFlight = new Set<EngineRun>();
  let stopping = false;
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    stopping = true;
    for (const run of inFlight) run.cancel();
  };
  process.on('SIGINT', onSigint);

  async function worker(): Promise<void> {
    const next = () => (stopping || (deadline !== null && Date.now() >= deadline) ? null : take(outcomes));
    for (let job = next(); job; job = next()) {
      store.markRunning(job.runId);
      const name = job.config.dataset.name;
      if (!snapshots.has(name)) snapshots.set(name, datasets.snapshotFor(name));
      const imported = snapshots.get(name);
      if (imported) datasets.recordRunDataset(job.runId, imported.hash);
      // The recorder hears the run's end from the client too: finished, or failed with the reason.
      const judged = pruner !== null && job.trial !== undefined && pruner.rungsOf(job.trial).length > 0;
      let stopped: RungDecision | undefined;
      const recorder = recordRun(store, job.runId);
      const handlers = judged
        ? judgedTrialHandlers(
            pruner,
            job.trial!,
            recorder,
            () => run,
            (d) => {
              stopped = d;
              store.recordStoppedRung(job.runId, d.rung);
            },
          )
        : recorder;
      // A student (config.distill) brings its teacher's best checkpoint, as in train; one without fails alone.
      let teacher;
      try {
        const ref = job.config.distill?.teacher;
        // Every point of a student sweep names the same teacher: read and decode its checkpoint once.
        if (ref !== undefined && !teachers.has(ref)) teachers.set(ref, teacherSnapshot(store, job.config));
        teacher = ref === undefined ? undefined : teachers.get(ref);
      } catch (e) {
        const error = (e as Error).message;
        store.failRun(job.runId, error);
        const outcome: SweepOutcome = { job, summary: null, error };
        outcomes.push(outcome);
        onDone(outcome, outcomes.length);
        continue;
      }
      const run: EngineRun = runInWorker(job.config, handlers, { dataset: imported?.dataset, paused: judged, teacher });
      inFlight.add(run);
      let outcome: SweepOutcome;
      try {
        const { summary } = await run.result;
        outcome = stopped
          ? { job, summary: { ...summary, status: 'completed', stoppedEarly: true }, error: null, stopped }
          : { job, summary, error: summary.error ?? null };
      } catch (e) {
        outcome = { job, summary: null, error: (e as Error)?.message ?? String(e) };
      } finally {
        inFlight.delete(run);
      }
      outcomes.push(outcome);
      onDone(outcome, outcomes.length);
    }
  }

  try {
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    process.off('SIGINT', onSigint);
    leftOver();
  }
  return outcomes;
}

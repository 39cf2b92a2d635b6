// Runs a sweep's queued runs, at most `parallel` engine workers at a time, each recorded as it goes. Ctrl-C cancels
// the runs in flight and the queued ones; a second Ctrl-C quits at once (the runs become 'interrupted' on next open).
import { runInWorker, type EngineRun } from '../../engine/host/node/engine-client.ts';
import type { ExperimentConfig } from '../../engine/config.ts';
import type { RunSummary } from '../../engine/types.ts';
import { recordRun, type RunStore } from '../../db/index.ts';
import type { DatasetStore } from '../../db/datasets.ts';

export interface SweepJob {
  runId: string;
  config: ExperimentConfig;
  /** "optimizer.lr=0.1 model.layers=16x16" */
  label: string;
}

export interface SweepOutcome {
  job: SweepJob;
  summary: RunSummary | null;
  error: string | null;
}

export async function runSweep(
  store: RunStore,
  jobs: readonly SweepJob[],
  parallel: number,
  onDone: (outcome: SweepOutcome, finished: number) => void,
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
): Promise<SweepOutcome[]> {
  const outcomes: SweepOutcome[] = [];
  // Imported datasets are loaded once from their snapshots and sent to each worker; runs record the hash.
  const { datasets } = store;
  const snapshots = new Map<string, ReturnType<DatasetStore['snapshotFor']>>();
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
    for (let job = stopping ? null : take(outcomes); job; job = stopping ? null : take(outcomes)) {
      store.markRunning(job.runId);
      const name = job.config.dataset.name;
      if (!snapshots.has(name)) snapshots.set(name, datasets.snapshotFor(name));
      const imported = snapshots.get(name);
      if (imported) datasets.recordRunDataset(job.runId, imported.hash);
      // The recorder hears the run's end from the client too: finished, or failed with the reason.
      const run = runInWorker(job.config, recordRun(store, job.runId), { dataset: imported?.dataset });
      inFlight.add(run);
      let outcome: SweepOutcome;
      try {
        const { summary } = await run.result;
        outcome = { job, summary, error: summary.error ?? null };
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

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
  const outcomes: SweepOutcome[] = [];
  // Imported datasets are loaded once from their snapshots and sent to each worker; runs record the hash.
  const { datasets } = store;
  const snapshots = new Map<string, ReturnType<DatasetStore['snapshotFor']>>();
  const inFlight = new Set<EngineRun>();
  let next = 0;
  let stopping = false;
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    stopping = true;
    for (const run of inFlight) run.cancel();
  };
  process.on('SIGINT', onSigint);

  async function worker(): Promise<void> {
    while (!stopping && next < jobs.length) {
      const job = jobs[next++]!;
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
    await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  } finally {
    process.off('SIGINT', onSigint);
    if (next < jobs.length) store.cancelQueued(jobs.slice(next).map((j) => j.runId));
  }
  return outcomes;
}

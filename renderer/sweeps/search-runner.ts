// Runs a bayes sweep in this window's training queue: ask the store for the next run (TPE over the finished ones,
// api nextSearchRun), queue it, and when it has finished ask again, until the sweep has its trials. Cancelling a
// run in the queue stops the search there; "Continue search" on the sweep page picks it up again.
import { reactive, watch } from 'vue';
import type { WorkbenchApi } from '../../api/workbench-api.ts';
import type { QueueItem, TrainingQueue } from '../training/queue.ts';

/** The bayes sweeps this window is proposing runs for now. */
export const searching = reactive(new Set<string>());

function finished(item: QueueItem): Promise<QueueItem['status']> {
  const over = (s: QueueItem['status']) => s !== 'waiting' && s !== 'running';
  if (over(item.status)) return Promise.resolve(item.status);
  return new Promise((resolve) => {
    const stop = watch(
      () => item.status,
      (s) => {
        if (!over(s)) return;
        stop();
        resolve(s);
      },
    );
  });
}

export async function runBayesSweep(api: WorkbenchApi, queue: TrainingQueue, sweepId: string): Promise<void> {
  if (searching.has(sweepId)) return;
  searching.add(sweepId);
  try {
    for (;;) {
      const next = await api.nextSearchRun({ sweepId });
      if (next.done || !next.runId || !next.config) return;
      const status = await finished(queue.add(next.config, { queuedRunId: next.runId }));
      if (status === 'cancelled') return;
    }
  } finally {
    searching.delete(sweepId);
  }
}

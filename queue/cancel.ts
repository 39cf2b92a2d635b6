// Cancelling a queued sweep: its points no agent has taken leave the BullMQ queue and their runs become 'cancelled'
// in the store. A point an agent already trains is left to finish (there is no coordinator → agent stop yet), and is
// named in the answer; a coordinator collecting the sweep settles the cancelled ones and never queues them again.
import { Queue } from 'bullmq';
import { QueueRuns } from '../db/queue-runs.ts';
import type { RunStore } from '../db/index.ts';
import { KEY_PREFIX, probe, QUEUE_NAME, redisOptions } from './connection.ts';

/** How long a cancel waits for Redis to answer before it says the URL is not reachable. */
const PROBE_MS = 5_000;

export interface QueueCancel {
  /** runs taken off the queue, now cancelled */
  cancelled: string[];
  /** runs an agent trains (or has finished, not collected yet): left to finish */
  running: string[];
}

/** States of a BullMQ job no agent holds: it can be removed. */
const WAITING = new Set(['waiting', 'prioritized', 'delayed', 'paused', 'waiting-children']);

export async function cancelQueuedPoints(
  store: RunStore,
  url: string,
  sweepId: string,
  flag = '--queue',
): Promise<QueueCancel> {
  await probe(url, flag, PROBE_MS);
  const queue = new Queue(QUEUE_NAME, { connection: redisOptions(url, flag), prefix: KEY_PREFIX });
  queue.on('error', () => {});
  try {
    const runs = new QueueRuns(store).sweepStates(sweepId);
    const cancelled: string[] = [];
    const running: string[] = runs.filter((r) => r.status === 'running').map((r) => r.id);
    for (const run of runs.filter((r) => r.status === 'queued')) {
      const job = await queue.getJob(run.id);
      const state = job ? await job.getState() : 'missing';
      // BullMQ's removeJob refuses a job an agent holds the lock of (0): that point trains on.
      if (state === 'missing' || state === 'unknown' || (WAITING.has(state) && (await queue.remove(run.id)) === 1))
        cancelled.push(run.id);
      else running.push(run.id);
    }
    store.cancelQueued(cancelled);
    return { cancelled, running };
  } finally {
    await queue.close().catch(() => {});
  }
}

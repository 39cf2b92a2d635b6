// A sweep trained by agents through a Redis queue, started from the app ("Run on agents"): the methods' inputs and
// answers, and the queue host the store side needs. api/ may not import queue/ (Node and Redis only): the app's
// two server processes (server/ for `mlpw serve`, electron/ main) give createStoreApi a QueueSweepHost built on it.
import { z } from 'zod';
import { INSIGHT_INPUTS } from './insight-schemas.ts';

const SweepId = z.string().trim().min(1).max(64);
/** redis://[:PASSWORD@]HOST[:PORT][/DB] or rediss://…; the host parses it and names any mistake */
const QueueUrl = z.string().trim().min(1).max(2000);

export const QUEUE_SWEEP_INPUTS = {
  /** a grid or random sweep (exactly one of the two, as createSweep / createSearchSweep take them), stored with its
   *  points queued and handed to the agents on `url`; nothing is stored when the URL is bad or Redis does not answer */
  startQueueSweep: z
    .strictObject({
      url: QueueUrl,
      grid: INSIGHT_INPUTS.createSweep.optional(),
      search: INSIGHT_INPUTS.createSearchSweep.optional(),
      /** a bayes search's points queued or training at once, as `mlpw sweep --queue --parallel K` (default 4) */
      inFlight: z.number().int().min(1).max(64).optional(),
    })
    .refine((q) => (q.grid === undefined) !== (q.search === undefined), {
      message: 'give grid or search, one of them',
      path: ['grid'],
    })
    .refine((q) => q.inFlight === undefined || q.search?.method === 'bayes', {
      message: 'points in flight are a bayes search’s (grid and random points are queued at once)',
      path: ['inFlight'],
    }),
  /** which of a sweep's runs wait, which agent trains each, their retries, and whether this host collects it */
  queueSweepState: z.strictObject({ sweepId: SweepId }),
  /** collect a sweep whose runs are still on the queue (its coordinator stopped); url: default the one it recorded */
  reattachQueueSweep: z.strictObject({ sweepId: SweepId, url: QueueUrl.optional() }),
  /** takes the sweep's waiting points off the queue, their runs cancelled; points an agent trains finish */
  cancelQueueSweep: z.strictObject({ sweepId: SweepId, url: QueueUrl.optional() }),
} as const;

/** One run of a queued sweep on the sweep page. */
export interface QueuedRun {
  id: string;
  status: string;
  /** the agent that trains (or trained) it; null while it waits */
  agent: string | null;
  /** attempts after the first (an agent stopped and another took the point over) */
  retries: number;
}

export interface QueueSweepState {
  sweepId: string;
  /** some of its runs were handed to a queue (owner "queue" or "agent NAME"), or it recorded a queue URL */
  onQueue: boolean;
  /** the queue's URL as recorded, password masked; null for a sweep queued by `mlpw sweep --queue` */
  url: string | null;
  /** this host's coordinator collects it now */
  collecting: boolean;
  /** why this host does not collect it (Redis not reachable, the URL has a password the store does not keep) */
  problem: string | null;
  runs: QueuedRun[];
}

export interface QueueCancelResult {
  cancelled: string[];
  /** left to finish on their agents */
  running: string[];
}

export interface QueueSweepOutputs {
  startQueueSweep: { sweepId: string; runIds: string[]; url: string };
  queueSweepState: QueueSweepState;
  reattachQueueSweep: QueueSweepState;
  cancelQueueSweep: QueueCancelResult;
}

/** One sweep point for the coordinator: the run, its stored config, its label ("optimizer.lr=0.1"). */
export interface QueuePoint {
  runId: string;
  config: unknown;
  label: string;
}

/** The coordinator as the store side sees it (server/queue-sweeps.ts implements it over queue/). */
export interface QueueSweepHost {
  /** the URL parses and Redis answers, else an error naming the URL (its password masked) */
  check(url: string): Promise<void>;
  /**
   * hands the stored points to the queue and collects them in the background; resolves once they are queued. A bayes
   * sweep has none stored: its search proposes every trial as results come back (its runs go in `experiment`).
   */
  run(url: string, sweepId: string, points: readonly QueuePoint[], experiment?: string): Promise<void>;
  reattach(sweepId: string, url: string | undefined): Promise<void>;
  cancel(sweepId: string, url: string | undefined): Promise<QueueCancelResult>;
  /** collecting now, or why not (null: no problem known) */
  status(sweepId: string): { collecting: boolean; problem: string | null; url: string | null };
}

// The app's coordinator of sweeps trained by agents: "Run on agents" hands a stored sweep's points to the Redis queue
// and collects the agents' events into the store in this process (`mlpw serve`, Electron's main), in the background,
// with queue/'s coordinator — the one `mlpw sweep --queue` runs. It is stateless: on start, and on Reattach, it
// collects any sweep whose runs are still queued or running on a queue (the store says which, and the URL it recorded).
import type { QueueCancelResult, QueuePoint, QueueSweepHost } from '../api/queue-sweep-api.ts';
import { ApiError } from '../api/errors.ts';
import { QueueRuns } from '../db/queue-runs.ts';
import type { RunStore } from '../db/run-store.ts';
import type { ExperimentConfig } from '../engine/config.ts';
import { cancelQueuedPoints } from '../queue/cancel.ts';
import { probe, shownUrl } from '../queue/connection.ts';
import { attachToQueue, runOnQueue } from '../queue/coordinator.ts';
import { steeredSweep, type SteeredSweep } from '../queue/steered-sweep.ts';

/** How long the app waits for Redis to answer before it says the queue URL is not reachable. */
const PROBE_MS = 5_000;
/** How long closing waits for the coordinators to let go. */
const CLOSE_WAIT_MS = 5_000;
/** How the app's messages name the URL (the CLI says --queue). */
const FLAG = 'queue URL';

interface Collecting {
  url: string;
  stop: AbortController;
  done: Promise<void>;
}

export class QueueSweeps implements QueueSweepHost {
  private readonly runs: QueueRuns;
  private readonly collecting = new Map<string, Collecting>();
  /** why a sweep is not collected (its last coordinator failed, or a reattach on start could not reach it) */
  private readonly problems = new Map<string, string>();
  /** the full URL (password included) of sweeps started or reattached in this process: never stored */
  private readonly urls = new Map<string, string>();

  constructor(private readonly store: RunStore) {
    this.runs = new QueueRuns(store);
  }

  check(url: string): Promise<void> {
    return probe(url, FLAG, PROBE_MS);
  }

  async run(url: string, sweepId: string, points: readonly QueuePoint[], experiment?: string): Promise<void> {
    this.runs.recordQueueUrl(
      points.map((p) => p.runId),
      shownUrl(url),
    );
    // Each point's trial number deals its ASHA/Hyperband bracket; the coordinator judges the rungs (queue/steered-sweep.ts).
    const trials = new Map(this.store.sweepTrials(sweepId).map((t) => [t.runId, t.trial]));
    const jobs = points.map((p) => {
      const trial = trials.get(p.runId);
      return { runId: p.runId, config: p.config as ExperimentConfig, label: p.label, ...(trial != null && { trial }) };
    });
    const { steering } = this.steered(
      url,
      steeredSweep(this.store, this.store.getSweep(sweepId), Date.now(), experiment),
    );
    this.collect(sweepId, url, (signal) =>
      runOnQueue(this.store, url, sweepId, jobs, { onDone: () => {}, signal }, steering),
    );
  }

  async reattach(sweepId: string, url: string | undefined): Promise<void> {
    if (this.collecting.has(sweepId)) return;
    const chosen = this.urlOf(sweepId, url);
    await probe(chosen, FLAG, PROBE_MS);
    const sweep = this.store.getSweep(sweepId);
    // As `mlpw sweep --attach`: the same steering, rebuilt from the store's records, its budget from the creation.
    const { steering } = this.steered(chosen, steeredSweep(this.store, sweep, sweep.createdAt));
    this.collect(sweepId, chosen, (signal) =>
      attachToQueue(this.store, chosen, sweepId, { onDone: () => {}, signal }, steering).then(
        ({ outcomes }) => outcomes,
      ),
    );
  }

  async cancel(sweepId: string, url: string | undefined): Promise<QueueCancelResult> {
    return cancelQueuedPoints(this.store, this.urlOf(sweepId, url), sweepId, FLAG);
  }

  status(sweepId: string): { collecting: boolean; problem: string | null; url: string | null } {
    const url = this.urls.get(sweepId);
    return {
      collecting: this.collecting.has(sweepId),
      problem: this.problems.get(sweepId) ?? null,
      url: url === undefined ? null : shownUrl(url),
    };
  }

  /** On start: collect every sweep still on a queue whose recorded URL has no password (one is never stored). */
  async reattachAll(): Promise<void> {
    for (const sweepId of this.runs.openSweeps()) {
      const url = this.runs.queueUrl(sweepId);
      if (url === null) continue; // queued by `mlpw sweep --queue`: its coordinator, or --attach, collects it
      try {
        await this.reattach(sweepId, url.includes(':***@') ? undefined : url);
      } catch (e) {
        this.problems.set(sweepId, (e as Error).message);
      }
    }
  }

  /** Stops collecting (the points stay on the queue and in the store), waiting for each coordinator to let go. */
  async close(): Promise<void> {
    const all = [...this.collecting.values()];
    for (const c of all) c.stop.abort();
    // A coordinator still waiting for a Redis that went away hears no abort: the server closes without it.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
    await Promise.race([Promise.all(all.map((c) => c.done)), late]);
    clearTimeout(timer);
  }

  /** The URL to use for a sweep: the one given, else the one this process used, else the recorded one (no password). */
  private urlOf(sweepId: string, given: string | undefined): string {
    const url = given ?? this.urls.get(sweepId) ?? this.runs.queueUrl(sweepId);
    if (url === undefined || url === null)
      throw new ApiError('invalid_argument', `sweep ${sweepId}: give its queue URL (none is recorded)`, 'url');
    if (given === undefined && url.includes(':***@') && !this.urls.has(sweepId))
      throw new ApiError(
        'invalid_argument',
        `sweep ${sweepId}: its queue ${url} has a password, which the store does not keep: give the URL`,
        'url',
      );
    return url;
  }

  /** A bayes search's runs, proposed as results come back, record the queue URL as the first points did. */
  private steered(url: string, steered: SteeredSweep): SteeredSweep {
    const next = steered.steering.next;
    if (!next) return steered;
    const recording = (outcome: Parameters<typeof next>[0], open: number) => {
      const jobs = next(outcome, open);
      if (jobs.length > 0)
        this.runs.recordQueueUrl(
          jobs.map((j) => j.runId),
          shownUrl(url),
        );
      return jobs;
    };
    return { ...steered, steering: { ...steered.steering, next: recording } };
  }

  private collect(sweepId: string, url: string, work: (signal: AbortSignal) => Promise<unknown>): void {
    const stop = new AbortController();
    this.urls.set(sweepId, url);
    this.problems.delete(sweepId);
    const done = work(stop.signal).then(
      () => {},
      (e: Error) => {
        this.problems.set(sweepId, `${FLAG} ${shownUrl(url)}: ${e.message}`);
      },
    );
    const entry = { url, stop, done: done.finally(() => this.collecting.delete(sweepId)) };
    this.collecting.set(sweepId, entry);
  }
}

// The coordinator of `mlpw sweep --queue URL`: puts a sweep's points on the BullMQ queue (one job per run, the job id
// is the run id), then reads the sweep's event stream and writes every agent's events into the local store, which
// stays the single record. It holds no state of its own: stopped and started again (`--attach`), it reads the stream
// from its start and the store says what is already there.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunStore } from '../db/index.ts';
import type { ExperimentConfig } from '../engine/config.ts';
import type { EpochMetrics } from '../engine/types.ts';
import type { SweepJob, SweepOutcome } from './sweep-job.ts';
import { connect, keys, KEY_PREFIX, QUEUE_NAME, redisOptions, whenReachable } from './connection.ts';
import { putDataset } from './dataset-transfer.ts';
import { EventApplier } from './event-applier.ts';
import { parseEntry, type QueueJob } from './messages.ts';

/** How often the coordinator asks the queue about jobs it has not heard from, and beats for the sweep's runs. */
const CHECK_EVERY_MS = 2_000;
/** Events read per XREAD; one epoch is one entry of about 300 bytes (more with layer stats or a checkpoint). */
const READ_COUNT = 1_000;
/** A finished job is kept a day for `--attach`, then BullMQ drops it. */
const KEEP_JOB_S = 24 * 3600;
/** An imported dataset's snapshot stays in Redis a week after its last sweep. */
const KEEP_DATASET_S = 7 * 24 * 3600;

export interface QueueHandlers {
  onDone(outcome: SweepOutcome, finished: number): void;
  /** a point started on an agent (retry > 0: a later attempt, the earlier one's epochs dropped) */
  onStarted?(job: SweepJob, agent: string, retry: number): void;
  /** an entry or a job the coordinator could not use, said once; the sweep goes on */
  onWarning?(message: string): void;
  /** stops collecting (the app's server closing): the points stay queued or running, in Redis and the store */
  signal?: AbortSignal;
  /** points the time budget took off the queue before any agent started them (their runs are cancelled) */
  onExpired?(jobs: readonly SweepJob[]): void;
}

/** A sweep steered from the coordinator while agents train it (queue/search-on-queue.ts, queue/asha-on-queue.ts). */
export interface QueueSteering {
  /** more points to queue: once before the first result (outcome null), then after each; `open` are still out */
  next?(outcome: SweepOutcome | null, open: number): readonly SweepJob[];
  /** the epochs after which the job's agent waits for a rung decision (ASHA); none: it trains straight through */
  rungsOf?(job: SweepJob): readonly number[];
  /** an epoch of a job is in the store (a rung's decision is made and sent here) */
  onEpoch?(job: SweepJob, metrics: EpochMetrics, redis: Redis): Promise<void>;
  /** before collecting, with the unfinished points (a reattached coordinator answers rungs it had not answered) */
  onCollect?(jobs: readonly SweepJob[], redis: Redis): Promise<void>;
  /** Date.now() after which no point is queued or started: the waiting ones leave the queue, their runs cancelled */
  deadline?: number | null;
}

/** Queues a new sweep's points and collects them; returns when every point has finished, failed or been given up. */
export async function runOnQueue(
  store: RunStore,
  url: string,
  sweepId: string,
  jobs: readonly SweepJob[],
  handlers: QueueHandlers,
  steering: QueueSteering = {},
): Promise<SweepOutcome[]> {
  const session = new QueueSession(store, url, sweepId, steering);
  try {
    await whenReachable(session.redis, url);
    session.applier.queueRuns.handOver(jobs.map((j) => j.runId));
    await session.enqueue(jobs);
    return await session.collect(jobs, handlers);
  } finally {
    await session.close();
  }
}

/** Reattaches to a sweep queued earlier (its coordinator stopped or was killed): collects what is left of it. */
export async function attachToQueue(
  store: RunStore,
  url: string,
  sweepId: string,
  handlers: QueueHandlers,
  steering: QueueSteering = {},
): Promise<{ outcomes: SweepOutcome[]; alreadyDone: number }> {
  const session = new QueueSession(store, url, sweepId, steering);
  try {
    await whenReachable(session.redis, url);
    const ids = session.applier.queueRuns.sweepRunIds(sweepId);
    const open = ids.filter((id) => !session.applier.isDone(id));
    const trials = new Map(store.sweepTrials(sweepId).map((t) => [t.runId, t.trial]));
    const jobs = await Promise.all(
      open.map(async (runId) => ({
        runId,
        config: store.getRun(runId).config as ExperimentConfig,
        label: await session.labelOf(runId),
        ...(trials.get(runId) != null ? { trial: trials.get(runId)! } : {}),
      })),
    );
    return { outcomes: await session.collect(jobs, handlers), alreadyDone: ids.length - open.length };
  } finally {
    await session.close();
  }
}

/** A BLOCK of at least 1 ms (0 would block forever) and at most a check's interval. */
const clampMs = (ms: number) => Math.max(1, Math.min(CHECK_EVERY_MS, Math.ceil(ms)));

/** The smallest stream id after `id` ("ms-seq"): XTRIM MINID keeps entries from it on. */
function afterId(id: string): string {
  const [ms, seq] = id.split('-');
  return `${ms}-${Number(seq) + 1}`;
}

class QueueSession {
  readonly applier: EventApplier;
  readonly redis: Redis;
  /** XREAD BLOCK holds its connection: a second one, so job checks are never stuck behind it */
  private readonly reader: Redis;
  private readonly queue: Queue;
  private readonly stream: string;

  constructor(
    private readonly store: RunStore,
    url: string,
    private readonly sweepId: string,
    private readonly steering: QueueSteering = {},
  ) {
    const options = redisOptions(url);
    this.applier = new EventApplier(store);
    this.redis = connect(options);
    this.reader = connect(options);
    this.queue = new Queue(QUEUE_NAME, { connection: options, prefix: KEY_PREFIX });
    this.queue.on('error', () => {}); // reconnects by itself; a Redis restart is not the sweep's failure
    this.stream = keys.events(sweepId);
  }

  /** The point's label as queued ("optimizer.lr=0.1"), or '' where the queue has no job for the run any more. */
  async labelOf(runId: string): Promise<string> {
    const job = await this.queue.getJob(runId);
    const label = (job?.data as { label?: unknown } | undefined)?.label;
    return typeof label === 'string' ? label : '';
  }

  /** A job's data: the stored config, and an imported dataset by the hash of the snapshot put in Redis. */
  private async jobData(job: SweepJob): Promise<QueueJob> {
    let datasetHash: string | undefined;
    if (job.config.dataset.source === 'imported') {
      const snap = this.store.datasets.snapshotFor(job.config.dataset.name);
      if (!snap) throw new Error(`run ${job.runId}: dataset "${job.config.dataset.name}" is not in ${this.store.path}`);
      datasetHash = snap.hash;
      this.store.datasets.recordRunDataset(job.runId, snap.hash);
      await putDataset(this.redis, snap.hash, snap.dataset);
      await this.redis.expire(keys.dataset(snap.hash), KEEP_DATASET_S);
    }
    const rungs = this.steering.rungsOf?.(job) ?? [];
    return {
      sweepId: this.sweepId,
      runId: job.runId,
      label: job.label,
      config: job.config,
      ...(datasetHash ? { datasetHash } : {}),
      ...(rungs.length > 0 ? { rungs: [...rungs] } : {}),
    };
  }

  async enqueue(jobs: readonly SweepJob[]): Promise<void> {
    await this.removeStale(jobs);
    const bulk = [];
    for (const job of jobs)
      bulk.push({
        name: 'point',
        data: await this.jobData(job),
        opts: {
          jobId: job.runId,
          // A failure on an agent is the point's (a config, the engine): not retried. A dead agent's job is retried
          // by BullMQ's stalled-job check, bounded by the agents' maxStalledCount.
          attempts: 1,
          removeOnComplete: { age: KEEP_JOB_S },
          removeOnFail: { age: KEEP_JOB_S },
        },
      });
    await this.queue.addBulk(bulk);
  }

  /**
   * A point queued again keeps its run id, its job id: BullMQ adds nothing under an id it still keeps (an agent took
   * the job just as it was cancelled, and it completed or failed there), and the coordinator would wait forever. Such
   * a finished job of a run the store holds as still to train is stale: it leaves the queue before the point is added.
   */
  private async removeStale(jobs: readonly SweepJob[]): Promise<void> {
    const states = await Promise.all(jobs.map((j) => this.queue.getJobState(j.runId)));
    for (let i = 0; i < jobs.length; i++) {
      const runId = jobs[i]!.runId;
      const status = this.applier.queueRuns.state(runId)?.status;
      if ((states[i] === 'completed' || states[i] === 'failed') && (status === 'queued' || status === 'running'))
        if ((await this.queue.remove(runId)) !== 1)
          throw new Error(`run ${runId}: its finished job in the queue could not be removed to queue the point again`);
    }
  }

  async collect(jobs: readonly SweepJob[], handlers: QueueHandlers): Promise<SweepOutcome[]> {
    const byId = new Map(jobs.map((j) => [j.runId, j]));
    const pending = new Set(jobs.map((j) => j.runId).filter((id) => !this.applier.isDone(id)));
    const outcomes: SweepOutcome[] = [];
    const warned = new Set<string>();
    const warn = (key: string, message: string) => {
      if (!warned.has(key)) handlers.onWarning?.(message);
      warned.add(key);
    };
    let cursor = '0-0';
    const { steering } = this;
    const deadline = steering.deadline ?? null;
    const due = () => deadline !== null && Date.now() >= deadline;
    // Points a steered sweep adds as results come back (proposed in settle, queued after the batch that settled them).
    const more: SweepJob[] = [];
    const add = async () => {
      const jobs = more.splice(0);
      if (jobs.length === 0) return;
      for (const j of jobs) {
        byId.set(j.runId, j);
        pending.add(j.runId);
      }
      this.applier.queueRuns.handOver(jobs.map((j) => j.runId));
      await this.enqueue(jobs);
    };
    const settle = (runId: string, outcome: Omit<SweepOutcome, 'job'>) => {
      if (!pending.delete(runId)) return;
      const full = { job: byId.get(runId)!, ...outcome };
      outcomes.push(full);
      handlers.onDone(full, outcomes.length);
      if (steering.next && !due()) more.push(...steering.next(full, pending.size + more.length));
    };
    // An abort ends a blocking XREAD at once (its connection closes); the loop below then returns what it has.
    handlers.signal?.addEventListener('abort', () => this.reader.disconnect(), { once: true });
    const stopped = () => handlers.signal?.aborted === true;
    const read = async (block: boolean): Promise<number> => {
      const args: (string | number)[] = ['COUNT', READ_COUNT];
      // A time budget ends on time: the read waits no longer than until it.
      if (block) args.push('BLOCK', deadline === null || expired ? CHECK_EVERY_MS : clampMs(deadline - Date.now()));
      const res = (await this.reader.xread(...(args as ['COUNT', number]), 'STREAMS', this.stream, cursor)) as
        [string, [string, string[]][]][] | null;
      let n = 0;
      // (a steered sweep's epochs are answered in order: a rung's decision before the next entry is applied)
      for (const [, entries] of res ?? [])
        for (const [id, fields] of entries) {
          cursor = id;
          n++;
          let entry;
          try {
            entry = parseEntry(id, fields);
          } catch (e) {
            warn(id, `skipped ${(e as Error).message}`);
            continue;
          }
          const job = byId.get(entry.runId);
          if (!job) continue; // a run of this sweep finished before --attach
          const applied = this.applier.apply(entry);
          if (applied.kind === 'started') handlers.onStarted?.(job, applied.agent, applied.retry);
          else if (applied.kind === 'epoch' && entry.event.type === 'epoch')
            await steering.onEpoch?.(job, entry.event.metrics, this.redis);
          else if (applied.kind === 'finished')
            settle(entry.runId, { summary: applied.summary, error: applied.summary.error ?? null });
          else if (applied.kind === 'failed') settle(entry.runId, { summary: null, error: applied.error });
        }
      // What the store holds (committed, synchronously) leaves Redis: the stream stays as long as the unread tail,
      // not the whole sweep, and a restarted coordinator replays only what it had not written.
      if (n > 0) await this.redis.xtrim(this.stream, 'MINID', afterId(cursor));
      await add();
      return n;
    };
    /** Jobs BullMQ failed without an agent's event (stalled too often) fail their runs; a lost job is queued again. */
    const check = async () => {
      this.applier.queueRuns.beat(this.sweepId);
      // A point cancelled meanwhile (the app's Cancel, mlpw sweep --cancel) left the queue: settled, never queued again.
      for (const id of [...pending])
        if (this.applier.isDoneInStore(id)) settle(id, { summary: null, error: 'cancelled' });
      const ids = [...pending];
      const found = await Promise.all(ids.map((id) => this.queue.getJob(id)));
      const states = await Promise.all(found.map((j) => (j ? j.getState() : Promise.resolve('missing'))));
      const lost: SweepJob[] = [];
      const stale: SweepJob[] = [];
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (states[i] === 'failed') {
          while ((await read(false)) > 0); // its agent's own reason, when it sent one, comes first
          if (pending.has(id) && this.applier.failFromQueue(id, `queue: ${found[i]!.failedReason}`))
            settle(id, { summary: null, error: found[i]!.failedReason });
        } else if (states[i] === 'missing') lost.push(byId.get(id)!);
        else if (states[i] === 'completed') stale.push(byId.get(id)!);
      }
      if (lost.length > 0 || stale.length > 0) {
        while ((await read(false)) > 0);
        // An agent sends 'started' before it completes a job: completed, yet never started in the store, it is stale.
        for (const j of stale)
          if (pending.has(j.runId) && this.applier.queueRuns.state(j.runId)?.status === 'queued') lost.push(j);
        const still = lost.filter((j) => pending.has(j.runId));
        if (still.length > 0) {
          warn(
            `lost:${still.map((j) => j.runId).join()}`,
            `${still.length} point(s) not in the queue any more: queued again`,
          );
          await this.enqueue(still);
        }
      }
    };
    /** The time budget is over: points no agent has started leave the queue (one that is active stays: it finishes). */
    const expire = async () => {
      const ids = [...pending];
      const found = await Promise.all(ids.map((id) => this.queue.getJob(id)));
      const states = await Promise.all(found.map((j) => (j ? j.getState() : Promise.resolve('missing'))));
      const removed: string[] = [];
      for (let i = 0; i < ids.length; i++)
        if (['waiting', 'prioritized', 'delayed', 'paused', 'missing'].includes(states[i]!)) {
          // BullMQ's removeJob refuses a job an agent holds the lock of: 0, and that point trains on.
          if (states[i] === 'missing' || (await this.queue.remove(ids[i]!)) === 1) removed.push(ids[i]!);
        }
      while ((await read(false)) > 0); // a point that started meanwhile is heard of first
      const gone = removed.filter((id) => pending.has(id) && this.applier.queueRuns.state(id)?.status === 'queued');
      this.store.cancelQueued(gone);
      for (const id of gone) pending.delete(id);
      if (gone.length > 0) handlers.onExpired?.(gone.map((id) => byId.get(id)!));
    };
    await steering.onCollect?.(jobs, this.redis);
    if (steering.next && !due()) more.push(...steering.next(null, pending.size));
    await add();
    let expired = false;
    let lastCheck = 0;
    while (pending.size > 0) {
      if (!expired && due()) {
        expired = true;
        await expire();
        if (pending.size === 0) break;
      }
      let n;
      try {
        n = await read(true);
      } catch (e) {
        if (stopped()) break;
        throw e;
      }
      if (stopped()) break;
      if (n === 0 || Date.now() - lastCheck >= CHECK_EVERY_MS) {
        await check();
        lastCheck = Date.now();
      }
    }
    // Every point is in the store now: the sweep's events are of no further use.
    if (pending.size === 0) await this.redis.del(this.stream);
    return outcomes;
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => {});
    this.reader.disconnect();
    this.redis.disconnect();
  }
}

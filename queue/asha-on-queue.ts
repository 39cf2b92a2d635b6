// ASHA / Hyperband on agents. The agent trains a judged trial through the run gate one epoch at a time, as the local
// sweep does (engine/experiment/asha-trial.ts), and at each rung of the trial's bracket it waits for a decision key
// in Redis. The coordinator writes that key when the rung's epoch reaches its store: it judges the value with the
// sweep's AshaPruner in the order epochs arrive, records the decision ('sweep-rung' artifact, in judgment order) and
// SETs "stop" or "go". The gate never changes the numbers, so a stopped trial's curve is the prefix of the same config
// trained to the end; a retried attempt reaching a rung again gets the decision already made, never a second judgment.
import type { Redis } from 'ioredis';
import type { RunStore } from '../db/index.ts';
import { AshaPruner, metricOf, type PrunerSpec, type RungDecision } from '../engine/experiment/asha.ts';
import type { EngineRun, RunHandlers } from '../engine/worker/client.ts';
import type { EpochMetrics } from '../engine/types.ts';
import { keys } from './connection.ts';
import type { SweepJob } from './sweep-job.ts';

/** One per judgment, in the order the coordinator made them: details = the RungDecision. */
export const RUNG_ARTIFACT = 'sweep-rung';
/** A decision key outlives any wait at its rung: a day, as finished jobs are kept. */
const KEEP_DECISION_S = 24 * 3600;
/** A waiting agent reads its decision key (one GET) after 5 ms, then backs off to every 200 ms (a detached coordinator). */
const POLL_FIRST_MS = 5;
const POLL_MAX_MS = 200;

export type RungVerdict = 'stop' | 'go';

/** The coordinator's side: the sweep's pruner, fed in arrival order, and every decision made so far. */
export class QueuedRungs {
  private readonly decided = new Map<string, RungDecision>();
  private readonly stopped = new Map<string, RungDecision>();

  private constructor(
    private readonly store: RunStore,
    private readonly sweepId: string,
    readonly pruner: AshaPruner,
  ) {}

  /** The sweep's pruner with the decisions recorded so far (none for a new sweep) replayed in the order they were made. */
  static replayed(store: RunStore, sweepId: string, spec: PrunerSpec): QueuedRungs {
    const rungs = new QueuedRungs(store, sweepId, new AshaPruner(spec));
    const made: { id: number; runId: string; d: RungDecision }[] = [];
    for (const t of store.sweepTrials(sweepId))
      for (const a of store.listArtifacts(t.runId))
        if (a.kind === RUNG_ARTIFACT) made.push({ id: Number(a.id), runId: t.runId, d: a.details as RungDecision });
    made.sort((a, b) => a.id - b.id);
    for (const { runId, d } of made) {
      rungs.pruner.record(d.trial, d.epoch, d.value);
      rungs.decided.set(`${runId}:${d.epoch}`, d);
      if (d.stop) rungs.stopped.set(runId, d);
    }
    return rungs;
  }

  /** The epochs at which the job's agent waits for a decision (none: a Hyperband bracket without rungs). */
  rungsOf(job: SweepJob): number[] {
    return job.trial === undefined ? [] : this.pruner.rungsOf(job.trial);
  }

  /** The pruner stopped this run at a rung. */
  stoppedAt(runId: string): RungDecision | undefined {
    return this.stopped.get(runId);
  }

  /** An epoch of the job is in the store: at a rung, judge it (once per run and rung) and tell the agent. */
  async onEpoch(redis: Redis, job: SweepJob, m: EpochMetrics): Promise<void> {
    if (!this.rungsOf(job).includes(m.epoch)) return;
    const key = `${job.runId}:${m.epoch}`;
    let d = this.decided.get(key);
    if (!d) {
      d = this.pruner.report(job.trial!, m.epoch, metricOf(this.pruner.spec.metric, m))!;
      const made = d;
      this.store.db.transaction(() => {
        this.store.addArtifact(job.runId, { kind: RUNG_ARTIFACT, path: '', details: made });
        if (made.stop) this.store.recordStoppedRung(job.runId, made.rung);
      })();
      this.decided.set(key, d);
      if (d.stop) this.stopped.set(job.runId, d);
    }
    await this.tell(redis, job.runId, d);
  }

  /** Every decision for the given runs SET again: a coordinator killed between recording one and sending it. */
  async resend(redis: Redis, runIds: readonly string[]): Promise<void> {
    const open = new Set(runIds);
    for (const [key, d] of this.decided) {
      const runId = key.slice(0, key.lastIndexOf(':'));
      if (open.has(runId)) await this.tell(redis, runId, d);
    }
  }

  /** Open runs whose last stored epoch is a rung not yet judged (the coordinator died before judging it). */
  unjudged(jobs: readonly SweepJob[]): { job: SweepJob; epoch: EpochMetrics }[] {
    const out: { job: SweepJob; epoch: EpochMetrics }[] = [];
    for (const job of jobs) {
      const last = this.store.getEpochs(job.runId).at(-1);
      if (last && this.rungsOf(job).includes(last.epoch) && !this.decided.has(`${job.runId}:${last.epoch}`))
        out.push({ job, epoch: last });
    }
    return out;
  }

  private async tell(redis: Redis, runId: string, d: RungDecision): Promise<void> {
    const verdict: RungVerdict = d.stop ? 'stop' : 'go';
    await redis.set(keys.rung(this.sweepId, runId, d.epoch), verdict, 'EX', KEEP_DECISION_S);
  }
}

/** The agent's side: waits for the coordinator's decision at a rung (a detached coordinator: until --attach). */
export async function awaitVerdict(
  redis: Redis,
  sweepId: string,
  runId: string,
  epoch: number,
  gone: () => boolean,
): Promise<RungVerdict | null> {
  const key = keys.rung(sweepId, runId, epoch);
  for (let wait = POLL_FIRST_MS; !gone(); wait = Math.min(POLL_MAX_MS, wait * 2)) {
    const v = await redis.get(key);
    if (v === 'stop' || v === 'go') return v;
    await new Promise((r) => setTimeout(r, wait));
  }
  return null;
}

/**
 * Handlers for a trial started paused: each paused position is an epoch boundary; right after a rung's epoch the
 * trial waits for `verdict`, then is stepped one more epoch or cancelled, finishing completed and stopped early.
 * The same gate as judgedTrialHandlers, with the judgment made elsewhere. `epochsPerSecond` paces the steps: the
 * engine's gate paces only a playing run, and a stepped one would otherwise ignore the agent's --epochs-per-second.
 */
export function gatedTrialHandlers(
  rungs: readonly number[],
  handlers: RunHandlers,
  run: () => Pick<EngineRun, 'cancel' | 'step'>,
  verdict: (epoch: number) => Promise<RungVerdict | null>,
  epochsPerSecond: number | null = null,
): RunHandlers {
  const at = new Set(rungs);
  let last: EpochMetrics | null = null;
  let stopped = false;
  let lastStepAt = -Infinity;
  /** The next epoch starts no sooner than 1/pace after the one before it started, as a playing run's gate paces it. */
  const paced = async () => {
    const due = epochsPerSecond === null ? 0 : lastStepAt + 1000 / epochsPerSecond - performance.now();
    if (due > 0) await new Promise((r) => setTimeout(r, due));
    lastStepAt = performance.now();
  };
  return {
    ...handlers,
    onEpoch: (m) => {
      last = m;
      return handlers.onEpoch?.(m);
    },
    onPaused: async (pos) => {
      if (stopped) return;
      if (pos.batch === 0 && last && at.has(pos.epoch) && last.epoch === pos.epoch) {
        const v = await verdict(pos.epoch);
        if (v !== 'go') {
          stopped = v === 'stop';
          return run().cancel();
        }
      }
      await paced();
      run().step('epoch');
    },
    onFinished: (summary) =>
      handlers.onFinished?.(
        stopped && summary.status === 'cancelled' ? { ...summary, status: 'completed', stoppedEarly: true } : summary,
      ),
  };
}

// `mlpw sweep … --queue URL` and `mlpw sweep --attach SWEEP --queue URL`: the sweep command's flags and output for a
// sweep trained by agents. sweep.ts plans and stores the points as for a local sweep and hands them over here.
import type { Options } from '../args.ts';
import type { CommandContext } from '../command.ts';
import { UsageError } from '../errors.ts';
import { fmt } from '../format.ts';
import type { RunStore } from '../../db/index.ts';
import { keepAlive } from '../../db/index.ts';
import { withStore } from '../store-path.ts';
import type { SweepJob, SweepOutcome } from '../../queue/sweep-job.ts';
import { redisOptions, shownUrl } from '../../queue/connection.ts';
import { attachToQueue, runOnQueue, type QueueHandlers } from '../../queue/coordinator.ts';
import { steeredSweep, type SteeredSweep } from '../../queue/steered-sweep.ts';
import { cancelQueuedPoints } from '../../queue/cancel.ts';

export const QUEUE_FLAGS = {
  queue: { type: 'string' },
  attach: { type: 'string' },
  cancel: { type: 'string' },
} as const satisfies Options;

export const QUEUE_USAGE = `mlpw sweep … --queue redis://[:PASSWORD@]HOST[:PORT]   the points are trained by mlpw agent on other machines
mlpw sweep --attach SWEEP --queue URL [--db FILE]   collect a queued sweep again (its coordinator was stopped)
mlpw sweep --cancel SWEEP --queue URL [--db FILE] [--json]   take its waiting points off the queue, their runs
  cancelled; a point an agent already trains finishes (a coordinator collecting the sweep records it, then stops)
  With --queue, grid and random queue every point at once. bayes keeps --parallel K points in flight (default 4)
  and proposes the next as each result comes back; the proposals follow from the sweep seed and the order results
  arrive, which the store records, so --attach goes on with the proposals an unbroken coordinator would make (with
  K = 1 they are those of a local --parallel 1 sweep). --early-stop: each agent trains a trial epoch by epoch and
  waits at each rung for this process's decision (judged in the order rung values arrive; a trial waits at a rung
  while no coordinator runs, until --attach). --time-budget: nothing is queued after it, and points no agent has
  started leave the queue (cancelled); a reattached sweep's budget counts from its creation.
mlpw sweep --resume SWEEP --queue URL [--time-budget D] [--parallel K]   a sweep cut by its budget, a cancel or a
  killed coordinator whose points were cancelled goes on on agents: its cancelled points are queued again and a
  bayes search proposes the rest from its recorded proposals and arrival order, as an unbroken sweep would
  (--parallel: bayes only; --time-budget counts from now). Proposals made here are recorded the same way, so local
  and queued resumes mix. A sweep with points still on the queue is collected with --attach.`;

/** --queue with a local-only option is a usage error before anything is stored; a bad URL too. */
export function checkQueueFlags(values: {
  queue?: string;
  attach?: string;
  cancel?: string;
  method?: string;
  parallel?: string;
  resume?: string;
}): void {
  if (values.attach !== undefined && !values.queue) throw new UsageError('--attach needs --queue URL');
  if (values.cancel !== undefined && !values.queue) throw new UsageError('--cancel needs --queue URL');
  if (!values.queue) return;
  redisOptions(values.queue);
  if (values.cancel !== undefined) {
    const allowed = new Set(['cancel', 'queue', 'db', 'json', 'quiet']);
    const other = Object.keys(values).find((k) => !allowed.has(k));
    if (other)
      throw new UsageError(
        `--cancel takes a stored sweep: --${other} cannot be given (only --queue, --json, --quiet, --db)`,
      );
  }
  if (values.attach !== undefined) {
    // The sweep is collected as it was stored: its search, pruner, budget and points in flight.
    const allowed = new Set(['attach', 'queue', 'db', 'json', 'quiet']);
    const other = Object.keys(values).find((k) => !allowed.has(k));
    if (other)
      throw new UsageError(
        `--attach takes the sweep as it was stored: --${other} cannot be given (only --queue, --json, --quiet, --db)`,
      );
  }
  // (a resumed sweep's method is the stored one: sweep.ts checks its --parallel once it has read it)
  if (values.parallel !== undefined && values.method !== 'bayes' && values.resume === undefined)
    throw new UsageError(
      `--queue: --parallel ${values.parallel} is the points in flight of a --method bayes search; a ${values.method ?? 'grid'} sweep queues every point at once (each agent's --concurrency sets how many it trains)`,
    );
}

/** An outcome line as sweep.ts prints it: [done/total], the run, its point, status, best val_loss. */
export type OutcomeLine = (o: SweepOutcome, done: number, total: number) => string;

function handlers(
  ctx: CommandContext,
  quiet: boolean,
  done: number,
  total: number,
  line: OutcomeLine,
  steered: SteeredSweep,
): QueueHandlers {
  const out = (s: string) => {
    if (!quiet) ctx.stdout.write(s + '\n');
  };
  return {
    onDone: (o, n) => out(line(steered.withStop(o), done + n, total)),
    onExpired: (jobs) =>
      out(`time budget reached: ${jobs.length} point(s) no agent had started taken off the queue (cancelled)`),
    onStarted: (job, agent, retry) =>
      out(
        `  ${job.runId} running on ${agent}${retry > 0 ? ` (retry ${retry}: its earlier attempt's agent stopped)` : ''}`,
      ),
    onWarning: (m) => ctx.stderr.write(`mlpw sweep: ${m}\n`),
  };
}

/** A planned sweep's points on the queue; returns when each has an outcome. */
export async function runQueuedSweep(
  store: RunStore,
  url: string,
  sweepId: string,
  jobs: readonly SweepJob[],
  ctx: CommandContext,
  opts: {
    quiet: boolean;
    line: OutcomeLine;
    experiment?: string;
    /** a resumed sweep: its trials kept from before, its size, and this run's points in flight and budget */
    kept?: number;
    size?: number;
    parallel?: number;
    timeBudgetMs?: number | null;
  },
): Promise<SweepOutcome[]> {
  const stored = store.getSweep(sweepId);
  // A resume's --parallel and --time-budget steer this run only; the stored sweep keeps its own.
  const sweep = {
    ...stored,
    parallel: opts.parallel ?? stored.parallel,
    timeBudgetMs: opts.timeBudgetMs === undefined ? stored.timeBudgetMs : opts.timeBudgetMs,
  };
  const steered = steeredSweep(store, sweep, Date.now(), opts.experiment);
  const kept = opts.kept ?? 0;
  const total = opts.size ?? (sweep.method === 'bayes' ? (sweep.trials ?? sweep.size) : jobs.length);
  if (!opts.quiet)
    ctx.stdout.write(
      sweep.method === 'bayes'
        ? `sweep ${sweepId}: ${total} trials proposed as results come back, ${Math.min(total, sweep.parallel)} in flight on ${shownUrl(url)} for mlpw agent\n`
        : `sweep ${sweepId}: ${jobs.length} points queued on ${shownUrl(url)} for mlpw agent\n`,
    );
  const stop = keepAlive(store);
  // Ctrl-C detaches: the agents go on, the store keeps the points queued or running, and --attach collects them.
  const onSigint = () => {
    ctx.stderr.write(
      `\ndetached from sweep ${sweepId}; the agents go on: mlpw sweep --attach ${sweepId} --queue URL\n`,
    );
    process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    const outcomes = await runOnQueue(
      store,
      url,
      sweepId,
      jobs,
      handlers(ctx, opts.quiet, kept, total, opts.line, steered),
      steered.steering,
    );
    return outcomes.map(steered.withStop);
  } finally {
    process.off('SIGINT', onSigint);
    stop();
  }
}

/** `--attach SWEEP`: the sweep's unfinished points collected from the queue and its stream, then exit 0 or 1. */
export async function attachSweep(
  values: { queue?: string; attach?: string; db?: string; quiet?: boolean; json?: boolean; [flag: string]: unknown },
  ctx: CommandContext,
  line: OutcomeLine,
): Promise<number> {
  checkQueueFlags(values);
  return withStore(values.db, ctx.env, async (store) => {
    const sweepId = store.resolveSweepId(values.attach!);
    const sweep = store.getSweep(sweepId);
    const steered = steeredSweep(store, sweep, sweep.createdAt);
    const size = sweep.method === 'bayes' ? (sweep.trials ?? sweep.size) : null;
    const quiet = values.quiet === true || values.json === true;
    const before = store.listRuns({ sweepId });
    const open = before.filter((r) => r.status === 'queued' || r.status === 'running').length;
    if (!quiet)
      ctx.stdout.write(
        `sweep ${sweepId}: collecting ${open} unfinished of ${before.length} points from ${shownUrl(values.queue!)}` +
          (size !== null && size > before.length ? `, ${size - before.length} still to propose` : '') +
          '\n',
      );
    const stop = keepAlive(store);
    let collected;
    try {
      collected = await attachToQueue(
        store,
        values.queue!,
        sweepId,
        handlers(ctx, quiet, before.length - open, size ?? before.length, line, steered),
        steered.steering,
      );
    } finally {
      stop();
    }
    const { outcomes, alreadyDone } = collected;
    const runs = store.listRuns({ sweepId, sort: 'val_loss' });
    if (values.json)
      ctx.stdout.write(
        JSON.stringify({
          sweepId,
          collected: outcomes.length,
          alreadyDone,
          runs: runs.map((r) => ({
            runId: r.id,
            status: r.status,
            bestValLoss: r.bestValLoss,
            bestEpoch: r.bestEpoch,
          })),
        }) + '\n',
      );
    else if (!quiet) {
      ctx.stdout.write(`sweep ${sweepId}: ${outcomes.length} collected now, ${alreadyDone} finished before\n`);
      const best = runs[0];
      if (best?.bestValLoss != null)
        ctx.stdout.write(`best: ${best.id} val_loss ${fmt(best.bestValLoss)} at epoch ${best.bestEpoch}\n`);
    }
    return runs.every((r) => r.status === 'completed' || r.status === 'cancelled') ? 0 : 1;
  });
}

/** `--cancel SWEEP`: its points no agent has taken leave the queue and their runs are cancelled; exit 0. */
export async function cancelSweep(
  values: { queue?: string; cancel?: string; db?: string; quiet?: boolean; json?: boolean },
  ctx: CommandContext,
): Promise<number> {
  checkQueueFlags(values);
  return withStore(values.db, ctx.env, async (store) => {
    const sweepId = store.resolveSweepId(values.cancel!);
    const { cancelled, running } = await cancelQueuedPoints(store, values.queue!, sweepId);
    if (values.json) ctx.stdout.write(JSON.stringify({ sweepId, cancelled, running }) + '\n');
    else if (!values.quiet) {
      ctx.stdout.write(
        `sweep ${sweepId}: ${cancelled.length} queued point(s) taken off ${shownUrl(values.queue!)}, runs cancelled\n`,
      );
      if (running.length > 0)
        ctx.stdout.write(`${running.length} point(s) an agent trains finish: ${running.join(' ')}\n`);
    }
    return 0;
  });
}

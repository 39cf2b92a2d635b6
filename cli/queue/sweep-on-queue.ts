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

export const QUEUE_FLAGS = {
  queue: { type: 'string' },
  attach: { type: 'string' },
} as const satisfies Options;

export const QUEUE_USAGE = `mlpw sweep … --queue redis://[:PASSWORD@]HOST[:PORT]   the points are trained by mlpw agent on other machines
mlpw sweep --attach SWEEP --queue URL [--db FILE]   collect a queued sweep again (its coordinator was stopped)`;

/** --queue with a local-only option is a usage error before anything is stored; a bad URL too. */
export function checkQueueFlags(values: {
  queue?: string;
  attach?: string;
  method?: string;
  'early-stop'?: string;
  'time-budget'?: string;
}): void {
  if (values.attach !== undefined && !values.queue) throw new UsageError('--attach needs --queue URL');
  if (!values.queue) return;
  redisOptions(values.queue);
  for (const flag of ['early-stop', 'time-budget'] as const)
    if (values[flag] !== undefined)
      throw new UsageError(`--queue: --${flag} stops trials from this process, which a queued sweep cannot yet do`);
  if (values.method === 'bayes')
    throw new UsageError('--queue: --method bayes proposes each point from finished runs; use grid or random');
}

/** An outcome line as sweep.ts prints it: [done/total], the run, its point, status, best val_loss. */
export type OutcomeLine = (o: SweepOutcome, done: number, total: number) => string;

function handlers(ctx: CommandContext, quiet: boolean, done: number, total: number, line: OutcomeLine): QueueHandlers {
  const out = (s: string) => {
    if (!quiet) ctx.stdout.write(s + '\n');
  };
  return {
    onDone: (o, n) => out(line(o, done + n, total)),
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
  opts: { quiet: boolean; line: OutcomeLine },
): Promise<SweepOutcome[]> {
  if (!opts.quiet)
    ctx.stdout.write(`sweep ${sweepId}: ${jobs.length} points queued on ${shownUrl(url)} for mlpw agent\n`);
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
    return await runOnQueue(store, url, sweepId, jobs, handlers(ctx, opts.quiet, 0, jobs.length, opts.line));
  } finally {
    process.off('SIGINT', onSigint);
    stop();
  }
}

/** `--attach SWEEP`: the sweep's unfinished points collected from the queue and its stream, then exit 0 or 1. */
export async function attachSweep(
  values: { queue?: string; attach?: string; db?: string; quiet?: boolean; json?: boolean },
  ctx: CommandContext,
  line: OutcomeLine,
): Promise<number> {
  checkQueueFlags(values);
  return withStore(values.db, ctx.env, async (store) => {
    const sweepId = store.resolveSweepId(values.attach!);
    const quiet = values.quiet === true || values.json === true;
    const before = store.listRuns({ sweepId });
    const open = before.filter((r) => r.status === 'queued' || r.status === 'running').length;
    if (!quiet)
      ctx.stdout.write(
        `sweep ${sweepId}: collecting ${open} unfinished of ${before.length} points from ${shownUrl(values.queue!)}\n`,
      );
    const stop = keepAlive(store);
    let collected;
    try {
      collected = await attachToQueue(
        store,
        values.queue!,
        sweepId,
        handlers(ctx, quiet, before.length - open, before.length, line),
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

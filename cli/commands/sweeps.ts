// `mlpw sweeps`: the sweeps in the store with their method, space, trials and pruner; `mlpw sweeps SWEEP_ID`: one
// sweep's search and its trials in order with the best val_loss so far (the optimisation trace).
import type { SweepRecord } from '../../db/index.ts';
import type { SweepListing } from '../../db/run-store.ts';
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { fmt, fmtDuration, fmtInt, table } from '../format.ts';
import { fmtTime } from '../run-format.ts';
import { DB_FLAG, withReadOnlyStore } from '../store-path.ts';
import { prunerText } from '../../engine/experiment/index.ts';
import { labelOf, trialStates } from '../sweep/sweep-state.ts';

const USAGE = `mlpw sweeps [--json] [--db FILE]              list sweeps: method, space or grid keys, trials, pruner
       mlpw sweeps SWEEP_ID [--json] [--db FILE]     one sweep: its search, each trial, the best so far`;

/** "optimizer.lr~loguniform:0.001:0.1 batchSize~int:8:64", or a grid's keys joined by ×. */
function spaceText(s: Pick<SweepListing, 'space' | 'keys'>): string {
  return s.space ? s.space.map((p) => `${p.key}~${p.dist}`).join(' ') : s.keys.join(' × ');
}

function searchLines(s: SweepRecord): string[] {
  const keys = s.grid.map((a) => a.key);
  const lines = [
    `sweep ${s.id}  ${s.method}  created ${fmtTime(s.createdAt)}  ${s.parallel} at a time`,
    `space: ${spaceText({ space: s.space, keys })}`,
  ];
  if (s.method !== 'grid') lines.push(`trials: ${s.trials ?? s.size}  sweep seed: ${s.sweepSeed ?? '-'}`);
  else lines.push(`points: ${s.size}`);
  if (s.timeBudgetMs !== null) lines.push(`time budget: ${fmtDuration(s.timeBudgetMs)}`);
  lines.push(`early stop: ${s.pruner ? prunerText(s.pruner) : 'none'}`);
  return lines;
}

export const sweeps: Command = {
  name: 'sweeps',
  summary: "list sweeps (method, space, trials, pruner); one sweep's trials and best so far",
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, { ...DB_FLAG, json: { type: 'boolean' } });
    if (positionals.length > 1) throw new UsageError(`sweeps takes at most one sweep id (got ${positionals.length})`);
    const say = (text: string) => ctx.stdout.write(text + '\n');
    return withReadOnlyStore(values.db, ctx.env, (store) => {
      if (positionals.length === 0) {
        const list = store.listSweepsWithSearch();
        if (values.json) say(JSON.stringify(list));
        else if (list.length === 0) say(`no sweeps in ${store.path}`);
        else
          say(
            table(
              ['sweep', 'created', 'method', 'trials', 'runs', 'space', 'early stop'],
              list.map((s) => [
                s.id,
                fmtTime(s.createdAt),
                s.method,
                fmtInt(s.trials ?? s.size),
                fmtInt(s.runs),
                spaceText(s),
                s.pruner ? `${s.pruner.kind} ${s.pruner.metric} r=${s.pruner.minEpochs} η=${s.pruner.eta}` : '-',
              ]),
            ),
          );
        return 0;
      }
      const sweep = store.getSweep(positionals[0]!);
      const keys = sweep.space ? sweep.space.map((p) => p.key) : sweep.grid.map((a) => a.key);
      let best: number | null = null;
      const trials = trialStates(store.sweepTrials(sweep.id)).map((t) => {
        const v = t.run.bestValLoss;
        if (t.kept && v !== null && Number.isFinite(v) && (best === null || v < best)) best = v;
        return {
          trial: t.trial,
          runId: t.run.runId,
          point: labelOf(keys, t.run.config),
          status: t.run.status,
          epochsDone: t.run.epochsDone,
          stoppedEarly: t.run.stoppedEarly,
          stoppedRung: t.run.stoppedRung,
          bestValLoss: v,
          bestSoFar: best as number | null,
        };
      });
      if (values.json) {
        say(JSON.stringify({ sweep, trials }));
        return 0;
      }
      for (const line of searchLines(sweep)) say(line);
      say('');
      say(
        table(
          ['trial', 'run', 'point', 'status', 'epochs', 'stopped', 'best val_loss', 'best so far'],
          trials.map((t) => [
            String(t.trial),
            t.runId,
            t.point,
            t.status,
            fmtInt(t.epochsDone),
            t.stoppedRung !== null ? `rung ${t.stoppedRung}` : t.stoppedEarly ? 'early' : '-',
            fmt(t.bestValLoss),
            fmt(t.bestSoFar),
          ]),
        ),
      );
      const planned = sweep.method === 'grid' ? sweep.size : (sweep.trials ?? sweep.size);
      const done = trials.filter((t) => ['completed', 'diverged', 'failed'].includes(t.status)).length;
      if (done < planned) say(`${done} of ${planned} trials done; the rest: mlpw sweep --resume ${sweep.id}`);
      return 0;
    });
  },
};

// `mlpw sweep --grid KEY=V1,V2,… …`: one run per point of the grid over a base config, recorded as one sweep; or
// `--method random|bayes --trials N --param KEY=DIST …`: N runs proposed from a search space (seeded), the same way.
// `--early-stop asha|hyperband[:…]` stops trials at rungs (engine/experiment/asha.ts), `--time-budget` starts no trial
// after it, and `--resume SWEEP_ID` carries on a sweep whose CLI was killed, from what the store holds.
import { parseFlags, intFlag } from '../args.ts';
import type { Command, CommandContext } from '../command.ts';
import { CONFIG_FLAGS, configFromFlags } from '../config-flags.ts';
import { UsageError } from '../errors.ts';
import { fmt, fmtDuration } from '../format.ts';
import { keepAlive, type RunStore, type SweepMethod, type SweepRecord } from '../../db/index.ts';
import {
  AshaPruner,
  expandGrid,
  GridError,
  parseGridFlag,
  parseParamFlag,
  parsePrunerFlag,
  pointAt,
  PrunerError,
  prunerText,
  randomProposals,
  SearchSpaceError,
  tpePropose,
  validateSpace,
  type Assignments,
  type GridAxis,
  type GridPoint,
  type PrunerSpec,
  type SearchParam,
  type TpeTrial,
} from '../../engine/experiment/index.ts';
import type { ExperimentConfig } from '../../engine/config.ts';
import type { RunSummary } from '../../engine/types.ts';
import { Rng } from '../../engine/rng.ts';
import { runJobs, runSweep, type SweepJob, type SweepOutcome } from '../sweep/run-sweep.ts';
import {
  labelOf,
  rebuiltPruner,
  replayedRng,
  storedScore,
  trialStates,
  valuesOf,
  type TrialState,
} from '../sweep/sweep-state.ts';
import { DB_FLAG, withStore } from '../store-path.ts';
import { EXPERIMENT_FLAG } from './experiments.ts';
import { unknownDatasetError } from './train.ts';
import { findDataset } from '../../engine/data/builtin.ts';
import {
  attachSweep,
  cancelSweep,
  checkQueueFlags,
  QUEUE_FLAGS,
  QUEUE_USAGE,
  runQueuedSweep,
} from '../queue/sweep-on-queue.ts';
import {
  DEFAULT_IN_FLIGHT,
  hasRecords,
  recordedSearch,
  recordProposal,
  recordResult,
} from '../../queue/search-on-queue.ts';
import { connect, redisOptions, shownUrl, whenReachable } from '../../queue/connection.ts';

const MAX_PARALLEL = 64;
const MAX_TRIALS = 10_000;
const METHODS = ['grid', 'random', 'bayes'] as const;
type Method = (typeof METHODS)[number];

/** What a search sweep stores per --param, beside the grid's key and values (additive JSON in the sweep's grid). */
type SearchAxis = GridAxis & { search: { method: Method; dist: string; trials: number; seed: number } };

/** A proposed point over the base config; a combination the config rejects is the space's fault, named as --param. */
function searchPoint(base: ExperimentConfig, assignments: Assignments): GridPoint {
  try {
    return pointAt(base, assignments);
  } catch (e) {
    throw e instanceof GridError && !(e instanceof SearchSpaceError) ? new SearchSpaceError(e.detail, e.field) : e;
  }
}

/** The metric TPE minimises: the run's best validation loss, else its best training loss; none for a failed run. */
function trialScore(s: RunSummary | null): number | null {
  if (!s || s.status === 'failed' || s.status === 'diverged') return null;
  return s.best?.valLoss ?? s.best?.trainLoss ?? null;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90s", "10m", "1.5h", "500ms" or plain seconds, in milliseconds; "none" (a resumed sweep without its budget): null. */
export function parseDuration(text: string): number | null {
  if (text.trim() === 'none') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  const ms = m ? Number(m[1]) * UNITS[m[2] ?? 's']! : NaN;
  if (!(ms > 0) || !Number.isFinite(ms))
    throw new UsageError(`--time-budget: expected a duration such as 90s, 10m or 1h (or none), got "${text}"`);
  return Math.round(ms);
}

function outcomeLine(o: SweepOutcome, done: number, total: number): string {
  const s = o.summary;
  const parts = [
    `[${String(done).padStart(String(total).length)}/${total}]`,
    o.job.runId,
    o.job.label,
    s ? s.status : 'failed',
  ];
  if (o.stopped)
    parts.push(
      `stopped early at rung ${o.stopped.rung} (epoch ${o.stopped.epoch}: rank ${o.stopped.rank} of ${o.stopped.of}, the rung keeps ${o.stopped.keep})`,
    );
  if (s?.best?.valLoss != null) parts.push(`best val_loss ${fmt(s.best.valLoss)} @ ${s.best.epoch}`);
  if (s?.final?.valAcc != null) parts.push(`val_acc ${fmt(s.final.valAcc, 3)}`);
  if (s) parts.push(fmtDuration(s.durationMs));
  if (o.error) parts.push(`— ${o.error}`);
  return parts.join('  ');
}

/** The pruner's metric must be one the runs report. */
function checkPrunerMetric(spec: PrunerSpec, base: ExperimentConfig): void {
  if (spec.metric.startsWith('val_') && base.validationSplit === 0 && !base.crossValidation)
    throw new UsageError(`--early-stop metric=${spec.metric}: the runs have no validation split (validationSplit 0)`);
  if (spec.metric.endsWith('_acc') && findDataset(base.dataset.name)?.task === 'regression')
    throw new UsageError(`--early-stop metric=${spec.metric}: ${base.dataset.name} is a regression dataset`);
}

/** Everything a sweep needs to run its remaining trials, new or resumed. */
interface SweepPlan {
  sweepId: string;
  method: SweepMethod;
  base: ExperimentConfig;
  params: SearchParam[];
  seed: number;
  /** trials in all (kept ones included) */
  size: number;
  parallel: number;
  /** trials that run now, in trial order */
  jobs: SweepJob[];
  /** bayes: the kept trials TPE conditions on, and the rng as it stands after `proposed` proposals */
  history: (TpeTrial & { trial: number })[];
  proposed: number;
  rng: Rng;
  experiment: string | undefined;
  pruner: AshaPruner | null;
  timeBudgetMs: number | null;
  /** trials kept from before (resume) */
  kept: number;
  resumed: boolean;
}

async function execute(
  store: RunStore,
  plan: SweepPlan,
  ctx: CommandContext,
  out: { json: boolean; quiet: boolean; queue?: string },
): Promise<number> {
  const { sweepId, size, params, base } = plan;
  const jobs = [...plan.jobs];
  const quiet = out.json || out.quiet;
  const onDone = (o: SweepOutcome, done: number) => {
    // A bayes result's place in the order TPE hears results, recorded as on agents: any later resume replays it.
    if (plan.method === 'bayes' && o.job.trial !== undefined)
      recordResult(store, o.job.runId, o.job.trial, plan.history.length + done - 1);
    if (!quiet) ctx.stdout.write(outcomeLine(o, plan.kept + done, size) + '\n');
  };
  const started = Date.now();
  const deadline = plan.timeBudgetMs === null ? null : started + plan.timeBudgetMs;
  const options = { pruner: plan.pruner, deadline };
  const stopBeating = keepAlive(store);
  let outcomes: SweepOutcome[];
  try {
    // On agents the coordinator steers the sweep from its stored record: bayes proposals, ASHA rungs, the budget.
    if (out.queue)
      outcomes = await runQueuedSweep(store, out.queue, sweepId, jobs, ctx, {
        quiet,
        line: outcomeLine,
        experiment: plan.experiment,
        kept: plan.kept,
        size,
        parallel: plan.parallel,
        timeBudgetMs: plan.timeBudgetMs,
      });
    else if (plan.method !== 'bayes') outcomes = await runSweep(store, jobs, plan.parallel, onDone, options);
    else {
      // TPE sees the finished trials only; each run is recorded as it is proposed. Trials to rerun go first.
      const valuesOfRun = new Map<string, unknown[]>(jobs.map((j) => [j.runId, valuesOf(params, j.config)]));
      let next = 0;
      let proposed = plan.proposed;
      const label = (p: GridPoint) => p.assignments.map((a) => `${a.key}=${a.text}`).join(' ');
      outcomes = await runJobs(
        store,
        (finished) => {
          if (next < plan.jobs.length) return plan.jobs[next++]!;
          if (proposed >= size) return null;
          const history: TpeTrial[] = [
            ...plan.history,
            ...finished.map((o) => ({ values: valuesOfRun.get(o.job.runId)!, score: trialScore(o.summary) })),
          ];
          const point = searchPoint(base, tpePropose(params, history, plan.rng));
          const config = store.datasets.runConfig(point.config);
          const trial = proposed++;
          // The run and what its proposal saw are one write, as on agents: a resume on agents or here replays it.
          const seen = [...plan.history.map((h) => h.trial), ...finished.map((o) => o.job.trial ?? -1)];
          const runId = store.db.transaction(() => {
            const id = store.createRun(config, {
              status: 'queued',
              sweepId,
              experiment: plan.experiment,
              sweepTrial: trial,
            });
            recordProposal(store, id, trial, seen);
            return id;
          })();
          valuesOfRun.set(
            runId,
            point.assignments.map((a) => a.value),
          );
          const job = { runId, config, label: label(point), trial };
          jobs.push(job);
          return job;
        },
        Math.max(1, Math.min(plan.parallel, size - plan.kept)),
        onDone,
        () => {
          if (next < plan.jobs.length) store.cancelQueued(plan.jobs.slice(next).map((j) => j.runId));
        },
        options,
      );
    }
  } finally {
    stopBeating();
  }
  const budgetReached = deadline !== null && Date.now() >= deadline && plan.kept + outcomes.length < size;
  const stoppedEarly = outcomes.filter((o) => o.stopped).length;
  const runs = store.listRuns({ sweepId, sort: 'val_loss' });
  const trials = new Map(store.sweepTrials(sweepId).map((t) => [t.runId, t]));
  const keys = plan.method === 'grid' ? store.getSweep(sweepId).grid.map((a) => a.key) : params.map((p) => p.key);
  const labelFor = (id: string) => jobs.find((j) => j.runId === id)?.label ?? labelOf(keys, trials.get(id)!.config);
  if (out.json) {
    ctx.stdout.write(
      JSON.stringify({
        sweepId,
        method: plan.method,
        ...(plan.method !== 'grid' ? { sweepSeed: plan.seed } : {}),
        trials: size,
        trialsRun: outcomes.length,
        trialsKept: plan.kept,
        stoppedEarly,
        budgetReached,
        runs: runs.map((r) => ({
          runId: r.id,
          trial: trials.get(r.id)?.trial ?? null,
          point: labelFor(r.id),
          status: r.status,
          stoppedEarly: r.stoppedEarly === true,
          stoppedRung: trials.get(r.id)?.stoppedRung ?? null,
          epochsDone: r.epochsDone,
          bestValLoss: r.bestValLoss,
          bestEpoch: r.bestEpoch,
          finalValAcc: r.finalValAcc,
        })),
      }) + '\n',
    );
  } else if (!out.quiet) {
    const parts = [`${outcomes.length} trial${outcomes.length === 1 ? '' : 's'} ran`];
    if (plan.kept) parts.push(`${plan.kept} kept from before`);
    if (plan.pruner) parts.push(`${stoppedEarly} stopped early by ${plan.pruner.spec.kind}`);
    parts.push(`${plan.kept + outcomes.length} of ${size} done`);
    ctx.stdout.write(parts.join(', ') + ` in ${fmtDuration(Date.now() - started)}\n`);
    if (budgetReached)
      ctx.stdout.write(
        `time budget ${fmtDuration(plan.timeBudgetMs!)} reached: no trial started after it; the rest: mlpw sweep --resume ${sweepId}${out.queue ? ` --queue ${shownUrl(out.queue)}` : ''}\n`,
      );
    const best = runs.find((r) => r.bestValLoss != null);
    if (best?.bestValLoss != null)
      ctx.stdout.write(
        `best: ${best.id} (${labelFor(best.id)}) val_loss ${fmt(best.bestValLoss)} at epoch ${best.bestEpoch}\n`,
      );
    ctx.stdout.write(`all runs: mlpw runs --sweep ${sweepId} --sort val_loss\n`);
  }
  const bad = outcomes.filter((o) => !o.summary || o.summary.status === 'failed' || o.summary.status === 'diverged');
  return bad.length === 0 ? 0 : 1;
}

/**
 * `--resume SWEEP --queue URL`, checked before anything is stored: --parallel is a bayes search's points in flight, a
 * bayes sweep needs every proposal recorded (one proposed here before they were is resumed here), and Redis answers
 * (a refused login exits 2 naming the URL, password masked; a Redis that is down is waited for, as a new sweep does).
 */
async function checkResumeOnQueue(
  store: RunStore,
  sweep: SweepRecord,
  url: string,
  parallel: number | undefined,
): Promise<void> {
  if (parallel !== undefined && sweep.method !== 'bayes')
    throw new UsageError(
      `--queue: --parallel ${parallel} is the points in flight of a --method bayes search; sweep ${sweep.id} is a ${sweep.method} sweep, whose points are queued at once (each agent's --concurrency sets how many it trains)`,
    );
  if (sweep.method === 'bayes' && !hasRecords(store, sweep))
    throw new UsageError(
      `--queue: sweep ${sweep.id}'s bayes trials were proposed before proposals were recorded, so agents cannot go on from them; resume it here: mlpw sweep --resume ${sweep.id}`,
    );
  const redis = connect(redisOptions(url));
  try {
    await whenReachable(redis, url);
  } finally {
    redis.disconnect();
  }
}

/** The search a stored sweep ran, as the flags gave it. */
function storedParams(sweep: SweepRecord): SearchParam[] {
  return (sweep.space ?? []).map((p) => parseParamFlag(`${p.key}=${p.dist}`));
}

/** `--resume`: kept trials stay; interrupted or cancelled ones run again (a never-started run is queued again, a
 *  started one gets a new run of the same trial); a bayes sweep proposes the rest from its seed and the kept trials. */
function resumePlan(
  store: RunStore,
  sweep: SweepRecord,
  parallel: number | undefined,
  timeBudgetMs: number | null | undefined,
): SweepPlan {
  const all = store.sweepTrials(sweep.id);
  const active = all.filter((r) => r.status === 'queued' || r.status === 'running');
  // A sweep queued for agents keeps its runs queued or running on them (never interrupted): --attach collects it.
  const onQueue = active.find((r) => {
    const host = store.db.prepare('SELECT owner_host FROM runs WHERE id = ?').pluck().get(r.runId) as string | null;
    return host === 'queue' || host?.startsWith('agent ') === true;
  });
  if (onQueue)
    throw new UsageError(
      `sweep ${sweep.id}: its runs are trained by agents through a queue (run ${onQueue.runId} is ${onQueue.status}); collect it with mlpw sweep --attach ${sweep.id} --queue URL`,
    );
  if (active.length)
    throw new UsageError(
      `sweep ${sweep.id}: run ${active[0]!.runId} is still ${active[0]!.status} in a live process; resume it once that process ends`,
    );
  const states = trialStates(all);
  const kept = states.filter((t) => t.kept);
  const params = storedParams(sweep);
  const keys = sweep.method === 'grid' ? sweep.grid.map((a) => a.key) : params.map((p) => p.key);
  const experiment = all[0] ? store.getRun(all[0].runId).experiment : undefined;
  const jobs = states
    .filter((t) => !t.kept)
    .map((t: TrialState): SweepJob => {
      const runId = store.requeueRun(t.run.runId)
        ? t.run.runId
        : store.createRun(t.run.config, {
            status: 'queued',
            sweepId: sweep.id,
            rerunOf: t.run.runId,
            experiment,
            sweepTrial: t.trial,
          });
      return { runId, config: t.run.config, label: labelOf(keys, t.run.config), trial: t.trial };
    });
  const history = kept.map((t) => ({
    trial: t.trial,
    values: valuesOf(params, t.run.config),
    score: storedScore(store, t.run),
  }));
  const seed = sweep.sweepSeed ?? 0;
  const proposed = states.length;
  // A bayes sweep trained on agents proposed from the order results arrived, and recorded it: resumed from there.
  const recorded = sweep.method === 'bayes' ? recordedSearch(store, sweep) : null;
  if (recorded) {
    const at = new Map(recorded.order.map((t, i) => [t, i]));
    history.sort((a, b) => (at.get(a.trial) ?? Infinity) - (at.get(b.trial) ?? Infinity) || a.trial - b.trial);
  }
  return {
    sweepId: sweep.id,
    method: sweep.method,
    base: sweep.baseConfig,
    params,
    seed,
    size: sweep.method === 'bayes' ? (sweep.trials ?? sweep.size) : states.length,
    parallel: parallel ?? sweep.parallel,
    jobs,
    history,
    proposed,
    rng: sweep.method === 'bayes' ? (recorded?.rng ?? replayedRng(params, seed, history, proposed)) : new Rng(seed),
    experiment,
    pruner: sweep.pruner ? rebuiltPruner(store, sweep.pruner, kept) : null,
    timeBudgetMs: timeBudgetMs === undefined ? sweep.timeBudgetMs : timeBudgetMs,
    kept: kept.length,
    resumed: true,
  };
}

export const sweep: Command = {
  name: 'sweep',
  summary: 'train one run per point of a hyperparameter grid, or N runs of a random or Bayesian search',
  usage: `mlpw sweep [--config FILE] [config flags as for train] --grid KEY=V1,V2,… [--grid …] [--parallel N] [--experiment NAME] [--json] [--db FILE]
mlpw sweep [config flags] --method random|bayes --trials N --param KEY=DIST [--param …] [--sweep-seed S] [--parallel N] …
mlpw sweep … [--early-stop asha|hyperband[:metric=val_loss,min=1,eta=3,brackets=B]] [--time-budget 90s|10m|1h|none]
mlpw sweep --resume SWEEP_ID [--parallel N] [--time-budget D] [--queue URL] [--json] [--db FILE]
  KEY is a config path (optimizer.lr, batchSize, model.layers, model.layers.activation, …); layer lists are
  written with x: --grid model.layers=16,16x16,64x64 (keeping the base activation). Every point is checked first.
  DIST is uniform:A:B, loguniform:A:B (A > 0, drawn in log space), int:A:B (both ends included) or
  choice:V1,V2,… (values as --grid takes them: --param model.layers=choice:16,32,16x16). random draws N points
  from --sweep-seed (default: a fresh seed, printed); the same seed proposes the same points. bayes is TPE
  (Bergstra et al. 2011): 5 random trials, then each next point from the finished runs' best val_loss (train_loss
  without a validation split), proposed as a worker frees up (reproducible with --parallel 1).
  --early-stop asha (Li et al. 2018): rungs at min·eta^k epochs below --epochs; a trial reaching a rung goes on only
  if its metric (val_loss, val_acc, train_loss or train_acc; default val_loss) is among the best 1/eta so far
  there (at least one), else it stops, recorded completed and stopped early with its rung. hyperband: several
  such brackets (first rung min·eta^s), trials dealt round-robin. --time-budget: no trial starts after it (those
  running finish; none: no limit). --resume: a sweep whose CLI was killed keeps its finished trials, reruns the interrupted ones
  and runs the rest (bayes: proposed from the stored seed and the finished trials, in the order recorded with each
  proposal); --queue URL runs them on agents instead (see below).
${QUEUE_USAGE}`,
  async run(argv, ctx) {
    const { values } = parseFlags(
      argv,
      {
        ...CONFIG_FLAGS,
        ...DB_FLAG,
        ...EXPERIMENT_FLAG,
        grid: { type: 'string', multiple: true },
        method: { type: 'string' },
        trials: { type: 'string' },
        param: { type: 'string', multiple: true },
        'sweep-seed': { type: 'string' },
        'early-stop': { type: 'string' },
        'time-budget': { type: 'string' },
        resume: { type: 'string' },
        parallel: { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean' },
        ...QUEUE_FLAGS,
      },
      false,
    );
    checkQueueFlags(values);
    if (values.attach !== undefined) return attachSweep(values, ctx, outcomeLine);
    if (values.cancel !== undefined) return cancelSweep(values, ctx);
    const parallelGiven = intFlag('parallel', values.parallel);
    if (parallelGiven !== undefined && (parallelGiven < 1 || parallelGiven > MAX_PARALLEL))
      throw new UsageError(`--parallel: expected 1 to ${MAX_PARALLEL}, got ${parallelGiven}`);
    const timeBudgetMs = values['time-budget'] === undefined ? undefined : parseDuration(values['time-budget']);
    const out = { json: values.json === true, quiet: values.quiet === true, queue: values.queue };

    if (values.resume !== undefined) {
      const allowed = new Set(['resume', 'parallel', 'time-budget', 'queue', 'json', 'quiet', 'db']);
      const other = Object.keys(values).find((k) => !allowed.has(k));
      if (other)
        throw new UsageError(
          `--resume takes the sweep as it was stored: --${other} cannot be given (only --parallel, --time-budget, --queue, --json, --quiet, --db)`,
        );
      return withStore(values.db, ctx.env, async (store) => {
        const stored = store.getSweep(values.resume!);
        if (out.queue) await checkResumeOnQueue(store, stored, out.queue, parallelGiven);
        const plan = resumePlan(store, stored, parallelGiven, timeBudgetMs);
        if (!out.json && !out.quiet)
          ctx.stdout.write(
            `sweep ${plan.sweepId} resumed: ${stored.method}, ${plan.kept} of ${plan.size} trials kept, ${plan.jobs.length} to run again` +
              (plan.method === 'bayes' ? `, ${plan.size - plan.proposed} to propose` : '') +
              (plan.pruner ? `; ${prunerText(plan.pruner.spec)}` : '') +
              ` → ${store.path}\n`,
          );
        return execute(store, plan, ctx, out);
      });
    }

    // A bayes search on agents keeps K points in flight (--parallel K); locally, one trial at a time by default.
    const parallel = parallelGiven ?? (values.queue && values.method === 'bayes' ? DEFAULT_IN_FLIGHT : 1);
    const method = (values.method ?? 'grid') as Method;
    if (!METHODS.includes(method))
      throw new UsageError(`--method: expected grid, random or bayes, got "${values.method}"`);
    const base = configFromFlags(values);
    const search = method !== 'grid';
    if (!search && (values.param?.length || values.trials !== undefined || values['sweep-seed'] !== undefined))
      throw new UsageError('--param, --trials and --sweep-seed need --method random or bayes');
    if (search && values.grid?.length)
      throw new UsageError(
        `--grid and --method ${method} cannot be combined: a ${method} sweep draws from --param KEY=DIST`,
      );
    const trials = intFlag('trials', values.trials);
    if (search && trials === undefined) throw new UsageError(`--method ${method} needs --trials N`);
    if (trials !== undefined && (trials < 1 || trials > MAX_TRIALS))
      throw new UsageError(`--trials: expected 1 to ${MAX_TRIALS}, got ${trials}`);
    const seed = intFlag('sweep-seed', values['sweep-seed']) ?? Math.floor(Math.random() * 2 ** 31);
    let pruner: PrunerSpec | null = null;
    try {
      pruner = values['early-stop'] === undefined ? null : parsePrunerFlag(values['early-stop'], base.epochs);
    } catch (e) {
      throw e instanceof PrunerError ? new UsageError(e.message) : e;
    }
    if (pruner) checkPrunerMetric(pruner, base);
    const params: SearchParam[] = (values.param ?? []).map((p) => parseParamFlag(p));
    if (search) validateSpace(base, params);
    const axes = search ? [] : (values.grid ?? []).map((g) => parseGridFlag(g));
    // Grid and random points are all known (and checked) before any run; bayes proposes each from the finished ones.
    const points =
      method === 'grid'
        ? expandGrid(base, axes)
        : method === 'random'
          ? randomProposals(params, trials!, seed).map((a) => searchPoint(base, a))
          : [];
    const size = search ? trials! : points.length;
    const stored: GridAxis[] = search
      ? params.map((p, i): SearchAxis => ({
          key: p.key,
          values: points.map((pt) => pt.assignments[i]!.value),
          search: { method, dist: p.text, trials: trials!, seed },
        }))
      : axes;
    return withStore(values.db, ctx.env, async (store) => {
      // An unknown dataset is a config error before anything is stored, as in train.
      const names = [base.dataset.name, ...points.map((p) => p.config.dataset.name)];
      for (const p of params)
        if (p.key === 'dataset.name' && p.dist.kind === 'choice') names.push(...p.dist.values.map(String));
      for (const name of new Set(names))
        if (!store.datasets.snapshotFor(name) && !findDataset(name))
          throw unknownDatasetError(name, store.datasets, store.path);
      const { sweepId, runIds } = store.createSweep({
        baseConfig: base,
        grid: stored,
        parallel,
        configs: points.map((p) => p.config),
        experiment: values.experiment,
        size,
        search: {
          method,
          space: search ? params.map((p) => ({ key: p.key, dist: p.text })) : null,
          sweepSeed: search ? seed : null,
          trials: trials ?? null,
          timeBudgetMs: timeBudgetMs ?? null,
          pruner,
        },
      });
      const label = (p: GridPoint) => p.assignments.map((a) => `${a.key}=${a.text}`).join(' ');
      const jobs: SweepJob[] = points.map((p, i) => ({
        runId: runIds[i]!,
        config: store.datasets.runConfig(p.config),
        label: label(p),
        trial: i,
      }));
      if (!out.json && !out.quiet) {
        ctx.stdout.write(
          search
            ? `sweep ${sweepId}: ${method} search, ${size} trials over ${params.map((p) => `${p.key}~${p.text}`).join(' ')}, sweep seed ${seed}, ${parallel} at a time → ${store.path}\n`
            : `sweep ${sweepId}: ${jobs.length} runs over ${axes.map((a) => a.key).join(' × ')}, ${parallel} at a time → ${store.path}\n`,
        );
        if (pruner) ctx.stdout.write(`early stop: ${prunerText(pruner)}\n`);
      }
      return execute(
        store,
        {
          sweepId,
          method,
          base,
          params,
          seed,
          size,
          parallel,
          jobs,
          history: [],
          proposed: 0,
          rng: new Rng(seed),
          experiment: values.experiment,
          pruner: pruner ? new AshaPruner(pruner) : null,
          timeBudgetMs: timeBudgetMs ?? null,
          kept: 0,
          resumed: false,
        },
        ctx,
        out,
      );
    });
  },
};

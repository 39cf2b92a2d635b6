// `mlpw sweep --grid KEY=V1,V2,… …`: one run per point of the grid over a base config, recorded as one sweep; or
// `--method random|bayes --trials N --param KEY=DIST …`: N runs proposed from a search space (seeded), the same way.
import { parseFlags, intFlag } from '../args.ts';
import type { Command } from '../command.ts';
import { CONFIG_FLAGS, configFromFlags } from '../config-flags.ts';
import { UsageError } from '../errors.ts';
import { fmt, fmtDuration } from '../format.ts';
import { keepAlive } from '../../db/index.ts';
import {
  expandGrid,
  GridError,
  parseGridFlag,
  parseParamFlag,
  pointAt,
  randomProposals,
  SearchSpaceError,
  tpePropose,
  validateSpace,
  type Assignments,
  type GridAxis,
  type GridPoint,
  type SearchParam,
  type TpeTrial,
} from '../../engine/experiment/index.ts';
import type { ExperimentConfig } from '../../engine/config.ts';
import type { RunSummary } from '../../engine/types.ts';
import { Rng } from '../../engine/rng.ts';
import { runJobs, runSweep, type SweepJob, type SweepOutcome } from '../sweep/run-sweep.ts';
import { DB_FLAG, withStore } from '../store-path.ts';
import { EXPERIMENT_FLAG } from './experiments.ts';
import { unknownDatasetError } from './train.ts';
import { findDataset } from '../../engine/data/builtin.ts';
import { attachSweep, checkQueueFlags, QUEUE_FLAGS, QUEUE_USAGE, runQueuedSweep } from '../queue/sweep-on-queue.ts';

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

function outcomeLine(o: SweepOutcome, done: number, total: number): string {
  const s = o.summary;
  const parts = [
    `[${String(done).padStart(String(total).length)}/${total}]`,
    o.job.runId,
    o.job.label,
    s ? s.status : 'failed',
  ];
  if (s?.best?.valLoss != null) parts.push(`best val_loss ${fmt(s.best.valLoss)} @ ${s.best.epoch}`);
  if (s?.final?.valAcc != null) parts.push(`val_acc ${fmt(s.final.valAcc, 3)}`);
  if (s) parts.push(fmtDuration(s.durationMs));
  if (o.error) parts.push(`— ${o.error}`);
  return parts.join('  ');
}

export const sweep: Command = {
  name: 'sweep',
  summary: 'train one run per point of a hyperparameter grid, or N runs of a random or Bayesian search',
  usage: `mlpw sweep [--config FILE] [config flags as for train] --grid KEY=V1,V2,… [--grid …] [--parallel N] [--experiment NAME] [--json] [--db FILE]
mlpw sweep [config flags] --method random|bayes --trials N --param KEY=DIST [--param …] [--sweep-seed S] [--parallel N] …
  KEY is a config path (optimizer.lr, batchSize, model.layers, model.layers.activation, …); layer lists are
  written with x: --grid model.layers=16,16x16,64x64 (keeping the base activation). Every point is checked first.
  DIST is uniform:A:B, loguniform:A:B (A > 0, drawn in log space), int:A:B (both ends included) or
  choice:V1,V2,… (values as --grid takes them: --param model.layers=choice:16,32,16x16). random draws N points
  from --sweep-seed (default: a fresh seed, printed); the same seed proposes the same points. bayes is TPE
  (Bergstra et al. 2011): 5 random trials, then each next point from the finished runs' best val_loss (train_loss
  without a validation split), proposed as a worker frees up (reproducible with --parallel 1).
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
        parallel: { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean' },
        ...QUEUE_FLAGS,
      },
      false,
    );
    checkQueueFlags(values);
    if (values.attach !== undefined) return attachSweep(values, ctx, outcomeLine);
    const parallel = intFlag('parallel', values.parallel) ?? 1;
    if (parallel < 1 || parallel > MAX_PARALLEL)
      throw new UsageError(`--parallel: expected 1 to ${MAX_PARALLEL}, got ${parallel}`);
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
      });
      const label = (p: GridPoint) => p.assignments.map((a) => `${a.key}=${a.text}`).join(' ');
      const jobs: SweepJob[] = points.map((p, i) => ({
        runId: runIds[i]!,
        config: store.datasets.runConfig(p.config),
        label: label(p),
      }));
      const quiet = values.json === true || values.quiet === true;
      if (!quiet)
        ctx.stdout.write(
          search
            ? `sweep ${sweepId}: ${method} search, ${size} trials over ${params.map((p) => `${p.key}~${p.text}`).join(' ')}, sweep seed ${seed}, ${parallel} at a time → ${store.path}\n`
            : `sweep ${sweepId}: ${jobs.length} runs over ${axes.map((a) => a.key).join(' × ')}, ${parallel} at a time → ${store.path}\n`,
        );
      const onDone = (o: SweepOutcome, done: number) => {
        if (!quiet) ctx.stdout.write(outcomeLine(o, done, size) + '\n');
      };
      const stopBeating = keepAlive(store);
      let outcomes: SweepOutcome[];
      try {
        if (values.queue)
          outcomes = await runQueuedSweep(store, values.queue, sweepId, jobs, ctx, { quiet, line: outcomeLine });
        else if (method !== 'bayes') outcomes = await runSweep(store, jobs, parallel, onDone);
        else {
          // TPE sees the finished trials only; each run is recorded as it is proposed.
          const rng = new Rng(seed);
          const valuesOf = new Map<string, unknown[]>();
          outcomes = await runJobs(
            store,
            (finished) => {
              if (jobs.length >= size) return null;
              const history: TpeTrial[] = finished.map((o) => ({
                values: valuesOf.get(o.job.runId)!,
                score: trialScore(o.summary),
              }));
              const point = searchPoint(base, tpePropose(params, history, rng));
              const config = store.datasets.runConfig(point.config);
              const runId = store.createRun(config, { status: 'queued', sweepId, experiment: values.experiment });
              valuesOf.set(
                runId,
                point.assignments.map((a) => a.value),
              );
              const job = { runId, config, label: label(point) };
              jobs.push(job);
              return job;
            },
            Math.min(parallel, size),
            onDone,
          );
        }
      } finally {
        stopBeating();
      }
      const runs = store.listRuns({ sweepId, sort: 'val_loss' });
      if (values.json) {
        ctx.stdout.write(
          JSON.stringify({
            sweepId,
            method,
            ...(search ? { sweepSeed: seed } : {}),
            runs: runs.map((r) => ({
              runId: r.id,
              point: jobs.find((j) => j.runId === r.id)!.label,
              status: r.status,
              bestValLoss: r.bestValLoss,
              bestEpoch: r.bestEpoch,
              finalValAcc: r.finalValAcc,
            })),
          }) + '\n',
        );
      } else if (!values.quiet) {
        const best = runs[0];
        if (best?.bestValLoss != null)
          ctx.stdout.write(
            `best: ${best.id} (${jobs.find((j) => j.runId === best.id)!.label}) val_loss ${fmt(best.bestValLoss)} at epoch ${best.bestEpoch}\n`,
          );
        ctx.stdout.write(`all runs: mlpw runs --sweep ${sweepId} --sort val_loss\n`);
      }
      const bad = outcomes.filter(
        (o) => !o.summary || o.summary.status === 'failed' || o.summary.status === 'diverged',
      );
      return bad.length === 0 ? 0 : 1;
    });
  },
};

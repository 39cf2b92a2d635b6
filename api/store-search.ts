// Random and Bayesian (TPE) sweeps for the app's window queue, stored as `mlpw sweep --method` stores them (the
// sweep's method, space, seed and trials; each key's grid entry with `search: {method, dist, trials, seed}`; each
// run's trial number). Random records all N queued runs at once; bayes one at a time, the next proposed from the
// finished ones by replaying TPE from the sweep seed over the trials in order, so the same seed and results propose
// the same points as `mlpw sweep --method bayes --parallel 1`, and a window that closed mid-sweep carries on.
import type { RunStore } from '../db/run-store.ts';
import type { SweepRecord, SweepTrialRun } from '../db/types.ts';
import type { ExperimentConfig } from '../engine/config.ts';
import {
  flattenConfig,
  GridError,
  parseParamFlag,
  pointAt,
  randomProposals,
  tpePropose,
  validateSpace,
  valueText,
  type Assignments,
  type SearchParam,
  type TpeTrial,
} from '../engine/experiment/index.ts';
import { Rng } from '../engine/rng.ts';
import { ApiError } from './errors.ts';
import { recordRunDataset } from './store-datasets.ts';
import { prunerOf } from './store-pruner.ts';
import type { ApiHandlers } from './workbench-api.ts';

type SearchHandlers = Pick<ApiHandlers, 'createSearchSweep' | 'nextSearchRun'>;

/** A random or bayes sweep's search, parsed: what TPE replays. */
export interface SearchPlan {
  method: 'random' | 'bayes';
  trials: number;
  seed: number;
  params: SearchParam[];
}

/** The sweep's search (migration 005's columns), or null for a grid sweep. */
export function searchOf(sweep: SweepRecord): SearchPlan | null {
  if (sweep.method === 'grid' || !sweep.space || sweep.sweepSeed === null || sweep.trials === null) return null;
  return {
    method: sweep.method,
    trials: sweep.trials,
    seed: sweep.sweepSeed,
    params: sweep.space.map((p) => parseParamFlag(`${p.key}=${p.dist}`)),
  };
}

function invalid(e: unknown, field: string): never {
  if (e instanceof GridError) throw new ApiError('invalid_argument', e.detail, field);
  throw e;
}

function configAt(base: ExperimentConfig, assignments: Assignments): ExperimentConfig {
  try {
    return pointAt(base, assignments).config;
  } catch (e) {
    invalid(e, 'params');
  }
}

/** A run's value of each parameter, read back from its config (a choice by its text, as the grid order reads it). */
function valuesOf(params: readonly SearchParam[], config: ExperimentConfig): unknown[] {
  const flat = flattenConfig(config);
  return params.map((p) => {
    const v = flat.get(p.key);
    if (p.dist.kind !== 'choice') return v;
    const text = String(v);
    return p.dist.values.find((c) => valueText(p.key, c) === text || (text === '' && valueText(p.key, c) === '0'));
  });
}

/** The metric TPE minimises, as the CLI scores a trial: its best val_loss, else the best epoch's train_loss; none
 *  for a failed or diverged run. */
function trialScore(store: RunStore, run: SweepTrialRun): number | null {
  if (run.status === 'failed' || run.status === 'diverged') return null;
  if (run.bestValLoss !== null) return run.bestValLoss;
  if (run.bestEpoch === null) return null;
  return store.getEpochs(run.runId).find((e) => e.epoch === run.bestEpoch)?.trainLoss ?? null;
}

/** Each trial's latest run, in trial order (a trial rerun after an interruption has two runs, oldest first). */
function latestPerTrial(runs: readonly SweepTrialRun[]): SweepTrialRun[] {
  const latest = new Map<number, SweepTrialRun>();
  runs.forEach((r, i) => latest.set(r.trial ?? i, r));
  return [...latest].sort(([a], [b]) => a - b).map(([, r]) => r);
}

/** TPE's next point after `finished` (proposal k saw runs 0..k−1): the rng replays every earlier proposal first. */
export function nextBayesPoint(search: SearchPlan, finished: readonly TpeTrial[]): Assignments {
  const rng = new Rng(search.seed);
  for (let k = 0; k < finished.length; k++) tpePropose(search.params, finished.slice(0, k), rng);
  return tpePropose(search.params, finished, rng);
}

export function createSearchHandlers(store: RunStore): SearchHandlers {
  const queue = (config: ExperimentConfig, sweepId: string, trial: number, experiment?: string): string => {
    const runConfig = store.datasets.runConfig(config);
    const id = store.createRun(runConfig, { status: 'queued', sweepId, experiment, sweepTrial: trial });
    recordRunDataset(store, id, runConfig.dataset.name);
    return id;
  };
  return {
    createSearchSweep: ({ baseConfig, method, params: given, trials, seed, experiment, earlyStop }) => {
      const pruner = prunerOf(earlyStop, baseConfig);
      let params: SearchParam[];
      try {
        params = given.map((p) => parseParamFlag(`${p.key}=${p.dist}`));
        validateSpace(baseConfig, params);
      } catch (e) {
        invalid(e, 'params');
      }
      // Random: every point now, as the CLI checks them before a run. Bayes: the first (random) point only.
      const points =
        method === 'random'
          ? randomProposals(params, trials, seed)
          : [nextBayesPoint({ method, trials, seed, params }, [])];
      const configs = points.map((a) => configAt(baseConfig, a));
      const grid = params.map((p, i) => ({
        key: p.key,
        values: method === 'random' ? points.map((a) => a[i]!.value) : [],
        search: { method, dist: p.text, trials, seed },
      }));
      const { sweepId, runIds } = store.createSweep({
        baseConfig,
        grid: grid as SweepRecord['grid'],
        parallel: 1,
        configs,
        experiment,
        size: trials,
        search: {
          method,
          space: given.map((p, i) => ({ key: p.key, dist: params[i]!.text })),
          sweepSeed: seed,
          trials,
          pruner,
        },
      });
      for (const runId of runIds) recordRunDataset(store, runId, baseConfig.dataset.name);
      return { sweepId, runIds };
    },
    nextSearchRun: ({ sweepId }) => {
      const sweep = store.getSweep(sweepId);
      const search = searchOf(sweep);
      if (search?.method !== 'bayes')
        throw new ApiError('invalid_argument', `sweep ${sweep.id} is not a bayes search`, 'sweepId');
      const runs = latestPerTrial(store.sweepTrials(sweep.id));
      // A proposal waits for every earlier run: one still queued is the next to train, one running is not done.
      const queued = runs.find((r) => r.status === 'queued');
      if (queued) return { runId: queued.runId, config: queued.config, done: false };
      if (runs.some((r) => r.status === 'running')) return { runId: null, config: null, done: false };
      if (runs.length >= search.trials) return { runId: null, config: null, done: true };
      const finished = runs.map((r) => ({ values: valuesOf(search.params, r.config), score: trialScore(store, r) }));
      const config = configAt(sweep.baseConfig, nextBayesPoint(search, finished));
      const first = runs[0] && store.getRun(runs[0].runId);
      const runId = queue(config, sweep.id, runs.length, first?.experiment);
      return { runId, config: store.getRun(runId).config, done: false };
    },
  };
}

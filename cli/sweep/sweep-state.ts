// A sweep's state as the store holds it, for `mlpw sweep --resume`: which trials are done (kept), which to run again,
// the finished trials as TPE saw them, the pruner's rungs rebuilt from the stored curves, and TPE's rng replayed.
import type { RunStore, SweepTrialRun } from '../../db/index.ts';
import type { ExperimentConfig } from '../../engine/config.ts';
import {
  AshaPruner,
  flatText,
  flattenConfig,
  metricOf,
  tpePropose,
  valueText,
  type PrunerSpec,
  type SearchParam,
  type TpeTrial,
} from '../../engine/experiment/index.ts';
import { Rng } from '../../engine/rng.ts';

/** Runs that ended on their own; a trial whose latest run was interrupted or cancelled runs again. */
const KEPT = new Set(['completed', 'diverged', 'failed']);

export interface TrialState {
  trial: number;
  /** the trial's latest run */
  run: SweepTrialRun;
  kept: boolean;
}

/** Each trial's latest run, by trial number (a run numbered before migration 005 takes its place in creation order). */
export function trialStates(runs: readonly SweepTrialRun[]): TrialState[] {
  const latest = new Map<number, SweepTrialRun>();
  runs.forEach((r, i) => latest.set(r.trial ?? i, r));
  return [...latest].sort(([a], [b]) => a - b).map(([trial, run]) => ({ trial, run, kept: KEPT.has(run.status) }));
}

/** A point's label from its config ("optimizer.lr=0.01 batchSize=16"), for runs this process did not propose. */
export function labelOf(keys: readonly string[], config: ExperimentConfig): string {
  const flat = flattenConfig(config);
  return keys.map((k) => `${k}=${flatText(flat.get(k))}`).join(' ');
}

/** A run's value of each parameter, read back from its config (a choice by its text, as --param wrote it). */
export function valuesOf(params: readonly SearchParam[], config: ExperimentConfig): unknown[] {
  const flat = flattenConfig(config);
  return params.map((p) => {
    const v = flat.get(p.key);
    if (p.dist.kind !== 'choice') return v;
    const text = String(v);
    return p.dist.values.find((c) => valueText(p.key, c) === text) ?? v;
  });
}

/** TPE's score of a stored trial, as the live sweep scores a summary: best val_loss, else the best epoch's
 *  train_loss; none for a failed or diverged run. */
export function storedScore(store: RunStore, run: SweepTrialRun): number | null {
  if (run.status === 'failed' || run.status === 'diverged') return null;
  if (run.bestValLoss !== null) return run.bestValLoss;
  if (run.bestEpoch === null) return null;
  return store.getEpochs(run.runId).find((e) => e.epoch === run.bestEpoch)?.trainLoss ?? null;
}

/** The rng after `proposed` proposals of an uninterrupted `--parallel 1` sweep: proposal k saw trials 0..k−1. */
export function replayedRng(
  params: readonly SearchParam[],
  seed: number,
  history: readonly (TpeTrial & { trial: number })[],
  proposed: number,
): Rng {
  const rng = new Rng(seed);
  for (let k = 0; k < proposed; k++)
    tpePropose(
      params,
      history.filter((h) => h.trial < k),
      rng,
    );
  return rng;
}

/** The pruner with every kept trial's values at its bracket's rungs, from the stored epochs. */
export function rebuiltPruner(store: RunStore, spec: PrunerSpec, kept: readonly TrialState[]): AshaPruner {
  const pruner = new AshaPruner(spec);
  for (const t of kept) {
    const rungs = new Set(pruner.rungsOf(t.trial));
    for (const e of store.getEpochs(t.run.runId))
      if (rungs.has(e.epoch)) pruner.record(t.trial, e.epoch, metricOf(spec.metric, e));
  }
  return pruner;
}

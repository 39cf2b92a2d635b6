// Early termination (ASHA / Hyperband) for the app's sweeps, on the store side: the builder's `--early-stop` text
// parsed and checked as `mlpw sweep` checks it, and a trial's rungs rebuilt from the sweep's stored curves, so the
// window's queue judges each trial against exactly the values the CLI's live pruner would hold at that point.
import type { RunStore } from '../db/run-store.ts';
import type { ExperimentConfig } from '../engine/config.ts';
import { findDataset } from '../engine/data/builtin.ts';
import {
  metricOf,
  parsePrunerFlag,
  PrunerError,
  rungEpochs,
  bracketOf,
  type PrunerSpec,
} from '../engine/experiment/asha.ts';
import { ApiError } from './errors.ts';
import type { SweepRungs } from './insight-api.ts';

/** The spec of `text` (asha[:metric=,min=,eta=] | hyperband[:…,brackets=]) for the base config; errors name the field `earlyStop`. */
export function prunerOf(text: string | undefined, base: ExperimentConfig): PrunerSpec | null {
  if (text === undefined) return null;
  let spec: PrunerSpec;
  try {
    spec = parsePrunerFlag(text, base.epochs);
  } catch (e) {
    if (e instanceof PrunerError) throw new ApiError('invalid_argument', e.message, 'earlyStop');
    throw e;
  }
  // The metric must be one the runs report (as checkPrunerMetric in cli/commands/sweep.ts).
  if (spec.metric.startsWith('val_') && base.validationSplit === 0 && !base.crossValidation)
    throw new ApiError(
      'invalid_argument',
      `--early-stop metric=${spec.metric}: the runs have no validation split (validationSplit 0)`,
      'earlyStop',
    );
  if (spec.metric.endsWith('_acc') && findDataset(base.dataset.name)?.task === 'regression')
    throw new ApiError(
      'invalid_argument',
      `--early-stop metric=${spec.metric}: ${base.dataset.name} is a regression dataset`,
      'earlyStop',
    );
  return spec;
}

/** What the queue needs to judge run `id` as its sweep's pruner would: the spec, its trial, the rungs so far. */
export function sweepRungs(store: RunStore, id: string): SweepRungs {
  const run = store.getRun(id);
  const sweep = run.sweepId === null ? null : store.getSweep(run.sweepId);
  if (!sweep?.pruner) return { pruner: null, trial: null, recorded: [] };
  const spec = sweep.pruner;
  const trials = store.sweepTrials(sweep.id);
  const trial = trials.find((t) => t.runId === run.id)?.trial ?? null;
  const latest = new Map<number, (typeof trials)[number]>();
  for (const t of trials) if (t.trial !== null && t.trial !== trial) latest.set(t.trial, t);
  const recorded: SweepRungs['recorded'] = [];
  for (const [t, r] of [...latest].sort(([a], [b]) => a - b)) {
    if (r.status === 'queued' || r.status === 'running') continue;
    const rungs = new Set(rungEpochs(spec, bracketOf(spec, t)));
    for (const e of store.getEpochs(r.runId))
      if (rungs.has(e.epoch)) recorded.push({ trial: t, epoch: e.epoch, value: metricOf(spec.metric, e) });
  }
  return { pruner: spec, trial, recorded };
}

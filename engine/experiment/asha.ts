// Early termination for sweeps: ASHA (asynchronous successive halving, Li et al. 2018, "A System for Massively
// Parallel Hyperparameter Tuning") in its stopping form, as Optuna's SuccessiveHalvingPruner and Ray Tune's
// ASHAScheduler run it: rungs sit at r·η^(s+k) epochs below the max R; a trial reaching a rung records its metric
// there and goes on only if that value is among the best ⌊n/η⌋ (at least 1) of the n values recorded at that rung so
// far, itself included; else it stops. Hyperband is several such brackets (early-stopping rates s = 0, 1, …), a trial
// joining bracket (trial number mod brackets). Pure and host-independent: the CLI and the app feed it epochs.
import type { EpochMetrics } from '../types.ts';

export const PRUNER_METRICS = ['val_loss', 'val_acc', 'train_loss', 'train_acc'] as const;
export type PrunerMetric = (typeof PRUNER_METRICS)[number];

export interface PrunerSpec {
  kind: 'asha' | 'hyperband';
  metric: PrunerMetric;
  /** losses are minimised, accuracies maximised */
  mode: 'min' | 'max';
  /** r: epochs before the first rung */
  minEpochs: number;
  /** η: a rung keeps the best 1/η */
  eta: number;
  /** R: the epochs of a trial that is never stopped (the sweep's config epochs) */
  maxEpochs: number;
  /** 1 for ASHA; Hyperband's count of brackets */
  brackets: number;
}

/** A --early-stop text that does not describe a pruner; exits 2 in the CLI. Names the field and the text. */
export class PrunerError extends Error {
  constructor(
    readonly detail: string,
    readonly field?: string,
  ) {
    super(`--early-stop ${detail}`);
    this.name = 'PrunerError';
  }
}

export interface RungDecision {
  trial: number;
  bracket: number;
  /** 0-based rung within the bracket */
  rung: number;
  /** the epochs done when the rung was reached */
  epoch: number;
  value: number;
  /** 1 = best of the values recorded at this rung so far */
  rank: number;
  /** values recorded at this rung, this one included */
  of: number;
  /** how many of them go on: max(1, ⌊of/η⌋) */
  keep: number;
  stop: boolean;
}

export const metricMode = (metric: PrunerMetric): 'min' | 'max' => (metric.endsWith('_loss') ? 'min' : 'max');

/** The metric a pruner reads from one epoch; null when the run does not report it (no validation split, regression). */
export function metricOf(metric: PrunerMetric, m: EpochMetrics): number | null {
  switch (metric) {
    case 'val_loss':
      return m.valLoss;
    case 'val_acc':
      return m.valAcc;
    case 'train_loss':
      return m.trainLoss;
    case 'train_acc':
      return m.trainAcc;
  }
}

/** Most brackets a schedule has: s_max + 1 with s_max = ⌊log_η(R/r)⌋ (the last one's first rung may be R: no stops). */
export function maxBrackets(minEpochs: number, eta: number, maxEpochs: number): number {
  let s = 0;
  while (minEpochs * eta ** (s + 1) <= maxEpochs) s++;
  return s + 1;
}

/** The epochs at which a bracket's trials are judged: r·η^(s+k) < R. */
export function rungEpochs(spec: Pick<PrunerSpec, 'minEpochs' | 'eta' | 'maxEpochs'>, bracket = 0): number[] {
  const out: number[] = [];
  for (let e = spec.minEpochs * spec.eta ** bracket; e < spec.maxEpochs; e *= spec.eta) out.push(e);
  return out;
}

export function bracketOf(spec: Pick<PrunerSpec, 'brackets'>, trial: number): number {
  return trial % spec.brackets;
}

/**
 * One rung's rule: `value` against the values already recorded there. Non-finite values rank last and never go on; ties favour the newcomer (Optuna's `value <= sorted[keep - 1]`).
 */
export function rungRule(
  recorded: readonly number[],
  value: number,
  eta: number,
  mode: 'min' | 'max',
): { rank: number; of: number; keep: number; stop: boolean } {
  const of = recorded.length + 1;
  const keep = Math.max(1, Math.floor(of / eta));
  const better = (a: number, b: number) =>
    Number.isFinite(a) && (!Number.isFinite(b) || (mode === 'min' ? a < b : a > b));
  const rank = Number.isFinite(value) ? 1 + recorded.filter((v) => better(v, value)).length : of;
  return { rank, of, keep, stop: !Number.isFinite(value) || rank > keep };
}

/** The rung values of one sweep so far; `report` judges a trial at a rung, `record` replays one (a resumed sweep). */
export class AshaPruner {
  /** per bracket, per rung: the values recorded there */
  private readonly values: number[][][];

  constructor(readonly spec: PrunerSpec) {
    this.values = Array.from({ length: spec.brackets }, (_, s) => rungEpochs(spec, s).map(() => []));
  }

  rungsOf(trial: number): number[] {
    return rungEpochs(this.spec, bracketOf(this.spec, trial));
  }

  /** The trial's metric after `epoch` epochs: a decision at a rung of its bracket, else null (train on). */
  report(trial: number, epoch: number, value: number | null): RungDecision | null {
    const bracket = bracketOf(this.spec, trial);
    const rung = rungEpochs(this.spec, bracket).indexOf(epoch);
    if (rung < 0) return null;
    const v = value ?? NaN;
    const at = this.values[bracket]![rung]!;
    const rule = rungRule(at, v, this.spec.eta, this.spec.mode);
    at.push(v);
    return { trial, bracket, rung, epoch, value: v, ...rule };
  }

  /** Records a finished trial's value at a rung without judging it (rebuilding a sweep's rungs from the store). */
  record(trial: number, epoch: number, value: number | null): void {
    const bracket = bracketOf(this.spec, trial);
    const rung = rungEpochs(this.spec, bracket).indexOf(epoch);
    if (rung >= 0) this.values[bracket]![rung]!.push(value ?? NaN);
  }

  /** Values recorded per rung of a bracket (for display and tests). */
  recorded(bracket = 0): number[][] {
    return this.values[bracket]!.map((r) => [...r]);
  }
}

const int = (text: string, field: string, min: number): number => {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min)
    throw new PrunerError(`${field}=${text}: expected a whole number ≥ ${min}`, field);
  return n;
};

/**
 * `asha`, `hyperband`, or either with options: `asha:metric=val_acc,min=1,eta=3`, `hyperband:min=1,eta=3,brackets=3`.
 * Defaults: metric val_loss, min 1, eta 3; hyperband takes every bracket the schedule has (maxBrackets).
 */
export function parsePrunerFlag(text: string, maxEpochs: number): PrunerSpec {
  const colon = text.indexOf(':');
  const kind = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (kind !== 'asha' && kind !== 'hyperband')
    throw new PrunerError(`"${text}": expected asha or hyperband, e.g. asha:metric=val_loss,min=1,eta=3`);
  const opts = new Map<string, string>();
  for (const part of colon < 0 ? [] : text.slice(colon + 1).split(',')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (!['metric', 'min', 'eta', 'brackets'].includes(key))
      throw new PrunerError(`"${part}" in "${text}": options are metric=, min=, eta= and brackets=`, key || undefined);
    if (eq < 0) throw new PrunerError(`${key} in "${text}": expected ${key}=VALUE`, key);
    if (opts.has(key)) throw new PrunerError(`${key} in "${text}": given twice`, key);
    opts.set(key, part.slice(eq + 1).trim());
  }
  const metric = (opts.get('metric') ?? 'val_loss') as PrunerMetric;
  if (!PRUNER_METRICS.includes(metric))
    throw new PrunerError(`metric=${metric}: expected ${PRUNER_METRICS.join(', ')}`, 'metric');
  const minEpochs = int(opts.get('min') ?? '1', 'min', 1);
  const eta = int(opts.get('eta') ?? '3', 'eta', 2);
  if (minEpochs >= maxEpochs)
    throw new PrunerError(`min=${minEpochs} with ${maxEpochs} epochs leaves no rung: min must be below epochs`, 'min');
  const most = maxBrackets(minEpochs, eta, maxEpochs);
  const brackets = opts.has('brackets') ? int(opts.get('brackets')!, 'brackets', 1) : kind === 'asha' ? 1 : most;
  if (kind === 'asha' && brackets !== 1)
    throw new PrunerError(`brackets=${brackets}: asha is one bracket; use hyperband:brackets=${brackets}`, 'brackets');
  if (brackets > most)
    throw new PrunerError(
      `brackets=${brackets}: min=${minEpochs}, eta=${eta} and ${maxEpochs} epochs give at most ${most}`,
      'brackets',
    );
  return { kind, metric, mode: metricMode(metric), minEpochs, eta, maxEpochs, brackets };
}

/** "asha val_loss min r=1 η=3 rungs 1,3,9 of 27" */
export function prunerText(spec: PrunerSpec): string {
  const rungs = Array.from({ length: spec.brackets }, (_, s) => rungEpochs(spec, s).join(',') || 'none');
  return `${spec.kind} on ${spec.metric} (${spec.mode}), r=${spec.minEpochs} η=${spec.eta}, rungs at epoch ${rungs.join(' | ')} of ${spec.maxEpochs}`;
}

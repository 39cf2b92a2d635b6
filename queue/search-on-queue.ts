// A Bayesian (TPE) sweep on agents: the coordinator keeps K points in flight and proposes the next one as each result
// comes back, exactly as a local `--parallel K` sweep proposes when a worker frees up. Proposals depend on the order
// results arrive, so that order is recorded: each proposal keeps the trials it saw, in order (a 'sweep-proposal'
// artifact), each result its place in the arrival order ('sweep-result'). A reattached coordinator replays TPE's rng
// over the recorded proposals and goes on from the recorded order: it proposes what the first one would have.
import type { RunStore, SweepRecord } from '../db/index.ts';
import { QueueRuns } from '../db/queue-runs.ts';
import type { ExperimentConfig } from '../engine/config.ts';
import {
  flattenConfig,
  parseParamFlag,
  pointAt,
  tpePropose,
  valueText,
  type SearchParam,
  type TpeTrial,
} from '../engine/experiment/index.ts';
import { Rng } from '../engine/rng.ts';
import type { RunSummary } from '../engine/types.ts';
import type { SweepJob, SweepOutcome } from './sweep-job.ts';

/** One per proposed run: details {trial, seen}, `seen` the finished trials TPE was given, in arrival order. */
export const PROPOSAL_ARTIFACT = 'sweep-proposal';
/** One per finished run the search heard of: details {trial, arrival}, its 0-based place in the arrival order. */
export const RESULT_ARTIFACT = 'sweep-result';
/** Points in flight when `--parallel` is not given: enough to keep a few agents busy, few enough that TPE learns. */
export const DEFAULT_IN_FLIGHT = 4;

interface Finished {
  trial: number;
  values: readonly unknown[];
  score: number | null;
}

/** TPE's metric from a summary, as the local sweep scores it: best val_loss, else best train_loss; none if it failed. */
export function summaryScore(s: RunSummary | null): number | null {
  if (!s || s.status === 'failed' || s.status === 'diverged') return null;
  return s.best?.valLoss ?? s.best?.trainLoss ?? null;
}

/** A run's value of each parameter read back from its config (a choice as the space's own value, as --param gave it). */
function valuesOf(params: readonly SearchParam[], config: ExperimentConfig): unknown[] {
  const flat = flattenConfig(config);
  return params.map((p) => {
    const v = flat.get(p.key);
    if (p.dist.kind !== 'choice') return v;
    const text = String(v);
    return p.dist.values.find((c) => valueText(p.key, c) === text) ?? v;
  });
}

const FINISHED = new Set(['completed', 'diverged', 'failed']);

export class QueuedBayes {
  private readonly values = new Map<string, { trial: number; values: readonly unknown[] }>();
  private readonly queueRuns: QueueRuns;

  private constructor(
    private readonly store: RunStore,
    private readonly sweep: SweepRecord,
    private readonly params: readonly SearchParam[],
    private readonly rng: Rng,
    private proposed: number,
    private readonly arrived: Finished[],
    private readonly experiment: string | undefined,
  ) {
    this.queueRuns = new QueueRuns(store);
  }

  /** K: the points queued or training at once (the sweep's --parallel) */
  get inFlight(): number {
    return Math.max(1, this.sweep.parallel);
  }

  /**
   * The search of a stored bayes sweep. A new one starts at its seed; one queued earlier (`--attach`) has TPE's rng
   * replayed over every recorded proposal with the trials it saw, and the finished trials in their recorded arrival
   * order (one finished before its arrival was recorded goes last, by trial), so the next proposal is the one an
   * unbroken coordinator would have made.
   */
  static of(store: RunStore, sweep: SweepRecord, experiment?: string): QueuedBayes {
    const { params, runs, rng, proposed, arrived } = replayRecords(store, sweep);
    const search = new QueuedBayes(
      store,
      sweep,
      params,
      rng,
      proposed,
      arrived,
      experiment ?? (runs[0] ? store.getRun(runs[0].runId).experiment : undefined),
    );
    for (const r of runs)
      if (r.trial !== null) search.values.set(r.runId, { trial: r.trial, values: valuesOf(params, r.config) });
    return search;
  }

  /** Proposals that bring the points in flight up to K (none after the last trial). */
  fill(open: number): SweepJob[] {
    const out: SweepJob[] = [];
    const size = this.sweep.trials ?? this.sweep.size;
    while (open + out.length < this.inFlight && this.proposed < size) out.push(this.propose());
    return out;
  }

  /** A result came back: it takes the next place in the arrival order (a run not of this search is ignored). */
  heard(outcome: SweepOutcome): void {
    const v = this.values.get(outcome.job.runId);
    if (!v || this.arrived.some((a) => a.trial === v.trial)) return;
    const arrival = this.arrived.length;
    this.arrived.push({ trial: v.trial, values: v.values, score: summaryScore(outcome.summary) });
    recordResult(this.store, outcome.job.runId, v.trial, arrival);
  }

  private propose(): SweepJob {
    const { store, sweep } = this;
    const history: TpeTrial[] = this.arrived.map(({ values, score }) => ({ values, score }));
    const point = pointAt(sweep.baseConfig, tpePropose(this.params, history, this.rng));
    const config = store.datasets.runConfig(point.config);
    const trial = this.proposed++;
    const seen = this.arrived.map((a) => a.trial);
    // The run, what its proposal saw and its hand-over to the queue are one write: a coordinator killed before the
    // job reaches Redis leaves a queued run no process owns (never marked interrupted), which --attach queues again.
    const runId = store.db.transaction(() => {
      const id = store.createRun(config, {
        status: 'queued',
        sweepId: sweep.id,
        experiment: this.experiment,
        sweepTrial: trial,
      });
      recordProposal(store, id, trial, seen);
      this.queueRuns.handOver([id]);
      return id;
    })();
    this.values.set(runId, { trial, values: point.assignments.map((a) => a.value) });
    return { runId, config, label: point.assignments.map((a) => `${a.key}=${a.text}`).join(' '), trial };
  }
}

/** A stored trial as TPE saw its result: the local sweep's score, from what the store holds of it. */
function finishedOf(
  store: RunStore,
  params: readonly SearchParam[],
  r: ReturnType<RunStore['sweepTrials']>[number],
): Finished {
  let score: number | null = null;
  if (r.status !== 'failed' && r.status !== 'diverged')
    score =
      r.bestValLoss ??
      (r.bestEpoch === null
        ? null
        : (store.getEpochs(r.runId).find((e) => e.epoch === r.bestEpoch)?.trainLoss ?? null));
  return { trial: r.trial!, values: valuesOf(params, r.config), score };
}

/** The recorded proposals of a bayes sweep replayed: TPE's rng after them, and the finished trials in arrival order. */
function replayRecords(store: RunStore, sweep: SweepRecord) {
  const params = (sweep.space ?? []).map((p) => parseParamFlag(`${p.key}=${p.dist}`));
  const runs = store.sweepTrials(sweep.id);
  const byTrial = new Map<number, Finished & { arrival: number | null; runId: string }>();
  const proposals: { trial: number; seen: number[] }[] = [];
  for (const r of runs) {
    if (r.trial === null) continue;
    let arrival: number | null = null;
    for (const a of store.listArtifacts(r.runId)) {
      const d = a.details as { seen?: number[]; arrival?: number } | null;
      if (a.kind === PROPOSAL_ARTIFACT && d?.seen) proposals.push({ trial: r.trial, seen: d.seen });
      if (a.kind === RESULT_ARTIFACT && typeof d?.arrival === 'number') arrival = d.arrival;
    }
    if (FINISHED.has(r.status)) byTrial.set(r.trial, { ...finishedOf(store, params, r), arrival, runId: r.runId });
  }
  proposals.sort((a, b) => a.trial - b.trial);
  const rng = new Rng(sweep.sweepSeed ?? 0);
  for (const p of proposals)
    tpePropose(
      params,
      p.seen.flatMap((t) => (byTrial.has(t) ? [byTrial.get(t)!] : [])),
      rng,
    );
  const arrived = [...byTrial.values()].sort(
    (a, b) => (a.arrival ?? Infinity) - (b.arrival ?? Infinity) || a.trial - b.trial,
  );
  // A trial that finished while no search heard it (after a time budget, between coordinators) takes its place in
  // the order now, recorded, so that results heard later come after it in every later replay too.
  store.db.transaction(() => {
    arrived.forEach((a, i) => {
      if (a.arrival === null && proposals.length > 0)
        store.addArtifact(a.runId, { kind: RESULT_ARTIFACT, path: '', details: { trial: a.trial, arrival: i } });
    });
  })();
  return { params, runs, rng, proposed: proposals.length, arrived };
}

/**
 * For `mlpw sweep --resume` of a bayes sweep trained on agents: TPE's rng after its recorded proposals and the
 * finished trials in the order they arrived, when every trial's proposal was recorded; null otherwise (a local
 * sweep, whose proposal k saw trials 0..k−1).
 */
export function recordedSearch(store: RunStore, sweep: SweepRecord): { rng: Rng; order: number[] } | null {
  if (!hasRecords(store, sweep)) return null;
  const { rng, arrived } = replayRecords(store, sweep);
  return { rng, order: arrived.map((a) => a.trial) };
}

/** Whether every trial of a bayes sweep has its proposal recorded (a sweep proposed nothing yet has, trivially). */
export function hasRecords(store: RunStore, sweep: SweepRecord): boolean {
  const runs = store.sweepTrials(sweep.id);
  const recorded = new Set(
    runs.filter((r) => store.listArtifacts(r.runId).some((a) => a.kind === PROPOSAL_ARTIFACT)).map((r) => r.trial),
  );
  return runs.every((r) => recorded.has(r.trial));
}

/** A proposal's record, as the queued search writes it: the trials TPE was given, in the order it was given them. */
export function recordProposal(store: RunStore, runId: string, trial: number, seen: readonly number[]): void {
  store.addArtifact(runId, { kind: PROPOSAL_ARTIFACT, path: '', details: { trial, seen: [...seen] } });
}

/** A result's place in the order the search heard results. */
export function recordResult(store: RunStore, runId: string, trial: number, arrival: number): void {
  store.addArtifact(runId, { kind: RESULT_ARTIFACT, path: '', details: { trial, arrival } });
}

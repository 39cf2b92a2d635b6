// Searches steered by the coordinator while `mlpw agent`s train them, on a real redis-server: ASHA stops trials at
// the rungs a local sweep stops them at (one agent: the same order; two agents: the recorded judgments replayed),
// bayes proposes what a local --parallel 1 sweep proposes (K = 1), every proposal follows from the recorded arrival
// order (K = 2, and across a SIGKILLed coordinator and --attach), a time budget takes unstarted points off the queue.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { AshaPruner, type RungDecision } from '../../engine/experiment/asha.ts';
import { flattenConfig, parseParamFlag, pointAt, tpePropose, valueText } from '../../engine/experiment/index.ts';
import { Rng } from '../../engine/rng.ts';
import { RUNG_ARTIFACT } from '../../queue/asha-on-queue.ts';
import { PROPOSAL_ARTIFACT, RESULT_ARTIFACT } from '../../queue/search-on-queue.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';
import { mlpw, redisForFile, SKIP_REDIS, until, withStore } from './queue-harness.ts';

const BASE = ['--dataset', 'xor', '--samples', '200', '--backend', 'cpu', '--seed', '3'];
const ASHA = [
  ...BASE,
  '--epochs',
  '9',
  '--grid',
  'optimizer.lr=0.3,0.1,0.03,0.01,0.003,0.001',
  '--early-stop',
  'asha:min=1,eta=3',
];
const BAYES = [
  ...BASE,
  '--epochs',
  '4',
  '--method',
  'bayes',
  '--param',
  'optimizer.lr=loguniform:0.01:0.3',
  '--param',
  'model.layers=choice:4,8x8',
  '--sweep-seed',
  '5',
];

const fx = redisForFile();
const { agent, stopAll } = fx;
/** A read-only look while the coordinator writes; undefined while the file is being created. */
function peek<T>(db: string, f: (s: RunStore) => T): T | undefined {
  try {
    return withStore(db, f);
  } catch {
    return undefined;
  }
}

const sweepIdOf = (stdout: string) => (JSON.parse(stdout) as { sweepId: string }).sweepId;

/** Per trial: its point, how it ended, its rung, and every epoch without the two timing fields. */
function trials(db: string, sweepId: string) {
  return withStore(db, (s) =>
    s.sweepTrials(sweepId).map((t) => {
      const flat = flattenConfig(t.config);
      return {
        trial: t.trial,
        point: `lr=${flat.get('optimizer.lr')} layers=${t.config.model.layers.map((l) => l.units).join('x')}`,
        status: t.status,
        epochsDone: t.epochsDone,
        stoppedEarly: t.stoppedEarly,
        stoppedRung: t.stoppedRung,
        bestValLoss: t.bestValLoss,
        epochs: s.getEpochs(t.runId).map(({ durationMs: _d, samplesPerSec: _s, ...m }) => m),
      };
    }),
  );
}

/**
 * TPE replayed from the store alone: proposal k gets the trials its artifact says it saw, in that order, with their
 * stored scores, from the sweep seed's rng. Returns each replayed point's label and the stored one, per trial.
 */
function replayedProposals(db: string, sweepId: string, localFrom = Infinity, reruns: number[] = []) {
  return withStore(db, (s) => {
    const sweep = s.getSweep(sweepId);
    const params = (sweep.space ?? []).map((p) => parseParamFlag(`${p.key}=${p.dist}`));
    const runs = s.sweepTrials(sweepId);
    const valuesOf = (config: (typeof runs)[number]['config']) => {
      const flat = flattenConfig(config);
      return params.map((p) => {
        const v = flat.get(p.key);
        return p.dist.kind === 'choice' ? p.dist.values.find((c) => valueText(p.key, c) === String(v)) : v;
      });
    };
    const byTrial = new Map(runs.map((r) => [r.trial!, r]));
    const labelOf = (a: { key: string; text: string }[]) => a.map((x) => `${x.key}=${x.text}`).join(' ');
    const rng = new Rng(sweep.sweepSeed!);
    const seen: number[][] = [];
    const arrival = new Map<number, number>();
    for (const r of runs) {
      const result = s.listArtifacts(r.runId).find((a) => a.kind === RESULT_ARTIFACT)?.details as
        { arrival: number } | undefined;
      if (result) arrival.set(r.trial!, result.arrival);
    }
    // A local resume's proposal k saw the queue's kept trials in arrival order (one finished after the budget, by
    // trial), then the reruns and its own trials as they finished (one at a time: in trial order).
    const kept = runs
      .map((r) => r.trial!)
      .filter((t) => t < localFrom && !reruns.includes(t))
      .sort((a, b) => (arrival.get(a) ?? Infinity) - (arrival.get(b) ?? Infinity) || a - b);
    const out = runs.map((r) => {
      const artifacts = s.listArtifacts(r.runId);
      const recorded = artifacts.find((a) => a.kind === PROPOSAL_ARTIFACT)?.details as { seen: number[] } | undefined;
      const proposal = recorded ?? {
        seen: [...kept, ...reruns, ...runs.map((x) => x.trial!).filter((t) => t >= localFrom && t < r.trial!)],
      };
      seen.push(proposal.seen);
      const history = proposal.seen.map((t) => ({
        values: valuesOf(byTrial.get(t)!.config),
        score: byTrial.get(t)!.bestValLoss,
      }));
      const replayed = pointAt(sweep.baseConfig, tpePropose(params, history, rng));
      const stored = params.map((p, i) => ({ key: p.key, text: valueText(p.key, valuesOf(r.config)[i]) }));
      return { trial: r.trial!, replayed: labelOf(replayed.assignments), stored: labelOf(stored) };
    });
    return { out, seen, arrival, parallel: sweep.parallel };
  });
}

describe('sweep --queue search flags', () => {
  it('refuses flags a queued sweep cannot take with exit 2, naming the flag, before anything is stored', async () => {
    const t = tempDir();
    try {
      const db = t.file('w.db');
      const attach = await cli(['sweep', '--attach', 'abc', '--queue', 'redis://box', '--early-stop', 'asha'], { db });
      expect(attach.code).toBe(2);
      expect(attach.stderr).toMatch(/--attach takes the sweep as it was stored: --early-stop cannot be given/);
      const budget = await cli(['sweep', '--attach', 'abc', '--queue', 'redis://box', '--time-budget', '1m'], { db });
      expect(budget.code).toBe(2);
      expect(budget.stderr).toMatch(/--time-budget cannot be given/);
      const grid = await cli(
        [...['sweep', ...BASE, '--grid', 'optimizer.lr=0.1,0.01'], '--parallel', '2', '--queue', 'redis://box'],
        { db },
      );
      expect(grid.code).toBe(2);
      expect(grid.stderr).toMatch(/--queue: --parallel 2 is the points in flight of a --method bayes search/);
      const rung = await cli(['sweep', ...ASHA, '--val-split', '0', '--queue', 'redis://box'], { db });
      expect(rung.code).toBe(2);
      expect(rung.stderr).toMatch(/--early-stop metric=val_loss: the runs have no validation split/);
      const bad = await cli(['sweep', ...ASHA.slice(0, -1), 'asha:eta=1', '--queue', 'redis://box'], { db });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--early-stop eta=1/);
      expect(existsSync(db)).toBe(false);
    } finally {
      t.cleanup();
    }
  });
});

describe.skipIf(SKIP_REDIS)('sweep --queue with a search', { timeout: 300_000 }, () => {
  it('asha on one agent stops the trials a local --parallel 1 sweep stops, at the same rungs, epoch for epoch', async () => {
    await agent('alpha');
    const local = await cli(['sweep', ...ASHA, '--json'], { db: fx.tmp.file('asha-local.db') });
    expect(local.code).toBe(0);
    const queued = await cli(['sweep', ...ASHA, '--queue', fx.redis.url, '--json'], { db: fx.tmp.file('asha-q1.db') });
    expect(queued.stderr).toBe('');
    expect(queued.code).toBe(0);
    const want = trials(fx.tmp.file('asha-local.db'), sweepIdOf(local.stdout));
    const got = trials(fx.tmp.file('asha-q1.db'), sweepIdOf(queued.stdout));
    expect(want.filter((t) => t.stoppedEarly).length).toBeGreaterThan(0);
    expect(want.filter((t) => !t.stoppedEarly).length).toBeGreaterThan(0);
    expect(got).toEqual(want);
    expect((JSON.parse(queued.stdout) as { stoppedEarly: number }).stoppedEarly).toBe(
      want.filter((t) => t.stoppedEarly).length,
    );
  });

  it('asha on two agents: the recorded judgments replayed through AshaPruner give its stops; curves are prefixes', async () => {
    await agent('beta');
    const full = await cli(['sweep', ...ASHA.slice(0, -2), '--json'], { db: fx.tmp.file('asha-full.db') });
    expect(full.code).toBe(0);
    const db = fx.tmp.file('asha-q2.db');
    const queued = await cli(['sweep', ...ASHA, '--queue', fx.redis.url, '--json'], { db });
    expect(queued.code).toBe(0);
    const sweepId = sweepIdOf(queued.stdout);
    const unpruned = new Map(trials(fx.tmp.file('asha-full.db'), sweepIdOf(full.stdout)).map((t) => [t.point, t]));
    const decisions = withStore(db, (s) =>
      s
        .sweepTrials(sweepId)
        .flatMap((t) => s.listArtifacts(t.runId).filter((a) => a.kind === RUNG_ARTIFACT))
        .sort((a, b) => a.id - b.id)
        .map((a) => a.details as RungDecision),
    );
    const spec = withStore(db, (s) => s.getSweep(sweepId).pruner!);
    const pruner = new AshaPruner(spec);
    for (const d of decisions) expect(pruner.report(d.trial, d.epoch, d.value)).toEqual(d);
    const got = trials(db, sweepId);
    for (const t of got) {
      const stop = decisions.find((d) => d.trial === t.trial && d.stop);
      expect(t.status).toBe('completed');
      expect(t.stoppedEarly).toBe(stop !== undefined);
      expect(t.stoppedRung).toBe(stop?.rung ?? null);
      expect(t.epochsDone).toBe(stop?.epoch ?? 9);
      // Each rung this trial reached was judged once, whichever agent trained it.
      expect(decisions.filter((d) => d.trial === t.trial).map((d) => d.epoch)).toEqual(
        [1, 3].filter((e) => e <= t.epochsDone),
      );
      expect(t.epochs).toEqual(unpruned.get(t.point)!.epochs.slice(0, t.epochsDone));
    }
    expect(got.some((t) => t.stoppedEarly)).toBe(true);
  });

  it('bayes with one point in flight on two agents proposes what a local --parallel 1 sweep proposes', async () => {
    const args = [...BAYES, '--trials', '8', '--parallel', '1', '--json'];
    const local = await cli(['sweep', ...args], { db: fx.tmp.file('bayes-local.db') });
    expect(local.code).toBe(0);
    const queued = await cli(['sweep', ...args, '--queue', fx.redis.url], { db: fx.tmp.file('bayes-q1.db') });
    expect(queued.code).toBe(0);
    const want = trials(fx.tmp.file('bayes-local.db'), sweepIdOf(local.stdout));
    expect(trials(fx.tmp.file('bayes-q1.db'), sweepIdOf(queued.stdout))).toEqual(want);
    expect(new Set(want.map((t) => t.point)).size).toBeGreaterThan(4);
  });

  it('bayes with two in flight: each proposal saw the results in their recorded order and replays from it', async () => {
    const db = fx.tmp.file('bayes-q2.db');
    const queued = await cli(
      ['sweep', ...BAYES, '--trials', '10', '--parallel', '2', '--queue', fx.redis.url, '--json'],
      {
        db,
      },
    );
    expect(queued.code).toBe(0);
    const { out, seen, arrival } = replayedProposals(db, sweepIdOf(queued.stdout));
    expect(out).toHaveLength(10);
    for (const p of out) expect(p.replayed).toBe(p.stored);
    // K = 2: the first two saw nothing; each later one was proposed when one more result had come back.
    expect(seen.map((s) => s.length)).toEqual([0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const order = [...arrival].sort((a, b) => a[1] - b[1]).map(([t]) => t);
    for (const s of seen) expect(s).toEqual(order.slice(0, s.length));
  });

  it('a coordinator SIGKILLed mid-search: --attach proposes the rest from the recorded order', async () => {
    await stopAll();
    await agent('paced-1', ['--epochs-per-second', '8']);
    await agent('paced-2', ['--epochs-per-second', '8']);
    const db = fx.tmp.file('bayes-attach.db');
    const coordinator = mlpw([
      'sweep',
      ...BAYES,
      '--trials',
      '10',
      '--parallel',
      '2',
      '--queue',
      fx.redis.url,
      '--db',
      db,
    ]);
    fx.track(coordinator);
    const sweepId = /^sweep (\w+):/.exec(await coordinator.waitFor(/^sweep \w+:/))![1]!;
    await until(
      () =>
        peek(db, (s) =>
          s.listRuns({ sweepId }).filter((r) => r.status === 'completed').length >= 3 ? true : undefined,
        ),
      'three trials done',
    );
    coordinator.proc.kill('SIGKILL');
    await coordinator.exited;
    const before = peek(db, (s) => s.listRuns({ sweepId }).length)!;
    expect(before).toBeLessThan(10);
    const attached = await cli(['sweep', '--attach', sweepId, '--queue', fx.redis.url], { db });
    // The kill may land between a proposal's run in the store and its job in Redis: --attach queues that one again.
    expect(attached.stderr).toMatch(/^(mlpw sweep: 1 point\(s\) not in the queue any more: queued again\n)?$/);
    expect(attached.code).toBe(0);
    expect(attached.stdout).toMatch(new RegExp(`still to propose`));
    const { out, seen, arrival } = replayedProposals(db, sweepId);
    expect(out).toHaveLength(10);
    for (const p of out) expect(p.replayed).toBe(p.stored);
    const order = [...arrival].sort((a, b) => a[1] - b[1]).map(([t]) => t);
    for (const s of seen) expect(s).toEqual(order.slice(0, s.length));
    expect(trials(db, sweepId).every((t) => t.status === 'completed' && t.epochsDone === 4)).toBe(true);
  });

  it('hyperband with its coordinator SIGKILLed mid-sweep: --attach judges the rungs left as one coordinator would', async () => {
    await stopAll();
    await agent('paced-1', ['--epochs-per-second', '6']);
    await agent('paced-2', ['--epochs-per-second', '6']);
    const HB = [...ASHA.slice(0, -1), 'hyperband:min=1,eta=3'];
    const full = await cli(['sweep', ...ASHA.slice(0, -2), '--json'], { db: fx.tmp.file('hb-full.db') });
    expect(full.code).toBe(0);
    const unpruned = new Map(trials(fx.tmp.file('hb-full.db'), sweepIdOf(full.stdout)).map((t) => [t.point, t]));
    const db = fx.tmp.file('hb-attach.db');
    const coordinator = mlpw(['sweep', ...HB, '--queue', fx.redis.url, '--db', db]);
    fx.track(coordinator);
    const sweepId = /^sweep (\w+):/.exec(await coordinator.waitFor(/^sweep \w+:/))![1]!;
    const judged = (s: RunStore) =>
      s.sweepTrials(sweepId).flatMap((t) => s.listArtifacts(t.runId).filter((a) => a.kind === RUNG_ARTIFACT));
    await until(() => peek(db, (s) => (judged(s).length >= 1 ? true : undefined)), 'a first rung judged');
    coordinator.proc.kill('SIGKILL');
    await coordinator.exited;
    const atKill = withStore(db, (s) => judged(s).length);
    const attached = await cli(['sweep', '--attach', sweepId, '--queue', fx.redis.url], { db });
    expect(attached.code).toBe(0);
    const spec = withStore(db, (s) => s.getSweep(sweepId).pruner!);
    expect(spec.brackets).toBe(3);
    const decisions = withStore(db, (s) =>
      judged(s)
        .sort((a, b) => a.id - b.id)
        .map((a) => a.details as RungDecision),
    );
    expect(decisions.length).toBeGreaterThan(atKill); // the reattached coordinator judged the rest
    const pruner = new AshaPruner(spec);
    for (const d of decisions) expect(pruner.report(d.trial, d.epoch, d.value)).toEqual(d);
    for (const t of trials(db, sweepId)) {
      const stop = decisions.find((d) => d.trial === t.trial && d.stop);
      expect(t.status).toBe('completed');
      expect(t.stoppedRung).toBe(stop?.rung ?? null);
      expect(t.epochsDone).toBe(stop?.epoch ?? 9);
      const reached = pruner.rungsOf(t.trial!).filter((e) => e <= t.epochsDone);
      expect(decisions.filter((d) => d.trial === t.trial).map((d) => d.epoch)).toEqual(reached);
      expect(t.epochs).toEqual(unpruned.get(t.point)!.epochs.slice(0, t.epochsDone));
    }
  });

  it('an agent SIGKILLed past a rung: the retry gets the decision already made, never a second judgment', async () => {
    await stopAll();
    // A 3 s lock: the doomed agent renews it every 1.5 s, so a loaded box's stall never loses it before the kill.
    const lock = ['--lock-ms', '3000'];
    // Paced at 3 epochs/s, trial 0 is running past its first rung for over 2 s: the poll below cannot miss it.
    const doomed = await agent('doomed', [...lock, '--epochs-per-second', '3']);
    const db = fx.tmp.file('asha-retry.db');
    const coordinator = cli(['sweep', ...ASHA, '--queue', fx.redis.url, '--json'], { db });
    const past = await until(
      () =>
        peek(db, (s) =>
          s
            .sweepTrials(s.listSweeps()[0]?.id ?? '')
            .find((t) => t.trial === 0 && t.status === 'running' && s.getEpochs(t.runId).length >= 2),
        ),
      'trial 0 past its first rung',
    );
    doomed.proc.kill('SIGKILL');
    await doomed.exited;
    await agent('rescuer', lock);
    const r = await coordinator;
    expect(r.code).toBe(0);
    const sweepId = sweepIdOf(r.stdout);
    const attempts = withStore(db, (s) => s.listArtifacts(past.runId).filter((a) => a.kind === 'queue-attempt').length);
    expect(attempts).toBe(2);
    const decisions = withStore(db, (s) =>
      s
        .sweepTrials(sweepId)
        .flatMap((t) => s.listArtifacts(t.runId).filter((a) => a.kind === RUNG_ARTIFACT))
        .sort((a, b) => a.id - b.id)
        .map((a) => a.details as RungDecision),
    );
    // Trial 0 reached rung 1 twice (once per attempt) and was judged there once.
    expect(decisions.filter((d) => d.trial === 0 && d.epoch === 1)).toHaveLength(1);
    const pruner = new AshaPruner(withStore(db, (s) => s.getSweep(sweepId).pruner!));
    for (const d of decisions) expect(pruner.report(d.trial, d.epoch, d.value)).toEqual(d);
    const full = await cli(['sweep', ...ASHA.slice(0, -2), '--json'], { db: fx.tmp.file('retry-full.db') });
    const unpruned = new Map(trials(fx.tmp.file('retry-full.db'), sweepIdOf(full.stdout)).map((t) => [t.point, t]));
    for (const t of trials(db, sweepId)) {
      const stop = decisions.find((d) => d.trial === t.trial && d.stop);
      expect(t.epochsDone).toBe(stop?.epoch ?? 9);
      expect(t.epochs).toEqual(unpruned.get(t.point)!.epochs.slice(0, t.epochsDone));
    }
  });

  it('a time budget: nothing is proposed after it, and points no agent started leave the queue, cancelled', async () => {
    await stopAll();
    // Paced: two agents finish at most ~5 trials a second, so a 3 s budget cuts the 40 trials, however fast the box.
    await Promise.all([
      agent('paced-1', ['--epochs-per-second', '10']),
      agent('paced-2', ['--epochs-per-second', '10']),
    ]);
    const waiting = () => fx.redis.client.llen('mlpw:runs:wait');
    // bayes: K = 2 in flight, so at most two runs are open when the budget ends; no more are proposed.
    const bdb = fx.tmp.file('budget-bayes.db');
    const b = await cli(
      [
        'sweep',
        ...BAYES,
        '--trials',
        '40',
        '--parallel',
        '2',
        '--time-budget',
        '3s',
        '--queue',
        fx.redis.url,
        '--json',
      ],
      { db: bdb },
    );
    expect(b.code).toBe(0);
    const bj = JSON.parse(b.stdout) as {
      sweepId: string;
      budgetReached: boolean;
      runs: { trial: number; status: string; epochsDone: number }[];
    };
    expect(bj.budgetReached).toBe(true);
    const done = bj.runs.filter((r) => r.status === 'completed');
    const cancelled = bj.runs.filter((r) => r.status === 'cancelled');
    expect(done.length).toBeGreaterThan(0);
    expect(done.length + cancelled.length).toBe(bj.runs.length);
    expect(cancelled.length).toBeLessThanOrEqual(2); // K = 2: at most the two in flight were still waiting
    expect(bj.runs.length).toBeLessThan(40);
    expect(cancelled.every((r) => r.epochsDone === 0)).toBe(true);
    expect(await waiting()).toBe(0);
    // --resume on this machine goes on from the recorded proposals and arrival order: the cancelled points run
    // first (as the same runs), then each new proposal sees the queue's results in the order they came back.
    const resumed = await cli(
      ['sweep', '--resume', bj.sweepId, '--parallel', '1', '--time-budget', 'none', '--quiet'],
      { db: bdb },
    );
    expect(resumed.code).toBe(0);
    const reruns = cancelled.map((r) => r.trial).sort((x, y) => x - y);
    const { out } = replayedProposals(bdb, bj.sweepId, bj.runs.length, reruns);
    expect(out).toHaveLength(40);
    for (const p of out) expect(p.replayed).toBe(p.stored);
    // random: every point is queued at once; one slow agent leaves most of them waiting when the budget ends.
    await stopAll();
    await agent('slow', ['--epochs-per-second', '4']);
    const rdb = fx.tmp.file('budget-random.db');
    const r = await cli(
      [
        'sweep',
        ...BAYES.map((a) => (a === 'bayes' ? 'random' : a)),
        '--trials',
        '20',
        '--time-budget',
        '2s',
        '--queue',
        fx.redis.url,
      ],
      { db: rdb },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /time budget reached: \d+ point\(s\) no agent had started taken off the queue \(cancelled\)/,
    );
    const runs = withStore(rdb, (s) =>
      s.listRuns({}).map((x) => ({ status: x.status, epochs: s.getEpochs(x.id).length, started: x.startedAt })),
    );
    expect(runs).toHaveLength(20);
    const left = runs.filter((x) => x.status === 'cancelled');
    expect(left.length).toBeGreaterThan(5);
    expect(left.every((x) => x.epochs === 0 && x.started === null)).toBe(true);
    expect(runs.filter((x) => x.status === 'completed').length).toBe(20 - left.length);
    expect(await waiting()).toBe(0);
  });
});

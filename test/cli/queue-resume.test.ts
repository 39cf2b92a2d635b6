// `mlpw sweep --resume SWEEP --queue URL` on a real redis-server with real `mlpw agent`s: a bayes sweep cut by its
// time budget goes on on agents with every proposal replaying from the seed and the recorded arrival order (as one
// unbroken coordinator would have proposed), a grid sweep's cancelled points are trained by an agent bit-identically
// to local training, a queued → local → queued chain of resumes still replays proposal for proposal (local proposals
// are recorded too), and bad input exits 2 naming the flag with nothing stored.
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { ATTEMPT_ARTIFACT } from '../../db/queue-runs.ts';
import { flattenConfig, parseParamFlag, pointAt, tpePropose, valueText } from '../../engine/experiment/index.ts';
import { Rng } from '../../engine/rng.ts';
import { PROPOSAL_ARTIFACT, RESULT_ARTIFACT } from '../../queue/search-on-queue.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';
import { mlpw, redisForFile, SKIP_REDIS, startRedis, withStore } from './queue-harness.ts';

const BASE = ['--dataset', 'xor', '--samples', '200', '--backend', 'cpu', '--seed', '3', '--epochs', '4'];
const BAYES = [
  ...BASE,
  '--method',
  'bayes',
  '--param',
  'optimizer.lr=loguniform:0.01:0.3',
  '--param',
  'model.layers=choice:4,8x8',
  '--sweep-seed',
  '5',
];
const GRID = [...BASE, '--grid', 'optimizer.lr=0.1,0.03,0.01'];

const fx = redisForFile();
const { agent, stopAll } = fx;

/** Per trial's latest run: status, epochs done, agents that trained it, and every epoch without its timing fields. */
function trials(db: string, sweepId: string) {
  return withStore(db, (s) => {
    const latest = new Map<number, ReturnType<RunStore['sweepTrials']>[number]>();
    for (const t of s.sweepTrials(sweepId)) latest.set(t.trial!, t);
    return [...latest.values()].map((t) => ({
      trial: t.trial!,
      runId: t.runId,
      lr: flattenConfig(t.config).get('optimizer.lr'),
      status: t.status,
      epochsDone: t.epochsDone,
      agents: s
        .listArtifacts(t.runId)
        .filter((a) => a.kind === ATTEMPT_ARTIFACT)
        .map((a) => (a.details as { agent: string }).agent),
      epochs: s.getEpochs(t.runId).map(({ durationMs: _d, samplesPerSec: _s, ...m }) => m),
    }));
  });
}

/**
 * TPE replayed from the store alone: every trial must have a recorded proposal; proposal k is given the trials its
 * record says it saw, in that order, with their stored scores, from the sweep seed's rng (what one unbroken search
 * hearing results in the recorded order proposes). Returns per trial the replayed point and the stored one, the seen
 * lists, and the recorded arrival order.
 */
function replayed(db: string, sweepId: string) {
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
    const finished = new Map(runs.filter((r) => r.status === 'completed').map((r) => [r.trial!, r]));
    const proposals = new Map<number, number[]>();
    const arrival = new Map<number, number>();
    for (const r of runs)
      for (const a of s.listArtifacts(r.runId)) {
        if (a.kind === PROPOSAL_ARTIFACT) proposals.set(r.trial!, (a.details as { seen: number[] }).seen);
        if (a.kind === RESULT_ARTIFACT) arrival.set(r.trial!, (a.details as { arrival: number }).arrival);
      }
    const rng = new Rng(sweep.sweepSeed!);
    const label = (a: { key: string; text: string }[]) => a.map((x) => `${x.key}=${x.text}`).join(' ');
    const latest = new Map(runs.map((r) => [r.trial!, r]));
    const out = [...latest.values()].map((r) => {
      const seen = proposals.get(r.trial!);
      if (!seen) return { trial: r.trial!, replayed: 'no proposal recorded', stored: '' };
      const history = seen.map((t) => ({
        values: valuesOf(finished.get(t)!.config),
        score: finished.get(t)!.bestValLoss,
      }));
      const point = pointAt(sweep.baseConfig, tpePropose(params, history, rng));
      const stored = params.map((p, i) => ({ key: p.key, text: valueText(p.key, valuesOf(r.config)[i]) }));
      return { trial: r.trial!, replayed: label(point.assignments), stored: label(stored) };
    });
    const order = [...arrival].sort((a, b) => a[1] - b[1]).map(([t]) => t);
    return { out, seen: [...latest.keys()].map((t) => proposals.get(t) ?? []), order, arrivals: [...arrival.values()] };
  });
}

/** Every proposal replays, each saw a prefix of the one arrival order, and each result has one place in it. */
function expectReplays(db: string, sweepId: string, size: number): void {
  const { out, seen, order, arrivals } = replayed(db, sweepId);
  expect(out).toHaveLength(size);
  for (const p of out) expect(p.replayed).toBe(p.stored);
  for (const s of seen) expect(s).toEqual(order.slice(0, s.length));
  expect([...arrivals].sort((a, b) => a - b)).toEqual(arrivals.map((_, i) => i));
  expect(order).toHaveLength(size);
}

type SweepJson = {
  sweepId: string;
  budgetReached: boolean;
  runs: { trial: number; status: string; epochsDone: number }[];
};

describe('sweep --resume --queue usage', () => {
  it('bad input exits 2 naming the flag, and the stored sweep is left as it was', async () => {
    const t = tempDir();
    try {
      const db = t.file('w.db');
      // A local sweep cut by a 1 ms budget: some of its points were never started (cancelled).
      const cut = await cli(['sweep', ...GRID, '--time-budget', '1ms', '--json'], { db });
      const sweepId = (JSON.parse(cut.stdout) as SweepJson).sweepId;
      const before = withStore(db, (s) => JSON.stringify(s.listRuns({ sweepId })));
      const resume = (...args: string[]) => cli(['sweep', '--resume', sweepId, ...args], { db });
      const scheme = await resume('--queue', 'http://:hunter2@box:6379');
      expect(scheme.code).toBe(2);
      expect(scheme.stderr).toMatch(/--queue: expected a redis:\/\/ or rediss:\/\/ URL, got scheme "http"/);
      expect(scheme.stderr).not.toMatch(/hunter2/);
      const parallel = await resume('--queue', 'redis://:hunter2@127.0.0.1:1', '--parallel', '2');
      expect(parallel.code).toBe(2);
      expect(parallel.stderr).toMatch(/--queue: --parallel 2 is the points in flight of a --method bayes search/);
      expect(parallel.stderr).toMatch(new RegExp(`sweep ${sweepId} is a grid sweep`));
      expect(parallel.stderr).not.toMatch(/hunter2/);
      const budget = await resume('--queue', 'redis://box', '--time-budget', '5x');
      expect(budget.code).toBe(2);
      expect(budget.stderr).toMatch(/--time-budget: expected a duration/);
      const other = await resume('--queue', 'redis://box', '--epochs', '3');
      expect(other.code).toBe(2);
      expect(other.stderr).toMatch(/--resume takes the sweep as it was stored: --epochs cannot be given/);
      if (!SKIP_REDIS) {
        const guarded = await startRedis(t.file('redis'), { password: 'right' });
        try {
          const url = guarded.url.replace(/:[^:@/]*@/, ':wrong@');
          const login = await resume('--queue', url);
          expect(login.code).toBe(2);
          expect(login.stderr).toMatch(/--queue redis:\/\/:\*\*\*@127\.0\.0\.1:\d+.*(WRONGPASS|invalid)/);
          expect(login.stderr).not.toMatch(/:wrong@/);
        } finally {
          await guarded.stop();
        }
      }
      expect(withStore(db, (s) => JSON.stringify(s.listRuns({ sweepId })))).toBe(before);
    } finally {
      t.cleanup();
    }
  });
});

describe.skipIf(SKIP_REDIS)('sweep --resume --queue', { timeout: 300_000 }, () => {
  it('a bayes sweep cut by its budget on agents goes on on agents, every proposal replaying as one unbroken search', async () => {
    // Paced: two agents finish at most ~5 trials a second, so a 3 s budget cuts the 40 trials however fast the box.
    await Promise.all([
      agent('paced-1', ['--epochs-per-second', '10']),
      agent('paced-2', ['--epochs-per-second', '10']),
    ]);
    const db = fx.tmp.file('bayes.db');
    const first = await cli(
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
      { db },
    );
    expect(first.code).toBe(0);
    const cut = JSON.parse(first.stdout) as SweepJson;
    expect(cut.budgetReached).toBe(true);
    expect(cut.runs.length).toBeLessThan(40);
    const resumed = await cli(['sweep', '--resume', cut.sweepId, '--queue', fx.redis.url, '--time-budget', 'none'], {
      db,
    });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`sweep ${cut.sweepId} resumed: bayes, \\d+ of 40 trials kept`));
    expect(resumed.stdout).toMatch(/trials proposed as results come back, 2 in flight on redis:/);
    const all = trials(db, cut.sweepId);
    expect(all).toHaveLength(40);
    for (const t of all) {
      expect(t.status).toBe('completed');
      expect(t.epochsDone).toBe(4);
      expect(t.agents).toHaveLength(1); // trained on an agent, once
      expect(t.agents[0]).toMatch(/^paced-[12]$/);
    }
    expectReplays(db, cut.sweepId, 40);
  });

  it('a grid sweep whose points were cancelled goes on on an agent, epochs bit-identical to local training', async () => {
    await stopAll();
    const db = fx.tmp.file('grid.db');
    // No agent yet: the coordinator queues three points, and mlpw sweep --cancel takes them off the queue.
    const coordinator = mlpw(['sweep', ...GRID, '--queue', fx.redis.url, '--db', db]);
    fx.track(coordinator);
    const sweepId = /^sweep (\w+):/.exec(await coordinator.waitFor(/^sweep \w+: 3 points queued/))![1]!;
    const cancel = await cli(['sweep', '--cancel', sweepId, '--queue', fx.redis.url], { db });
    expect(cancel.code).toBe(0);
    await coordinator.exited;
    expect(trials(db, sweepId).map((t) => t.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    await agent('gamma');
    const resumed = await cli(['sweep', '--resume', sweepId, '--queue', fx.redis.url], { db });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/0 of 3 trials kept, 3 to run again/);
    expect(resumed.stdout).toMatch(/\[3\/3\]/);
    const local = await cli(['sweep', ...GRID, '--json'], { db: fx.tmp.file('grid-local.db') });
    expect(local.code).toBe(0);
    const want = trials(fx.tmp.file('grid-local.db'), (JSON.parse(local.stdout) as SweepJson).sweepId);
    const got = trials(db, sweepId);
    expect(got.map((t) => t.agents)).toEqual([['gamma'], ['gamma'], ['gamma']]);
    expect(got.map(({ lr, status, epochsDone, epochs }) => ({ lr, status, epochsDone, epochs }))).toEqual(
      want.map(({ lr, status, epochsDone, epochs }) => ({ lr, status, epochsDone, epochs })),
    );
  });

  it('a random sweep cut by its budget on an agent: the points taken off the queue are queued again as the same runs', async () => {
    await stopAll();
    await agent('slow', ['--epochs-per-second', '8']);
    const db = fx.tmp.file('random.db');
    const RANDOM = BAYES.map((a) => (a === 'bayes' ? 'random' : a));
    const first = await cli(
      ['sweep', ...RANDOM, '--trials', '10', '--time-budget', '1s', '--queue', fx.redis.url, '--json'],
      {
        db,
      },
    );
    expect(first.code).toBe(0);
    const cut = JSON.parse(first.stdout) as SweepJson;
    const before = trials(db, cut.sweepId);
    const cancelled = before.filter((t) => t.status === 'cancelled');
    expect(cancelled.length).toBeGreaterThan(2); // one agent at 8 epochs/s trains at most ~2 points a second
    const resumed = await cli(['sweep', '--resume', cut.sweepId, '--queue', fx.redis.url, '--time-budget', 'none'], {
      db,
    });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const after = trials(db, cut.sweepId);
    // The same runs, with the same points, now trained by the agent; nothing else was added.
    expect(withStore(db, (s) => s.listRuns({ sweepId: cut.sweepId }).length)).toBe(10);
    expect(after.map((t) => [t.trial, t.runId, t.lr])).toEqual(before.map((t) => [t.trial, t.runId, t.lr]));
    expect(after.every((t) => t.status === 'completed' && t.epochsDone === 4 && t.agents.join() === 'slow')).toBe(true);
  });

  it('queued, then resumed here, then resumed on agents: every proposal, local ones too, replays', async () => {
    await stopAll();
    await Promise.all([
      agent('paced-1', ['--epochs-per-second', '40']),
      agent('paced-2', ['--epochs-per-second', '40']),
    ]);
    // Heavier points (20 k rows, 12 epochs: ~0.2 s a trial here at load 8, ~0.5 s on a paced agent), so that the
    // 3 s budget on agents and the 2 s budget here both cut the 60 trials with several-fold margins.
    const HEAVY = BAYES.map((a) =>
      a === '200'
        ? '20000'
        : a === '4'
          ? '12'
          : a === 'model.layers=choice:4,8x8'
            ? 'model.layers=choice:16x16,32x32'
            : a,
    );
    const db = fx.tmp.file('mix.db');
    const first = await cli(
      [
        'sweep',
        ...HEAVY,
        '--trials',
        '60',
        '--parallel',
        '2',
        '--time-budget',
        '3s',
        '--queue',
        fx.redis.url,
        '--json',
      ],
      { db },
    );
    expect(first.code).toBe(0);
    const cut = JSON.parse(first.stdout) as SweepJson;
    expect(cut.budgetReached).toBe(true);
    const here = await cli(['sweep', '--resume', cut.sweepId, '--parallel', '1', '--time-budget', '2s', '--json'], {
      db,
    });
    expect(here.code).toBe(0);
    const local = JSON.parse(here.stdout) as SweepJson;
    expect(local.budgetReached).toBe(true);
    const afterLocal = trials(db, cut.sweepId);
    // Some trials were proposed and trained here (no agent attempt), and some are left.
    const trainedHere = afterLocal.filter((t) => t.status === 'completed' && t.agents.length === 0);
    expect(trainedHere.length).toBeGreaterThan(0);
    expect(afterLocal.length).toBeLessThan(60);
    const onAgents = await cli(['sweep', '--resume', cut.sweepId, '--queue', fx.redis.url, '--time-budget', 'none'], {
      db,
    });
    expect(onAgents.stderr).toBe('');
    expect(onAgents.code).toBe(0);
    const all = trials(db, cut.sweepId);
    expect(all).toHaveLength(60);
    expect(all.every((t) => t.status === 'completed' && t.epochsDone === 12)).toBe(true);
    expect(all.filter((t) => t.trial >= afterLocal.length).every((t) => t.agents.length === 1)).toBe(true);
    expectReplays(db, cut.sweepId, 60);
  });
});

// "Run on agents" through the WorkbenchApi (dispatch, real SQLite file, the server's real QueueSweeps host, a real
// redis-server of the test's own): a bad URL, a Redis that does not answer and a refused password each give one error
// naming the URL without its password, and store nothing; a grid sweep is stored queued, its jobs are in BullMQ under
// the run ids, and Cancel (no agent running) takes every job off the queue and cancels every run.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../api/dispatch.ts';
import { createStoreApi } from '../../api/store-api.ts';
import type { ApiHandlers, ApiOutputs } from '../../api/workbench-api.ts';
import { RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';
import { QueueSweeps } from '../../server/queue-sweeps.ts';
import { writeFileSync } from 'node:fs';
import { tempDir } from '../db/helpers.ts';
import { cli } from '../cli/helpers.ts';
import { SKIP_REDIS, startAgent, startRedis, stopAgent, until, type TestRedis } from '../cli/queue-harness.ts';

/** until() for a check that asks Redis. */
async function untilAsync(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let tmp: ReturnType<typeof tempDir>;
let store: RunStore;
let host: QueueSweeps;
let api: ApiHandlers;
beforeEach(() => {
  tmp = tempDir();
  store = new RunStore(tmp.file('app.db'), { appVersion: '0.0.0-test' });
  host = new QueueSweeps(store);
  api = createStoreApi(store, { mode: 'browser', appVersion: '0.0.0-test', queue: host });
});
afterEach(async () => {
  await host.close();
  store.close();
  tmp.cleanup();
});

async function call<M extends keyof ApiOutputs>(method: M, input: unknown, on = api): Promise<ApiOutputs[M]> {
  const r = await dispatch(on, method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value as ApiOutputs[M];
}

const baseConfig = parseConfig({ dataset: { name: 'xor', samples: 64 }, epochs: 2, backend: 'cpu', seed: 3 });
const grid = { baseConfig, grid: [{ key: 'optimizer.lr', values: [0.1, 0.03] }] };

function nothingStored(): void {
  expect(store.listSweeps()).toEqual([]);
  expect(store.countRuns()).toBe(0);
}

describe('startQueueSweep refuses before it stores anything', () => {
  it('a URL that is not a redis:// one, naming the field and the scheme', async () => {
    await expect(call('startQueueSweep', { url: 'http://127.0.0.1:6379', grid })).rejects.toMatchObject({
      code: 'queue_url',
      message: 'queue URL: expected a redis:// or rediss:// URL, got scheme "http"',
    });
    nothingStored();
  });

  it('a Redis that does not answer, naming the URL with its password masked', async () => {
    // A loopback port nobody listens on: connection refused at once.
    const err = await call('startQueueSweep', { url: 'redis://:s3cret@127.0.0.1:1', grid }).catch((e) => e);
    expect(err).toMatchObject({ code: 'queue_url' });
    expect(err.message).toMatch(/^queue URL redis:\/\/:\*\*\*@127\.0\.0\.1:1: Redis is not reachable \(.*ECONNREFUSED/);
    expect(err.message).not.toContain('s3cret');
    nothingStored();
  });

  it('a bayes search Redis does not answer, points in flight on a grid, and an input that is neither grid nor search', async () => {
    const search = {
      baseConfig,
      method: 'bayes',
      params: [{ key: 'optimizer.lr', dist: 'uniform:0.01:0.1' }],
      trials: 3,
      seed: 1,
    };
    await expect(call('startQueueSweep', { url: 'redis://127.0.0.1:1', search, inFlight: 2 })).rejects.toMatchObject({
      code: 'queue_url',
    });
    // A space the base config cannot take is named before Redis is asked.
    await expect(
      call('startQueueSweep', {
        url: 'redis://127.0.0.1:1',
        search: { ...search, params: [{ key: 'optimizer.nope', dist: 'uniform:0.01:0.1' }] },
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument', field: 'search.params' });
    await expect(call('startQueueSweep', { url: 'redis://127.0.0.1:1', grid, inFlight: 2 })).rejects.toMatchObject({
      code: 'invalid_argument',
      field: 'inFlight',
    });
    await expect(call('startQueueSweep', { url: 'redis://127.0.0.1:1' })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: 'startQueueSweep: grid: give grid or search, one of them',
    });
    nothingStored();
  });

  it('a store API without a queue host says so', async () => {
    const bare = createStoreApi(store, { mode: 'browser', appVersion: '0.0.0-test' });
    await expect(call('startQueueSweep', { url: 'redis://127.0.0.1:1', grid }, bare)).rejects.toMatchObject({
      code: 'no_queue',
    });
    nothingStored();
  });
});

describe.skipIf(SKIP_REDIS)('on a real redis-server', () => {
  let redis: TestRedis;
  let redisDir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    redisDir = tempDir();
    redis = await startRedis(redisDir.file('redis'), { password: 'pa55' });
  });
  afterAll(async () => {
    await redis?.stop();
    redisDir?.cleanup();
  });

  it('a wrong password is refused by name, masked, and stores nothing', async () => {
    const wrong = redis.url.replace(':pa55@', ':nope@');
    const err = await call('startQueueSweep', { url: wrong, grid }).catch((e) => e);
    expect(err).toMatchObject({ code: 'queue_url' });
    expect(err.message).toMatch(/^queue URL redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: WRONGPASS/);
    expect(err.message).not.toContain('nope');
    nothingStored();
  });

  it('queues the points at once, then Cancel takes them off the queue and cancels their runs', async () => {
    const started = await call('startQueueSweep', { url: redis.url, grid });
    expect(started.url).not.toContain('pa55');
    expect(store.listRuns({ sweepId: started.sweepId }).map((r) => r.status)).toEqual(['queued', 'queued']);
    // The coordinator hands them to BullMQ in the background: both jobs wait, under their run ids.
    await until(
      async () => {
        const waiting = await redis.client.lrange('mlpw:runs:wait', 0, -1);
        return started.runIds.every((id) => waiting.includes(id)) || undefined;
      },
      'both jobs waiting in BullMQ',
      30_000,
    );
    const state = await call('queueSweepState', { sweepId: started.sweepId });
    expect(state).toMatchObject({ onQueue: true, collecting: true, problem: null, url: started.url });
    expect(state.runs.map((r) => [r.status, r.agent, r.retries])).toEqual([
      ['queued', null, 0],
      ['queued', null, 0],
    ]);

    const result = await call('cancelQueueSweep', { sweepId: started.sweepId });
    expect(result).toEqual({ cancelled: started.runIds, running: [] });
    expect(store.listRuns({ sweepId: started.sweepId }).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    for (const id of started.runIds) expect(await redis.client.exists(`mlpw:runs:${id}`)).toBe(0);
    expect(await redis.client.lrange('mlpw:runs:wait', 0, -1)).toEqual([]);
    // The coordinator settles the cancelled points and stops; it never queues them again.
    await until(
      () => (!host.status(started.sweepId).collecting ? true : undefined),
      'the coordinator lets go of the cancelled sweep',
      30_000,
    );
    expect(await redis.client.lrange('mlpw:runs:wait', 0, -1)).toEqual([]);
  });

  it('a server started again asks for the password it never stored, then reattaches and collects what an agent trained', async () => {
    const started = await call('startQueueSweep', { url: redis.url, grid });
    await untilAsync(
      async () => (await redis.client.lrange('mlpw:runs:wait', 0, -1)).length === 2,
      'both jobs waiting in BullMQ',
      30_000,
    );
    // The server stops (its coordinator lets go); an agent trains both points while nothing collects them.
    await host.close();
    expect(host.status(started.sweepId).collecting).toBe(false);
    const agent = await startAgent(redis.url, 'alpha');
    try {
      await agent.waitFor(/completed/, 120_000);
      await until(
        () => (agent.lines.filter((l) => / completed /.test(l)).length === 2 ? true : undefined),
        'two completed lines from the agent',
      );
      expect(store.listRuns({ sweepId: started.sweepId }).map((r) => r.status)).not.toContain('completed');

      host = new QueueSweeps(store);
      api = createStoreApi(store, { mode: 'browser', appVersion: '0.0.0-test', queue: host });
      await host.reattachAll();
      const waiting = await call('queueSweepState', { sweepId: started.sweepId });
      expect(waiting).toMatchObject({ onQueue: true, collecting: false, url: started.url });
      expect(waiting.problem).toMatch(/has a password, which the store does not keep: give the URL/);

      const again = await call('reattachQueueSweep', { sweepId: started.sweepId, url: redis.url });
      expect(again).toMatchObject({ collecting: true, problem: null });
      await until(
        () => {
          const runs = store.listRuns({ sweepId: started.sweepId });
          return runs.every((r) => r.status === 'completed') ? runs : undefined;
        },
        'both runs completed in the store',
        60_000,
      );
      for (const id of started.runIds) expect(store.getEpochs(id).map((e) => e.epoch)).toEqual([1, 2]);
      const state = await call('queueSweepState', { sweepId: started.sweepId });
      expect(state.runs.map((r) => [r.status, r.agent, r.retries])).toEqual([
        ['completed', 'alpha', 0],
        ['completed', 'alpha', 0],
      ]);
    } finally {
      await stopAgent(agent);
    }
  });

  it('a server whose Redis went away still closes, leaving the points queued for the next start', async () => {
    const gone = await startRedis(redisDir.file('gone'));
    const started = await call('startQueueSweep', { url: gone.url, grid });
    await untilAsync(
      async () => (await gone.client.lrange('mlpw:runs:wait', 0, -1)).length === 2,
      'both jobs waiting in BullMQ',
      30_000,
    );
    await gone.stop();
    await new Promise((r) => setTimeout(r, 2_500)); // past a coordinator check, which now waits on the lost Redis
    await host.close();
    expect(store.listRuns({ sweepId: started.sweepId }).map((r) => r.status)).toEqual(['queued', 'queued']);
  });

  it('early stopping on agents: the coordinator judges the rungs, and the trials stop where a local sweep stops them', async () => {
    const base = parseConfig({ dataset: { name: 'xor', samples: 120 }, epochs: 9, backend: 'cpu', seed: 5 });
    const lrs = [0.3, 0.1, 0.03, 0.01, 0.003, 0.001];
    const agent = await startAgent(redis.url, 'alpha');
    try {
      const started = await call('startQueueSweep', {
        url: redis.url,
        grid: { baseConfig: base, grid: [{ key: 'optimizer.lr', values: lrs }], earlyStop: 'asha:min=1,eta=3' },
      });
      const trials = await until(
        () => {
          const all = store.sweepTrials(started.sweepId);
          return all.every((t) => t.status === 'completed') ? all : undefined;
        },
        'six trials completed',
        240_000,
      );

      // The same grid and schedule trained here, one trial at a time (as one agent takes them).
      const file = tmp.file('base.json');
      writeFileSync(file, JSON.stringify(base));
      const localDb = tmp.file('local.db');
      const local = await cli(
        [
          'sweep',
          '--config',
          file,
          '--grid',
          `optimizer.lr=${lrs.join(',')}`,
          '--early-stop',
          'asha:min=1,eta=3',
          '--json',
        ],
        { db: localDb },
      );
      expect(local.code, local.stderr).toBe(0);
      const localStore = new RunStore(localDb, { readonly: true });
      try {
        const localId = (JSON.parse(local.stdout) as { sweepId: string }).sweepId;
        const view = (s: RunStore, t: (typeof trials)[number]) => ({
          trial: t.trial,
          lr: t.config.optimizer.lr,
          stoppedRung: t.stoppedRung,
          epochs: s.getEpochs(t.runId).map(({ durationMs: _d, samplesPerSec: _s, ...m }) => m),
        });
        const mine = trials.map((t) => view(store, t));
        expect(mine.some((t) => t.stoppedRung !== null)).toBe(true);
        expect(mine).toEqual(localStore.sweepTrials(localId).map((t) => view(localStore, t)));
      } finally {
        localStore.close();
      }
    } finally {
      await stopAgent(agent);
    }
  });

  it('bayes on agents: the coordinator proposes every trial, the same ones as mlpw sweep --method bayes --queue', async () => {
    const base = parseConfig({ dataset: { name: 'xor', samples: 120 }, epochs: 3, backend: 'cpu', seed: 5 });
    const space = [
      { key: 'optimizer.lr', dist: 'loguniform:0.01:0.3' },
      { key: 'model.layers', dist: 'choice:4,8x8' },
    ];
    const trials = 7;
    const agent = await startAgent(redis.url, 'alpha');
    try {
      const started = await call('startQueueSweep', {
        url: redis.url,
        search: { baseConfig: base, method: 'bayes', params: space, trials, seed: 11, experiment: 'tpe' },
        inFlight: 1,
      });
      expect(started.runIds).toEqual([]); // nothing stored by the app: the search proposes trial 0 too
      expect(store.getSweep(started.sweepId)).toMatchObject({ method: 'bayes', parallel: 1, trials, sweepSeed: 11 });
      const mine = await until(
        () => {
          const all = store.sweepTrials(started.sweepId);
          return all.length === trials && all.every((t) => t.status === 'completed') ? all : undefined;
        },
        `${trials} trials completed`,
        240_000,
      );
      await until(
        () => (!host.status(started.sweepId).collecting ? true : undefined),
        'the coordinator ends with the search',
        30_000,
      );
      const state = await call('queueSweepState', { sweepId: started.sweepId });
      expect(state).toMatchObject({ onQueue: true, url: started.url });
      expect(state.runs.map((r) => r.agent)).toEqual(Array(trials).fill('alpha'));
      expect(new Set(mine.map((t) => store.getRun(t.runId).experiment))).toEqual(new Set(['tpe']));

      // The same search from the CLI on the same queue and agent, K = 1.
      const file = tmp.file('base.json');
      writeFileSync(file, JSON.stringify(base));
      const cliDb = tmp.file('cli.db');
      const params = space.flatMap((p) => ['--param', `${p.key}=${p.dist}`]);
      const byCli = await cli(
        [
          'sweep',
          '--config',
          file,
          '--method',
          'bayes',
          '--trials',
          String(trials),
          '--sweep-seed',
          '11',
          ...params,
        ].concat(['--parallel', '1', '--queue', redis.url, '--json']),
        { db: cliDb },
      );
      expect(byCli.code, byCli.stderr).toBe(0);
      const cliStore = new RunStore(cliDb, { readonly: true });
      try {
        const cliId = (JSON.parse(byCli.stdout) as { sweepId: string }).sweepId;
        const view = (s: RunStore, t: (typeof mine)[number]) => ({
          trial: t.trial,
          lr: t.config.optimizer.lr,
          layers: t.config.model.layers,
          status: t.status,
          proposal: s.listArtifacts(t.runId).find((a) => a.kind === 'sweep-proposal')?.details,
          epochs: s.getEpochs(t.runId).map(({ durationMs: _d, samplesPerSec: _s, ...m }) => m),
        });
        const theirs = cliStore.sweepTrials(cliId).map((t) => view(cliStore, t));
        expect(theirs).toHaveLength(trials);
        expect(mine.map((t) => view(store, t))).toEqual(theirs);
        // Later proposals learned from the earlier ones (TPE after its random start), not a fixed list.
        expect(theirs.at(-1)!.proposal).toEqual({ trial: trials - 1, seen: [0, 1, 2, 3, 4, 5] });
      } finally {
        cliStore.close();
      }
    } finally {
      await stopAgent(agent);
    }
  });
});

// Faults of a sweep trained by agents, each on its own real redis-server (AOF on, fsync always): an agent SIGKILLed
// mid-run (the point retried on another agent, one run with one attempt's epochs), the coordinator SIGKILLed and
// reattached (it collects what finished meanwhile), Redis restarted mid-sweep (nothing lost). Every run ends equal,
// epoch for epoch, to the same point trained locally. Runs are paced on the agents so a fault lands mid-run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { ATTEMPT_ARTIFACT, type AttemptRecord } from '../../db/queue-runs.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';
import {
  mlpw,
  SKIP_REDIS,
  startAgent,
  startRedis,
  stopAgent,
  until,
  type Spawned,
  type TestRedis,
} from './queue-harness.ts';

const EPOCHS = 10;
const BASE = ['--dataset', 'xor', '--samples', '200', '--epochs', String(EPOCHS), '--backend', 'cpu', '--seed', '5'];
const GRID = ['--grid', 'optimizer.lr=0.1,0.03'];
/** A quick lock so a killed agent's job is found stalled within seconds, not BullMQ's default 30. */
const FAST_LOCK = ['--lock-ms', '1500'];
const PACED = ['--epochs-per-second', '5'];

let tmp: ReturnType<typeof tempDir>;
let redis: TestRedis;
const spawned: Spawned[] = [];
beforeEach(async () => {
  if (SKIP_REDIS) return;
  tmp = tempDir();
  redis = await startRedis(tmp.file('redis'), { aof: true });
});
afterEach(async () => {
  if (SKIP_REDIS) return;
  for (const p of spawned.splice(0)) {
    if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
    await p.exited;
  }
  await redis.stop();
  tmp.cleanup();
});

async function agent(name: string, extra: string[] = []): Promise<Spawned> {
  const a = await startAgent(redis.url, name, [...FAST_LOCK, ...extra]);
  spawned.push(a);
  return a;
}

/** Read-only looks at the coordinator's store while it writes; undefined while the file is being created. */
function peek<T>(db: string, f: (store: RunStore) => T): T | undefined {
  let store: RunStore | undefined;
  try {
    store = new RunStore(db, { readonly: true });
    return f(store);
  } catch {
    return undefined;
  } finally {
    store?.close();
  }
}

const maxEpochs = (store: RunStore) => Math.max(0, ...store.listRuns({}).map((r) => store.getEpochs(r.id).length));

/** lr → epochs without timings, from a sweep in `db`. */
function epochsByLr(db: string): Map<number, unknown[]> {
  const store = new RunStore(db, { readonly: true });
  try {
    return new Map(
      store
        .listRuns({})
        .map((r) => [
          r.config.optimizer.lr,
          store.getEpochs(r.id).map(({ durationMs: _d, samplesPerSec: _s, ...m }) => m),
        ]),
    );
  } finally {
    store.close();
  }
}

async function localReference(): Promise<Map<number, unknown[]>> {
  const db = tmp.file('local.db');
  const r = await cli(['sweep', ...BASE, ...GRID, '--quiet'], { db });
  expect(r.code).toBe(0);
  return epochsByLr(db);
}

function expectComplete(db: string, reference: Map<number, unknown[]>) {
  const store = new RunStore(db, { readonly: true });
  try {
    const runs = store.listRuns({});
    expect(runs).toHaveLength(2); // one run per point, a retry included
    for (const run of runs) {
      expect(run.status).toBe('completed');
      expect(store.getEpochs(run.id).map((e) => e.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
      expect(store.getCheckpoint(run.id, 'final')?.epoch).toBe(EPOCHS);
    }
  } finally {
    store.close();
  }
  expect(epochsByLr(db)).toEqual(reference);
}

function attempts(db: string): AttemptRecord[][] {
  const store = new RunStore(db, { readonly: true });
  try {
    return store.listRuns({}).map((r) =>
      store
        .listArtifacts(r.id)
        .filter((a) => a.kind === ATTEMPT_ARTIFACT)
        .map((a) => a.details as AttemptRecord),
    );
  } finally {
    store.close();
  }
}

describe.skipIf(SKIP_REDIS)('queue faults', { timeout: 300_000 }, () => {
  it('an agent killed with SIGKILL mid-run: its point is retried on another agent, no epoch lost or twice', async () => {
    const reference = await localReference();
    const db = tmp.file('q.db');
    const coordinator = cli(['sweep', ...BASE, ...GRID, '--queue', redis.url, '--quiet'], { db });
    const doomed = await agent('doomed', PACED);
    await until(() => peek(db, (s) => (maxEpochs(s) >= 2 ? true : undefined)), 'two epochs from the doomed agent');
    doomed.proc.kill('SIGKILL');
    await doomed.exited;
    expect(peek(db, (s) => s.listRuns({}).filter((r) => r.status === 'completed').length)).toBe(0);
    await agent('rescuer');
    const r = await coordinator;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectComplete(db, reference);
    // The point the doomed agent held has two attempts: its own, then the rescuer's retry.
    const perRun = attempts(db).sort((a, b) => b.length - a.length);
    expect(perRun[0]!.map((a) => [a.agent, a.retry])).toEqual([
      ['doomed', 0],
      ['rescuer', 1],
    ]);
    expect(perRun[1]!.map((a) => a.agent)).toEqual(['rescuer']);
  });

  it('the coordinator killed mid-sweep and started again with --attach collects what finished meanwhile', async () => {
    const reference = await localReference();
    const db = tmp.file('q.db');
    const coordinator = mlpw(['sweep', ...BASE, ...GRID, '--queue', redis.url, '--db', db]);
    spawned.push(coordinator);
    const sweepId = /^sweep (\w+):/.exec(await coordinator.waitFor(/^sweep \w+:/))![1]!;
    const worker = await agent('steady', [...PACED, '--concurrency', '2']);
    await until(() => peek(db, (s) => (maxEpochs(s) >= 2 ? true : undefined)), 'two epochs recorded');
    coordinator.proc.kill('SIGKILL');
    await coordinator.exited;
    // Both points finish on the agent while no coordinator listens; the store still has them unfinished (and not
    // interrupted: no local process owns a queued run).
    await until(
      () => (worker.lines.filter((l) => / completed /.test(l)).length === 2 ? true : undefined),
      'both runs done',
    );
    expect(peek(db, (s) => s.listRuns({}).every((r) => r.status === 'running' || r.status === 'queued'))).toBe(true);
    const r = await cli(['sweep', '--attach', sweepId, '--queue', redis.url], { db });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 collected now, 0 finished before/);
    expectComplete(db, reference);
    expect(attempts(db).map((a) => a.length)).toEqual([1, 1]);
  });

  it('Redis restarted mid-sweep (AOF on): the sweep finishes and nothing is lost', async () => {
    const reference = await localReference();
    const db = tmp.file('q.db');
    const coordinator = cli(['sweep', ...BASE, ...GRID, '--queue', redis.url, '--quiet'], { db });
    await agent('survivor', [...PACED, '--concurrency', '2']);
    await until(() => peek(db, (s) => (maxEpochs(s) >= 2 ? true : undefined)), 'two epochs recorded');
    // Mid-sweep: at most one point finished when Redis goes down.
    expect(peek(db, (s) => s.listRuns({}).filter((r) => r.status === 'completed').length)).toBeLessThan(2);
    await redis.restart();
    const r = await coordinator;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectComplete(db, reference);
  });
});

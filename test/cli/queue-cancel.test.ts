// `mlpw sweep --cancel SWEEP --queue URL` on a real redis-server of the test's own: with a coordinator collecting and
// no agent running, the waiting points leave BullMQ (their job keys gone) and their runs become cancelled; the
// coordinator settles them instead of queueing them again and exits. Bad input exits 2 and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';
import { mlpw, SKIP_REDIS, startRedis, until, type TestRedis } from './queue-harness.ts';

const BASE = ['--dataset', 'xor', '--samples', '100', '--epochs', '2', '--backend', 'cpu', '--seed', '3'];

let tmp: ReturnType<typeof tempDir>;
let redis: TestRedis;
beforeAll(async () => {
  if (SKIP_REDIS) return;
  tmp = tempDir();
  redis = await startRedis(tmp.file('redis'));
});
afterAll(async () => {
  if (SKIP_REDIS) return;
  await redis.stop();
  tmp.cleanup();
});

function statuses(db: string): string[] {
  const store = new RunStore(db, { readonly: true });
  try {
    return store.listRuns({}).map((r) => r.status);
  } finally {
    store.close();
  }
}

describe.skipIf(SKIP_REDIS)('sweep --cancel', { timeout: 300_000 }, () => {
  it('takes the waiting points off the queue, cancels their runs, and the coordinator lets go', async () => {
    const db = tmp.file('cancel.db');
    const coordinator = mlpw([
      'sweep',
      ...BASE,
      '--grid',
      'optimizer.lr=0.1,0.03,0.01',
      '--queue',
      redis.url,
      '--db',
      db,
    ]);
    const line = await coordinator.waitFor(/^sweep \S+: 3 points queued on /);
    const sweepId = line.split(' ')[1]!.replace(/:$/, '');
    const ids = await until(() => {
      const store = new RunStore(db, { readonly: true });
      try {
        // In trial order, as --cancel answers (listRuns orders by creation, and all three share a millisecond).
        const trials = store.sweepTrials(sweepId);
        return trials.length === 3 ? trials.map((t) => t.runId) : undefined;
      } finally {
        store.close();
      }
    }, 'three runs');
    // Wait for the three jobs in BullMQ's wait list (the coordinator adds them after it stores the runs).
    for (let end = Date.now() + 60_000; ;) {
      const waiting = await redis.client.lrange('mlpw:runs:wait', 0, -1);
      if (ids.every((id) => waiting.includes(id))) break;
      if (Date.now() > end) throw new Error(`jobs not waiting: ${waiting.join(' ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    // Bad input first: each exits 2 and changes nothing.
    for (const [args, message] of [
      [['--cancel', sweepId], '--cancel needs --queue URL'],
      [['--cancel', sweepId, '--queue', 'http://127.0.0.1:6379'], 'got scheme "http"'],
      [['--cancel', 'nosuchsweep', '--queue', redis.url], 'nosuchsweep'],
      [['--cancel', sweepId, '--queue', redis.url, '--grid', 'seed=1,2'], '--grid cannot be given'],
    ] as const) {
      const r = await cli(['sweep', ...args], { db });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(statuses(db)).toEqual(['queued', 'queued', 'queued']);

    const r = await cli(['sweep', '--cancel', sweepId, '--queue', redis.url, '--json'], { db });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ sweepId, cancelled: ids, running: [] });
    expect(statuses(db)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(await redis.client.lrange('mlpw:runs:wait', 0, -1)).toEqual([]);
    for (const id of ids) expect(await redis.client.exists(`mlpw:runs:${id}`)).toBe(0);
    // The coordinator hears of it at its next check, queues nothing again, and ends.
    await coordinator.exited;
    expect(await redis.client.lrange('mlpw:runs:wait', 0, -1)).toEqual([]);
    expect(coordinator.stderr()).not.toMatch(/queued again/);
  });
});

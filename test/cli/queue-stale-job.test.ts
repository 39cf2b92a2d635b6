// A cancelled point that never started keeps its run id, which is its BullMQ job id. When an agent took the job just
// as it was cancelled, BullMQ keeps a finished job under that id, and adding the point again would add nothing: the
// coordinator waited forever. Here the stale jobs are made deterministically (one completed, one failed, through
// BullMQ itself) and the resume must still train every point on the agent (a bounded wait: a hang fails the test).
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { KEY_PREFIX, QUEUE_NAME, redisOptions } from '../../queue/connection.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';
import { mlpw, SKIP_REDIS, startAgent, startRedis, stopAgent, type Spawned, type TestRedis } from './queue-harness.ts';

const GRID = ['--dataset', 'xor', '--samples', '200', '--backend', 'cpu', '--seed', '3', '--epochs', '4'];
GRID.push('--grid', 'optimizer.lr=0.1,0.03,0.01');
/** Far above a 3-point, 4-epoch resume on one agent at any load; only a hang reaches it. */
const RESUME_LIMIT_MS = 90_000;

let tmp: ReturnType<typeof tempDir>;
let redis: TestRedis;
const procs: Spawned[] = [];
beforeAll(async () => {
  if (SKIP_REDIS) return;
  tmp = tempDir();
  redis = await startRedis(tmp.file('redis'));
});
afterAll(async () => {
  if (SKIP_REDIS) return;
  await Promise.all(procs.splice(0).map(stopAgent));
  await redis.stop();
  tmp.cleanup();
});

function statuses(db: string, sweepId: string) {
  const store = new RunStore(db, { readonly: true });
  try {
    return store.sweepTrials(sweepId).map((t) => ({ runId: t.runId, status: t.status, epochs: t.epochsDone }));
  } finally {
    store.close();
  }
}

/**
 * Takes the next waiting job the way an agent's worker would (after adding one under `runId`, if given) and finishes
 * it completed or failed without a word to the sweep's stream; returns its id.
 */
async function finishStale(how: 'completed' | 'failed', runId?: string): Promise<string> {
  const connection = redisOptions(redis.url);
  const queue = new Queue(QUEUE_NAME, { connection, prefix: KEY_PREFIX });
  // A worker with no processor: the test takes the job itself (BullMQ's manual processing).
  const worker = new Worker(QUEUE_NAME, null, { connection, prefix: KEY_PREFIX, autorun: false });
  try {
    if (runId) await queue.add('point', { stale: true }, { jobId: runId });
    const token = `stale-${how}`;
    const job = await worker.getNextJob(token);
    if (!job?.id) throw new Error('no waiting job to take');
    if (runId) expect(job.id).toBe(runId);
    if (how === 'completed') await job.moveToCompleted({ status: 'completed' }, token, false);
    else await job.moveToFailed(new Error('stale attempt'), token, false);
    expect(await queue.getJobState(job.id)).toBe(how);
    return job.id;
  } finally {
    await worker.close();
    await queue.close();
  }
}

/** The command's exit code, or 'hung' (then it is killed) once `RESUME_LIMIT_MS` has passed. */
async function boundedExit(p: Spawned): Promise<number | null | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    p.exited,
    new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), RESUME_LIMIT_MS))),
  ]);
  clearTimeout(timer);
  if (code === 'hung') p.proc.kill('SIGKILL');
  return code;
}

describe.skipIf(SKIP_REDIS)('a point whose job id is left finished in BullMQ', () => {
  it('is queued again on --resume --queue: the stale job is removed and the agent trains every point', async () => {
    const db = tmp.file('stale.db');
    const coordinator = mlpw(['sweep', ...GRID, '--queue', redis.url, '--db', db]);
    procs.push(coordinator);
    const sweepId = /^sweep (\w+):/.exec(await coordinator.waitFor(/^sweep \w+: 3 points queued/))![1]!;
    const cancel = await cli(['sweep', '--cancel', sweepId, '--queue', redis.url], { db });
    expect(cancel.code).toBe(0);
    await coordinator.exited;
    const before = statuses(db, sweepId);
    const [a, b] = before;
    expect(before.map((t) => t.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    // The race, made deterministic: an agent had taken two of the jobs as they were cancelled and finished them.
    await finishStale('completed', a!.runId);
    await finishStale('failed', b!.runId);

    procs.push(await startAgent(redis.url, 'delta'));
    const resumed = mlpw(['sweep', '--resume', sweepId, '--queue', redis.url, '--db', db]);
    procs.push(resumed);
    const code = await boundedExit(resumed);
    expect(code, `stdout:\n${resumed.lines.join('\n')}\nstderr:\n${resumed.stderr()}`).toBe(0);
    expect(resumed.stderr()).toBe('');
    expect(resumed.lines.join('\n')).toMatch(/\[3\/3\]/);
    // The same runs, trained by the agent: the stale job's state said nothing about them.
    expect(statuses(db, sweepId)).toEqual(before.map((t) => ({ runId: t.runId, status: 'completed', epochs: 4 })));
    // Each id now holds the resumed point's job, not the stale one.
    const queue = new Queue(QUEUE_NAME, { connection: redisOptions(redis.url), prefix: KEY_PREFIX });
    try {
      for (const t of [a!, b!]) expect((await queue.getJob(t.runId))?.data).toMatchObject({ sweepId, runId: t.runId });
    } finally {
      await queue.close();
    }
  }, 240_000);

  it('is queued again by --attach when its job completed with no event (never started in the store)', async () => {
    await Promise.all(procs.splice(0).map(stopAgent));
    const db = tmp.file('attach.db');
    const coordinator = mlpw(['sweep', ...GRID, '--queue', redis.url, '--db', db]);
    procs.push(coordinator);
    const sweepId = /^sweep (\w+):/.exec(await coordinator.waitFor(/^sweep \w+: 3 points queued/))![1]!;
    // (the line comes before the jobs are added: killed once all three wait in BullMQ)
    const queue = new Queue(QUEUE_NAME, { connection: redisOptions(redis.url), prefix: KEY_PREFIX });
    try {
      for (let i = 0; (await queue.getWaitingCount()) < 3; i++) {
        if (i > 2_000) throw new Error('the three points never reached the queue');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await queue.close();
    }
    coordinator.proc.kill('SIGKILL');
    await coordinator.exited;
    // One job finished in BullMQ while its run is still queued in the store: nothing will ever report it.
    const staleId = await finishStale('completed');
    const before = statuses(db, sweepId);
    expect(before.find((t) => t.runId === staleId)?.status).toBe('queued');

    procs.push(await startAgent(redis.url, 'epsilon'));
    const attached = mlpw(['sweep', '--attach', sweepId, '--queue', redis.url, '--db', db]);
    procs.push(attached);
    const code = await boundedExit(attached);
    expect(code, `stdout:\n${attached.lines.join('\n')}\nstderr:\n${attached.stderr()}`).toBe(0);
    expect(attached.stderr()).toMatch(/1 point\(s\) not in the queue any more: queued again/);
    expect(statuses(db, sweepId)).toEqual(before.map((t) => ({ runId: t.runId, status: 'completed', epochs: 4 })));
  }, 240_000);
});

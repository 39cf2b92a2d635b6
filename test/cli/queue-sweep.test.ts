// `mlpw sweep --queue` with `mlpw agent`s on a real redis-server: every point queued in the store at once, trained
// by two agents into the coordinator's store bit-identically to the same sweep run locally, and a point the agent's
// engine rejects failing alone with the agent's reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { RunStore } from '../../db/index.ts';
import { ATTEMPT_ARTIFACT } from '../../db/queue-runs.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';
import { SKIP_REDIS, startAgent, startRedis, stopAgent, until, type Spawned, type TestRedis } from './queue-harness.ts';

// Pinned: the CPU backend in float32 with fixed seeds; the kernel variant (wasm-simd or wasm-relaxed-simd, whatever
// this machine's V8 runs) is recorded per run and compared with the local run's below.
const BASE = ['--dataset', 'xor', '--samples', '200', '--epochs', '4', '--backend', 'cpu', '--seed', '3'];
const GRID = ['--grid', 'optimizer.lr=0.1,0.03', '--grid', 'model.layers=4,8x8'];

let tmp: ReturnType<typeof tempDir>;
let redis: TestRedis;
let agents: Spawned[] = [];
beforeAll(async () => {
  if (SKIP_REDIS) return;
  tmp = tempDir();
  redis = await startRedis(tmp.file('redis'));
});
afterAll(async () => {
  if (SKIP_REDIS) return;
  await Promise.all(agents.map(stopAgent));
  await redis.stop();
  tmp.cleanup();
});

/** The run's epochs as stored, without the two timing fields (wall-clock, never equal). */
function epochsOf(store: RunStore, id: string) {
  return store.getEpochs(id).map(({ durationMs: _d, samplesPerSec: _s, ...m }) => m);
}

/** Point label → { epochs, layer stats, best and final weights } for every run of a sweep. */
function sweepRecord(db: string, sweepId: string) {
  const store = new RunStore(db, { readonly: true });
  try {
    const out = new Map<string, unknown>();
    for (const r of store.listRuns({ sweepId })) {
      const key = `lr=${r.config.optimizer.lr} layers=${r.config.model.layers.map((l) => l.units).join('x')}`;
      out.set(key, {
        status: r.status,
        backend: r.backendInfo?.backend,
        kernels: r.backendInfo?.kernels,
        bestEpoch: r.bestEpoch,
        epochs: epochsOf(store, r.id),
        layers: store.getLayerStats(r.id),
        best: store.getCheckpoint(r.id, 'best'),
        final: store.getCheckpoint(r.id, 'final'),
      });
    }
    return out;
  } finally {
    store.close();
  }
}

describe.skipIf(SKIP_REDIS)('sweep --queue with agents', { timeout: 300_000 }, () => {
  it('queues every point at once, two agents train them, and the store equals a local sweep bit for bit', async () => {
    const localDb = tmp.file('local.db');
    const queueDb = tmp.file('queue.db');
    const local = await cli(['sweep', ...BASE, ...GRID, '--json'], { db: localDb });
    expect(local.code).toBe(0);
    const localId = (JSON.parse(local.stdout) as { sweepId: string }).sweepId;

    // The coordinator first, with no agent yet: the points must sit in its store as queued.
    const coordinator = cli(['sweep', ...BASE, ...GRID, '--queue', redis.url, '--json'], { db: queueDb });
    const queued = await until(() => {
      let store: RunStore | undefined;
      try {
        store = new RunStore(queueDb, { readonly: true });
        const runs = store.listRuns({});
        return runs.length === 4 && runs.every((r) => r.status === 'queued') ? runs : undefined;
      } catch {
        return undefined; // the file is being created
      } finally {
        store?.close();
      }
    }, 'four queued runs');
    expect(queued).toHaveLength(4);
    agents = await Promise.all([startAgent(redis.url, 'alpha'), startAgent(redis.url, 'beta')]);
    const r = await coordinator;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const queueId = (JSON.parse(r.stdout) as { sweepId: string }).sweepId;

    const a = sweepRecord(localDb, localId);
    const b = sweepRecord(queueDb, queueId);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [key, rec] of a) expect(b.get(key), key).toEqual(rec);

    const store = new RunStore(queueDb, { readonly: true });
    try {
      for (const run of store.listRuns({ sweepId: queueId })) {
        expect(run.status).toBe('completed');
        expect(store.getEpochs(run.id).map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
        // The run records the agent's backend and kernels, and which agent trained it.
        expect(run.backendInfo).toMatchObject({ backend: 'cpu', kernels: expect.stringMatching(/^wasm-/) });
        const attempts = store.listArtifacts(run.id).filter((x) => x.kind === ATTEMPT_ARTIFACT);
        expect(attempts).toHaveLength(1);
        expect(['alpha', 'beta']).toContain((attempts[0]!.details as { agent: string }).agent);
      }
    } finally {
      store.close();
    }
    // One line per run on the agents, and the sweep's stream is gone from Redis once everything is recorded.
    await until(
      () => (agents.flatMap((x) => x.lines).filter((l) => / completed /.test(l)).length === 4 ? true : undefined),
      'agent lines',
    );
    expect(await redis.client.exists(`mlpw:sweep:${queueId}:events`)).toBe(0);
  });

  it('an imported dataset travels once, by content hash, and trains on the agents as it does locally', async () => {
    const csv = tmp.file('three.csv');
    const rows = Array.from({ length: 150 }, (_, i) => `${Math.cos(i) + (i % 3)},${Math.sin(i) - (i % 3)},c${i % 3}`);
    writeFileSync(csv, 'a,b,label\n' + rows.join('\n') + '\n');
    const args = [
      'sweep',
      '--dataset',
      'three',
      '--epochs',
      '3',
      '--backend',
      'cpu',
      '--grid',
      'optimizer.lr=0.1,0.03',
    ];
    const records = [];
    for (const queue of [false, true]) {
      const db = tmp.file(`three-${queue}.db`);
      expect((await cli(['import', csv, '--target', 'label', '--name', 'three'], { db })).code).toBe(0);
      const r = await cli([...args, ...(queue ? ['--queue', redis.url] : []), '--json'], { db });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      records.push(sweepRecord(db, (JSON.parse(r.stdout) as { sweepId: string }).sweepId));
      const store = new RunStore(db, { readonly: true });
      try {
        const hash = store.datasets.list()[0]!.hash;
        for (const run of store.listRuns({})) expect(store.datasets.runDatasetHash(run.id)).toBe(hash);
        if (queue) expect(await redis.client.exists(`mlpw:dataset:${hash}`)).toBe(1);
      } finally {
        store.close();
      }
    }
    expect(records[1]).toEqual(records[0]);
  });

  it('a point the agent rejects fails alone, with the agent’s reason; the other points complete', async () => {
    const db = tmp.file('bad.db');
    // testSplit 0.5 + validationSplit 0.5 leaves no training rows: the agent's engine says so before training.
    const r = await cli(
      ['sweep', ...BASE, '--test-split', '0.5', '--grid', 'validationSplit=0.2,0.5', '--queue', redis.url, '--json'],
      { db },
    );
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { runs: { runId: string; point: string; status: string }[] };
    const byPoint = new Map(out.runs.map((x) => [x.point, x]));
    expect(byPoint.get('validationSplit=0.2')!.status).toBe('completed');
    expect(byPoint.get('validationSplit=0.5')!.status).toBe('failed');
    const store = new RunStore(db, { readonly: true });
    try {
      const failed = store.getRun(byPoint.get('validationSplit=0.5')!.runId);
      expect(failed.error).toMatch(
        /^agent (alpha|beta): testSplit: 0\.5 with validationSplit 0\.5 leaves no training rows/,
      );
      expect(store.getEpochs(failed.id)).toEqual([]);
    } finally {
      store.close();
    }
  });
});

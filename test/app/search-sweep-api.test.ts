// Random and bayes sweeps through the WorkbenchApi (dispatch, real SQLite file) as the app's window runs them: random
// records its N seeded points at once; bayes one at a time, each proposed from the finished runs. Bayes runs train
// here in real engine workers, and the same sweep seed proposes exactly the points `mlpw sweep --method bayes` did.
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../api/dispatch.ts';
import { createStoreApi } from '../../api/store-api.ts';
import type { ApiHandlers, ApiOutputs } from '../../api/workbench-api.ts';
import { recordRun, RunStore } from '../../db/index.ts';
import { parseConfig, type ExperimentConfig } from '../../engine/config.ts';
import { parseParamFlag, randomProposals } from '../../engine/experiment/index.ts';
import { runInWorker } from '../../engine/host/node/engine-client.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from '../cli/helpers.ts';

let tmp: ReturnType<typeof tempDir>;
const stores: RunStore[] = [];
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  tmp.cleanup();
});

function open(name: string): { store: RunStore; api: ApiHandlers } {
  const store = new RunStore(tmp.file(name), { appVersion: '0.0.0-test' });
  stores.push(store);
  return { store, api: createStoreApi(store, { mode: 'browser', appVersion: '0.0.0-test' }) };
}

async function call<M extends keyof ApiOutputs>(api: ApiHandlers, method: M, input: unknown): Promise<ApiOutputs[M]> {
  const r = await dispatch(api, method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value as ApiOutputs[M];
}

const base = parseConfig({ dataset: { name: 'xor', samples: 200 }, epochs: 2, backend: 'cpu' });
const params = [
  { key: 'optimizer.lr', dist: 'loguniform:0.001:0.1' },
  { key: 'model.layers', dist: 'choice:8,16,8x8' },
];

describe('createSearchSweep random', () => {
  it('queues the seeded proposals, the same in another file for the same seed, and stores the search', async () => {
    const a = open('a.db');
    const b = open('b.db');
    const input = { baseConfig: base, method: 'random', params, trials: 6, seed: 21 };
    const made = await call(a.api, 'createSearchSweep', input);
    const again = await call(b.api, 'createSearchSweep', input);
    expect(made.runIds).toHaveLength(6);
    const configs = (s: RunStore, ids: string[]) => ids.map((id) => s.getRun(id).config);
    expect(configs(b.store, again.runIds)).toEqual(configs(a.store, made.runIds));
    const expected = randomProposals(
      params.map((p) => parseParamFlag(`${p.key}=${p.dist}`)),
      6,
      21,
    );
    expect(configs(a.store, made.runIds).map((c) => c.optimizer.lr)).toEqual(expected.map((p) => p[0]!.value));
    expect(a.store.listRuns({ sweepId: made.sweepId }).every((r) => r.status === 'queued')).toBe(true);
    const sweep = a.store.getSweep(made.sweepId);
    expect(sweep.size).toBe(6);
    expect(sweep.grid[1]).toMatchObject({
      key: 'model.layers',
      search: { method: 'random', dist: 'choice:8,16,8x8', trials: 6, seed: 21 },
    });
    // Another seed, other points.
    const other = await call(b.api, 'createSearchSweep', { ...input, seed: 22 });
    expect(configs(b.store, other.runIds).map((c) => c.optimizer.lr)).not.toEqual(expected.map((p) => p[0]!.value));
  });

  it('refuses a bad distribution, naming the key and the text, and stores nothing', async () => {
    const { store, api } = open('c.db');
    const bad = call(api, 'createSearchSweep', {
      baseConfig: base,
      method: 'random',
      params: [{ key: 'optimizer.lr', dist: 'loguniform:0:0.1' }],
      trials: 3,
      seed: 1,
    });
    await expect(bad).rejects.toMatchObject({ code: 'invalid_argument', field: 'params' });
    await expect(bad).rejects.toThrow('optimizer.lr=loguniform:0:0.1: loguniform needs A > 0');
    expect(store.listSweeps()).toEqual([]);
  });
});

/** Trains the bayes sweep as a window does: take the next run, train it in a real worker, until the sweep is done. */
async function trainBayes(store: RunStore, api: ApiHandlers, sweepId: string): Promise<ExperimentConfig[]> {
  const trained: ExperimentConfig[] = [];
  for (;;) {
    const next = await call(api, 'nextSearchRun', { sweepId });
    if (next.done) return trained;
    expect(next.runId).not.toBeNull();
    await call(api, 'startQueuedRun', { id: next.runId });
    // While it runs, nothing new is proposed.
    expect(await call(api, 'nextSearchRun', { sweepId })).toEqual({ runId: null, config: null, done: false });
    await runInWorker(next.config!, recordRun(store, next.runId!)).result;
    trained.push(next.config!);
  }
}

describe('createSearchSweep bayes', () => {
  it('proposes each run after the last finished, the points mlpw sweep --method bayes --parallel 1 proposes', async () => {
    const db = tmp.file('cli.db');
    const r = await cli(
      [
        'sweep',
        ...['--dataset', 'xor', '--samples', '200', '--epochs', '2', '--backend', 'cpu'],
        ...['--method', 'bayes', '--trials', '7', '--sweep-seed', '4', '--json'],
        ...params.flatMap((p) => ['--param', `${p.key}=${p.dist}`]),
      ],
      { db },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const cliStore = new RunStore(db);
    stores.push(cliStore);
    const cliSweep = JSON.parse(r.stdout) as { sweepId: string };
    const cliRuns = cliStore
      .listRuns({ sweepId: cliSweep.sweepId })
      .sort((x, y) => x.createdAt - y.createdAt || x.id.localeCompare(y.id));
    const { store, api } = open('app.db');
    const made = await call(api, 'createSearchSweep', {
      baseConfig: cliStore.getSweep(cliSweep.sweepId).baseConfig,
      method: 'bayes',
      params,
      trials: 7,
      seed: 4,
    });
    expect(made.runIds).toHaveLength(1);
    const trained = await trainBayes(store, api, made.sweepId);
    expect(trained).toHaveLength(7);
    const point = (c: ExperimentConfig) => [c.optimizer.lr, c.model.layers.map((l) => l.units).join('x')];
    expect(trained.map(point)).toEqual(cliRuns.map((x) => point(x.config)));
    // The TPE points (6 and 7) came from the results, not the startup draws.
    const startup = randomProposals(
      params.map((p) => parseParamFlag(`${p.key}=${p.dist}`)),
      7,
      4,
    );
    expect(trained.slice(0, 5).map((c) => c.optimizer.lr)).toEqual(startup.slice(0, 5).map((p) => p[0]!.value));
    expect(store.listRuns({ sweepId: made.sweepId }).every((x) => x.status === 'completed')).toBe(true);
    // Stored as the CLI stores a search (migration 005): method, space, seed, trials, and each run's trial number.
    expect(store.getSweep(made.sweepId)).toMatchObject({
      method: 'bayes',
      space: params,
      sweepSeed: 4,
      trials: 7,
      size: 7,
    });
    expect(store.sweepTrials(made.sweepId).map((t) => t.trial)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await expect(call(api, 'nextSearchRun', { sweepId: made.sweepId })).resolves.toEqual({
      runId: null,
      config: null,
      done: true,
    });
  }, 120_000);

  it('is a sweep mlpw sweep --resume carries on, proposing the points the app would have', async () => {
    const input = { baseConfig: base, method: 'bayes', params, trials: 6, seed: 8 };
    const app = open('app.db');
    const inApp = await call(app.api, 'createSearchSweep', input);
    const trained = await trainBayes(app.store, app.api, inApp.sweepId);
    // The window that made the other sweep has closed: a process that queued its first trial and ended.
    const db = tmp.file('left.db');
    const script = [
      "import { RunStore } from './db/index.ts';",
      "import { createStoreApi } from './api/store-api.ts';",
      `const store = new RunStore(${JSON.stringify(db)}, { appVersion: '0.0.0-test' });`,
      "const api = createStoreApi(store, { mode: 'browser', appVersion: '0.0.0-test' });",
      `const made = await api.createSearchSweep(${JSON.stringify(input)});`,
      'store.close();',
      'console.log(made.sweepId);',
    ].join('\n');
    const sweepId = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    }).trim();
    const r = await cli(['sweep', '--resume', sweepId, '--json'], { db });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const resumed = new RunStore(db);
    stores.push(resumed);
    const runs = resumed.sweepTrials(sweepId);
    expect(runs.map((t) => [t.trial, t.status])).toEqual([0, 1, 2, 3, 4, 5].map((i) => [i, 'completed']));
    const lr = (c: ExperimentConfig) => c.optimizer.lr;
    expect(runs.map((t) => lr(t.config))).toEqual(trained.map(lr));
  }, 120_000);

  it('is refused for a sweep that is not a bayes search', async () => {
    const { api } = open('d.db');
    const made = await call(api, 'createSearchSweep', {
      baseConfig: base,
      method: 'random',
      params,
      trials: 2,
      seed: 3,
    });
    await expect(call(api, 'nextSearchRun', { sweepId: made.sweepId })).rejects.toMatchObject({
      code: 'invalid_argument',
      field: 'sweepId',
    });
  });
});

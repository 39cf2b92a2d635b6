// `mlpw sweep --method random|bayes`: proposals from --param distributions, seeded, run and recorded as one sweep in a
// real SQLite file through the real CLI; bad distributions exit 2 before anything is stored.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { RunStore } from '../../db/index.ts';
import { parseParamFlag, randomProposals } from '../../engine/experiment/index.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const SPACE = ['optimizer.lr=loguniform:0.001:0.1', 'model.layers=choice:8,16,8x8'];
const params = SPACE.flatMap((p) => ['--param', p]);

interface SweepJson {
  sweepId: string;
  method: string;
  sweepSeed: number;
  runs: { runId: string; point: string; status: string }[];
}

async function randomSweep(db: string, seed: number): Promise<SweepJson> {
  const r = await cli(
    ['sweep', '--dataset', 'spiral', '--epochs', '2', '--backend', 'cpu', '--method', 'random', '--trials', '3']
      .concat(params)
      .concat(['--sweep-seed', String(seed), '--json']),
    { db },
  );
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as SweepJson;
}

describe('sweep --method random', () => {
  it('trains 3 seeded proposals on spiral, inside their ranges, and records the method and space', async () => {
    const db = tmp.file('a.db');
    const out = await randomSweep(db, 11);
    expect(out).toMatchObject({ method: 'random', sweepSeed: 11 });
    const store = new RunStore(db);
    const runs = store.listRuns({ sweepId: out.sweepId });
    expect(runs).toHaveLength(3);
    // The proposals are the engine's for this seed, in trial order.
    const expected = randomProposals(
      SPACE.map((p) => parseParamFlag(p)),
      3,
      11,
    );
    const byCreation = [...runs].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    expect(new Set(runs.map((r) => r.config.optimizer.lr))).toEqual(new Set(expected.map((p) => p[0]!.value)));
    for (const run of byCreation) {
      expect(run.status).toBe('completed');
      expect(store.getEpochs(run.id)).toHaveLength(2);
      expect(run.config.optimizer.lr).toBeGreaterThanOrEqual(0.001);
      expect(run.config.optimizer.lr).toBeLessThanOrEqual(0.1);
      expect(['8', '16', '8x8']).toContain(run.layers);
    }
    expect(store.getSweep(out.sweepId)).toMatchObject({
      size: 3,
      grid: [
        {
          key: 'optimizer.lr',
          values: expected.map((p) => p[0]!.value),
          search: { method: 'random', dist: 'loguniform:0.001:0.1', trials: 3, seed: 11 },
        },
        {
          key: 'model.layers',
          values: expected.map((p) => p[1]!.value),
          search: { method: 'random', dist: 'choice:8,16,8x8', trials: 3, seed: 11 },
        },
      ],
    });
    store.close();
    // The same seed proposes the same points in another file.
    const again = await randomSweep(tmp.file('b.db'), 11);
    expect(again.runs.map((r) => r.point).sort()).toEqual(out.runs.map((r) => r.point).sort());
  }, 120_000);
});

describe('sweep --method bayes', () => {
  it('runs --trials proposals, the first 5 random from the seed, each recorded as it is proposed', async () => {
    const db = tmp.file('c.db');
    const r = await cli(
      [
        'sweep',
        ...['--dataset', 'xor', '--samples', '200', '--epochs', '2', '--backend', 'cpu'],
        ...['--method', 'bayes', '--trials', '7', '--param', 'optimizer.lr=loguniform:0.001:0.5'],
        ...['--sweep-seed', '4', '--json'],
      ],
      { db },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as SweepJson;
    const store = new RunStore(db);
    const runs = store.listRuns({ sweepId: out.sweepId });
    expect(runs).toHaveLength(7);
    expect(runs.every((x) => x.status === 'completed')).toBe(true);
    const startup = randomProposals([parseParamFlag('optimizer.lr=loguniform:0.001:0.5')], 5, 4).map((p) => p[0]!.text);
    expect(out.runs.map((x) => x.point.replace('optimizer.lr=', ''))).toEqual(expect.arrayContaining(startup));
    expect(store.getSweep(out.sweepId)).toMatchObject({
      size: 7,
      grid: [{ key: 'optimizer.lr', values: [], search: { method: 'bayes', trials: 7, seed: 4 } }],
    });
    store.close();
  }, 120_000);
});

describe('sweep search errors', () => {
  it.each([
    [
      ['--param', 'optimizer.lr=loguniform:0:1'],
      /^mlpw sweep: --param optimizer\.lr=loguniform:0:1: loguniform needs A > 0/,
    ],
    [['--param', 'optimizer.lr=gauss:0:1'], /--param optimizer\.lr=gauss:0:1: expected uniform:A:B/],
    [['--param', 'optimizer.lr=uniform:a:1'], /--param optimizer\.lr=uniform:a:1: "a" is not a number/],
    [['--param', 'optimizer.lrr=uniform:0:1'], /--param optimizer\.lrr: not a config key/],
    [['--param', 'model.layers=choice:16,abc'], /--param model\.layers=abc: "abc" is not a positive number of units/],
    [['--param', 'optimizer.lr=uniform:-1:1'], /--param optimizer\.lr=uniform:-1:1: /],
    [['--param', 'optimizer.lr=uniform:0.1:1', '--grid', 'batchSize=8,16'], /--grid and --method random/],
    [[], /needs at least one --param/],
  ])('%j exits 2 naming it, storing nothing', async (flags, message) => {
    const db = tmp.file('e.db');
    const r = await cli(['sweep', '--dataset', 'xor', '--method', 'random', '--trials', '3', ...flags], { db });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(existsSync(db)).toBe(false);
  });

  it('needs --trials for a search and --method for --param', async () => {
    const db = tmp.file('f.db');
    const a = await cli(['sweep', '--method', 'bayes', '--param', 'optimizer.lr=uniform:0.1:1'], { db });
    expect([a.code, a.stderr]).toEqual([2, expect.stringMatching(/--method bayes needs --trials N/)]);
    const b = await cli(['sweep', '--param', 'optimizer.lr=uniform:0.1:1', '--grid', 'batchSize=8'], { db });
    expect([b.code, b.stderr]).toEqual([2, expect.stringMatching(/--param, --trials and --sweep-seed need --method/)]);
    const c = await cli(['sweep', '--method', 'hyperband', '--trials', '3'], { db });
    expect([c.code, c.stderr]).toEqual([2, expect.stringMatching(/--method: expected grid, random or bayes/)]);
  });
});

// `mlpw study` in-process on a real store file with real worker threads: depth vs width prints each depth's width and
// parameter count before training (recomputed here from the stored configs and data widths), trains one sweep, and its
// groups' mean ± std equal values computed here from the stored epochs; activations keep one seed and one init;
// bad input exits 2 naming the flag and stores nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { mlpParams } from '../../engine/experiment/equal-budget.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

interface Summary {
  mean: number;
  std: number | null;
  count: number;
}
interface Group {
  value: string | number;
  n: number;
  runs: string[];
  columns: Record<string, Summary>;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + (x - mean(v)) ** 2, 0) / (v.length - 1));

describe('mlpw study', () => {
  it('depth-width --dry-run prints each depth with the width that meets the budget, and stores nothing', async () => {
    const db = tmp.file('plan.db');
    const r = await cli(['study', 'depth-width', '--budget', '2000', '--dataset', 'spiral', '--dry-run'], { db });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('depth vs width at 2,000 parameters on spiral (2 inputs, 2 outputs):');
    expect(lines.slice(2).map((l) => l.trim().split(/\s+/).slice(0, 4))).toEqual([
      ['1', '400', '400', '2,002'],
      ['2', '42', '42x42', '2,018'],
      ['3', '30', '30x30x30', '2,012'],
      ['4', '25', '25x25x25x25', '2,077'],
      ['5', '21', '21x21x21x21x21', '1,955'],
    ]);
    const store = new RunStore(db, { readonly: true });
    expect(store.listRuns({}).length).toBe(0);
    store.close();
  });

  it('depth-width trains one sweep, seeds per depth, and groups best metrics as computed from the stored epochs', async () => {
    const db = tmp.file('study.db');
    const r = await cli(
      [
        ...['study', 'depth-width', '--budget', '400', '--depths', '1-2', '--seeds', '2', '--dataset', 'xor'],
        ...['--samples', '200', '--epochs', '3', '--backend', 'cpu', '--parallel', '2', '--json'],
      ],
      { db },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { sweepId: string; groups: Group[]; variants: { params: number }[] };
    expect(out.groups.map((g) => [g.value, g.n])).toEqual([
      ['80', 2],
      ['17x17', 2],
    ]);
    const store = new RunStore(db, { readonly: true });
    try {
      for (const g of out.groups) {
        const runs = g.runs.map((id) => store.getRun(id));
        expect(runs.map((run) => run.config.seed).sort()).toEqual([1, 2]);
        for (const run of runs) {
          expect(run.sweepId).toBe(out.sweepId);
          const params = mlpParams(
            run.dataInfo!.features,
            run.config.model.layers.map((l) => l.units),
            run.dataInfo!.outputs,
          );
          expect(Math.abs(params - 400) / 400).toBeLessThanOrEqual(0.05);
          expect(g.columns.params!.mean).toBe(params);
        }
        const best = runs.map((run) => store.getEpochs(run.id).find((e) => e.epoch === run.bestEpoch)!);
        const losses = best.map((e) => e.valLoss!);
        expect(g.columns['best.val_loss']!.mean).toBeCloseTo(mean(losses), 12);
        expect(g.columns['best.val_loss']!.std).toBeCloseTo(std(losses), 12);
        expect(g.columns['best.val_acc']!.mean).toBeCloseTo(mean(best.map((e) => e.valAcc!)), 12);
      }
    } finally {
      store.close();
    }
  });

  it('activations: one run per activation with the same seed and one initialisation', async () => {
    const db = tmp.file('acts.db');
    const r = await cli(
      [
        ...['study', 'activations', '--activations', 'tanh,relu,sigmoid', '--seeds', '1', '--dataset', 'xor'],
        ...['--samples', '200', '--epochs', '2', '--backend', 'cpu', '--json'],
      ],
      { db },
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { groups: Group[] };
    expect(out.groups.map((g) => g.value)).toEqual(['tanh', 'relu', 'sigmoid']);
    const store = new RunStore(db, { readonly: true });
    const configs = out.groups.map((g) => store.getRun(g.runs[0]!).config);
    store.close();
    expect(new Set(configs.map((c) => `${c.seed} ${c.model.init}`))).toEqual(new Set(['1 xavier']));
    expect(configs.map((c) => c.model.layers[0]!.activation)).toEqual(['tanh', 'relu', 'sigmoid']);
  });

  it('exits 2 naming the flag for a budget a depth cannot meet, an unknown activation or a --grid', async () => {
    const db = tmp.file('bad.db');
    const small = await cli(['study', 'depth-width', '--budget', '20', '--dataset', 'spiral', '--depths', '1-3'], {
      db,
    });
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(
      /^mlpw study: --budget 20: depth 1: the nearest width, 4, gives 22 parameters, 10.0 % from the budget of 20/,
    );
    const act = await cli(['study', 'activations', '--activations', 'relu,swish'], { db });
    expect(act).toMatchObject({ code: 2 });
    expect(act.stderr).toMatch(/--activations: unknown activation "swish"/);
    const grid = await cli(['study', 'batch-size', '--grid', 'optimizer.lr=0.1,0.01'], { db });
    expect(grid.code).toBe(2);
    expect(grid.stderr).toMatch(/--grid: study batch-size computes its own grid/);
    expect((await cli(['study', 'widths'], { db })).stderr).toMatch(
      /study needs one of depth-width, activations, batch-size/,
    );
    const store = new RunStore(db, { readonly: true });
    expect(store.listRuns({}).length).toBe(0);
    store.close();
  });
});

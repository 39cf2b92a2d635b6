// Evaluation a reviewer accepts, through the real CLI (engine worker thread, SQLite file): the held-out test score
// equals one computed here from the stored best checkpoint and the rows rebuilt from the run's config; show prints
// per-class precision/recall/F1 and the confusion matrix; runs, compare and cv read it; cv's mean ± std equal the
// stored epochs'; train --help lists every flag train takes; a run stored before `stratify` reads as its old split.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { splitSeed } from '../../engine/config.ts';
import { prepareData, splitOptions } from '../../engine/data/prepare.ts';
import { Rng } from '../../engine/rng.ts';
import type { EpochMetrics, TestMetrics } from '../../engine/types.ts';
import { enginePredict } from '../../export/onnx/engine-predict.ts';
import { runSplits } from '../../insight/node/run-data.ts';
import { CONFIG_FLAGS } from '../../cli/config-flags.ts';
import { TRAIN_USAGE } from '../../cli/commands/train.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let db: string;
beforeAll(() => {
  tmp = tempDir();
  db = tmp.file('eval.db');
});
afterAll(() => tmp.cleanup());

const TRAIN = ['--dataset', 'iris', '--layers', '8', '--epochs', '30', '--backend', 'cpu', '--seed', '2'];

describe('held-out test set through mlpw train', () => {
  let runId: string;
  let json: { runId: string; bestEpoch: number; test: TestMetrics };
  beforeAll(async () => {
    const r = await cli(['train', ...TRAIN, '--test-split', '0.2', '--json'], { db });
    expect(r.code, r.stderr).toBe(0);
    json = JSON.parse(r.stdout);
    runId = json.runId;
  });

  it('stores a test score equal to one computed here from the stored best checkpoint', async () => {
    const store = new RunStore(db, { readonly: true });
    try {
      const run = store.getRun(runId);
      expect(run.config.testSplit).toBe(0.2);
      expect(run.config.stratify).toBe('auto');
      expect(run.dataInfo!.testSamples).toBe(30);
      const test = run.test!;
      expect(test).toEqual(json.test);
      expect(test.checkpoint).toBe('best');
      expect(test.epoch).toBe(run.bestEpoch);
      const best = store.getCheckpoint(runId, 'best')!;
      expect(best.epoch).toBe(test.epoch);
      // The test rows rebuilt from the config alone, raw (the snapshot standardises as training did).
      const dataset = store.datasets.forRun(run);
      const rows = prepareData(
        dataset,
        run.config.validationSplit,
        false,
        splitSeed(run.config.dataset),
        splitOptions(run.config),
      ).test!;
      expect(rows.n).toBe(30);
      const P = await enginePredict(best.snapshot, rows.x, rows.n);
      const k = 3;
      const counts = Array.from({ length: k }, () => [0, 0, 0]);
      let loss = 0;
      for (let i = 0; i < rows.n; i++) {
        const p = [...P.subarray(i * k, i * k + k)];
        const predicted = p.indexOf(Math.max(...p));
        counts[rows.labels![i]!]![predicted]!++;
        loss -= Math.log(p[rows.labels![i]!]!);
      }
      expect(test.confusion).toEqual(counts);
      expect(test.acc).toBe(counts.reduce((a, row, c) => a + row[c]!, 0) / rows.n);
      expect(test.loss!).toBeCloseTo(loss / rows.n, 4);
      // Stratified: 10 rows of each iris class in the test set, in validation and in training (30 / 30 / 90).
      expect(counts.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([10, 10, 10]);
      for (let c = 0; c < k; c++) {
        const precision = counts[c]![c]! / counts.reduce((a, row) => a + row[c]!, 0);
        const recall = counts[c]![c]! / 10;
        expect(test.classes![c]!.precision).toBeCloseTo(precision, 12);
        expect(test.classes![c]!.recall).toBeCloseTo(recall, 12);
        expect(test.classes![c]!.f1).toBeCloseTo((2 * precision * recall) / (precision + recall), 12);
      }
      const splits = runSplits(store, run);
      for (const split of [splits.val, splits.train])
        expect([0, 1, 2].map((c) => split.labels!.filter((l) => l === c).length)).toEqual(
          split === splits.val ? [10, 10, 10] : [30, 30, 30],
        );
    } finally {
      store.close();
    }
  });

  it('show prints the test line, and per-class precision/recall/F1 with the confusion matrix on validation and test', async () => {
    const r = await cli(['show', runId], { db });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`test (best checkpoint, epoch ${json.bestEpoch}; 30 rows): loss `);
    expect(r.stdout).toMatch(/90 train \/ 30 validation \/ 30 test/);
    expect(r.stdout).toMatch(/validation \(best checkpoint, epoch \d+; 30 rows\): acc /);
    expect(r.stdout).toMatch(/class\s+precision\s+recall\s+f1\s+support/);
    expect(r.stdout.match(/confusion \(rows: true class, columns: predicted\)/g)).toHaveLength(2);
    const t = json.test;
    const setosa = t.classes![0]!;
    expect(r.stdout).toContain(`${setosa.label}`);
    expect(r.stdout).not.toContain('artifact test-metrics');
    const shown = JSON.parse((await cli(['show', runId, '--json'], { db })).stdout);
    expect(shown.test).toEqual(t);
    expect(shown.validation.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(30);
  });

  it('runs --columns test.acc,test.loss and compare show the stored score', async () => {
    const other = await cli(['train', ...TRAIN, '--json'], { db });
    const otherId = JSON.parse(other.stdout).runId;
    const cols = JSON.parse((await cli(['runs', '--columns', 'test.acc,test.loss', '--json'], { db })).stdout);
    const row = cols.find((c: { id: string }) => c.id === runId);
    expect(row).toEqual({ id: runId, 'test.acc': json.test.acc, 'test.loss': json.test.loss });
    expect(cols.find((c: { id: string }) => c.id === otherId)['test.acc']).toBeNull();
    const cmp = await cli(['compare', runId, otherId], { db });
    expect(cmp.stdout).toMatch(/test acc\s+[\d.]+\s+-/);
    const cmpJson = JSON.parse((await cli(['compare', runId, otherId, '--json'], { db })).stdout);
    expect(cmpJson.test[runId]).toEqual(json.test);
    expect(cmpJson.test[otherId]).toBeNull();
  });
});

describe('mlpw cv', () => {
  it('trains one run per fold as one sweep; the mean ± std it prints are those of the stored best epochs', async () => {
    const r = await cli(['cv', '--folds', '3', ...TRAIN, '--epochs', '8', '--test-split', '0.2', '--json'], { db });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      sweepId: string;
      folds: { fold: number; runId: string }[];
      summary: Record<string, { mean: number; std: number; count: number }>;
    };
    expect(out.folds.map((f) => f.fold)).toEqual([0, 1, 2]);
    const store = new RunStore(db, { readonly: true });
    try {
      const runs = out.folds.map((f) => store.getRun(f.runId));
      expect(new Set(runs.map((x) => x.sweepId))).toEqual(new Set([out.sweepId]));
      expect(runs.map((x) => x.config.crossValidation)).toEqual([0, 1, 2].map((fold) => ({ folds: 3, fold })));
      // Each run's best epoch read from its stored epochs, then the mean and sample std computed here.
      const best = runs.map((x) => store.getEpochs(x.id).find((e: EpochMetrics) => e.epoch === x.bestEpoch)!);
      const stats = (v: number[]) => {
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        return { mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) };
      };
      for (const [key, values] of [
        ['best.val_loss', best.map((e) => e.valLoss!)],
        ['best.val_acc', best.map((e) => e.valAcc!)],
        ['test.acc', runs.map((x) => x.test!.acc!)],
      ] as const) {
        const s = stats([...values]);
        expect(out.summary[key]!.count).toBe(3);
        expect(out.summary[key]!.mean).toBeCloseTo(s.mean, 12);
        expect(out.summary[key]!.std).toBeCloseTo(s.std, 12);
      }
      // Every row outside the test set validates in exactly one fold; the test rows are the same for each fold.
      const splits = runs.map((x) => runSplits(store, x));
      expect(splits.map((s) => s.val.n).reduce((a, b) => a + b, 0)).toBe(120);
      expect(splits.map((s) => s.test!.n)).toEqual([30, 30, 30]);
    } finally {
      store.close();
    }
    const text = await cli(['runs', '--sweep', out.sweepId, '--group-by', 'sweep', '--columns', 'best.val_acc'], {
      db,
    });
    expect(text.stdout).toMatch(new RegExp(`${out.sweepId}\\s+3\\s+`));
  });

  it('refuses --folds outside 2..100 with exit 2', async () => {
    for (const bad of ['1', '101']) {
      const r = await cli(['cv', '--folds', bad, ...TRAIN], { db });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--folds: expected 2 to 100, got ${bad}`);
    }
  });
});

describe('train --help', () => {
  it('lists every flag train accepts', async () => {
    for (const flag of [...Object.keys(CONFIG_FLAGS), 'experiment', 'db', 'json', 'quiet'])
      expect(TRAIN_USAGE, flag).toMatch(new RegExp(`--${flag}\\b`));
    const help = await cli(['train', '--help']);
    expect(help.stdout + help.stderr).toContain('--test-split F');
    expect(help.stdout + help.stderr).toContain('--stratify S');
  });
});

describe('a run stored before stratify', () => {
  it('reads as stratify none, its validation rows the old seeded cut', async () => {
    const r = await cli(['train', '--dataset', 'iris', '--epochs', '2', '--backend', 'cpu', '--json'], { db });
    const id = JSON.parse(r.stdout).runId as string;
    const raw = new RunStore(db);
    try {
      raw.db.prepare(`UPDATE runs SET config = json_remove(config, '$.stratify') WHERE id = ?`).run(id);
      const run = raw.getRun(id);
      expect(run.config.stratify).toBe('none');
      expect(run.test).toBeNull();
      const dataset = raw.datasets.forRun(run);
      const order = new Rng(splitSeed(run.config.dataset) ^ 0x5eed5917).permutation(dataset.n);
      const labels = [...order.subarray(0, 30)].map((row) => dataset.labels![row]);
      expect([...runSplits(raw, run).val.labels!]).toEqual(labels);
    } finally {
      raw.close();
    }
  });
});

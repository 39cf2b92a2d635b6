// The Insight page's gradient check on a distilled student (issue 19): it differentiates the objective the student
// trains on, alpha·(true-label loss) + (1 − alpha)·(teacher term) with the teacher's logits held fixed, not the
// true-label loss alone. A teacher and two students (soft-ce T 4 α 0.1 on a softmax head; mimic-l2 α 0.3) are trained
// by the CLI into a real store; the reported objective value is recomputed here by hand from the two checkpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { Mlp } from '../../engine/backends/cpu/mlp.ts';
import { applyStandardize } from '../../engine/data/prepare.ts';
import type { ModelSnapshot } from '../../engine/types.ts';
import { runGradientCheck } from '../../insight/node/run-insight.ts';
import { runSplits } from '../../insight/node/run-data.ts';
import { tempDir } from '../db/helpers.ts';
import { cli, trainRun } from '../cli/helpers.ts';

const tmp = tempDir();
let store: RunStore;
let teacher: string;
let soft: string;
let mimic: string;

async function distill(db: string, ...flags: string[]): Promise<string> {
  const r = await cli(['distill', teacher, '--layers', '6', '--epochs', '3', '--backend', 'cpu', '--json', ...flags], {
    db,
  });
  if (r.code !== 0) throw new Error(`distill failed (${r.code}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as { runId: string }).runId;
}

beforeAll(async () => {
  const db = tmp.file('w.db');
  teacher = await trainRun(db, '--layers', '16', '--activation', 'tanh', '--epochs', '6');
  soft = await distill(db, '--loss', 'soft', '--temperature', '4', '--alpha', '0.1');
  mimic = await distill(db, '--loss', 'mimic', '--alpha', '0.3');
  store = new RunStore(db);
}, 120_000);
afterAll(() => {
  store.close();
  tmp.cleanup();
});

/** A checkpoint's logits of raw rows, written out: standardise, then each layer's affine map and activation. */
function logits(s: ModelSnapshot, raw: Float32Array, n: number): number[][] {
  const f = s.layers[0]!.inputs;
  const x = raw.slice(0, n * f);
  if (s.standardize) applyStandardize(x, f, s.standardize);
  const mlp = new Mlp(
    'float64',
    s.layers.map((l) => ({ ...l, dropout: 0 })),
    'identity',
    'mse',
  );
  const z = mlp.forward(Float64Array.from(x), n);
  const k = s.layers.at(-1)!.units;
  return Array.from({ length: n }, (_, i) => Array.from(z.subarray(i * k, i * k + k)));
}

const logSoftmax = (z: number[], s: number) => {
  const m = Math.max(...z.map((v) => v * s));
  const lse = Math.log(z.reduce((a, v) => a + Math.exp(v * s - m), 0)) + m;
  return z.map((v) => v * s - lse);
};

/** The student's mean objective over the checked rows, from its definition (Hinton et al. 2015; Ba & Caruana 2014). */
function objective(studentId: string, rows: number): number {
  const run = store.getRun(studentId);
  const d = run.config.distill!;
  const student = store.requireCheckpoint(run, 'best').snapshot;
  const t = store.requireCheckpoint(store.getRun(d.teacher), 'best').snapshot;
  const { val } = runSplits(store, run);
  const zs = logits(student, val.x, rows);
  const zt = logits(t, val.x, rows);
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const label = -logSoftmax(zs[i]!, 1)[val.labels![i]!]!;
    const k = zs[i]!.length;
    const term =
      d.loss === 'mimic-l2'
        ? zs[i]!.reduce((a, z, j) => a + (z - zt[i]![j]!) ** 2, 0) / k
        : (() => {
            const q = logSoftmax(zt[i]!, 1 / d.temperature).map(Math.exp);
            const lp = logSoftmax(zs[i]!, 1 / d.temperature);
            return d.temperature ** 2 * -q.reduce((a, qj, j) => a + qj * lp[j]!, 0);
          })();
    sum += d.alpha * label + (1 - d.alpha) * term;
  }
  return sum / rows;
}

describe('gradient check of a distilled student', () => {
  it('checks the soft-ce mixed objective (T 4, α 0.1), its value the one computed by hand', () => {
    const g = runGradientCheck(store, soft, 'best');
    expect(g.result.objective).toEqual({ kind: 'distill', loss: 'soft-ce', temperature: 4, alpha: 0.1 });
    expect(g.result.rows).toBe(16);
    expect(g.result.loss).toBeCloseTo(objective(soft, 16), 9);
    expect(g.result.verdict).toBe('agree');
  });

  it('checks the mimic-l2 mixed objective (α 0.3)', () => {
    const g = runGradientCheck(store, mimic, 'best');
    expect(g.result.objective).toEqual({ kind: 'distill', loss: 'mimic-l2', temperature: 1, alpha: 0.3 });
    expect(g.result.loss).toBeCloseTo(objective(mimic, 16), 9);
    expect(g.result.verdict).toBe('agree');
  });

  it('checks a run trained on labels alone on its true-label loss, as before', () => {
    const g = runGradientCheck(store, teacher, 'best');
    expect(g.result.objective).toEqual({ kind: 'labels' });
    expect(g.result.verdict).toBe('agree');
  });
});

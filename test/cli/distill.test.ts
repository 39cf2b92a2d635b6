// `mlpw distill` against a real SQLite file and real worker threads: a student linked to its teacher, trained,
// stored, exportable and rerunnable; bad input exits 2 naming the field or value and stores nothing.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let db: string;
let teacher: string;
let regression: string;
beforeAll(async () => {
  tmp = tempDir();
  db = tmp.file('w.db');
  const t = await cli(
    [
      'train',
      '--dataset',
      'spiral',
      '--classes',
      '3',
      '--samples',
      '300',
      '--layers',
      '32,32',
      '--activation',
      'tanh',
      '--epochs',
      '15',
      '--json',
    ],
    { db },
  );
  if (t.code !== 0) throw new Error(t.stderr);
  teacher = (JSON.parse(t.stdout) as { runId: string }).runId;
  const r = await cli(['train', '--dataset', 'sine', '--samples', '200', '--layers', '8', '--epochs', '3', '--json'], {
    db,
  });
  regression = (JSON.parse(r.stdout) as { runId: string }).runId;
}, 180_000);
afterAll(() => tmp.cleanup());

const count = () => {
  const s = new RunStore(db);
  const n = s.countRuns();
  s.close();
  return n;
};

describe('mlpw distill', () => {
  it('trains a student on the teacher, linked in its config, plus the same student from labels with --baseline', async () => {
    const before = count();
    const r = await cli(
      ['distill', teacher, '--layers', '8', '--epochs', '3', '--loss', 'soft', '--temperature', '3', '--alpha', '0.25'],
      { db },
    );
    expect(r.code, r.stderr).toBe(0);
    const b = await cli(['distill', teacher.slice(0, 6), '--layers', '8', '--epochs', '3', '--baseline', '--json'], {
      db,
    });
    expect(b.code, b.stderr).toBe(0);
    const [studentId, baselineId] = b.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { runId: string; status: string }).runId);
    expect(count()).toBe(before + 3);
    const store = new RunStore(db);
    const t = store.getRun(teacher);
    const soft = store.getRun(/^run ([0-9a-z]{8}) /m.exec(r.stdout)![1]!);
    expect(soft.config.distill).toEqual({ teacher, loss: 'soft-ce', temperature: 3, alpha: 0.25 });
    const s = store.getRunDetail(studentId!);
    expect(s.status).toBe('completed');
    expect(s.config.distill).toEqual({ teacher, loss: 'mimic-l2', temperature: 1, alpha: 0 });
    expect(s.config.model.layers).toEqual([{ units: 8, activation: 'tanh', dropout: 0 }]);
    expect(s.config.dataset).toEqual(t.config.dataset);
    expect(s.experiment).toBe(t.experiment);
    expect(s.checkpoints.map((c) => c.kind)).toEqual(['best', 'final']);
    const baseline = store.getRun(baselineId!);
    expect(baseline.config.distill).toBeUndefined();
    expect(baseline.config.model.layers).toEqual(s.config.model.layers);
    expect(baseline.config.seed).toBe(s.config.seed);
    // the stored config is a valid ExperimentConfig as it stands
    expect(parseConfig(JSON.parse(JSON.stringify(s.config))).distill?.teacher).toBe(teacher);
    store.close();

    const onnx = tmp.file('student.onnx');
    const e = await cli(['export', studentId!, '--out', onnx], { db });
    expect(e.code, e.stderr).toBe(0);
    expect(existsSync(onnx)).toBe(true);
    const again = await cli(['rerun', studentId!, '--json'], { db });
    expect(again.code, again.stderr).toBe(0);
    const rerunId = (JSON.parse(again.stdout) as { runId: string }).runId;
    const check = new RunStore(db);
    expect(check.getEpochs(rerunId).map((m) => m.trainLoss)).toEqual(
      check.getEpochs(studentId!).map((m) => m.trainLoss),
    );
    check.close();
  }, 180_000);

  const bad: [string, () => string[], RegExp][] = [
    ['an unknown run', () => ['distill', 'zzzzzzzz', '--layers', '8'], /no run "zzzzzzzz"/],
    [
      'soft from a regression teacher',
      () => ['distill', regression, '--layers', '4', '--loss', 'soft'],
      /--loss: soft needs a classification teacher.*regression/,
    ],
    ['no --layers', () => ['distill', teacher], /--layers/],
    [
      'an unknown loss',
      () => ['distill', teacher, '--layers', '8', '--loss', 'kl'],
      /--loss: expected mimic or soft, got "kl"/,
    ],
    ['alpha above 1', () => ['distill', teacher, '--layers', '8', '--alpha', '2'], /distill\.alpha/],
    [
      'a negative temperature',
      () => ['distill', teacher, '--layers', '8', '--loss', 'soft', '--temperature=-1'],
      /distill\.temperature/,
    ],
    ['a temperature for mimic', () => ['distill', teacher, '--layers', '8', '--temperature', '2'], /--temperature/],
  ];
  it.each(bad)('%s: exit 2, one line naming it, nothing stored', async (_what, argv, message) => {
    const before = count();
    const r = await cli(argv(), { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(count()).toBe(before);
  });

  it('a teacher without a checkpoint: exit 2 naming the run, nothing stored', async () => {
    const store = new RunStore(db);
    const queued = store.createRun(store.getRun(teacher).config, { status: 'queued' });
    store.close();
    const before = count();
    const r = await cli(['distill', queued, '--layers', '8'], { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`run ${queued} has no best checkpoint`));
    expect(count()).toBe(before);
  });
});

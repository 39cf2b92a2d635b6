// `mlpw predict` from a run (the engine on its checkpoint) and from its exported .onnx file (onnxruntime): the
// same classes and probabilities for the rows of a CSV file, printed or written with --out.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const db = tmp.file('runs.db');
let runId = '';
const onnx = tmp.file('iris.onnx');
// Four iris flowers with the columns in another order and the species column left in: features are found by name.
const data = tmp.file('flowers.csv');

beforeAll(async () => {
  const trained = await cli(
    ['train', '--dataset', 'iris', '--layers', '8', '--epochs', '20', '--backend', 'cpu', '--json'],
    { db },
  );
  runId = (JSON.parse(trained.stdout) as { runId: string }).runId;
  expect((await cli(['export', runId, '--out', onnx], { db })).code).toBe(0);
  writeFileSync(
    data,
    'species;petal_width;petal_length;sepal_width;sepal_length\nsetosa;0,2;1,4;3,5;5,1\nversicolor;1,4;4,7;3,2;7,0\nvirginica;2,5;6,0;3,3;6,3\n?;1,3;4,1;2,8;5,7\n',
  );
});

function parse(csv: string) {
  const [header, ...rows] = csv.trim().split('\n');
  return { header: header!.split(','), rows: rows.map((r) => r.split(',')) };
}

describe('mlpw predict', () => {
  it('a run and its .onnx file give the same classes and probabilities', async () => {
    const fromRun = await cli(['predict', runId, '--data', data], { db });
    const fromFile = await cli(['predict', onnx, '--data', data], { db });
    expect(fromRun.stderr).toBe('');
    expect(fromFile.stderr).toBe('');
    const a = parse(fromRun.stdout);
    const b = parse(fromFile.stdout);
    expect(a.header).toEqual(['class', 'p_setosa', 'p_versicolor', 'p_virginica']);
    expect(b.header).toEqual(a.header);
    expect(a.rows).toHaveLength(4);
    a.rows.forEach((row, i) => {
      expect(b.rows[i]![0]).toBe(row[0]);
      row.slice(1).forEach((p, j) => expect(Number(b.rows[i]![j + 1])).toBeCloseTo(Number(p), 5));
      expect(row.slice(1).reduce((s, p) => s + Number(p), 0)).toBeCloseTo(1, 5);
    });
    expect(a.rows[0]![0]).toBe('setosa');
  });

  it('--out writes the CSV', async () => {
    const out = tmp.file('predictions.csv');
    const r = await cli(['predict', onnx, '--data', data, '--out', out], { db });
    expect(r.stdout).toMatch(/4 predictions → .*predictions\.csv/);
    expect(parse(readFileSync(out, 'utf8')).rows).toHaveLength(4);
  });

  it.each([
    [
      "rows without the model's columns",
      () => ['predict', onnx, '--data', write('few.csv', 'a,b\n1,2\n')],
      /few\.csv has columns a, b; the model takes 4 features \(sepal_length/,
    ],
    [
      'a non-numeric value',
      () => [
        'predict',
        runId,
        '--data',
        write('word.csv', 'sepal_length,sepal_width,petal_length,petal_width\n5,3,1,x\n'),
      ],
      /word\.csv line 2, column 4: "x" is not a number/,
    ],
    ['a file that is not ONNX', () => ['predict', data, '--data', data], /flowers\.csv is not an ONNX model/],
    [
      'an unwritable --out',
      () => ['predict', onnx, '--data', data, '--out', tmp.file('missing/p.csv')],
      /--out: cannot write .*missing\/p\.csv: ENOENT/,
    ],
  ])('%s: a clear error, exit 2', async (_, args, message) => {
    const r = await cli(args(), { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

function write(name: string, text: string): string {
  const path = tmp.file(name);
  writeFileSync(path, text);
  return path;
}

// Models that take raw rows (issue 15): a table with numbers, categories, a date and gaps is imported, trained,
// exported and predicted through the real CLI; the .onnx graph takes one input per source column with the
// preprocessing inside, and onnxruntime-web on raw rows (missing values, unseen categories, a missing-value text)
// gives the engine's predictions.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRows, encodeValues, type Preprocessing, type RawValue } from '../../engine/data/preprocessing.ts';
import { defaultConfig } from '../../engine/config.ts';
import type { ModelSnapshot } from '../../engine/types.ts';
import { DataType, decodeModel, encodeModel, floatTensor } from '../../export/onnx/proto.ts';
import {
  buildOnnxModel,
  enginePredict,
  mlpGraph,
  readOnnxModel,
  verifyRawOnnxModel,
} from '../../export/onnx/node/index.ts';
import { tempDir } from '../db/helpers.ts';
import { fullCheck, skipChecker } from './onnx-checker.ts';
import { cli } from '../cli/helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function file(name: string, content: string): string {
  const path = tmp.file(name);
  writeFileSync(path, content);
  return path;
}

/** A penguins-shaped table, 48 rows: id, island (text, NA gaps), bill (number, NA gaps), mass, day (ISO date, a
 *  gap), sex (text, gaps), species (the target, depends on island and bill). */
function penguins(): string {
  const islands = ['Biscoe', 'Dream', 'Torgersen'];
  const lines = ['id,island,bill,mass,day,sex,species'];
  for (let i = 0; i < 48; i++) {
    const island = i % 11 === 5 ? 'NA' : islands[i % 3]!;
    const bill = i % 7 === 3 ? 'NA' : (35 + ((i * 37) % 17) + (i % 3) * 4).toFixed(1);
    const day = i === 9 ? '' : `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 27)).padStart(2, '0')}`;
    const sex = i % 9 === 4 ? '.' : i % 2 ? 'male' : 'female';
    const species = (i % 3 === 0 ? 'Adelie' : i % 3 === 1 ? 'Chinstrap' : 'Gentoo') + '';
    lines.push(`${i + 1},${island},${bill},${3000 + ((i * 131) % 1500)},${day},${sex},${species}`);
  }
  return lines.join('\n') + '\n';
}

function parseCsv(csv: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = csv.trim().split('\n');
  return { header: header!.split(','), rows: rows.map((r) => r.split(',')) };
}

/** Two CSVs of predictions agree: the same header and kept/class cells, numbers within 1e-5. */
function expectSamePredictions(a: string, b: string, numericFrom: number): void {
  const x = parseCsv(a);
  const y = parseCsv(b);
  expect(y.header).toEqual(x.header);
  expect(y.rows.length).toBe(x.rows.length);
  x.rows.forEach((row, i) => {
    expect(y.rows[i]!.slice(0, numericFrom)).toEqual(row.slice(0, numericFrom));
    row
      .slice(numericFrom)
      .forEach((v, j) => expect(Math.abs(Number(v) - Number(y.rows[i]![numericFrom + j]))).toBeLessThan(1e-5));
  });
}

describe('a model trained on an imported table takes raw rows', () => {
  const db = tmp.file('raw.db');
  const onnx = tmp.file('penguins.onnx');
  let runId = '';

  it('imports, trains and exports a graph with one input per column, verified on raw rows', async () => {
    const imp = await cli(['import', file('penguins.csv', penguins()), '--target', 'species', '--name', 'peng'], {
      db,
    });
    expect(imp.code, imp.stderr).toBe(0);
    const t = await cli(
      ['train', '--dataset', 'peng', '--layers', '8', '--epochs', '4', '--batch', '8', '--backend', 'cpu', '--json'],
      { db },
    );
    expect(t.code, t.stderr).toBe(0);
    runId = (JSON.parse(t.stdout) as { runId: string }).runId;
    const ex = await cli(['export', runId, '--out', onnx, '--json'], { db });
    expect(ex.code, ex.stderr).toBe(0);
    const details = JSON.parse(ex.stdout) as { samples: number; probeRows: number; maxAbsDiff: number };
    // The validation rows (20% of 48) plus the three rows the snapshot cannot hold (all missing, unseen, "Na").
    expect(details).toMatchObject({ samples: 10, probeRows: 3 });
    expect(details.maxAbsDiff).toBeLessThanOrEqual(1e-5);

    const bytes = readFileSync(onnx);
    const model = readOnnxModel(bytes, onnx);
    expect(model.rawInputs!.map((r) => [r.name, r.kind, r.width])).toEqual([
      ['island', 'categorical', 1],
      ['bill', 'numeric', 1],
      ['mass', 'numeric', 1],
      ['day', 'date', 5],
      ['sex', 'categorical', 1],
    ]);
    const proto = decodeModel(bytes, onnx);
    expect(proto.graph.input.map((v) => v.type?.tensorType?.elemType)).toEqual([
      DataType.STRING,
      DataType.FLOAT,
      DataType.FLOAT,
      DataType.FLOAT,
      DataType.STRING,
    ]);
    expect(proto.opsetImport).toContainEqual(expect.objectContaining({ domain: 'ai.onnx.ml', version: 2 }));
    expect(proto.graph.node.filter((n) => n.opType === 'LabelEncoder').map((n) => n.domain)).toEqual([
      'ai.onnx.ml',
      'ai.onnx.ml',
    ]);
    expect(model.preprocessing!.ignored).toEqual([expect.objectContaining({ name: 'id' })]);
  });

  it.skipIf(skipChecker)("passes onnx's checker with full_check", () => {
    expect(fullCheck(onnx)).toMatch(/^full_check ok/);
  });

  it('mlpw predict gives the same predictions from the run (engine) and from the .onnx file (onnxruntime)', async () => {
    // Columns in another order, no target, an extra column; gaps, an unseen island, a missing-value text.
    const rows = file(
      'new.csv',
      [
        'sex,id,note,day,mass,island,bill',
        'male,101,a,2024-05-06,3500,Dream,41.5',
        'female,102,b,2024-11-30,4200,Biscoe,NA',
        'NA,103,c,,3900,Atlantis,38.0',
        ',104,d,2023-02-28,,,',
        'male,105,e,2024-01-01,3100,na,50.2',
      ].join('\n') + '\n',
    );
    const engine = await cli(['predict', runId, '--data', rows, '--keep', 'id'], { db });
    expect(engine.code, engine.stderr).toBe(0);
    const file_ = await cli(['predict', onnx, '--data', rows, '--keep', 'id']);
    expect(file_.code, file_.stderr).toBe(0);
    const { header, rows: out } = parseCsv(engine.stdout);
    expect(header).toEqual(['id', 'class', 'p_Adelie', 'p_Chinstrap', 'p_Gentoo']);
    expect(out.map((r) => r[0])).toEqual(['101', '102', '103', '104', '105']);
    for (const r of out) expect(r.slice(2).reduce((s, v) => s + Number(v), 0)).toBeCloseTo(1, 5);
    expectSamePredictions(engine.stdout, file_.stdout, 2);
  });

  it('a file whose header lacks the model columns is refused with their names, unless --by-position', async () => {
    const partial = file('partial.csv', 'island,bill,weight\nDream,40,3000\n');
    const r = await cli(['predict', onnx, '--data', partial]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no columns "mass", "day", "sex" that the model takes/);
    expect(r.stderr).toMatch(/--by-position/);

    // No header: refused by name, read by position with the flag (the table's layout without the target).
    const noHeader = file('positions.csv', '7,Dream,41.5,3500,2024-05-06,male\n8,Biscoe,NA,4200,2024-11-30,female\n');
    const refused = await cli(['predict', onnx, '--data', noHeader]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/it has no header/);
    const byPos = await cli(['predict', onnx, '--data', noHeader, '--by-position']);
    expect(byPos.code, byPos.stderr).toBe(0);
    const named = file(
      'named.csv',
      'id,island,bill,mass,day,sex\n7,Dream,41.5,3500,2024-05-06,male\n8,Biscoe,NA,4200,2024-11-30,female\n',
    );
    const byName = await cli(['predict', runId, '--data', named], { db });
    expectSamePredictions(byName.stdout, byPos.stdout, 1);
  });

  it('a value that is not a number is refused naming the line and column', async () => {
    const bad = file('bad.csv', 'island,bill,mass,day,sex\nDream,forty,3000,2024-01-02,male\n');
    const r = await cli(['predict', onnx, '--data', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 2, column "bill": "forty" is not a number/);
  });
});

describe('regression on raw rows', () => {
  it('output is headed by the target name, the same from the run and the file', async () => {
    const db = tmp.file('cars.db');
    const lines = ['name,origin,horsepower,mpg'];
    for (let i = 0; i < 40; i++)
      lines.push(
        `car ${i},${['usa', 'europe', 'japan'][i % 3]},${i % 6 === 2 ? 'NA' : 60 + ((i * 29) % 120)},${15 + (i % 20)}`,
      );
    expect(
      (
        await cli(
          ['import', file('cars.csv', lines.join('\n')), '--target', 'mpg', '--task', 'regression', '--name', 'cars'],
          { db },
        )
      ).code,
    ).toBe(0);
    const t = await cli(
      ['train', '--dataset', 'cars', '--layers', '6', '--epochs', '3', '--backend', 'cpu', '--json'],
      {
        db,
      },
    );
    const runId = (JSON.parse(t.stdout) as { runId: string }).runId;
    const out = tmp.file('cars.onnx');
    expect((await cli(['export', runId, '--out', out], { db })).code).toBe(0);
    const rows = file('cars-new.csv', 'name,horsepower,origin\nx,NA,usa\ny,150,mars\n');
    const engine = await cli(['predict', runId, '--data', rows, '--keep', 'name'], { db });
    expect(engine.code, engine.stderr).toBe(0);
    expect(parseCsv(engine.stdout).header).toEqual(['name', 'mpg']);
    expectSamePredictions(engine.stdout, (await cli(['predict', out, '--data', rows, '--keep', 'name'])).stdout, 1);
    if (!skipChecker) expect(fullCheck(out)).toMatch(/^full_check ok/);
    // The same rows as NDJSON (a key a row lacks is missing; null too): the same predictions.
    const ndjson = file(
      'cars-new.ndjson',
      '{"name":"x","origin":"usa","horsepower":null}\n{"horsepower":150,"name":"y","origin":"mars"}\n',
    );
    expectSamePredictions(engine.stdout, (await cli(['predict', out, '--data', ndjson, '--keep', 'name'])).stdout, 1);
  });
});

describe('encodeValues', () => {
  const p: Preprocessing = {
    version: 1,
    missing: 'impute',
    missingValues: ['', 'na'],
    columns: [
      { kind: 'categorical', name: 'c', column: 0, indicator: true, categories: ['a', 'b'], fill: 'b' },
      { kind: 'numeric', name: 'x', column: 1, indicator: true, fill: 2.5 },
    ],
    target: { name: 'y', column: 2, classes: ['p', 'q'] },
    ignored: [],
  };
  const enc = (values: (string | number | null)[]) => {
    const out = new Float32Array(5);
    const unseen = encodeValues(p, values, out, 0);
    return { out: Array.from(out), unseen: unseen?.name };
  };
  it('an unseen category is all zeros (and reported), a missing one takes the fill and its indicator', () => {
    expect(enc(['a', 1])).toEqual({ out: [1, 0, 0, 1, 0], unseen: undefined });
    expect(enc(['zzz', 1])).toEqual({ out: [0, 0, 0, 1, 0], unseen: 'c' });
    expect(enc([null, NaN])).toEqual({ out: [0, 1, 1, 2.5, 1], unseen: undefined });
    expect(enc(['NA', 3])).toEqual({ out: [0, 1, 1, 3, 0], unseen: undefined });
  });
});

describe('column names', () => {
  const pre = (names: string[]): Preprocessing => ({
    version: 1,
    missing: 'impute',
    missingValues: ['', 'na'],
    columns: [
      { kind: 'numeric', name: names[0]!, column: 0, indicator: true, fill: 1.5 },
      { kind: 'categorical', name: names[1]!, column: 1, indicator: false, categories: ['a', 'b'], fill: 'a' },
      { kind: 'numeric', name: names[2]!, column: 2, indicator: false, fill: -1 },
    ],
    target: { name: 'y', column: 3, classes: ['p', 'q'] },
    ignored: [],
  });
  // 5 features → 2 classes, fixed weights and standardisation.
  const snapshot: ModelSnapshot = {
    task: 'classification',
    head: 'softmax',
    loss: 'cross_entropy',
    layers: [
      {
        inputs: 5,
        units: 2,
        activation: 'identity',
        W: Float32Array.from({ length: 10 }, (_, i) => Math.sin(i + 1)),
        b: Float32Array.from([0.1, -0.2]),
      },
    ],
    standardize: { mean: Float32Array.from([1, 0.5, 0.5, 0.5, 0]), std: Float32Array.from([2, 0.5, 0.5, 0.5, 3]) },
    classLabels: ['p', 'q'],
  };
  const meta = {
    runId: 'names',
    config: defaultConfig(),
    dataset: 'names',
    checkpoint: 'final' as const,
    metrics: { best: null, final: null },
    producerVersion: 'test',
  };

  it('a column may be called input, features or anything with spaces and dots', async () => {
    const p = pre(['input', 'features', 'Sepal Length (cm)']);
    const bytes = buildOnnxModel(snapshot, { ...meta, preprocessing: p });
    const model = readOnnxModel(bytes);
    expect(model.rawInputs!.map((r) => r.name)).toEqual(['input', 'features', 'Sepal Length (cm)']);
    const rows: RawValue[][] = [
      [2, 'b', 4],
      [NaN, 'a', 0],
      [3, 'unseen', 1],
      [1, 'NA', 2],
      [0, null, NaN],
    ];
    const expected = await enginePredict(snapshot, encodeRows(p, rows), rows.length);
    const v = await verifyRawOnnxModel(bytes, model.rawInputs!, rows, expected);
    expect(v.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it('the reader refuses a graph whose preprocessing constants differ from its metadata', () => {
    const m = decodeModel(buildOnnxModel(snapshot, { ...meta, preprocessing: pre(['a', 'b', 'c']) }), 'x.onnx');
    m.graph.initializer = m.graph.initializer.map((t) => (t.name === 'pre0.fill' ? floatTensor(t.name, [1], [99]) : t));
    expect(() => readOnnxModel(encodeModel(m), 'x.onnx')).toThrow(
      /x\.onnx is an ONNX model but not an MLP exported by MLP Workbench: initializer "pre0\.fill" differs/,
    );
  });

  it("a column named like the graph's output or a value inside it is refused, naming it", () => {
    for (const name of ['output', 'probabilities', 'layer1.weight', 'pre0.value'])
      expect(() => mlpGraph(snapshot, pre([name, 'c', 'd']))).toThrow(
        new RegExp(`column "${name.replace('.', '\\.')}" has the name of a value inside the exported graph`),
      );
  });
});

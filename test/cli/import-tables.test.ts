// `mlpw import` on real-world-shaped tables (issue 15), through the CLI's main with a temporary store. The fixtures
// are made up here, tiny, in the shape of three public tables: penguins (string columns, NA gaps), a daily weather
// log (an ISO date column, a string class), cars (nulls, a name column, a numeric target) as JSON and NDJSON.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { CONFIG_FLAGS } from '../../cli/config-flags.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function file(name: string, content: string): string {
  const path = tmp.file(name);
  writeFileSync(path, content);
  return path;
}

function stored(db: string, name: string) {
  const store = new RunStore(db);
  try {
    return { record: store.datasets.find(name)!, data: store.datasets.load({ name }) };
  } finally {
    store.close();
  }
}

/** The printed column table's line for `column`, split into its cells. */
function tableLine(stdout: string, column: string): string[] {
  const line = stdout.split('\n').find((l) => l.split(/\s{2,}/)[1] === column);
  if (!line) throw new Error(`no line for ${column} in:\n${stdout}`);
  return line.split(/\s{2,}/);
}

const PENGUINS = `species,island,bill_length_mm,body_mass_g,sex
Adelie,Torgersen,39.1,3750,male
Adelie,Torgersen,39.5,3800,female
Adelie,Torgersen,NA,NA,NA
Adelie,Dream,36.7,3450,female
Gentoo,Biscoe,46.1,4500,female
Gentoo,Biscoe,50.0,5700,male
Gentoo,Biscoe,47.3,,.
Chinstrap,Dream,46.5,3500,female
Chinstrap,Dream,50.0,3900,male
Chinstrap,Dream,45.4,3525,?
`;

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

describe('mlpw import of tables', () => {
  it('--dry-run prints the column table and stores nothing; the import stores imputed, one-hot features and the fitted values', async () => {
    const db = tmp.file('penguins.db');
    const csv = file('penguins.csv', PENGUINS);
    const dry = await cli(['import', csv, '--target', 'species', '--dry-run'], { db });
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(existsSync(db)).toBe(false);
    expect(tableLine(dry.stdout, 'species').slice(2, 6)).toEqual(['categorical', '0', '3', 'target']);
    expect(tableLine(dry.stdout, 'island').slice(2, 6)).toEqual(['categorical', '0', '3', 'feature: 3 one-hot']);
    expect(tableLine(dry.stdout, 'bill_length_mm').slice(2, 5)).toEqual(['numeric', '1', '8']);
    expect(tableLine(dry.stdout, 'body_mass_g').slice(2, 4)).toEqual(['numeric', '2']);
    expect(tableLine(dry.stdout, 'sex').slice(2, 5)).toEqual(['categorical', '3', '2']);
    expect(dry.stdout).toMatch(/imputed missing values in 3 rows/);
    expect(dry.stdout).toMatch(
      /dry run: 10 rows, 10 features → species \(classification, 3 classes: Adelie, Chinstrap, Gentoo\); nothing stored/,
    );

    // An existing store is left byte for byte as it was.
    const other = file('other.csv', 'a,y\n1,p\n2,q\n');
    expect((await cli(['import', other, '--target', 'y'], { db })).code).toBe(0);
    const before = readFileSync(db);
    expect((await cli(['import', csv, '--target', 'species', '--dry-run', '--json'], { db })).code).toBe(0);
    expect(readFileSync(db).equals(before)).toBe(true);

    const r = await cli(['import', csv, '--target', 'species'], { db });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/imported penguins: 10 rows, 10 features → species/);
    const { record, data } = stored(db, 'penguins');
    expect(record.featureNames).toEqual([
      'island=Biscoe',
      'island=Dream',
      'island=Torgersen',
      'bill_length_mm',
      'bill_length_mm_missing',
      'body_mass_g',
      'body_mass_g_missing',
      'sex=female',
      'sex=male',
      'sex_missing',
    ]);
    expect(record.features).toBe(10);
    const rows = PENGUINS.trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const present = (j: number) =>
      rows
        .map((c) => c[j]!)
        .filter((v) => !['NA', '', '.', '?'].includes(v))
        .map(Number);
    const billMedian = median(present(2));
    const massMedian = median(present(3));
    const p = record.preprocessing!;
    expect(p.missing).toBe('impute');
    expect(p.columns.map((c) => [c.name, c.kind, c.indicator])).toEqual([
      ['island', 'categorical', false],
      ['bill_length_mm', 'numeric', true],
      ['body_mass_g', 'numeric', true],
      ['sex', 'categorical', true],
    ]);
    expect(p.columns[1]).toMatchObject({ fill: billMedian });
    expect(p.columns[2]).toMatchObject({ fill: massMedian });
    expect(p.columns[3]).toMatchObject({ categories: ['female', 'male'], fill: 'female' });
    expect(p.target).toEqual({ name: 'species', column: 0, classes: ['Adelie', 'Chinstrap', 'Gentoo'] });
    // The stored matrix, row by row, against the same encoding written out here.
    const islands = ['Biscoe', 'Dream', 'Torgersen'];
    const expected = rows.flatMap((c) => {
      const gap = (v: string) => ['NA', '', '.', '?'].includes(v);
      const sex = gap(c[4]!) ? 'female' : c[4]!;
      return [
        ...islands.map((i) => (c[1] === i ? 1 : 0)),
        gap(c[2]!) ? billMedian : Number(c[2]),
        gap(c[2]!) ? 1 : 0,
        gap(c[3]!) ? massMedian : Number(c[3]),
        gap(c[3]!) ? 1 : 0,
        sex === 'female' ? 1 : 0,
        sex === 'male' ? 1 : 0,
        gap(c[4]!) ? 1 : 0,
      ];
    });
    expect(Array.from(data.x)).toEqual(expected.map((v) => Math.fround(v)));
    expect(Array.from(data.labels!)).toEqual(rows.map((c) => ['Adelie', 'Chinstrap', 'Gentoo'].indexOf(c[0]!)));
  });

  it('--missing drop (and its alias --drop-missing) leaves out rows with gaps and says how many; a row without a target is dropped either way', async () => {
    const db = tmp.file('drop.db');
    const csv = file('penguins-drop.csv', PENGUINS);
    for (const flags of [
      ['--missing', 'drop', '--name', 'a'],
      ['--drop-missing', '--name', 'b'],
    ]) {
      const r = await cli(['import', csv, '--target', 'species', ...flags], { db });
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/dropped 3 rows with missing values/);
      expect(r.stdout).toMatch(/imported \w: 7 rows, 7 features/);
      expect(stored(db, flags.at(-1)!).record.preprocessing!.columns.every((c) => !c.indicator)).toBe(true);
    }
    const holes = file('holes.csv', 'a,y\n1,p\n,q\n3,NA\n');
    const r = await cli(['import', holes, '--target', 'y', '--json'], { db });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { rows: number; source: { missingTargetRows: number; imputedRows: number } };
    expect(out).toMatchObject({ rows: 2, source: { missingTargetRows: 1, imputedRows: 1 } });
    expect(Array.from(stored(db, 'holes').data.x)).toEqual([1, 0, 2, 1]); // a = 1; the gap takes the median of 1 and 3
  });

  it('a date column becomes year, day of year and weekday on the circle; a string class is the target', async () => {
    const db = tmp.file('weather.db');
    const days = ['2024-03-05', '2024-03-06T10:00:00Z', '2024-12-31', '2025-01-01', '2024-07-14T23:30:00-02:00', ''];
    const kinds = ['sunny', 'rain', 'rain', 'snow', 'sunny', 'snow'];
    const csv = file(
      'weather.csv',
      'date,temp_c,weather\n' + days.map((d, i) => `${d},${10 + i},${kinds[i]}`).join('\n') + '\n',
    );
    const r = await cli(['import', csv, '--target', 'weather'], { db });
    expect(r.stderr).toBe('');
    expect(tableLine(r.stdout, 'date').slice(2, 4)).toEqual(['date', '1']);
    const { record, data } = stored(db, 'weather');
    expect(record.featureNames).toEqual([
      'date_year',
      'date_doy_sin',
      'date_doy_cos',
      'date_weekday_sin',
      'date_weekday_cos',
      'date_missing',
      'temp_c',
    ]);
    expect(record.classLabels).toEqual(['rain', 'snow', 'sunny']);
    const row = (i: number) => Array.from(data.x.subarray(i * 7, i * 7 + 7));
    // 2024-03-05: a Tuesday (weekday 1 from Monday), day 64 from January 1st of a 366-day year.
    const tuesday = [
      2024,
      Math.sin((2 * Math.PI * 64) / 366),
      Math.cos((2 * Math.PI * 64) / 366),
      Math.sin((2 * Math.PI) / 7),
      Math.cos((2 * Math.PI) / 7),
      0,
      10,
    ];
    expect(row(0)).toEqual(tuesday.map(Math.fround));
    // 2025-01-01 (a Wednesday) sits next to 2024-12-31 on the circle: day 0 of 365, and day 365 of 366.
    expect(row(3).slice(0, 5)).toEqual(
      [2025, 0, 1, Math.sin((4 * Math.PI) / 7), Math.cos((4 * Math.PI) / 7)].map(Math.fround),
    );
    expect(row(2)[1]).toBeCloseTo(Math.sin((2 * Math.PI * 365) / 366), 6);
    // -02:00: 23:30 on July 14th is 01:30 UTC on July 15th, a Monday.
    expect(row(4).slice(3, 5)).toEqual([0, 1]);
    // The gap takes the median instant of the five dates (2024-07-15T01:30Z) and is marked.
    expect(row(5).slice(0, 6)).toEqual(row(4).slice(0, 5).concat([1]));
  });

  it('cars as JSON and NDJSON: nulls imputed, the name column left out as ID-like with a warning, the same snapshot as the CSV; a run trains on it', async () => {
    const db = tmp.file('cars.db');
    const cars = [
      { name: 'chevrolet chevelle', mpg: 18, cylinders: 8, horsepower: 130, origin: 'usa' },
      { name: 'buick skylark', mpg: 15, cylinders: 8, horsepower: 165, origin: 'usa' },
      { name: 'toyota corona', mpg: 24, cylinders: 4, horsepower: 95, origin: 'japan' },
      { name: 'ford pinto', mpg: 25, cylinders: 4, horsepower: null, origin: 'usa' },
      { name: 'vw 1131', mpg: 26, cylinders: 4, horsepower: 46, origin: 'europe' },
      { name: 'datsun pl510', mpg: 27, cylinders: 4, horsepower: 88, origin: 'japan' },
      { name: 'peugeot 504', mpg: 25, cylinders: 4, origin: 'europe' },
      { name: 'amc hornet', mpg: 18, cylinders: 6, horsepower: 97, origin: null },
    ];
    const json = file('cars.json', JSON.stringify(cars, null, 2));
    const ndjson = file('cars.ndjson', cars.map((c) => JSON.stringify(c)).join('\n') + '\n');
    const csv = file(
      'cars.csv',
      'name,mpg,cylinders,horsepower,origin\n' +
        cars.map((c) => [c.name, c.mpg, c.cylinders, c.horsepower ?? 'null', c.origin ?? ''].join(',')).join('\n') +
        '\n',
    );
    const hashes: string[] = [];
    for (const [path, name] of [
      [json, 'cars-json'],
      [ndjson, 'cars-ndjson'],
      [csv, 'cars-csv'],
    ] as const) {
      const r = await cli(['import', path, '--target', 'mpg', '--task', 'regression', '--name', name], { db });
      expect(r.stderr).toBe(
        'warning: column "name" looks like an ID (strings, all 8 values distinct); ignored (name it in --features to use it)\n',
      );
      expect(tableLine(r.stdout, 'name').slice(2, 6)).toEqual([
        'id',
        '0',
        '8',
        'ignored: ID-like: all 8 values distinct',
      ]);
      expect(tableLine(r.stdout, 'horsepower').slice(2, 4)).toEqual(['numeric', '2']);
      expect(r.stdout).toMatch(new RegExp(`imported ${name}: 8 rows, 7 features → mpg \\(regression, 1 target\\)`));
      hashes.push(stored(db, name).record.hash);
    }
    expect(new Set(hashes).size).toBe(1);
    const { record, data } = stored(db, 'cars-json');
    expect(record.featureNames).toEqual([
      'cylinders',
      'horsepower',
      'horsepower_missing',
      'origin=europe',
      'origin=japan',
      'origin=usa',
      'origin_missing',
    ]);
    expect(record.preprocessing!.ignored).toEqual([
      { name: 'name', column: 0, reason: 'ID-like: all 8 values distinct' },
    ]);
    expect(record.preprocessing!.columns[1]).toMatchObject({ fill: median([130, 165, 95, 46, 88, 97]) });
    expect(Array.from(data.targets!)).toEqual(cars.map((c) => c.mpg));

    const t = await cli(
      [
        'train',
        '--dataset',
        'cars-json',
        '--layers',
        '8',
        '--epochs',
        '3',
        '--batch',
        '4',
        '--backend',
        'cpu',
        '--json',
      ],
      { db },
    );
    expect(t.stderr).toBe('');
    expect(JSON.parse(t.stdout)).toMatchObject({ status: 'completed', epochs: 3 });
  });

  it('--features and --ignore take names, positions and ranges; --categorical makes numbers categories', async () => {
    const db = tmp.file('roles.db');
    const csv = file('roles.csv', 'a,b,c,d,e,y\n1,2,3,4,5,p\n2,3,4,5,6,q\n3,1,2,3,4,p\n');
    const features = async (...flags: string[]) => {
      const r = await cli(['import', csv, '--target', 'y', '--dry-run', '--json', ...flags], { db });
      expect(r.stderr).toBe('');
      return (JSON.parse(r.stdout) as { featureNames: string[] }).featureNames;
    };
    expect(await features('--features', '2-4')).toEqual(['b', 'c', 'd']);
    expect(await features('--features', 'e,#1')).toEqual(['a', 'e']);
    expect(await features('--ignore', '1,3-4')).toEqual(['b', 'e']);
    expect(await features('--ignore', 'A,B,C')).toEqual(['d', 'e']);
    expect(await features('--features', 'a,b', '--categorical', 'b')).toEqual(['a', 'b=1', 'b=2', 'b=3']);
  });

  const bad: [string, () => string[], RegExp][] = [
    [
      'a target number that is also a column name',
      () => [file('ambiguous.csv', 'id,4,x,w\n1,p,3,5\n2,q,4,6\n3,p,5,7\n'), '--target', '4'],
      /--target 4 is ambiguous in .*ambiguous\.csv: the column named "4" \(column 2\) or column 4 \("w"\); write '"4"' for the name or #4 for the position/,
    ],
    [
      'duplicate header names',
      () => [file('dup.csv', 'a,b,a,y\n1,2,3,p\n'), '--target', 'y'],
      /dup\.csv: duplicate column name "a" at columns 1 and 3/,
    ],
    [
      'more than 50 categories',
      () => [
        file(
          'many.csv',
          'city,x,y\n' +
            Array.from({ length: 120 }, (_, i) => `town${i % 60},${i},${i % 2 ? 'p' : 'q'}`).join('\n') +
            '\n',
        ),
        '--target',
        'y',
      ],
      /many\.csv: column 1 \("city"\) has 60 distinct values, more than 50 categories; leave it out with --ignore "city"/,
    ],
    [
      'dates with the year last',
      () => [
        file(
          'slash.csv',
          'day,y\n' +
            Array.from({ length: 120 }, (_, i) => `${(i % 28) + 1}/${(i % 12) + 1}/2024,${i % 2 ? 'p' : 'q'}`).join(
              '\n',
            ) +
            '\n',
        ),
        '--target',
        'y',
      ],
      /could be day\/month or month\/day: write them as YYYY-MM-DD/,
    ],
    [
      '--features and --ignore together',
      () => [file('both.csv', 'a,b,y\n1,2,p\n2,3,q\n'), '--target', 'y', '--features', 'a', '--ignore', 'b'],
      /--features and --ignore: give one of them/,
    ],
    [
      '--ignore naming the target',
      () => [file('ign.csv', 'a,b,y\n1,2,p\n2,3,q\n'), '--target', 'y', '--ignore', '3'],
      /--ignore names "y", the target column/,
    ],
    [
      'a JSON array of numbers',
      () => [file('nums.json', '[1, 2]'), '--target', 'y'],
      /nums\.json line 1: element 1 of the array is not an object/,
    ],
    [
      'an NDJSON line that is not JSON',
      () => [file('broken.ndjson', '{"a": 1, "y": "p"}\n{"a": 2, "y": \n'), '--target', 'y'],
      /broken\.ndjson line 2: not valid JSON/,
    ],
    [
      'a nested JSON value',
      () => [file('nested.jsonl', '{"a": {"b": 1}, "y": "p"}\n'), '--target', 'y'],
      /nested\.jsonl line 1: "a" holds an object/,
    ],
  ];
  it.each(bad)('%s: one clear line, exit code 2, nothing stored', async (_, args, message) => {
    const db = tmp.file('bad-tables.db');
    const r = await cli(['import', ...args()], { db });
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    if (existsSync(db)) {
      const store = new RunStore(db);
      expect(store.datasets.list()).toEqual([]);
      store.close();
    }
  });

  it('a target number that is only a position, or #N, or a quoted name, is read as such', async () => {
    const db = tmp.file('positions.db');
    const csv = file('positions.csv', 'id,4,x,w\n1,p,3,a\n2,q,4,b\n3,p,5,a\n');
    const target = async (t: string) =>
      (
        JSON.parse((await cli(['import', csv, '--target', t, '--dry-run', '--json'], { db })).stdout) as {
          targetName: string;
        }
      ).targetName;
    expect(await target('#4')).toBe('w');
    expect(await target('"4"')).toBe('4');
    expect(await target('3')).toBe('x');
  });

  it('datasets rm removes a snapshot no run uses, and keeps one that runs trained on, naming them', async () => {
    const db = tmp.file('rm.db');
    const csv = file('rm.csv', PENGUINS);
    expect((await cli(['import', csv, '--target', 'species', '--name', 'used'], { db })).code).toBe(0);
    expect(
      (await cli(['import', csv, '--target', 'species', '--name', 'unused', '--ignore', 'sex'], { db })).code,
    ).toBe(0);
    const t = await cli(
      ['train', '--dataset', 'used', '--layers', '4', '--epochs', '1', '--backend', 'cpu', '--json'],
      { db },
    );
    const { runId } = JSON.parse(t.stdout) as { runId: string };
    const kept = await cli(['datasets', 'rm', 'used'], { db });
    expect(kept.code).toBe(2);
    expect(kept.stderr).toMatch(
      new RegExp(`dataset "used" is kept: 1 run trained on it \\(${runId}\\); remove it first`),
    );
    const removed = await cli(['datasets', 'rm', 'unused'], { db });
    expect(removed.stderr).toBe('');
    expect(removed.stdout).toMatch(/removed dataset unused \(10 rows/);
    const names = (JSON.parse((await cli(['datasets', '--json'], { db })).stdout) as { name: string; source: string }[])
      .filter((d) => d.source === 'imported')
      .map((d) => d.name);
    expect(names).toEqual(['used']);
    expect((await cli(['datasets', 'rm', 'nothing'], { db })).stderr).toMatch(/no imported dataset "nothing"/);
  });

  it('train --help lists every flag train accepts; --no-standardize turns standardisation off', async () => {
    const help = await cli(['train', '--help']);
    const text = help.stdout + help.stderr;
    for (const flag of [...Object.keys(CONFIG_FLAGS), 'db', 'json', 'quiet', 'experiment'])
      expect(text, `--${flag}`).toContain(`--${flag}`);
    const db = tmp.file('standardize.db');
    const r = await cli(
      [
        'train',
        '--dataset',
        'xor',
        '--samples',
        '100',
        '--epochs',
        '1',
        '--backend',
        'cpu',
        '--no-standardize',
        '--json',
      ],
      { db },
    );
    expect(r.stderr).toBe('');
    const store = new RunStore(db);
    const row = store.db
      .prepare('SELECT config FROM runs WHERE id = ?')
      .get((JSON.parse(r.stdout) as { runId: string }).runId) as { config: string };
    store.close();
    expect(JSON.parse(row.config)).toMatchObject({ standardize: false });
  });
});

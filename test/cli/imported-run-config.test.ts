// A run on an imported dataset records the dataset as its name, snapshot hash and row count only: none of the
// generator's settings (samples, noise, classes, seed) that a config naming the import still carries, whether the run
// comes from `mlpw train` or from the app through the WorkbenchApi; `mlpw show`, the API's run record and the
// Compare view's config table show only those. A stored config with the leftovers still reads, without them.
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../api/dispatch.ts';
import { createStoreApi } from '../../api/store-api.ts';
import { RunStore } from '../../db/index.ts';
import { parseConfig, type ExperimentConfig } from '../../engine/config.ts';
import { configDiff } from '../../insight/compare.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** 300 rows, two features, three classes (the "three" dataset had 300 rows). */
function threeCsv(): string {
  const rows = Array.from({ length: 300 }, (_, i) => `${Math.cos(i) + (i % 3)},${Math.sin(i) - (i % 3)},c${i % 3}`);
  const path = tmp.file('three.csv');
  writeFileSync(path, 'a,b,label\n' + rows.join('\n') + '\n');
  return path;
}

const GENERATOR_KEYS = ['dataset.samples', 'dataset.noise', 'dataset.classes', 'dataset.seed'];

describe('a run on an imported dataset', () => {
  const db = tmp.file('runs.db');
  let cliRun = '';
  let hash = '';

  it('mlpw train --dataset NAME records name, hash and rows only, even with --samples and --noise', async () => {
    expect((await cli(['import', threeCsv(), '--target', 'label', '--name', 'three'], { db })).code).toBe(0);
    const r = await cli(
      [
        'train',
        '--dataset',
        'three',
        '--samples',
        '200',
        '--noise',
        '0.3',
        '--epochs',
        '2',
        '--backend',
        'cpu',
        '--json',
      ],
      { db },
    );
    expect(r.stderr).toBe('');
    cliRun = (JSON.parse(r.stdout) as { runId: string }).runId;

    const shown = JSON.parse((await cli(['show', cliRun, '--json'], { db })).stdout) as { config: ExperimentConfig };
    hash = (shown.config.dataset as { hash: string }).hash;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(shown.config.dataset).toEqual({ source: 'imported', name: 'three', hash, rows: 300 });

    const text = (await cli(['show', cliRun], { db })).stdout;
    expect(text).toMatch(/dataset\.name\s+three/);
    expect(text).toMatch(/dataset\.rows\s+300/);
    for (const key of GENERATOR_KEYS) expect(text).not.toContain(key);
  });

  it('the API records a run the app names by the import in the same form, and Compare shows no generator settings for it', async () => {
    const store = new RunStore(db);
    try {
      const api = createStoreApi(store, { mode: 'browser', appVersion: '0.0.0-test' });
      const call = async (method: string, input: unknown) => {
        const r = await dispatch(api, method, input);
        if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
        return r.value as never;
      };
      // What the Designer held before: the generator's fields beside an imported dataset's name.
      const { id } = (await call('createRun', {
        config: parseConfig({ dataset: { name: 'three', samples: 200, noise: 0.3 }, epochs: 2 }),
      })) as { id: string };
      const record = (await call('getRun', { id })) as { config: ExperimentConfig };
      expect(record.config.dataset).toEqual({ source: 'imported', name: 'three', hash, rows: 300 });

      const builtin = store.createRun(parseConfig({ dataset: { name: 'spiral', samples: 200, noise: 0.3 } }));
      const rows = configDiff([store.getRun(builtin).config, store.getRun(cliRun).config, record.config], false);
      const value = (key: string) => rows.find((r) => r.key === key)?.values;
      for (const key of GENERATOR_KEYS) expect(value(key)?.slice(1), key).toEqual(['-', '-']);
      expect(value('dataset.samples')?.[0]).toBe('200');
      expect(value('dataset.rows')).toEqual(['-', '300', '300']);
      expect(value('dataset.hash')).toEqual(['-', hash, hash]);
    } finally {
      store.close();
    }
  });

  it('a run stored before imported datasets had their own config shape reads as name, hash and rows', async () => {
    // What such a store holds: the run's dataset_hash, and a config whose dataset is the generator's settings.
    const raw = new Database(db);
    raw.prepare("UPDATE runs SET config = json_set(config, '$.dataset', json(@old)) WHERE id = @id").run({
      id: cliRun,
      old: JSON.stringify({ name: 'three', samples: 200, noise: 0.3, classes: 3, seed: 1 }),
    });
    expect(
      JSON.parse((raw.prepare('SELECT config FROM runs WHERE id = ?').get(cliRun) as { config: string }).config).dataset
        .samples,
    ).toBe(200);
    raw.close();
    const shown = JSON.parse((await cli(['show', cliRun, '--json'], { db })).stdout) as { config: ExperimentConfig };
    expect(shown.config.dataset).toEqual({ source: 'imported', name: 'three', hash, rows: 300 });
    const text = (await cli(['show', cliRun], { db })).stdout;
    for (const key of GENERATOR_KEYS) expect(text).not.toContain(key);
  });
});

describe('the imported dataset schema', () => {
  it('reads a stored config whose imported dataset still carries a generator’s leftovers, without them', () => {
    const stored = {
      dataset: {
        source: 'imported',
        name: 'three',
        hash: 'a'.repeat(64),
        rows: 300,
        samples: 200,
        noise: 0.3,
        classes: 2,
        seed: 1,
      },
    };
    expect(parseConfig(stored).dataset).toEqual({ source: 'imported', name: 'three', hash: 'a'.repeat(64), rows: 300 });
  });

  it('still names an unknown key of an imported dataset', () => {
    expect(() => parseConfig({ dataset: { source: 'imported', name: 'three', hsah: 'x' } })).toThrow(
      /dataset: unknown key "hsah"/,
    );
  });
});

// `mlpw train` records into the store; `rerun` repeats a CPU run exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { tempDir } from '../db/helpers.ts';
import { cli, trainRun } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let db: string;
beforeAll(() => {
  tmp = tempDir();
  db = tmp.file('w.db');
});
afterAll(() => tmp.cleanup());

describe('train records runs', () => {
  it('records config, every epoch, checkpoints, backend and data info, and prints the id', async () => {
    const r = await cli([
      'train',
      '--dataset',
      'xor',
      '--samples',
      '200',
      '--epochs',
      '3',
      '--backend',
      'cpu',
      '--lr',
      '0.05',
      '--db',
      db,
    ]);
    expect(r.code).toBe(0);
    const id = /^run ([0-9a-z]{8}) → /.exec(r.stdout)?.[1];
    expect(id).toBeDefined();
    const store = new RunStore(db);
    const run = store.getRunDetail(id!);
    expect(run).toMatchObject({
      status: 'completed',
      epochsDone: 3,
      lr: 0.05,
      dataset: 'xor',
      backendInfo: { backend: 'cpu' },
      dataInfo: { dataset: 'xor', trainSamples: 160 },
    });
    expect(run.config.optimizer.lr).toBe(0.05);
    expect(store.getEpochs(id!).map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(run.checkpoints.map((c) => c.kind)).toEqual(['best', 'final']);
    expect(store.getCheckpoint(id!, 'final')!.snapshot.layers).toHaveLength(3);
    expect(run.bestEpoch).toBe(store.getEpochs(id!).reduce((b, e) => (e.valLoss! < b.valLoss! ? e : b)).epoch);
    store.close();
  });

  it('puts runId in --json output and only the id with --quiet', async () => {
    const id = await trainRun(db);
    expect(id).toMatch(/^[0-9a-z]{8}$/);
    const q = await cli(['train', '--dataset', 'xor', '--epochs', '1', '--backend', 'cpu', '--quiet'], { db });
    expect(q.stdout).toMatch(/^[0-9a-z]{8}\n$/);
  });

  it('reads the database from MLPW_DB and --db wins over it', async () => {
    const other = tmp.file('other.db');
    await cli(['train', '--dataset', 'xor', '--epochs', '1', '--backend', 'cpu', '--quiet', '--db', other], { db });
    const s = new RunStore(other);
    expect(s.countRuns()).toBe(1);
    s.close();
  });

  it('reruns a CPU run with identical metrics', async () => {
    const id = await trainRun(db, '--optimizer', 'sgd', '--lr', '0.3', '--seed', '5');
    const r = await cli(['rerun', id.slice(0, 5), '--json'], { db });
    expect(r.code).toBe(0);
    const again = (JSON.parse(r.stdout) as { runId: string }).runId;
    const store = new RunStore(db);
    expect(again).not.toBe(id);
    expect(store.getRun(again).rerunOf).toBe(id);
    expect(store.getRun(again).config).toEqual(store.getRun(id).config);
    const strip = (e: { durationMs: number; samplesPerSec: number }) => ({ ...e, durationMs: 0, samplesPerSec: 0 });
    expect(store.getEpochs(again).map(strip)).toEqual(store.getEpochs(id).map(strip));
    expect(store.getCheckpoint(again, 'final')!.snapshot).toEqual(store.getCheckpoint(id, 'final')!.snapshot);
    store.close();
  });

  it('names the file when --db is not a database (exit 2)', async () => {
    const bad = tmp.file('notes.txt');
    (await import('node:fs')).writeFileSync(bad, 'hello\n');
    const r = await cli(['train', '--epochs', '1', '--db', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`mlpw train: ${bad} is not an SQLite database\n`);
  });
});

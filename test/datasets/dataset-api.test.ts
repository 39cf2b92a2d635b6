// The store host's dataset methods as the desktop app calls them, through dispatch() over a real SQLite file and
// real file grants: "Check columns" (importDatasetFile with dryRun) reads the chosen file without using its one-time
// handle up, so the import that follows reads it again; and deleteDataset removes a snapshot no run uses, and keeps
// one that runs trained on, naming them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../api/dispatch.ts';
import { createStoreApi } from '../../api/store-api.ts';
import type { ApiHandlers } from '../../api/workbench-api.ts';
import { RunStore } from '../../db/index.ts';
import { createFileGrants, type FileGrantStore } from '../../electron/file-grants.ts';
import { cli } from '../cli/helpers.ts';
import { tempDir } from '../db/helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const FIXTURES = join(import.meta.dirname, 'fixtures');

let store: RunStore;
let files: FileGrantStore;
let api: ApiHandlers;
let db: string;
let n = 0;

async function call(method: string, input: unknown) {
  const r = await dispatch(api, method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value as never;
}

beforeEach(() => {
  db = tmp.file(`api-${++n}.db`);
  store = new RunStore(db, { appVersion: '0.0.0-test' });
  files = createFileGrants();
  api = createStoreApi(store, { mode: 'electron', appVersion: '0.0.0-test', files });
});
afterEach(() => store.close());

describe('file grants: peek', () => {
  it('reads the path and leaves the handle; take then uses it up; an expired or unknown handle is refused either way', () => {
    let now = 0;
    const grants = createFileGrants({ ttlMs: 1000, now: () => now });
    const chosen = grants.grant('/data/wine.csv', 'open');
    expect(grants.peek(chosen.file, 'open')).toBe('/data/wine.csv');
    expect(grants.peek(chosen.file, 'open')).toBe('/data/wine.csv');
    expect(grants.take(chosen.file, 'open')).toBe('/data/wine.csv');
    expect(() => grants.peek(chosen.file, 'open')).toThrow(expect.objectContaining({ code: 'unknown_file' }));
    const later = grants.grant('/data/later.csv', 'open');
    now = 900;
    grants.peek(later.file, 'open');
    now = 1001; // a peek did not extend the handle's time
    expect(() => grants.peek(later.file, 'open')).toThrow(expect.objectContaining({ code: 'unknown_file' }));
    const save = grants.grant('/data/model.onnx', 'save');
    expect(() => grants.peek(save.file, 'open')).toThrow(expect.objectContaining({ code: 'unknown_file' }));
  });
});

describe('importDatasetFile with dryRun (the desktop Check columns)', () => {
  it('checks twice with different options and stores nothing, then the import takes the same handle', async () => {
    const { file } = files.grant(join(FIXTURES, 'titanic.csv'), 'open');
    const first = (await call('importDatasetFile', { file, target: 'Survived', dryRun: true }).catch(
      (e: Error) => e,
    )) as Error & { code?: string };
    // Ticket is mostly numbers with some text: the check says so, and the handle is still good.
    expect(first.message).toMatch(/line 2, column 9 \("Ticket"\).*--ignore "Ticket"/);
    const checked = (await call('importDatasetFile', {
      file,
      target: 'Survived',
      ignore: 'Name,Ticket,Cabin',
      dryRun: true,
    })) as { dryRun: boolean; rows: number; table: { columns: { name: string; role: string }[] } };
    expect(checked).toMatchObject({ dryRun: true, rows: 42 });
    expect(checked.table.columns.find((c) => c.name === 'Cabin')!.role).toBe('ignored');
    expect(store.datasets.list()).toEqual([]);
    const imported = (await call('importDatasetFile', { file, target: 'Survived', ignore: 'Name,Ticket,Cabin' })) as {
      dryRun: boolean;
      name: string;
      rows: number;
    };
    expect(imported).toMatchObject({ dryRun: false, name: 'titanic', rows: 42 });
    expect(store.datasets.list().map((d) => d.name)).toEqual(['titanic']);
    await expect(call('importDatasetFile', { file, target: 'Survived', dryRun: true })).rejects.toMatchObject({
      code: 'unknown_file',
    });
  });
});

describe('deleteDataset', () => {
  it('deletes a snapshot no run uses; keeps one that runs trained on and names them; an unknown name is refused', async () => {
    const csv = tmp.file('iris.data');
    writeFileSync(csv, '5.1,3.5,1.4,0.2,a\n4.9,3.0,1.4,0.2,a\n7.0,3.2,4.7,1.4,b\n6.4,3.2,4.5,1.5,b\n');
    // Runs name a snapshot by its content hash: the unused one leaves a column out, so its rows differ.
    await call('importDatasetFile', { file: files.grant(csv, 'open').file, target: '5', name: 'used' });
    await call('importDatasetFile', { file: files.grant(csv, 'open').file, target: '5', ignore: '4', name: 'unused' });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await cli(
        ['train', '--dataset', 'used', '--layers', '4', '--epochs', '1', '--batch', '2', '--backend', 'cpu', '--json'],
        { db },
      );
      expect(r.stderr).toBe('');
      ids.push((JSON.parse(r.stdout) as { runId: string }).runId);
    }
    expect(await call('deleteDataset', { name: 'unused' })).toEqual({
      name: 'unused',
      deleted: true,
      runs: [],
      totalRuns: 0,
    });
    const kept = (await call('deleteDataset', { name: 'used' })) as { deleted: boolean; runs: string[] };
    expect(kept).toMatchObject({ name: 'used', deleted: false, totalRuns: 2 });
    expect([...kept.runs].sort()).toEqual([...ids].sort());
    expect(store.datasets.list().map((d) => d.name)).toEqual(['used']);
    await expect(call('deleteDataset', { name: 'unused' })).rejects.toMatchObject({
      code: 'unknown_dataset',
      field: 'name',
    });
    await call('deleteRuns', { ids });
    expect(await call('deleteDataset', { name: 'used' })).toMatchObject({ deleted: true });
    expect(store.datasets.list()).toEqual([]);
  });
});

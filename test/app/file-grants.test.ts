// The desktop's file handles (electron/file-grants.ts) under Node: a native dialog's path becomes a random one-time
// id, refused when unknown, used, expired or asked for another purpose; and through the store host's handlers, a
// handle to a FIFO fails at once instead of hanging the import, a handle to a dangling symbolic link exports nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../api/dispatch.ts';
import { createStoreApi } from '../../api/store-api.ts';
import { RunStore } from '../../db/index.ts';
import { createFileGrants, MAX_GRANTS } from '../../electron/file-grants.ts';
import { tempDir } from '../db/helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('file grants', () => {
  it('turns a handle into its path once, for the purpose it was issued for', () => {
    const files = createFileGrants();
    const chosen = files.grant('/home/me/wine.csv', 'open');
    expect(chosen.name).toBe('wine.csv');
    expect(chosen.file).toMatch(/^[\w-]{24}$/);
    expect(chosen.file).not.toContain('wine');
    expect(files.take(chosen.file, 'open')).toBe('/home/me/wine.csv');
    expect(() => files.take(chosen.file, 'open')).toThrow(
      expect.objectContaining({ code: 'unknown_file', field: 'file' }),
    );
    expect(() => files.take('AAAAAAAAAAAAAAAAAAAAAAAA', 'open')).toThrow(/unknown, used or expired/);
    const save = files.grant('/home/me/model.onnx', 'save');
    expect(() => files.take(save.file, 'open')).toThrow(expect.objectContaining({ code: 'unknown_file' }));
    expect(() => files.take(save.file, 'save')).toThrow(expect.objectContaining({ code: 'unknown_file' }));
  });

  it('forgets a handle after its time, keeps a bounded number, and takes absolute paths only', () => {
    let now = 1_000;
    const files = createFileGrants({ ttlMs: 60_000, now: () => now });
    const chosen = files.grant('/data/a.csv', 'open');
    now += 60_001;
    expect(() => files.take(chosen.file, 'open')).toThrow(expect.objectContaining({ code: 'unknown_file' }));
    const first = files.grant('/data/first.csv', 'open');
    for (let i = 0; i < MAX_GRANTS + 10; i++) files.grant(`/data/${i}.csv`, 'open');
    expect(files.size()).toBe(MAX_GRANTS);
    expect(() => files.take(first.file, 'open')).toThrow(expect.objectContaining({ code: 'unknown_file' }));
    expect(() => files.grant('relative.csv', 'open')).toThrow(/relative path/);
  });
});

describe('the desktop store host resolving handles', () => {
  let store: RunStore;
  let runId: string;
  const files = createFileGrants();
  beforeAll(() => {
    const db = tmp.file('w.db');
    const bin = join(import.meta.dirname, '../../bin/mlpw.mjs');
    const r = spawnSync(
      process.execPath,
      [
        bin,
        'train',
        '--db',
        db,
        '--dataset',
        'xor',
        '--samples',
        '100',
        '--layers',
        '4',
        '--epochs',
        '2',
        '--backend',
        'cpu',
        '--json',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    runId = (JSON.parse(r.stdout) as { runId: string }).runId;
    store = new RunStore(db);
  });
  afterAll(() => store?.close());
  const api = () => createStoreApi(store, { mode: 'electron', appVersion: '0.0.0-test', files });

  it('a FIFO chosen in the open dialog is refused by name at once (nothing ever writes to it)', async () => {
    const fifo = tmp.file('pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const r = await dispatch(api(), 'importDatasetFile', { file: files.grant(fifo, 'open').file, target: 'y' });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'cannot_read', message: `cannot read ${fifo}: it is a named pipe (FIFO), not a regular file` },
    });
    expect(store.datasets.list()).toEqual([]);
  });

  it('a dangling symbolic link chosen in the save dialog is refused and its target not created', async () => {
    const victim = tmp.file('victim.onnx');
    const link = tmp.file('link.onnx');
    symlinkSync(victim, link);
    const r = await dispatch(api(), 'exportOnnx', { id: runId, file: files.grant(link, 'save').file });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_argument',
        field: 'path',
        message: expect.stringMatching(/symbolic link to a file that does not exist/),
      },
    });
    expect(existsSync(victim)).toBe(false);
    const ok = await dispatch(api(), 'exportOnnx', {
      id: runId,
      file: files.grant(tmp.file('model.onnx'), 'save').file,
    });
    expect(ok).toMatchObject({ ok: true, value: { path: tmp.file('model.onnx') } });
  });
});

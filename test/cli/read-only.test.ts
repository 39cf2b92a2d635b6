// runs, show, compare and export-csv only read: they open the store read-only, so the file keeps its bytes and its
// mtime — no migration, no WAL switch, no recovery of a dead process's runs — and a missing file is not created.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { RunStore } from '../../db/index.ts';
import { migrate } from '../../db/open.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../db/migrations/index.ts';
import { config, epoch, tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let db: string;
beforeEach(() => {
  tmp = tempDir();
  db = tmp.file('w.db');
});
afterEach(() => tmp.cleanup());

function fileState(path: string) {
  return { bytes: readFileSync(path), mtimeMs: statSync(path).mtimeMs };
}

describe('read-only commands', () => {
  it('leave a store byte-identical, with its mtime, even with a run whose process is gone', async () => {
    const store = new RunStore(db);
    const done = store.createRun(config());
    for (let e = 1; e <= 3; e++) store.recordEpoch(done, epoch(e));
    store.finishRun(done, {
      status: 'completed',
      epochs: 3,
      bestEpoch: 3,
      best: null,
      final: null,
      durationMs: 1,
      samplesPerSecond: 1,
      stoppedEarly: false,
    });
    // A run left 'running' by a process that has exited: a read-write open would mark it interrupted.
    const orphan = store.createRun(config());
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    store.db
      .prepare('UPDATE runs SET owner_pid = ?, owner_host = ?, owner_token = ? WHERE id = ?')
      .run(deadPid, hostname(), 'gone', orphan);
    store.close();
    const before = fileState(db);

    for (const argv of [
      ['runs'],
      ['runs', '--json', '--sort', 'val_loss'],
      ['show', done],
      ['show', orphan, '--json'],
      ['compare', done, orphan],
      ['export-csv', done, orphan, '--out', '-'],
    ]) {
      const r = await cli([...argv, '--db', db]);
      expect({ argv, code: r.code, stderr: r.stderr }).toEqual({ argv, code: 0, stderr: '' });
    }
    expect(fileState(db)).toEqual(before);
    // What they read is the file as it is: the orphan is still 'running' until a command that writes opens it.
    const shown = JSON.parse((await cli(['show', orphan, '--json', '--db', db])).stdout) as { status: string };
    expect(shown.status).toBe('running');
  });

  it('read a missing store as empty without creating it', async () => {
    const missing = tmp.file('nothing-yet.db');
    const r = await cli(['runs', '--db', missing]);
    expect(r).toEqual({ code: 0, stdout: `no runs in ${missing}\n`, stderr: '' });
    expect((await cli(['show', 'abcd', '--db', missing])).stderr).toBe(`mlpw show: no run "abcd" in ${missing}\n`);
    expect(existsSync(missing)).toBe(false);
  });

  it('refuse a store from an older schema with a sentence, and leave it for a command that writes to upgrade', async () => {
    const raw = new Database(db);
    migrate(raw, MIGRATIONS.slice(0, -1));
    raw.close();
    const before = fileState(db);
    const r = await cli(['runs', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `mlpw runs: ${db} has schema version ${SCHEMA_VERSION - 1}, older than this MLP Workbench's (${SCHEMA_VERSION}); a command that writes (mlpw train, mlpw tag) or the app upgrades it\n`,
    );
    expect(fileState(db)).toEqual(before);
    // A command that writes migrates it; reading works from then on.
    expect((await cli(['tag', 'abcd', 'x', '--db', db])).stderr).toMatch(/no run "abcd"/);
    expect(await cli(['runs', '--db', db])).toEqual({ code: 0, stdout: `no runs in ${db}\n`, stderr: '' });
  });
});

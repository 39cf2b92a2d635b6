// Opening files that are not ours, damaged or from a newer schema: a clear coded error, and the file untouched.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { RunStore, SCHEMA_VERSION, StoreError } from '../../db/index.ts';
import { config, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

function openError(path: string): StoreError {
  try {
    new RunStore(path).close();
  } catch (e) {
    if (e instanceof StoreError) return e;
    throw e;
  }
  throw new Error(`opening ${path} succeeded`);
}

/** A real store file with one run, checkpointed into the main file so its pages can be damaged on disk. */
function storeWithRun(path: string): void {
  const store = new RunStore(path);
  store.createRun(config());
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.db.pragma('journal_mode = DELETE');
  store.close();
}

describe('opening a store file', () => {
  it('creates a fresh file and its folders', () => {
    const path = tmp.file('a/b/fresh.db');
    new RunStore(path).close();
    expect(existsSync(path)).toBe(true);
    new RunStore(path).close(); // and opens it again without migrating twice
  });

  it.each([
    ['a text file', 'name,loss\nrun1,0.5\n'],
    ['a short file', 'SQLite'],
    ['random bytes', Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 256))],
  ])('rejects %s as not_a_database and leaves it as it was', (_, content) => {
    const path = tmp.file('notes.db');
    writeFileSync(path, content);
    const before = readFileSync(path);
    const e = openError(path);
    expect(e.code).toBe('not_a_database');
    expect(e.message).toContain(path);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(path + '-wal')).toBe(false);
  });

  it('rejects a damaged store and leaves it as it was', () => {
    const path = tmp.file('damaged.db');
    storeWithRun(path);
    const bytes = readFileSync(path);
    // Scribble over page 2 onwards (the b-tree pages of the schema's tables), keeping the 100-byte header valid.
    for (let i = 4096; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    writeFileSync(path, bytes);
    const e = openError(path);
    expect(e.code).toBe('damaged');
    expect(e.message).toContain(path);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('rejects a schema newer than this build and changes nothing', () => {
    const path = tmp.file('future.db');
    storeWithRun(path);
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    const before = readFileSync(path);
    const e = openError(path);
    expect(e.code).toBe('newer_schema');
    expect(e.message).toContain(`schema version 99, newer than this MLP Workbench understands (${SCHEMA_VERSION})`);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("refuses another application's SQLite database", () => {
    const path = tmp.file('other.sqlite');
    const raw = new Database(path);
    raw.exec('CREATE TABLE contacts (name TEXT)');
    raw.close();
    const before = readFileSync(path);
    expect(openError(path).code).toBe('foreign_database');
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});

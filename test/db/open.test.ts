// Opening files that are not ours, damaged or from a newer schema: a clear coded error, and the file untouched.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { RunStore, SCHEMA_VERSION, StoreError } from '../../db/index.ts';
import { config, epoch, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

function openError(path: string, options: { readonly?: boolean } = {}): StoreError {
  try {
    new RunStore(path, options).close();
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

  it('rejects a store damaged mid-file, with its header, schema and runs table intact, before writing to it', () => {
    const path = tmp.file('mid.db');
    const store = new RunStore(path);
    for (let r = 0; r < 20; r++) {
      const id = store.createRun(config());
      for (let e = 1; e <= 50; e++) store.recordEpoch(id, epoch(e));
    }
    const pageSize = store.db.pragma('page_size', { simple: true }) as number;
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.close();
    const bytes = readFileSync(path);
    const first = Math.floor(pages / 2); // a leaf of the epochs table: runs and sqlite_master still read fine
    for (let i = first * pageSize; i < (first + 2) * pageSize; i++) bytes[i] = (i * 31) & 0xff;
    writeFileSync(path, bytes);
    const mtimeMs = statSync(path).mtimeMs;
    for (const readonly of [false, true]) {
      const e = openError(path, { readonly });
      expect(e.code).toBe('damaged');
      expect(e.message).toMatch(
        new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(quick_check: [^\n]+\\)$`),
      );
    }
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(statSync(path).mtimeMs).toBe(mtimeMs);
  });

  it('names a folder given as the store file', () => {
    const path = tmp.file('a-folder');
    mkdirSync(path);
    for (const readonly of [false, true]) {
      const e = openError(path, { readonly });
      expect([e.code, e.message]).toEqual([
        'cannot_open',
        `${path} is a folder, not a database file (give a file in it, e.g. ${path}/workbench.db)`,
      ]);
    }
  });

  it('opens read-only without a WAL switch, a migration or a write', () => {
    const path = tmp.file('legacy.db');
    storeWithRun(path); // left in rollback-journal mode
    const before = readFileSync(path);
    const store = new RunStore(path, { readonly: true });
    expect(store.db.readonly).toBe(true);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(store.listRuns()).toHaveLength(1);
    expect(() => store.createRun(config())).toThrow(/readonly/);
    store.close();
    expect(readFileSync(path).equals(before)).toBe(true);
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

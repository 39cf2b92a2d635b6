// Opening a database file safely: look before writing. A file that is not ours, is damaged (PRAGMA quick_check), or
// comes from a newer schema is reported and left byte-for-byte as it was; only then is it opened read-write, switched
// to WAL and migrated. Read-only opens (the CLI's read commands) never write: no WAL switch, no migration.
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, sqliteCode } from './errors.ts';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations/index.ts';

export type Db = Database.Database;

export interface OpenOptions {
  /** ms a write waits for another process's write lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** better-sqlite3's native addon built for another ABI (Electron); the CLI and tests leave it unset. */
  nativeBinding?: string;
  /** Read, never write: no WAL switch, no migration, no recovery. A missing or empty file reads as an empty store. */
  readonly?: boolean;
}

const SQLITE_HEADER = 'SQLite format 3\0';

function readHeader(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** Read-only checks of an existing file; returns its schema version or throws StoreError without writing anything. */
function probe(path: string, options: OpenOptions): number {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory())
      throw new StoreError(
        'cannot_open',
        `${path} is a folder, not a database file (give a file in it, e.g. ${join(path, 'workbench.db')})`,
      );
    size = stat.size;
  } catch (e) {
    if (e instanceof StoreError) throw e;
    throw new StoreError(
      'cannot_open',
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (size === 0) return 0; // SQLite treats an empty file as an empty database
  if (readHeader(path) !== SQLITE_HEADER) throw new StoreError('not_a_database', `${path} is not an SQLite database`);
  let db: Db | undefined;
  try {
    db = new Database(path, {
      readonly: true,
      fileMustExist: true,
      timeout: options.busyTimeoutMs ?? 10_000,
      nativeBinding: options.nativeBinding,
    });
    const version = db.pragma('user_version', { simple: true }) as number;
    const appId = db.pragma('application_id', { simple: true }) as number;
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if ((appId !== 0 && appId !== APPLICATION_ID) || (appId === 0 && tables.n > 0))
      throw new StoreError(
        'foreign_database',
        `${path} is an SQLite database of another application, not an MLP Workbench store`,
      );
    if (version > SCHEMA_VERSION)
      throw new StoreError(
        'newer_schema',
        `${path} has schema version ${version}, newer than this MLP Workbench understands (${SCHEMA_VERSION}); update the app`,
      );
    // Every b-tree page, read-only: a file damaged anywhere fails here, before anything writes to it (a write to a
    // damaged file spreads the damage). Costs one read of the file: 0.4-0.9 s for 50 MB (1,000 runs × 100 epochs).
    const check = db.pragma('quick_check(1)', { simple: true }) as string;
    if (check !== 'ok') {
      const first = check
        .replace(/\*\*\* in database \w+ \*\*\*/g, '')
        .replace(/\s+/g, ' ')
        .trim(); // one line for the CLI
      throw new StoreError('damaged', `${path} is damaged (quick_check: ${first})`);
    }
    return version;
  } catch (e) {
    if (e instanceof StoreError) throw e;
    const code = sqliteCode(e);
    if (code === 'SQLITE_NOTADB') throw new StoreError('not_a_database', `${path} is not an SQLite database`);
    if (code?.startsWith('SQLITE_CORRUPT'))
      throw new StoreError('damaged', `${path} is damaged (${(e as Error).message})`);
    throw new StoreError('cannot_open', `cannot open ${path}: ${(e as Error).message}`);
  } finally {
    db?.close();
  }
}

/** Applies the migrations above the file's user_version, all in one transaction: a failure leaves the file as it was. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): void {
  // IMMEDIATE: two processes opening a fresh file at once serialise here; the loser sees the new version.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
  }).immediate();
}

/** Opens (creating if needed) a store file: checked, WAL, foreign keys on, migrated to SCHEMA_VERSION. */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (options.readonly) return openReadOnly(path, options);
  if (path !== ':memory:') {
    if (existsSync(path)) probe(path, options);
    else {
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (e) {
        throw new StoreError(
          'cannot_open',
          `cannot create the folder of ${path}: ${(e as NodeJS.ErrnoException).code}`,
        );
      }
    }
  }
  let db: Db;
  try {
    db = new Database(path, { nativeBinding: options.nativeBinding });
  } catch (e) {
    throw new StoreError('cannot_open', `cannot open ${path}: ${(e as Error).message}`);
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit survives a killed process; only a power loss can drop the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof StoreError) throw e;
    throw new StoreError('cannot_open', `cannot open ${path}: ${(e as Error).message}`);
  }
}

/** The same checks, then a read-only connection; the file (and its journal mode) stays exactly as it was. */
function openReadOnly(path: string, options: OpenOptions): Db {
  const version = path !== ':memory:' && existsSync(path) ? probe(path, options) : 0;
  if (version === 0) {
    // Nothing recorded yet: an empty store in memory answers "no runs" without creating the file.
    const empty = new Database(':memory:', { nativeBinding: options.nativeBinding });
    migrate(empty);
    return empty;
  }
  if (version < SCHEMA_VERSION)
    throw new StoreError(
      'older_schema',
      `${path} has schema version ${version}, older than this MLP Workbench's (${SCHEMA_VERSION}); a command that writes (mlpw train, mlpw tag) or the app upgrades it`,
    );
  try {
    return new Database(path, {
      readonly: true,
      fileMustExist: true,
      timeout: options.busyTimeoutMs ?? 10_000,
      nativeBinding: options.nativeBinding,
    });
  } catch (e) {
    throw new StoreError('cannot_open', `cannot open ${path}: ${(e as Error).message}`);
  }
}

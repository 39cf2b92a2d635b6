// Faults across a real process boundary: a training process killed with SIGKILL, two processes writing one
// database at once, files that must come out of a failed open byte-for-byte unchanged, a folder given as the
// database and a port already taken.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { RunStore, SCHEMA_VERSION } from '../../db/index.ts';
import { config, epoch, tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/mlpw.mjs', import.meta.url));
let tmp: ReturnType<typeof tempDir>;
let db: string;
beforeEach(() => {
  tmp = tempDir();
  db = tmp.file('w.db');
});
afterEach(() => tmp.cleanup());

function mlpw(args: string[]) {
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, MLPW_DB: db },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(
  child: ReturnType<typeof mlpw>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

describe('crash safety', () => {
  it('a run killed with SIGKILL after two epochs is interrupted, with every reported epoch, and the file is intact', async () => {
    // About 100-300 ms an epoch on the CPU backend, 1000 epochs: it is always mid-run when killed.
    const child = mlpw([
      'train',
      '--db',
      db,
      '--dataset',
      'spiral',
      '--samples',
      '10000',
      '--layers',
      '64,64',
      '--batch',
      '8',
      '--epochs',
      '1000',
      '--backend',
      'cpu',
    ]);
    const done = new Promise((resolve) => child.on('close', resolve));
    let runId = '';
    let reported = 0;
    for await (const line of createInterface({ input: child.stdout! })) {
      runId ||= /^run ([0-9a-z]{8})/.exec(line)?.[1] ?? '';
      if (/^epoch\s+\d+\/1000/.test(line) && ++reported === 2) {
        child.kill('SIGKILL');
        break;
      }
    }
    await done;
    expect(child.signalCode).toBe('SIGKILL');
    expect(runId).not.toBe('');

    const store = new RunStore(db);
    expect(store.recovered).toContain(runId);
    const run = store.getRun(runId);
    expect(run.status).toBe('interrupted');
    const epochs = store.getEpochs(runId);
    expect(epochs.length).toBeGreaterThanOrEqual(reported);
    expect(epochs.map((e) => e.epoch)).toEqual(epochs.map((_, i) => i + 1));
    expect(run.epochsDone).toBe(epochs.length);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
  });

  it('two processes training into one database both complete with all their epochs', async () => {
    const args = (seed: string) => [
      'train',
      '--db',
      db,
      '--dataset',
      'xor',
      '--samples',
      '400',
      '--batch',
      '400',
      '--epochs',
      '300',
      '--backend',
      'cpu',
      '--seed',
      seed,
      '--json',
    ];
    const [a, b] = await Promise.all([exited(mlpw(args('1'))), exited(mlpw(args('2')))]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    const store = new RunStore(db);
    for (const r of [a, b]) {
      const id = (JSON.parse(r.stdout) as { runId: string }).runId;
      expect(store.getRun(id).status).toBe('completed');
      expect(store.getEpochs(id)).toHaveLength(300);
      expect(store.getCheckpoint(id, 'final')).not.toBeNull();
    }
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
  });
});

describe('sweep interrupted', () => {
  it('Ctrl-C cancels the run in flight and the queued ones', async () => {
    const child = mlpw([
      'sweep',
      '--db',
      db,
      '--dataset',
      'spiral',
      '--samples',
      '10000',
      '--layers',
      '64,64',
      '--batch',
      '8',
      '--epochs',
      '1000',
      '--backend',
      'cpu',
      '--grid',
      'seed=1,2,3',
    ]);
    const result = exited(child);
    // Wait until the first run has recorded an epoch (the sweep prints a line only when a run ends).
    let firstRun: string | undefined;
    for (let i = 0; i < 600 && !firstRun; i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (!existsSync(db)) continue;
      const raw = new Database(db, { readonly: true });
      try {
        firstRun = (raw.prepare('SELECT run_id FROM epochs LIMIT 1').get() as { run_id: string } | undefined)?.run_id;
      } catch {
        // the schema is being created
      } finally {
        raw.close();
      }
    }
    expect(firstRun).toBeDefined();
    child.kill('SIGINT');
    const { code, stdout } = await result;
    expect(code).toBe(0);
    const sweepId = /^sweep ([0-9a-z]{8})/.exec(stdout)![1]!;
    const store = new RunStore(db);
    const runs = store.listRuns({ sweepId });
    expect(runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(store.getRun(firstRun!).epochsDone).toBeGreaterThan(0);
    store.close();
  });
});

describe('bad database files through the CLI', () => {
  function damagedStore(path: string): Buffer {
    const store = new RunStore(path);
    store.createRun(config());
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.db.pragma('journal_mode = DELETE');
    store.close();
    const bytes = readFileSync(path);
    for (let i = 4096; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    writeFileSync(path, bytes);
    return bytes;
  }

  it.each([
    [
      'not a database',
      (p: string) => (writeFileSync(p, 'epoch,loss\n1,0.5\n'), readFileSync(p)),
      /is not an SQLite database/,
    ],
    ['damaged', damagedStore, /is damaged/],
    [
      'from a newer schema',
      (p: string) => {
        new RunStore(p).close();
        const raw = new Database(p);
        raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
        raw.pragma('journal_mode = DELETE');
        raw.close();
        return readFileSync(p);
      },
      /has schema version \d+, newer than this MLP Workbench understands/,
    ],
  ])('%s: exit 2, a message naming the file, the file unchanged', async (_, make, message) => {
    const bytes = make(db);
    for (const argv of [['runs'], ['show', 'abcd'], ['train', '--epochs', '1', '--backend', 'cpu']]) {
      const r = await cli([...argv, '--db', db]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(db);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n')).toHaveLength(2);
    }
    expect(readFileSync(db).equals(bytes)).toBe(true);
  });
});

describe('a store damaged in the middle of the file', () => {
  /**
   * 40 finished runs of 50 epochs (about 70 pages), closed normally (WAL mode, checkpointed), then three pages in
   * the middle of the epochs table overwritten. The header page, the schema and the runs table are intact, so the
   * file opens and lists its runs; only a read of every page finds the damage.
   */
  function damagedMidFile(path: string): { bytes: Buffer; mtimeMs: number; runId: string } {
    const store = new RunStore(path);
    let runId = '';
    for (let r = 0; r < 40; r++) {
      runId = store.createRun(config());
      for (let e = 1; e <= 50; e++) store.recordEpoch(runId, epoch(e));
      store.finishRun(runId, {
        status: 'completed',
        epochs: 50,
        bestEpoch: 50,
        best: null,
        final: null,
        durationMs: 1,
        samplesPerSecond: 1,
        stoppedEarly: false,
      });
    }
    const pageSize = store.db.pragma('page_size', { simple: true }) as number;
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.close();
    const bytes = readFileSync(path);
    const first = Math.floor(pages / 2);
    for (let i = first * pageSize; i < (first + 3) * pageSize; i++) bytes[i] = (i * 31) & 0xff;
    writeFileSync(path, bytes);
    return { bytes, mtimeMs: statSync(path).mtimeMs, runId };
  }

  it('write and read commands of the real binary exit 2 with one line naming the file and never write to it', async () => {
    const { bytes, mtimeMs, runId } = damagedMidFile(db);
    const commands = [
      ['train', '--dataset', 'xor', '--samples', '200', '--epochs', '2', '--backend', 'cpu'],
      ['tag', runId, 'best'],
      ['runs'],
    ];
    for (const argv of commands) {
      const r = await exited(mlpw([...argv, '--db', db]));
      expect({ argv, code: r.code, stdout: r.stdout }).toEqual({ argv, code: 2, stdout: '' });
      expect(r.stderr).toMatch(
        new RegExp(
          `^mlpw ${argv[0]}: ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(quick_check: .+\\)\n$`,
        ),
      );
    }
    expect(readFileSync(db).equals(bytes)).toBe(true);
    expect(statSync(db).mtimeMs).toBe(mtimeMs);
  });
});

describe('paths and ports the CLI cannot use', () => {
  it('a folder given as --db: exit 2 with a sentence, for write and read commands', async () => {
    const folder = tmp.file('runs-folder');
    mkdirSync(folder);
    for (const argv of [
      ['runs'],
      ['train', '--dataset', 'xor', '--epochs', '1', '--backend', 'cpu'],
      ['tag', 'abcd', 'x'],
    ]) {
      const r = await cli([...argv, '--db', folder]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `mlpw ${argv[0]}: ${folder} is a folder, not a database file (give a file in it, e.g. ${folder}/workbench.db)\n`,
      );
    }
  });

  it('serve --port already in use: exit 2 with a sentence', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    const site = tmp.file('site');
    mkdirSync(site);
    writeFileSync(`${site}/index.html`, '<!doctype html><title>t</title>');
    try {
      const r = await cli(['serve', '--port', String(port), '--db', db], { env: { MLPW_RENDERER_DIR: site } });
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 2,
        stderr: `mlpw serve: --port ${port} is already in use; choose another or omit --port\n`,
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

// `mlpw train` as a user runs it: the real binary in a child process (MLPW_DB points at a temporary database).
import { spawn, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/mlpw.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mlpw-train-'));
const env = { ...process.env, MLPW_DB: join(dir, 'workbench.db'), FORCE_COLOR: '0' };

async function waitForFirstEpoch(file: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(file)) {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        const row = db
          .prepare(
            `SELECT count(*) AS n FROM epochs JOIN runs ON runs.id = epochs.run_id WHERE runs.status = 'running'`,
          )
          .get() as { n: number };
        if (row.n > 0) return;
      } catch {
        // the schema is not there yet
      } finally {
        db.close();
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no epoch was recorded in ${file} within ${timeoutMs} ms`);
}

function mlpw(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
}

describe('mlpw train', () => {
  it('--json prints one object with status, epochs, backend, final and best metrics, samples/s', () => {
    const r = mlpw(
      'train',
      '--dataset',
      'iris',
      '--layers',
      '8',
      '--epochs',
      '5',
      '--seed',
      '2',
      '--backend',
      'cpu',
      '--json',
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim());
    expect(out.status).toBe('completed');
    expect(out.epochs).toBe(5);
    expect(out.backend).toMatch(/^cpu/);
    for (const key of ['trainLoss', 'valLoss', 'trainAcc', 'valAcc']) {
      expect(typeof out.final[key]).toBe('number');
      expect(typeof out.best[key]).toBe('number');
    }
    expect(out.samplesPerSecond).toBeGreaterThan(0);
  });

  it('prints a line per epoch and a summary; flags override the config file', () => {
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({ dataset: { name: 'xor', samples: 200 }, epochs: 50, optimizer: { type: 'sgd', lr: 0.1 } }),
    );
    const r = mlpw('train', '--config', config, '--epochs', '3', '--backend', 'cpu');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('epoch'));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^epoch 3\/3 .*loss \d\.\d+ .*val_acc .*lr 0\.1000/);
    expect(r.stdout).toMatch(/training xor: 160 train \/ 40 validation/);
    expect(r.stdout).toMatch(/completed: 3 epochs/);
  });

  it.each([
    [['--epochs', 'ten'], /--epochs: expected a number, got "ten"/],
    [['--layers', '16,abc'], /--layers: "abc" is not a positive integer/],
    [['--optimizer', 'rmsprop'], /optimizer\.type.*"rmsprop"/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['--dataset', 'nope'], /unknown dataset "nope"/],
    [['--config', '/nonexistent/c.json'], /--config: cannot read \/nonexistent\/c\.json: ENOENT/],
  ])('bad flags %j: a clear message, exit code 2', (args, message) => {
    const r = mlpw('train', ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it.each([['--epochs'], ['--layers'], ['--frobnicate']])(
    'a 100,000-character value of %s is quoted in at most a short excerpt',
    (flag) => {
      const r = mlpw('train', flag, `1x${'9'.repeat(50_000)}q${'z'.repeat(50_000)}`);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.length).toBeLessThan(400);
    },
  );

  it('a config file with a JSON error names the file and line', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{\n  "epochs": 3,\n  "seed": ,\n}\n');
    const r = mlpw('train', '--config', bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.json is not valid JSON at line 3/);
  });

  it('Ctrl-C (SIGINT) cancels cleanly: status cancelled, exit 0', { timeout: 180_000 }, async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'train',
        '--dataset',
        'spiral',
        '--samples',
        '20000',
        '--epochs',
        '1000',
        '--batch',
        '8',
        '--backend',
        'cpu',
        '--json',
      ],
      { env },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    // Interrupt once the run is really training (a running run has an epoch in the store), however slow the start is.
    await waitForFirstEpoch(env.MLPW_DB, 90_000);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(out.status).toBe('cancelled');
    expect(out.epochs).toBeLessThan(1000);
  });
});

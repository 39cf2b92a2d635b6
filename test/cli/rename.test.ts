// `mlpw rename` through the real binary in a child process: it renames a finished run, clears a name on "", and an
// unknown run exits 2 with one sentence naming it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/mlpw.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mlpw-rename-'));
const db = join(dir, 'workbench.db');
const env = { ...process.env, MLPW_DB: db, FORCE_COLOR: '0' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function mlpw(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('mlpw rename', () => {
  it('renames a completed run, shown by `mlpw show --json`, and "" clears the name', () => {
    const trained = mlpw(
      'train',
      '--dataset',
      'xor',
      '--samples',
      '200',
      '--epochs',
      '2',
      '--backend',
      'cpu',
      '--json',
    );
    expect(trained.code).toBe(0);
    const id = JSON.parse(trained.stdout).runId as string;

    const renamed = mlpw('rename', id.slice(0, 8), 'xor', 'baseline');
    expect(renamed).toMatchObject({ code: 0, stdout: `${id}: xor baseline\n` });
    const shown = JSON.parse(mlpw('show', id, '--json').stdout) as { name: string | null; status: string };
    expect(shown).toMatchObject({ name: 'xor baseline', status: 'completed' });

    expect(mlpw('rename', id, '')).toMatchObject({ code: 0, stdout: `${id}: name cleared\n` });
    expect((JSON.parse(mlpw('show', id, '--json').stdout) as { name: string | null }).name).toBeNull();
  });

  it('exits 2 with a sentence naming an unknown run', () => {
    const r = mlpw('rename', 'ffffffff', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mlpw rename: no run "ffffffff" in .*workbench\.db\n$/);
  });
});

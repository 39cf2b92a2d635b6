// `mlpw experiments` and `--experiment NAME` on train, sweep and runs, through the real binary in a child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/mlpw.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mlpw-experiments-'));
const db = join(dir, 'workbench.db');
const env = { ...process.env, MLPW_DB: db, FORCE_COLOR: '0' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function mlpw(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SMALL = ['--dataset', 'xor', '--samples', '200', '--epochs', '3', '--backend', 'cpu'];
const runIds = (stdout: string) => (JSON.parse(stdout) as { id: string }[]).map((r) => r.id).sort();

describe('mlpw experiments', () => {
  it('trains into a named experiment (created if new), sweeps into one, counts and filters them', () => {
    const plain = JSON.parse(mlpw('train', ...SMALL, '--json').stdout).runId as string;
    const named = mlpw('train', ...SMALL, '--experiment', 'activations', '--activation', 'sigmoid', '--json');
    expect(named.code).toBe(0);
    const sigmoid = JSON.parse(named.stdout).runId as string;
    const sweep = mlpw('sweep', ...SMALL, '--grid', 'seed=1,2', '--experiment', 'seeds', '--json');
    expect(sweep.code).toBe(0);
    const swept = (JSON.parse(sweep.stdout).runs as { runId: string }[]).map((r) => r.runId).sort();

    const list = mlpw('experiments');
    expect(list.code).toBe(0);
    const rows = list.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s{2,}/));
    expect(rows[0]).toEqual(['experiment', 'runs', 'created']);
    expect(rows.slice(2).map((r) => r.slice(0, 2))).toEqual([
      ['Default', '1'],
      ['activations', '1'],
      ['seeds', '2'],
    ]);

    expect(runIds(mlpw('runs', '--experiment', 'Default', '--json').stdout)).toEqual([plain]);
    expect(runIds(mlpw('runs', '--experiment', 'ACTIVATIONS', '--json').stdout)).toEqual([sigmoid]);
    expect(runIds(mlpw('runs', '--experiment', 'seeds', '--json').stdout)).toEqual(swept);
    const unknown = mlpw('runs', '--experiment', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      `mlpw runs: no experiment "nope" in ${db} (experiments: Default, activations, seeds)\n`,
    );
  }, 240_000);

  it('creates, renames and moves runs, with one-line errors', () => {
    expect(mlpw('experiments', 'create', 'depth vs width').stdout).toBe('created experiment "depth vs width"\n');
    const taken = mlpw('experiments', 'create', 'DEPTH VS WIDTH');
    expect([taken.code, taken.stderr]).toEqual([
      2,
      'mlpw experiments: experiment "depth vs width" already exists in ' + db + '\n',
    ]);
    const renamed = mlpw('experiments', 'rename', 'activations', 'sigmoid vs relu');
    expect(renamed.stdout).toBe('renamed experiment "activations" to "sigmoid vs relu" (1 runs)\n');

    const defaults = runIds(mlpw('runs', '--experiment', 'Default', '--json').stdout);
    const moved = mlpw('experiments', 'mv', defaults[0]!.slice(0, 5), '--to', 'depth vs width');
    expect(moved.stdout).toBe(`moved 1 run to "depth vs width": ${defaults[0]}\n`);
    const counts = JSON.parse(mlpw('experiments', '--json').stdout) as { name: string; runCount: number }[];
    expect(counts.map((e) => [e.name, e.runCount])).toEqual([
      ['Default', 0],
      ['sigmoid vs relu', 1],
      ['seeds', 2],
      ['depth vs width', 1],
    ]);

    expect(mlpw('experiments', 'mv', defaults[0]!).stderr).toBe(
      'mlpw experiments: experiments mv needs --to NAME (the experiment to move the runs into)\n',
    );
    expect(mlpw('experiments', 'mv', defaults[0]!, '--to', 'nowhere').stderr).toBe(
      `mlpw experiments: no experiment "nowhere" in ${db} (experiments: Default, sigmoid vs relu, seeds, depth vs width)\n`,
    );
    expect(mlpw('experiments', 'drop', 'x').stderr).toBe(
      'mlpw experiments: experiments: unknown action "drop" (create, rename, mv; none lists them)\n',
    );
    const blank = mlpw('train', ...SMALL, '--experiment', ' ');
    expect([blank.code, blank.stderr]).toEqual([
      2,
      'mlpw train: experiment name " ": expected 1 to 100 visible characters\n',
    ]);
  }, 120_000);
});

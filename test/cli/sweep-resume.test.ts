// `mlpw sweep --resume`: a real CLI child process SIGKILLed mid-sweep over a real SQLite file, then resumed. Finished
// trials are kept, the in-flight one (left interrupted by liveness) reruns as a new run of the same trial, the
// not-started ones run; a bayes sweep proposes the same points as an uninterrupted --parallel 1 sweep of its seed,
// with ASHA's rungs rebuilt from the stored curves. --time-budget leaves the rest for --resume.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { RunStore } from '../../db/index.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/mlpw.mjs', import.meta.url));
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

interface SweepJson {
  sweepId: string;
  trials: number;
  trialsRun: number;
  trialsKept: number;
  budgetReached: boolean;
  runs: { runId: string; trial: number; status: string }[];
}

/** Starts the CLI in a child process and SIGKILLs it once `trial` of its sweep has `epochs` epochs in the file. */
async function killDuring(db: string, args: string[], trial: number, epochs: number): Promise<void> {
  const child = spawn(process.execPath, [BIN, ...args, '--db', db], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const closed = new Promise((resolve) => child.on('close', resolve));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the sweep ended before it was killed: ${stderr}`);
      await sleep(10);
      let found: unknown;
      try {
        const raw = new Database(db, { readonly: true, fileMustExist: true });
        try {
          found = raw
            .prepare("SELECT 1 FROM runs WHERE sweep_trial = ? AND status = 'running' AND epochs_done >= ?")
            .get(trial, epochs);
        } finally {
          raw.close();
        }
      } catch {
        continue; // not created or not migrated yet
      }
      if (found) break;
    }
  } finally {
    child.kill('SIGKILL');
    await closed;
  }
  expect(child.signalCode).toBe('SIGKILL');
}

const trialsOf = (db: string, sweepId: string) => {
  const store = new RunStore(db, { readonly: true });
  try {
    return store.sweepTrials(sweepId);
  } finally {
    store.close();
  }
};

describe('sweep --resume after SIGKILL', () => {
  it('bayes with asha: keeps finished trials, reruns the in-flight one, proposes the rest as an unbroken sweep', async () => {
    const args = [
      'sweep',
      ...['--dataset', 'xor', '--samples', '3000', '--batch', '8', '--epochs', '8', '--backend', 'cpu'],
      ...['--method', 'bayes', '--trials', '7', '--param', 'optimizer.lr=loguniform:0.001:0.3', '--sweep-seed', '4'],
      ...['--early-stop', 'asha:min=3,eta=2', '--parallel', '1'],
    ];
    const db = tmp.file('killed.db');
    await killDuring(db, args, 3, 1);

    // Opening the file marks the dead CLI's run interrupted; trials 0-2 are finished.
    const open = new RunStore(db);
    const sweepId = open.listSweeps()[0]!.id;
    const before = open.sweepTrials(sweepId);
    expect(open.recovered).toEqual([before[3]!.runId]);
    open.close();
    expect(before.map((t) => [t.trial, t.status])).toEqual([
      [0, 'completed'],
      [1, 'completed'],
      [2, 'completed'],
      [3, 'interrupted'],
    ]);
    expect(before[3]!.epochsDone).toBeGreaterThanOrEqual(1);

    const resumed = await cli(['sweep', '--resume', sweepId, '--json'], { db });
    expect([resumed.code, resumed.stderr]).toEqual([0, '']);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ sweepId, trials: 7, trialsKept: 3, trialsRun: 4 });

    const reference = await cli([...args, '--json'], { db: tmp.file('whole.db') });
    expect(reference.code).toBe(0);
    const whole = trialsOf(tmp.file('whole.db'), (JSON.parse(reference.stdout) as SweepJson).sweepId);
    const after = trialsOf(db, sweepId);

    // Kept runs are the same rows; trial 3 has its interrupted run and a rerun of it; 4-6 are new.
    expect(after.slice(0, 3).map((t) => t.runId)).toEqual(before.slice(0, 3).map((t) => t.runId));
    expect(after.map((t) => t.trial)).toEqual([0, 1, 2, 3, 3, 4, 5, 6]);
    expect(after[3]).toMatchObject({ runId: before[3]!.runId, status: 'interrupted' });
    expect(after[4]).toMatchObject({ rerunOf: before[3]!.runId, status: 'completed' });
    const latest = after.filter((_, i) => i !== 3);
    expect(whole.some((t) => t.stoppedRung !== null)).toBe(true); // the pruner stopped someone: its rungs were rebuilt
    // Same points (TPE from the stored seed and finished trials), same ASHA stops, same results.
    expect(latest.map((t) => t.config.optimizer.lr)).toEqual(whole.map((t) => t.config.optimizer.lr));
    expect(latest.map((t) => [t.epochsDone, t.stoppedRung, t.bestValLoss])).toEqual(
      whole.map((t) => [t.epochsDone, t.stoppedRung, t.bestValLoss]),
    );
  });

  it('random: the never-started trials, left queued by the dead CLI, are queued again and run as the same runs', async () => {
    const args = [
      'sweep',
      ...['--dataset', 'xor', '--samples', '3000', '--batch', '8', '--epochs', '4', '--backend', 'cpu'],
      ...['--method', 'random', '--trials', '4', '--param', 'optimizer.lr=loguniform:0.001:0.3', '--sweep-seed', '9'],
    ];
    const db = tmp.file('random.db');
    await killDuring(db, args, 1, 1);
    const store = new RunStore(db);
    const sweepId = store.listSweeps()[0]!.id;
    const before = store.sweepTrials(sweepId);
    store.close();
    expect(before.map((t) => t.status)).toEqual(['completed', 'interrupted', 'interrupted', 'interrupted']);
    const r = await cli(['sweep', '--resume', sweepId], { db });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/resumed: random, 1 of 4 trials kept, 3 to run again/);
    expect(r.stdout).toMatch(/3 trials ran, 1 kept from before, 4 of 4 done/);
    const after = trialsOf(db, sweepId);
    expect(after.map((t) => t.trial)).toEqual([0, 1, 1, 2, 3]);
    // Trials 2 and 3 never started: the same runs; trial 1 had: a new run of it.
    expect([after[3]!.runId, after[4]!.runId]).toEqual([before[2]!.runId, before[3]!.runId]);
    expect(after[2]).toMatchObject({ rerunOf: before[1]!.runId, status: 'completed' });
    expect(after.filter((t) => t.status === 'completed')).toHaveLength(4);
  });
});

describe('sweep --time-budget', () => {
  it('starts no trial after the budget, says how many ran, and --resume --time-budget none runs the rest', async () => {
    const db = tmp.file('budget.db');
    const base = ['--dataset', 'xor', '--samples', '200', '--epochs', '2', '--backend', 'cpu'];
    const r = await cli(['sweep', ...base, '--grid', 'optimizer.lr=0.1,0.03,0.01', '--time-budget', '1ms'], { db });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const ran = Number(/(\d+) trials? ran/.exec(r.stdout)![1]);
    expect(ran).toBeLessThan(3);
    expect(r.stdout).toMatch(/time budget \d+ ?ms reached: no trial started after it; the rest: mlpw sweep --resume/);
    const sweepId = /^sweep ([0-9a-z]{8})/.exec(r.stdout)![1]!;
    const statuses = trialsOf(db, sweepId).map((t) => t.status);
    expect(statuses.filter((s) => s === 'cancelled')).toHaveLength(3 - ran);
    const again = await cli(['sweep', '--resume', sweepId, '--time-budget', 'none', '--json'], { db });
    expect(JSON.parse(again.stdout)).toMatchObject({ trialsKept: ran, trialsRun: 3 - ran, budgetReached: false });
    expect(trialsOf(db, sweepId).map((t) => t.status)).toEqual(['completed', 'completed', 'completed']);
    const bad = await cli(['sweep', ...base, '--grid', 'optimizer.lr=0.1', '--time-budget', 'soon'], { db });
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/--time-budget: expected a duration/)]);
  });
});

// `mlpw sweep --resume` on a sweep whose points agents train through a queue: its runs stay queued or running on the
// agents (never interrupted), so resuming locally would train them twice; it exits 2 pointing at --attach and
// changes nothing.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('mlpw sweep --resume on a queued sweep', () => {
  it('refuses, naming --attach, and leaves the runs as they were', async () => {
    const db = tmp.file('w.db');
    const s = await cli(
      [
        'sweep',
        '--dataset',
        'xor',
        '--samples',
        '100',
        '--epochs',
        '1',
        '--backend',
        'cpu',
        '--grid',
        'optimizer.lr=0.1,0.01',
        '--json',
      ],
      { db },
    );
    expect(s.code, s.stderr).toBe(0);
    const sweepId = (JSON.parse(s.stdout) as { sweepId: string }).sweepId;
    // As the coordinator leaves them: one point still queued for the agents, one running on an agent.
    const file = new Database(db);
    const ids = file.prepare('SELECT id FROM runs WHERE sweep_id = ? ORDER BY id').pluck().all(sweepId) as string[];
    file
      .prepare(
        "UPDATE runs SET status = 'queued', owner_host = 'queue', owner_pid = NULL, owner_token = NULL WHERE id = ?",
      )
      .run(ids[0]);
    file
      .prepare(
        "UPDATE runs SET status = 'running', owner_host = 'agent lab-2', owner_pid = NULL, owner_token = NULL WHERE id = ?",
      )
      .run(ids[1]);
    const before = file.prepare('SELECT id, status, owner_host FROM runs ORDER BY id').all();
    file.close();

    const r = await cli(['sweep', '--resume', sweepId], { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^mlpw sweep: sweep ${sweepId}: its runs are trained by agents through a queue \\(run \\w+ is (queued|running)\\); collect it with mlpw sweep --attach ${sweepId} --queue URL\\n$`,
      ),
    );
    const after = new Database(db, { readonly: true });
    expect(after.prepare('SELECT id, status, owner_host FROM runs ORDER BY id').all()).toEqual(before);
    after.close();
  });
});

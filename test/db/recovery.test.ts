// Runs left active by a process that died become 'interrupted' when a store opens; live owners' runs are left alone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { RunStore } from '../../db/index.ts';
import { ownerAlive, STALE_REMOTE_MS } from '../../db/liveness.ts';
import { config, epoch, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

function setOwner(
  store: RunStore,
  id: string,
  owner: { pid: number; host: string; token: string; heartbeatAt: number },
) {
  store.db
    .prepare('UPDATE runs SET owner_pid = ?, owner_host = ?, owner_token = ?, heartbeat_at = ? WHERE id = ?')
    .run(owner.pid, owner.host, owner.token, owner.heartbeatAt, id);
}

describe('interrupted runs', () => {
  it('marks runs of dead or silent owners interrupted and leaves live ones running', () => {
    const path = tmp.file('w.db');
    const store = new RunStore(path);
    const now = Date.now();
    const ids = {
      deadLocal: store.createRun(config()),
      queuedDead: store.createRun(config(), { status: 'queued' }),
      liveLocal: store.createRun(config()),
      remoteSilent: store.createRun(config()),
      remoteBeating: store.createRun(config()),
      mine: store.createRun(config()),
    };
    store.recordEpoch(ids.deadLocal, epoch(1));
    setOwner(store, ids.deadLocal, { pid: deadPid(), host: hostname(), token: 'gone', heartbeatAt: now });
    setOwner(store, ids.queuedDead, { pid: deadPid(), host: hostname(), token: 'gone', heartbeatAt: now });
    setOwner(store, ids.liveLocal, { pid: process.ppid, host: hostname(), token: 'other', heartbeatAt: now });
    setOwner(store, ids.remoteSilent, {
      pid: 1,
      host: 'elsewhere',
      token: 'r1',
      heartbeatAt: now - STALE_REMOTE_MS - 1000,
    });
    setOwner(store, ids.remoteBeating, { pid: 1, host: 'elsewhere', token: 'r2', heartbeatAt: now - 1000 });
    store.close();

    const reopened = new RunStore(path);
    const status = Object.fromEntries(Object.entries(ids).map(([k, id]) => [k, reopened.getRun(id).status]));
    expect(status).toEqual({
      deadLocal: 'interrupted',
      queuedDead: 'interrupted',
      liveLocal: 'running',
      remoteSilent: 'interrupted',
      remoteBeating: 'running',
      mine: 'running',
    });
    expect(reopened.recovered.sort()).toEqual([ids.deadLocal, ids.queuedDead, ids.remoteSilent].sort());
    expect(reopened.getRun(ids.deadLocal).error).toMatch(/stopped before it finished/);
    expect(reopened.getEpochs(ids.deadLocal)).toHaveLength(1);
    reopened.close();
  });

  it('tells a reused pid from its dead owner by the token', () => {
    const me = { pid: 7, host: 'h', token: 'new' };
    expect(ownerAlive({ pid: 7, host: 'h', token: 'old', heartbeatAt: Date.now() }, Date.now(), me)).toBe(false);
    expect(ownerAlive({ pid: 7, host: 'h', token: 'new', heartbeatAt: 0 }, Date.now(), me)).toBe(true);
  });

  it('beats for the runs this process owns', () => {
    const store = new RunStore(tmp.file('w.db'));
    const id = store.createRun(config());
    store.db.prepare('UPDATE runs SET heartbeat_at = 0 WHERE id = ?').run(id);
    expect(store.heartbeat()).toBe(1);
    expect((store.db.prepare('SELECT heartbeat_at AS h FROM runs').get() as { h: number }).h).toBeGreaterThan(0);
    store.close();
  });
});

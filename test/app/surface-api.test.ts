// The loss-surface methods of the WorkbenchApi over a real store, through dispatch() as both transports call them:
// a job that reports progress and ends with the surface, the stored one answered by lossSurface and by a second start
// at once, a cancelled job that stores nothing, and bad options named by their field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../api/dispatch.ts';
import { createStoreApi } from '../../api/store-api.ts';
import type { SurfaceJob } from '../../api/surface-schemas.ts';
import type { ApiHandlers } from '../../api/workbench-api.ts';
import { RunStore } from '../../db/index.ts';
import type { LossSurface } from '../../insight/loss-surface-types.ts';
import { trainRun } from '../cli/helpers.ts';
import { tempDir } from '../db/helpers.ts';

const tmp = tempDir();
let store: RunStore;
let api: ApiHandlers;
let id: string;

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await dispatch(api, method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value as T;
}

/** Polls a job as the page does until it is no longer running; returns its end and the progress seen. */
async function settle(job: string): Promise<{ end: SurfaceJob; seen: number[] }> {
  const seen: number[] = [];
  for (;;) {
    const state = await call<SurfaceJob>('lossSurfaceJob', { job });
    if (state.state !== 'running') return { end: state, seen };
    seen.push(state.done);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  const db = tmp.file('w.db');
  id = await trainRun(db, '--dataset', 'spiral', '--samples', '200', '--layers', '8', '--epochs', '5');
  store = new RunStore(db);
  api = createStoreApi(store, { mode: 'browser', appVersion: '0.0.0-test' });
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

describe('loss surface over the API', () => {
  it('a job ends with the surface, which lossSurface and a second start then answer from the store', async () => {
    expect(await call('lossSurface', { id, grid: 11 })).toBeNull();
    const { job } = await call<{ job: string }>('startLossSurface', { id, grid: 11 });
    const { end, seen } = await settle(job);
    expect(end.state).toBe('done');
    if (end.state !== 'done') return;
    expect(end.reused).toBe(false);
    expect(seen.every((d, i) => i === 0 || d >= seen[i - 1]!)).toBe(true);
    expect(end.surface.origin.val).toBeCloseTo(store.getRun(id).finalValLoss!, 5);
    const kept = await call<LossSurface & { artifactId: number }>('lossSurface', { id, grid: 11 });
    expect(kept.artifactId).toBe(end.artifactId);
    expect(kept.createdAt).toBe(end.surface.createdAt);
    const again = await settle((await call<{ job: string }>('startLossSurface', { id, grid: 11 })).job);
    expect(again.end).toMatchObject({ state: 'done', reused: true, artifactId: end.artifactId });
  });

  it('cancel ends the job as cancelled and stores nothing', async () => {
    const before = store.listArtifacts(id).length;
    const { job } = await call<{ job: string }>('startLossSurface', { id, grid: 101, seed: 9 });
    await call('cancelLossSurface', { job });
    expect((await settle(job)).end).toEqual({ state: 'cancelled' });
    expect(store.listArtifacts(id)).toHaveLength(before);
  });

  it('names a bad option, an unknown run and an unknown job', async () => {
    await expect(call('startLossSurface', { id, grid: 8 })).rejects.toMatchObject({
      code: 'invalid_argument',
      field: 'grid',
      message: 'grid: must be odd, so the final weights sit on the centre point',
    });
    await expect(call('startLossSurface', { id: 'zzzzzz' })).rejects.toMatchObject({ code: 'unknown_run' });
    await expect(call('lossSurfaceJob', { job: crypto.randomUUID() })).rejects.toMatchObject({
      code: 'invalid_argument',
      field: 'job',
    });
  });
});

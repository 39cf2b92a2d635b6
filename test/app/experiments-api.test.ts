// The WorkbenchApi's experiments over HTTP (browser mode) against a real SQLite file: create, train into one, list
// with counts, filter listRuns, rename, move runs; the store's errors arrive as ApiError with their code.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../api/client.ts';
import { ApiError } from '../../api/errors.ts';
import type { WorkbenchApi } from '../../api/workbench-api.ts';
import { RunStore } from '../../db/index.ts';
import { startBrowserMode, type BrowserMode } from '../../server/browser-mode.ts';
import { smallConfig } from './fixtures.ts';

let dir: string;
let mode: BrowserMode;
let api: WorkbenchApi;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-experiments-api-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  mode = await startBrowserMode({
    dbPath: join(dir, 'runs.db'),
    appVersion: '0.0.0-test',
    staticDir: join(dir, 'renderer'),
  });
  api = createApiClient(async (method, input) => {
    const res = await fetch(`${mode.server.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Workbench-Token': mode.server.token },
      body: JSON.stringify(input),
    });
    return res.json();
  });
});
afterAll(async () => {
  await mode?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('experiments over HTTP', () => {
  it('creates, fills, lists, filters, renames and moves', async () => {
    expect(await api.listExperiments({})).toEqual([
      { id: 1, name: 'Default', createdAt: expect.any(Number), runCount: 0 },
    ]);
    const made = await api.createExperiment({ name: '  depth  ' });
    expect(made).toMatchObject({ id: 2, name: 'depth', runCount: 0 });

    const a = (await api.createRun({ config: smallConfig })).id;
    const b = (await api.createRun({ config: smallConfig, experiment: 'depth' })).id;
    const c = (await api.createRun({ config: smallConfig, experiment: 'width' })).id; // created on first use
    expect((await api.getRun({ id: b })).experiment).toBe('depth');
    expect((await api.listExperiments({})).map((e) => [e.name, e.runCount])).toEqual([
      ['Default', 1],
      ['depth', 1],
      ['width', 1],
    ]);

    const depth = await api.listRuns({ experiment: 'DEPTH' });
    expect([depth.runs.map((r) => r.id), depth.total]).toEqual([[b], 1]);

    expect(await api.moveRuns({ ids: [a, c], experiment: 'depth' })).toEqual([a, c]);
    const renamed = await api.renameExperiment({ from: 'depth', to: 'depth vs width' });
    expect(renamed).toMatchObject({ id: 2, name: 'depth vs width', runCount: 3 });
    expect((await api.listRuns({ experiment: 'depth vs width', limit: 2 })).total).toBe(3);

    // the file itself holds the change (a second connection to the same SQLite file)
    const reader = new RunStore(join(dir, 'runs.db'), { readonly: true });
    try {
      expect(reader.listExperiments().map((e) => [e.name, e.runCount])).toEqual([
        ['Default', 0],
        ['depth vs width', 3],
        ['width', 0],
      ]);
    } finally {
      reader.close();
    }
  });

  it('names the experiment or field in its errors', async () => {
    const taken = await rejection(api.createExperiment({ name: 'Default' }));
    expect(taken).toBeInstanceOf(ApiError);
    expect([taken.code, taken.message]).toEqual([
      'experiment_exists',
      `experiment "Default" already exists in ${join(dir, 'runs.db')}`,
    ]);
    const unknown = await rejection(api.listRuns({ experiment: 'nope' }));
    expect(unknown.code).toBe('unknown_experiment');
    expect(unknown.message).toContain('no experiment "nope"');
    const blank = await rejection(api.renameExperiment({ from: 'Default', to: '   ' }));
    expect([blank.code, blank.field]).toEqual(['invalid_argument', 'to']);
    const extra = await rejection(api.moveRuns({ ids: ['abc'], experiment: 'Default', force: true } as never));
    expect(extra.message).toBe('moveRuns: input: unknown key "force"');
  });
});

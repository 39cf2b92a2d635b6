// Browser mode's HTTP transport against a real RunStore in a temporary folder: the token (a header, never a cookie;
// the public app bundle needs none), the Host/Origin checks, the isolation headers, and WorkbenchApi calls with
// errors rebuilt on the client side.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../api/client.ts';
import { ApiError } from '../../api/errors.ts';
import type { WorkbenchApi } from '../../api/workbench-api.ts';
import { startBrowserMode, type BrowserMode } from '../../server/browser-mode.ts';
import { smallConfig, fakeEpoch, fakeSummary } from './fixtures.ts';

let dir: string;
let mode: BrowserMode;
let api: WorkbenchApi;

function raw(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: mode.server.port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-serve-'));
  const staticDir = join(dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(
    join(staticDir, 'index.html'),
    '<!doctype html><html><head><title>t</title></head><body></body></html>',
  );
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  mode = await startBrowserMode({ dbPath: join(dir, 'runs.db'), appVersion: '0.0.0-test', staticDir });
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

describe('browser mode access', () => {
  it('prints a loopback URL with the token in its fragment, which browsers never send to a server', () => {
    expect(mode.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/);
  });

  it('refuses API calls without the token header (401), and a cookie alone is no credential', async () => {
    const json = { 'Content-Type': 'application/json' };
    const none = await raw('/api/info', json, 'POST', '{}');
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).error.code).toBe('unauthorized');
    expect((await raw('/api/info', { ...json, 'X-Workbench-Token': 'wrong' }, 'POST', '{}')).status).toBe(401);
    // browsers send cookies to every port of a host, so a cookie must never grant API access
    expect((await raw('/api/info', { ...json, Cookie: `mlpw_token=${mode.server.token}` }, 'POST', '{}')).status).toBe(
      401,
    );
    expect((await raw(`/api/info?token=${mode.server.token}`, json, 'POST', '{}')).status).toBe(401);
    expect((await raw('/api/info', { ...json, 'X-Workbench-Token': mode.server.token }, 'POST', '{}')).status).toBe(
      200,
    );
  });

  it('serves the app bundle without a credential, and no response carries the token or sets a cookie', async () => {
    for (const path of ['/', '/index.html', `/?token=${mode.server.token}`]) {
      const page = await raw(path);
      expect(page.status, path).toBe(200);
      expect(page.body, path).toContain('<title>t</title>');
      expect(page.body, path).not.toContain(mode.server.token);
      expect(page.headers['set-cookie'], path).toBeUndefined();
    }
    const api = await raw(
      '/api/info',
      { 'Content-Type': 'application/json', 'X-Workbench-Token': mode.server.token },
      'POST',
      '{}',
    );
    expect(api.headers['set-cookie']).toBeUndefined();
    expect(api.body).not.toContain(mode.server.token);
  });

  it('sends cross-origin isolation and CSP headers', async () => {
    const page = await raw('/');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('refuses a foreign Host or Origin even with the token', async () => {
    const auth = { 'X-Workbench-Token': mode.server.token, 'Content-Type': 'application/json' };
    expect((await raw('/api/info', { ...auth, Host: `evil.example:${mode.server.port}` }, 'POST', '{}')).status).toBe(
      403,
    );
    expect((await raw('/api/info', { ...auth, Origin: 'http://evil.example' }, 'POST', '{}')).status).toBe(403);
    expect((await raw('/api/info', { ...auth, Origin: mode.server.origin }, 'POST', '{}')).status).toBe(200);
    // the page too: a rebinding name or another site gets nothing, not even the public bundle
    expect((await raw('/', { Host: `evil.example:${mode.server.port}` })).status).toBe(403);
    expect((await raw('/', { Origin: 'http://127.0.0.1:1' })).status).toBe(403);
  });

  it('does not serve files outside the renderer folder', async () => {
    const res = await raw('/..%2fsecret.txt');
    expect(res.status).toBe(404);
  });
});

describe('WorkbenchApi over HTTP', () => {
  it('records a run as the renderer does and lists it', async () => {
    const { id } = await api.createRun({ config: smallConfig });
    await api.recordEpoch({ id, metrics: fakeEpoch(1, 0.9) });
    await api.recordEpoch({ id, metrics: fakeEpoch(2, 0.5) });
    await api.finishRun({ id, summary: fakeSummary(2) });
    const page = await api.listRuns({});
    expect(page.total).toBe(1);
    expect(page.runs[0]).toMatchObject({ id, status: 'completed', dataset: 'spiral', layers: '8x8', epochsDone: 2 });
    expect((await api.getEpochs({ id })).map((e) => e.trainLoss)).toEqual([0.9, 0.5]);
    expect((await api.info({})).runCount).toBe(1);
  });

  it('rebuilds errors with their code and field', async () => {
    const bad = await api.createRun({ config: { ...smallConfig, optimizer: { lr: -1 } } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ApiError);
    expect(bad).toMatchObject({ code: 'invalid_argument', field: 'config.optimizer.lr' });
    const missing = await api.getRun({ id: 'zzzzzzzz' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'unknown_run' });
  });
});

// File paths from the page (issue 13), through the real HTTP server on a real SQLite file. A token holder used to
// name any path: importDatasetFile read /etc/passwd (and echoed its lines in errors) or imported a numeric file
// whole for loadImportedDataset to read back, and exportOnnx wrote wherever it was told. Now browser mode takes
// uploads (the page's bytes, streamed into the importer) and downloads; paths arrive only as the desktop's dialog
// handles, which this server never issues.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserMode, type BrowserMode } from '../../server/browser-mode.ts';

let dir: string;
let db: string;
let mode: BrowserMode;
const bin = join(import.meta.dirname, '../../bin/mlpw.mjs');

async function call(
  method: string,
  input: unknown,
): Promise<{
  status: number;
  body: { ok: boolean; value?: unknown; error?: { code: string; message: string; field?: string } };
}> {
  const res = await fetch(`${mode.server.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Workbench-Token': mode.server.token },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: await res.json() };
}

async function upload(bytes: string | Uint8Array, fields: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(
    `${mode.server.origin}/api/upload/dataset?fields=${encodeURIComponent(JSON.stringify(fields))}`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', 'X-Workbench-Token': mode.server.token, ...headers },
      body: typeof bytes === 'string' ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>]),
    },
  );
  return {
    status: res.status,
    body: (await res.json()) as {
      ok: boolean;
      value?: { name: string; rows: number; task: string };
      error?: { code: string; message: string };
    },
  };
}

const imported = async () =>
  ((await call('listImportedDatasets', {})).body.value as { name: string }[]).map((d) => d.name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-file-paths-'));
  const staticDir = join(dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  db = join(dir, 'runs.db');
  mode = await startBrowserMode({ dbPath: db, appVersion: '0.0.0-test', staticDir });
});
afterAll(async () => {
  await mode?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a token holder naming a path on the server', () => {
  it('gets nothing back for /etc/passwd or a numeric file, whatever the field is called', async () => {
    const numeric = join(dir, 'secret-numbers.csv');
    writeFileSync(numeric, 'a,b,c\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n');
    for (const path of ['/etc/passwd', numeric]) {
      const byPath = await call('importDatasetFile', { path, target: '1' });
      expect(byPath.body.error).toMatchObject({ code: 'invalid_argument', field: 'file' });
      const byFile = await call('importDatasetFile', { file: path, target: '1' });
      expect(byFile.body.error).toMatchObject({ code: 'invalid_argument', field: 'file' });
      expect(JSON.stringify([byPath.body, byFile.body])).not.toMatch(/root:|1,2,0/);
    }
    // a well-formed handle: browser mode issues none and resolves none
    const handle = await call('importDatasetFile', { file: 'AAAAAAAAAAAAAAAAAAAAAAAA', target: 'c' });
    expect(handle.body.error).toMatchObject({ code: 'desktop_only', field: 'file' });
    expect(await imported()).toEqual([]);
    expect((await call('loadImportedDataset', { name: 'secret-numbers' })).body.error).toMatchObject({
      code: 'unknown_dataset',
    });
  });

  it('cannot have an ONNX file written on the server (browser mode downloads)', async () => {
    const out = join(dir, 'written-by-page.onnx');
    const byPath = await call('exportOnnx', { id: 'any', path: out });
    expect(byPath.body.error).toMatchObject({ code: 'invalid_argument', field: 'file' });
    expect((await call('exportOnnx', { id: 'any', file: 'AAAAAAAAAAAAAAAAAAAAAAAA' })).body.error).toMatchObject({
      code: 'desktop_only',
    });
    expect((await call('chooseOnnxFile', { defaultName: 'x.onnx' })).body.error).toMatchObject({
      code: 'desktop_only',
    });
    expect(existsSync(out)).toBe(false);
  });
});

describe('browser mode upload', () => {
  it('imports the uploaded bytes as a dataset, and a run trains on it', async () => {
    const rows = ['x,y,label'];
    for (let i = 0; i < 120; i++) {
      const x = Math.sin(i * 12.9898);
      const y = Math.cos(i * 78.233);
      rows.push(`${x.toFixed(4)},${y.toFixed(4)},${x > 0 ? 'right' : 'left'}`);
    }
    const r = await upload(rows.join('\n') + '\n', { fileName: 'halves.csv', target: 'label' });
    expect(r.status).toBe(200);
    expect(r.body.value).toMatchObject({ name: 'halves', rows: 120, task: 'classification' });
    expect(await imported()).toEqual(['halves']);
    const train = spawnSync(
      process.execPath,
      [bin, 'train', '--db', db, '--dataset', 'halves', '--layers', '8', '--epochs', '5', '--backend', 'cpu', '--json'],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(train.stderr).toBe('');
    expect(JSON.parse(train.stdout)).toMatchObject({ status: 'completed', epochs: 5 });
  });

  it('an error names the uploaded file by its name and quotes at most a short excerpt of its contents', async () => {
    const long = 'x'.repeat(5000);
    const r = await upload(`a,b,label\n1,2,p\n3,${long},q\n`, { fileName: 'bad.csv', target: 'label' });
    expect(r.status).toBe(400);
    expect(r.body.error!.code).toBe('not_a_number');
    expect(r.body.error!.message).toMatch(/^bad\.csv line 3/);
    expect(r.body.error!.message.length).toBeLessThan(250);
    expect(r.body.error!.message).not.toContain('x'.repeat(100));
    expect(await imported()).toEqual(['halves']);
  });

  it('a bad line in the first part of a body still sending gets our error, not a reset connection', async () => {
    // The body in two writes 300 ms apart: the importer fails on the first while the second is still to come.
    // (the first part is past the importer's 64 KB sniffing window, so it parses, and fails, before the rest)
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i},${i},p`).join('\n') + '\n';
    const first = 'a,b,label\n1,2,p\n3,oops,q\n' + rows(10_000);
    const rest = rows(20_000);
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${mode.server.origin}/api/upload/dataset?fields=${encodeURIComponent(JSON.stringify({ fileName: 'split.csv', target: 'label' }))}`,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/octet-stream',
            'X-Workbench-Token': mode.server.token,
            'Content-Length': String(first.length + rest.length),
          },
        },
      );
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(first);
      setTimeout(() => req.end(rest), 300);
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.message).toMatch(/^split\.csv line 3/);
  });

  it('needs the token, the octet-stream body and valid fields; a body announced over the limit is refused before it is read', async () => {
    const csv = 'a,label\n1,p\n2,q\n';
    expect((await upload(csv, { fileName: 'a.csv', target: 'label' }, { 'X-Workbench-Token': 'wrong' })).status).toBe(
      401,
    );
    expect(
      (await upload(csv, { fileName: 'a.csv', target: 'label' }, { 'Content-Type': 'application/json' })).status,
    ).toBe(415);
    const bad = await upload(csv, { fileName: 'a.csv', target: 'label', path: '/etc/passwd' });
    expect(bad.body.error).toMatchObject({ code: 'invalid_argument', message: 'upload: input: unknown key "path"' });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: mode.server.port,
          method: 'POST',
          path: `/api/upload/dataset?fields=${encodeURIComponent('{"fileName":"big.csv","target":"y"}')}`,
          headers: {
            'Content-Type': 'application/octet-stream',
            'X-Workbench-Token': mode.server.token,
            'Content-Length': String(3 * 1024 ** 3),
          },
        },
        (res) => {
          resolve(res.statusCode!);
          res.resume();
        },
      );
      req.on('error', reject);
      req.write('y\n1\n');
    });
    expect(status).toBe(413);
    expect(await imported()).toEqual(['halves']);
  });
});

// The app's import is mlpw import's (issue 15): a table with a string column, a date column and gaps, uploaded
// through the real HTTP server onto a real SQLite file, is typed, one-hot encoded and imputed exactly as `mlpw import`
// does the same file into another store (the same content hash); the answer carries the column table; a dry run
// stores nothing; the upload's temporary file is the owner's alone while it exists and is gone after.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetCheck, DatasetImport, ImportedDataset } from '../../api/workbench-api.ts';
import { RunStore } from '../../db/run-store.ts';
import { startBrowserMode, type BrowserMode } from '../../server/browser-mode.ts';

let dir: string;
let mode: BrowserMode;
const bin = join(import.meta.dirname, '../../bin/mlpw.mjs');

/** Penguins-like: a string column with gaps, an ISO date, a numeric column with NA, a string class. */
function penguins(): string {
  const islands = ['Biscoe', 'Dream', 'Torgersen'];
  const lines = ['island,observed,bill_mm,mass_g,species'];
  for (let i = 0; i < 60; i++) {
    const island = i % 11 === 3 ? '' : islands[i % 3]!;
    const day = String(1 + (i % 28)).padStart(2, '0');
    const bill = i % 7 === 5 ? 'NA' : (38 + (i % 9) * 1.5).toFixed(1);
    lines.push(`${island},2008-0${1 + (i % 9)}-${day},${bill},${3200 + i * 25},${i % 2 ? 'Adelie' : 'Gentoo'}`);
  }
  return lines.join('\n') + '\n';
}

async function upload(text: string, fields: unknown) {
  const res = await fetch(
    `${mode.server.origin}/api/upload/dataset?fields=${encodeURIComponent(JSON.stringify(fields))}`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', 'X-Workbench-Token': mode.server.token },
      body: text,
    },
  );
  return {
    status: res.status,
    body: (await res.json()) as {
      ok: boolean;
      value?: DatasetImport | DatasetCheck;
      error?: { code: string; message: string };
    },
  };
}

async function listed(): Promise<ImportedDataset[]> {
  const res = await fetch(`${mode.server.origin}/api/listImportedDatasets`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Workbench-Token': mode.server.token },
    body: '{}',
  });
  return ((await res.json()) as { value: ImportedDataset[] }).value;
}

let savedTmp: string | undefined;
/** This file's own temp folder (TMPDIR, read by os.tmpdir() at each call), so other tests' uploads do not show. */
let tmp: string;
const uploadDirs = () => readdirSync(tmp).filter((n) => n.startsWith('mlpw-upload-'));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-table-upload-'));
  tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  const staticDir = join(dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  mode = await startBrowserMode({ dbPath: join(dir, 'app.db'), appVersion: '0.0.0-test', staticDir });
});
afterAll(async () => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  await mode?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a real table uploaded in browser mode', () => {
  it('imports as mlpw import does the same file: the same features, rows, targets and values', async () => {
    const file = join(dir, 'penguins.csv');
    writeFileSync(file, penguins());
    const cliDb = join(dir, 'cli.db');
    const cli = spawnSync(process.execPath, [bin, 'import', file, '--target', 'species', '--db', cliDb, '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(cli.stderr).toBe('');
    const fromCli = JSON.parse(cli.stdout) as { rows: number; features: number; hash: string; columns: unknown[] };

    const r = await upload(penguins(), { fileName: 'penguins.csv', target: 'species' });
    expect(r.status).toBe(200);
    const app = r.body.value as DatasetImport;
    expect(app).toMatchObject({ name: 'penguins', dryRun: false, rows: 60, task: 'classification' });
    expect(app.rows).toBe(fromCli.rows);
    expect(app.hash).toBe(fromCli.hash);
    expect(app.features).toBe(fromCli.features);
    expect(app.table.columns).toEqual(fromCli.columns);
    expect(app.table.columns.map((c) => [c.name, c.type, c.missing, c.role])).toEqual([
      ['island', 'categorical', 6, 'feature'],
      ['observed', 'date', 0, 'feature'],
      ['bill_mm', 'numeric', 8, 'feature'],
      ['mass_g', 'numeric', 0, 'feature'],
      ['species', 'categorical', 0, 'target'],
    ]);
    expect(app.table.imputedRows).toBe(13);
    expect(app.featureNames).toEqual(expect.arrayContaining(['island=Biscoe', 'island_missing', 'bill_mm_missing']));

    // the two stores' snapshots hold the same encoded rows
    const cliStore = new RunStore(cliDb);
    const appStore = new RunStore(join(dir, 'app.db'));
    try {
      const a = cliStore.datasets.load({ name: 'penguins' });
      const b = appStore.datasets.load({ name: 'penguins' });
      expect(b.featureNames).toEqual(a.featureNames);
      expect(b.n).toBe(a.n);
      expect(Array.from(b.labels!)).toEqual(Array.from(a.labels!));
      expect(Array.from(b.x)).toEqual(Array.from(a.x));
      expect(b.classLabels).toEqual(a.classLabels);
    } finally {
      cliStore.close();
      appStore.close();
    }
  });

  it('takes mlpw import’s options: ignore, categorical, missing drop', async () => {
    const r = await upload(penguins(), {
      fileName: 'penguins.csv',
      name: 'dropped',
      target: 'species',
      ignore: 'observed',
      categorical: 'bill_mm',
      missing: 'drop',
    });
    expect(r.status).toBe(200);
    const d = r.body.value as DatasetImport;
    expect(d.rows).toBe(47);
    expect(d.table.droppedRows).toBe(13);
    expect(d.table.columns.find((c) => c.name === 'observed')!.role).toBe('ignored');
    expect(d.table.columns.find((c) => c.name === 'bill_mm')!.type).toBe('categorical');
  });

  it('a dry run answers with the column table and stores nothing; no temporary file is left', async () => {
    const r = await upload(penguins(), { fileName: 'check.csv', target: 'species', dryRun: true });
    expect(r.status).toBe(200);
    expect(r.body.value).toMatchObject({ dryRun: true, name: 'check', rows: 60 });
    expect((r.body.value as DatasetCheck).table.columns).toHaveLength(5);
    expect((await listed()).map((d) => d.name).sort()).toEqual(['dropped', 'penguins']);
    const bad = await upload('a,b,label\n1,2,p\n3,oops,q\n', { fileName: 'mixed.csv', target: 'label', dryRun: true });
    expect(bad.body.error!.message).toMatch(/^mixed\.csv line 3, column 2 \("b"\): "oops" is not a number/);
    expect(bad.body.error!.message).not.toContain(tmpdir());
    expect(uploadDirs()).toEqual([]);
  });

  it('keeps the bytes in a 0600 file in a 0700 folder of the OS temp folder while the page sends, and removes it', async () => {
    const text = penguins();
    const cut = text.indexOf('\n', text.length / 2) + 1;
    const fields = encodeURIComponent(JSON.stringify({ fileName: 'slow.csv', name: 'slow', target: 'species' }));
    const req = request(`${mode.server.origin}/api/upload/dataset?fields=${fields}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/octet-stream',
        'X-Workbench-Token': mode.server.token,
        'Content-Length': String(Buffer.byteLength(text)),
      },
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
    req.write(text.slice(0, cut));
    await expect.poll(() => uploadDirs().flatMap((d) => readdirSync(join(tmp, d))).length, { timeout: 30_000 }).toBe(1);
    const [folder] = uploadDirs();
    const [file] = readdirSync(join(tmp, folder!));
    expect(statSync(join(tmp, folder!)).mode & 0o777).toBe(0o700);
    expect(statSync(join(tmp, folder!, file!)).mode & 0o777).toBe(0o600);
    req.end(text.slice(cut));
    const r = await answer;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).value).toMatchObject({ name: 'slow', rows: 60 });
    expect(uploadDirs()).toEqual([]);
  });
});

// Browser mode's import and export move bytes, never server paths (issue 13): a CSV chosen in the import dialog's
// file picker and one dropped on the dialog are uploaded and appear among the Designer's datasets; a real table's
// columns are checked (dry run) and imported, the dialog showing the detected types (issue 15); a run's ONNX
// export from its page is a download that reads back. Real Chromium against the real `mlpw serve`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOnnxModel } from '../../export/onnx/index.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
let runId: string;

function csv(rows: number): string {
  const lines = ['x,y,label'];
  for (let i = 0; i < rows; i++) {
    const x = Math.sin(i * 12.9898);
    lines.push(`${x.toFixed(4)},${Math.cos(i * 78.233).toFixed(4)},${x > 0 ? 'right' : 'left'}`);
  }
  return lines.join('\n') + '\n';
}

/** Penguins-like: an ID column, a string column with gaps, an ISO date, a number with NA, a string class. */
function penguins(): string {
  const lines = ['tag,island,observed,bill_mm,species'];
  for (let i = 0; i < 40; i++) {
    const island = i % 9 === 4 ? '' : ['Biscoe', 'Dream', 'Torgersen'][i % 3]!;
    const bill = i % 7 === 5 ? 'NA' : (38 + (i % 9) * 1.5).toFixed(1);
    lines.push(
      `P${1000 + i},${island},2008-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')},${bill},${i % 2 ? 'Adelie' : 'Gentoo'}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The file the dialog's picker holds: chosen in it, or dropped on the dialog. */
async function pickedName(): Promise<string | undefined> {
  return page.getByTestId('import-file').evaluate((i) => (i as HTMLInputElement).files?.[0]?.name);
}

async function datasetOptions(): Promise<string[]> {
  return page
    .getByTestId('dataset')
    .locator('option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-upload-'));
  const db = join(dir, 'workbench.db');
  const r = spawnSync(
    process.execPath,
    [
      'bin/mlpw.mjs',
      'train',
      '--db',
      db,
      '--dataset',
      'moons',
      '--samples',
      '200',
      '--layers',
      '8',
      '--epochs',
      '5',
      '--backend',
      'cpu',
      '--name',
      'fast',
      '--json',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  runId = (JSON.parse(r.stdout) as { runId: string }).runId;
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
  await page.goto(served.url);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('files in browser mode', () => {
  it('imports a CSV chosen in the file picker', async () => {
    await page.getByTestId('nav-designer').click();
    await page.getByTestId('import-dataset').click();
    await page
      .getByTestId('import-file')
      .setInputFiles({ name: 'picked.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(120)) });
    await page.getByTestId('import-target').fill('label');
    await expect.poll(pickedName).toBe('picked.csv');
    await screenshot(page, 'import-dialog');
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-done').click();
    await expect.poll(() => page.getByTestId('dataset').inputValue()).toBe('picked');
    await expect.poll(() => page.getByTestId('dataset-preview').textContent()).toContain('120 samples');
  });

  it('imports a CSV dropped on the import dialog', async () => {
    await page.getByTestId('import-dataset').click();
    await page.getByTestId('import-dialog').evaluate((form, text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
      form.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      form.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, csv(80));
    await expect.poll(pickedName).toBe('dropped.csv');
    await screenshot(page, 'import-dialog-dropped');
    await page.getByTestId('import-target').fill('3');
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-done').click();
    await expect.poll(() => page.getByTestId('dataset').inputValue()).toBe('dropped');
    expect(await datasetOptions()).toEqual(expect.arrayContaining(['picked', 'dropped']));
  });

  it('checks a real table’s columns, then imports it: the dialog shows each column’s detected type and role (an ID column left out)', async () => {
    await page.getByTestId('import-dataset').click();
    await page
      .getByTestId('import-file')
      .setInputFiles({ name: 'penguins.csv', mimeType: 'text/csv', buffer: Buffer.from(penguins()) });
    await page.getByTestId('import-target').fill('species');
    await page.getByTestId('import-check').click();
    // a role is the select's value where the checked table offers one, else the cell's text before its note
    const columns = () =>
      page
        .getByTestId('import-columns')
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((r) => [
            r.getAttribute('data-column'),
            r.querySelector('[data-test=column-type]')!.textContent,
            r.querySelector('select')?.value ??
              r.querySelector('[data-test=column-role]')!.textContent!.split(':')[0]!.trim(),
          ]),
        );
    await expect.poll(columns).toEqual([
      ['tag', 'id', 'ignored'],
      ['island', 'categorical', 'feature'],
      ['observed', 'date', 'feature'],
      ['bill_mm', 'numeric', 'feature'],
      ['species', 'categorical', 'target'],
    ]);
    expect(await page.getByTestId('import-result').textContent()).toContain('nothing stored');
    // a role chosen in the checked table goes to the fields and is checked again; then back
    await page.locator('[data-column="bill_mm"] select').selectOption('ignored');
    await expect.poll(() => page.getByTestId('import-ignore').inputValue()).toBe('bill_mm');
    await expect.poll(async () => (await columns())[3]).toEqual(['bill_mm', 'numeric', 'ignored']);
    await screenshot(page, 'import-dialog-check');
    await page.locator('[data-column="bill_mm"] select').selectOption('feature');
    await expect.poll(() => page.getByTestId('import-ignore').inputValue()).toBe('');
    await expect.poll(async () => (await columns())[3]).toEqual(['bill_mm', 'numeric', 'feature']);
    expect(await datasetOptions()).not.toContain('penguins');
    await page.getByTestId('import-submit').click();
    await expect.poll(() => page.getByTestId('import-result').textContent()).toMatch(/Imported penguins: 40 rows/);
    expect(await page.getByTestId('import-notes').textContent()).toMatch(
      /warning: column "tag" looks like an ID.*imputed missing values in 9 rows/,
    );
    await screenshot(page, 'import-dialog-columns');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await screenshot(page, 'import-dialog-columns-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByTestId('import-done').click();
    await expect.poll(() => page.getByTestId('dataset').inputValue()).toBe('penguins');
  });

  it('downloads a run’s ONNX export from its page', async () => {
    await page.getByTestId('nav-runs').click();
    await page.locator(`[data-run="${runId}"]`).click();
    // the one export dialog starts at the best checkpoint; choose the final one
    await page.getByTestId('run-detail').getByTestId('onnx-checkpoint-final').check();
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByTestId('run-detail').getByTestId('download-onnx').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`fast-${runId}-final.onnx`);
    const path = join(dir, download.suggestedFilename());
    await download.saveAs(path);
    expect(readOnnxModel(readFileSync(path), path).runId).toBe(runId);
    await expect
      .poll(() => page.getByTestId('run-detail').getByTestId('onnx-verified').textContent())
      .toMatch(/verified with onnxruntime/);
  });
});

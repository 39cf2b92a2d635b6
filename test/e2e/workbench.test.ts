// The app end to end in Debian's Chromium against `mlpw serve` on a temporary database: design a spiral with two
// hidden layers, train it, watch it finish, find it in the runs table; a second run with another learning rate;
// both survive a reload; export one as ONNX; the API refuses calls without the token; train on an imported CSV. Screenshots of each view land in
// test-artifacts/screenshots/.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

// Small enough for two shared CPU cores: 300 samples, 30 epochs, the CPU backend.
const EPOCHS = 30;
const TRAIN_TIMEOUT = 120_000;

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function setNumber(testId: string, value: number | string): Promise<void> {
  await page.getByTestId(testId).fill(String(value));
}

async function designSpiral(name: string, lr: number): Promise<void> {
  await page.getByTestId('nav-designer').click();
  await page.getByTestId('run-name').fill(name);
  await page.getByTestId('dataset').selectOption('spiral');
  await setNumber('samples', 300);
  // Exactly two hidden layers, whatever the design had before.
  const layers = page.locator('.layer-row');
  while ((await layers.count()) > 0) await layers.first().getByTestId('remove').click();
  await page.getByTestId('add-layer').click();
  await page.getByTestId('add-layer').click();
  await page.getByLabel('layer 1 units').fill('16');
  await page.getByLabel('layer 2 units').fill('12');
  await page.getByLabel('layer 2 activation').selectOption('tanh');
  await page.getByTestId('optimizer').selectOption('adam');
  await setNumber('lr', lr);
  await setNumber('batch', 16);
  await setNumber('epochs', EPOCHS);
  await page.getByTestId('backend').selectOption('cpu');
  await expect.poll(() => page.getByTestId('summary').textContent()).toContain('2 → 16 → 12 → 2');
}

async function trainAndWait(epochs = EPOCHS): Promise<string> {
  // The live panel still shows the previous run until the new one starts: wait for its id to change first.
  const runId = page.locator('.live-run .run-id');
  const previous = (await runId.count()) > 0 ? (await runId.textContent())?.trim() : undefined;
  await page.getByTestId('train-now').click();
  await page.getByTestId('live-run').waitFor();
  await expect.poll(async () => (await runId.textContent())?.trim(), { timeout: TRAIN_TIMEOUT }).not.toBe(previous);
  await page.getByTestId('run-status').filter({ hasText: 'completed' }).waitFor({ timeout: TRAIN_TIMEOUT });
  expect(await page.getByTestId('epoch').textContent()).toBe(`${epochs} / ${epochs}`);
  return (await page.locator('.live-run .run-id').textContent())!.trim();
}

async function runRows(): Promise<string[]> {
  await page.getByTestId('nav-runs').click();
  // the table is there at once; its rows once the store's listing is in (aria-busy false), not before
  await page.locator('[data-test="runs-table"][aria-busy="false"]').waitFor();
  return page.locator('[data-run]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.run!));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-'));
  served = await startServe(join(dir, 'workbench.db'));
  browser = await launchChromium();
  page = browser.page;
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(served.url);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('MLP Workbench in the browser', () => {
  it('opens on the Designer with the store and the backend in the top bar', async () => {
    await page.getByTestId('store-path').filter({ hasText: 'workbench.db' }).waitFor();
    await expect.poll(() => page.getByTestId('host-backend').textContent()).not.toContain('probing');
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    expect(page.url()).not.toContain(served.token);
  });

  it('validates inline with the engine schema and blocks training until fixed', async () => {
    await setNumber('lr', -1);
    await expect.poll(() => page.getByTestId('invalid').textContent()).toContain('optimizer.lr');
    expect(await page.getByTestId('train-now').isDisabled()).toBe(true);
    await setNumber('lr', 0.01);
    await page.getByTestId('invalid').waitFor({ state: 'detached' });
  });

  it('designs a spiral with two hidden layers, trains it, and shows curves, boundary and completion', async () => {
    await designSpiral('spiral-a', 0.01);
    await screenshot(page, 'designer');
    const id = await trainAndWait();
    expect(id).toMatch(/^[0-9a-z]{8}$/);
    expect(await page.getByTestId('curve-loss').locator('canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('boundary').locator('canvas').count()).toBeGreaterThan(0);
    await screenshot(page, 'training');
    expect(await runRows()).toEqual([id]);
    const row = page.locator(`[data-run="${id}"]`);
    expect(await row.locator('.status-badge').textContent()).toBe('completed');
    expect(await row.textContent()).toContain('16x12');
  });

  it('trains a second run with another learning rate, and both survive a reload', async () => {
    await designSpiral('spiral-b', 0.03);
    const second = await trainAndWait();
    // the table loads from the store asynchronously: poll until both runs are listed
    await expect.poll(runRows, { timeout: 30_000 }).toHaveLength(2);
    const before = await runRows();
    expect(before).toContain(second);
    await page.reload();
    await expect.poll(async () => (await runRows()).sort(), { timeout: 30_000 }).toEqual([...before].sort());
    const lrs = await page.locator('[data-run] .col-lr').allTextContents();
    expect(lrs.sort()).toEqual(['0.01', '0.03']);
    await page.locator(`[data-run="${second}"]`).click();
    await page.getByTestId('run-detail').locator('canvas').first().waitFor();
    await page.getByTestId('new-tag').fill('lr-sweep');
    await page.getByTestId('new-tag').press('Enter');
    await page.locator('.tag', { hasText: 'lr-sweep' }).waitFor();
    await screenshot(page, 'runs');
  });

  it('exports the open run as a verified ONNX file (browser mode: a download, never a path on the server)', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByTestId('run-detail').getByTestId('download-onnx').click(),
    ]);
    const path = join(dir, 'exports', download.suggestedFilename());
    await download.saveAs(path);
    expect(existsSync(path)).toBe(true);
    await page.locator('.run-detail li', { hasText: `download: ${download.suggestedFilename()}` }).waitFor();
  });

  it('refuses API calls without the token (the page itself is the public bundle and carries none)', async () => {
    const bundle = await fetch(`${served.origin}/`);
    expect(bundle.status).toBe(200);
    expect(await bundle.text()).not.toContain(served.token);
    const api = await fetch(`${served.origin}/api/listRuns`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(api.status).toBe(401);
    const withToken = await fetch(`${served.origin}/api/listRuns`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Workbench-Token': served.token },
      body: '{}',
    });
    expect(((await withToken.json()) as { value: { total: number } }).value.total).toBe(2);
  });

  it('imports a CSV file from the Designer and trains on it', async () => {
    const csv = join(dir, 'quadrants.csv');
    const rows = ['x,y,label'];
    for (let i = 0; i < 160; i++) {
      const x = Math.sin(i * 12.9898) * 0.9;
      const y = Math.cos(i * 78.233) * 0.9;
      rows.push(`${x.toFixed(4)},${y.toFixed(4)},${x * y > 0 ? 'same' : 'opposite'}`);
    }
    writeFileSync(csv, rows.join('\n') + '\n');
    await page.getByTestId('nav-designer').click();
    await page.getByTestId('import-dataset').click();
    await page.getByTestId('import-file').setInputFiles(csv);
    await page.getByTestId('import-target').fill('label');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    // the dialog shows the imported columns until Done
    await page.getByTestId('import-done').click();
    await expect.poll(() => page.getByTestId('dataset').inputValue()).toBe('quadrants');
    await expect.poll(() => page.getByTestId('dataset-preview').textContent()).toContain('160 samples');
    await page.getByTestId('run-name').fill('quadrants-csv');
    await setNumber('epochs', 10);
    const id = await trainAndWait(10);
    expect(await runRows()).toContain(id);
    await screenshot(page, 'imported-dataset');
  });

  it('cancels a run in flight and records it as cancelled', async () => {
    await page.getByTestId('nav-designer').click();
    await page.getByTestId('dataset').selectOption('spiral');
    await setNumber('samples', 3000);
    await setNumber('batch', 4);
    await setNumber('epochs', 2000);
    await page.getByTestId('run-name').fill('to-cancel');
    await page.getByTestId('train-now').click();
    await expect
      .poll(async () => Number((await page.getByTestId('epoch').textContent())?.split('/')[0]), { timeout: 60_000 })
      .toBeGreaterThan(0);
    await page.getByTestId('cancel').click();
    await page.getByTestId('run-status').filter({ hasText: 'cancelled' }).waitFor({ timeout: 60_000 });
    const id = (await page.locator('.live-run .run-id').textContent())!.trim();
    await runRows();
    expect(await page.locator(`[data-run="${id}"] .status-badge`).textContent()).toBe('cancelled');
  });

  it('marks a run failed when the page is reloaded while it trains', async () => {
    await page.getByTestId('nav-designer').click();
    await page.getByTestId('run-name').fill('reloaded');
    await page.getByTestId('train-now').click();
    await expect
      .poll(async () => Number((await page.getByTestId('epoch').textContent())?.split('/')[0]), { timeout: 60_000 })
      .toBeGreaterThan(0);
    const id = (await page.locator('.live-run .run-id').textContent())!.trim();
    await page.reload();
    const status = async () => {
      const res = await fetch(`${served.origin}/api/getRun`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Workbench-Token': served.token },
        body: JSON.stringify({ id }),
      });
      return ((await res.json()) as { value: { status: string; error: string } }).value;
    };
    await expect.poll(async () => (await status()).status).toBe('failed');
    expect((await status()).error).toMatch(/reloaded/);
  });

  it('deletes selected runs after confirmation', async () => {
    const before = await runRows();
    const victim = before[0]!;
    await page.getByLabel(`Select run ${victim}`).check();
    await page.getByTestId('delete-selected').click();
    await page.getByRole('dialog', { name: 'Delete runs' }).getByRole('button', { name: 'Cancel' }).click();
    expect(await runRows()).toEqual(before);
    await page.getByTestId('delete-selected').click();
    await page.getByTestId('confirm').click();
    await expect.poll(runRows).toEqual(before.filter((id) => id !== victim));
  });

  it('trains on WebGPU when asked (SwiftShader here) and says so', async () => {
    await page.getByTestId('nav-designer').click();
    await page.getByTestId('dataset').selectOption('xor');
    await setNumber('samples', 200);
    await setNumber('batch', 32);
    await setNumber('epochs', 3);
    await page.getByTestId('backend').selectOption('webgpu');
    await page.getByTestId('run-name').fill('on-webgpu');
    const id = await trainAndWait(3);
    expect(await page.getByTestId('live-run').textContent()).toContain('WebGPU');
    await runRows();
    await page.locator(`[data-run="${id}"]`).click();
    await expect.poll(() => page.getByTestId('run-detail').textContent()).toContain('WebGPU');
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});

// Renaming a run and tagging a selection in the real UI against `mlpw serve` on a real SQLite file: two xor runs
// trained by the engine worker before the app starts. "Tag selected…" adds one tag to both selected runs; the run
// detail renames a completed run inline (Escape cancels, Enter saves) and the table shows the new name, also after a
// reload. Screenshot: run-rename.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRun, RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';
import { runInWorker } from '../../engine/host/node/engine-client.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
let ids: string[];

const cell = (id: string, key: string) => page.locator(`[data-run="${id}"] .col-${key}`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-rename-'));
  const db = join(dir, 'workbench.db');
  const store = new RunStore(db);
  try {
    for (const seed of [1, 2]) {
      const config = parseConfig({
        dataset: { name: 'xor', samples: 200 },
        model: { layers: [{ units: 4, activation: 'tanh' }] },
        epochs: 3,
        seed,
        backend: 'cpu',
      });
      const id = store.createRun(config);
      await runInWorker(config, recordRun(store, id)).result;
    }
    ids = store.listRuns().map((r) => r.id);
  } finally {
    store.close();
  }
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
  await page.goto(served.url);
  await page.getByTestId('nav-runs').click();
  await page.getByTestId('runs-table').waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('rename a run and tag a selection', () => {
  it('tags every selected run with "Tag selected…"', async () => {
    expect(await page.getByTestId('tag-selected').isDisabled()).toBe(true);
    for (const id of ids) await page.getByLabel(`Select run ${id}`).check();
    await page.getByTestId('tag-selected').click();
    await page.getByTestId('bulk-tag-input').fill('  batch-a  ');
    await page.getByTestId('bulk-tag-input').press('Enter');
    for (const id of ids) await expect.poll(() => cell(id, 'tags').textContent()).toBe('batch-a');
    await expect.poll(() => page.getByTestId('tag-selected').count()).toBe(1);
  });

  it('renames a completed run from its detail; Escape cancels, Enter saves, the table shows the name', async () => {
    const [id] = ids as [string];
    await page.locator(`[data-run="${id}"]`).click();
    await page.getByTestId('run-detail').waitFor();
    expect(await page.getByTestId('run-detail').locator('.status-badge').textContent()).toBe('completed');

    await page.getByTestId('rename-run').click();
    await page.getByTestId('run-name-input').fill('not kept');
    await page.getByTestId('run-name-input').press('Escape');
    expect(await page.getByTestId('run-name-input').count()).toBe(0);
    expect(await cell(id, 'name').textContent()).toBe('');

    await page.getByTestId('rename-run').click();
    await page.getByTestId('run-name-input').fill('  xor tanh baseline ');
    await page.getByTestId('run-name-input').press('Enter');
    await expect.poll(() => page.getByTestId('run-detail-name').textContent()).toBe('xor tanh baseline');
    await expect.poll(() => cell(id, 'name').textContent()).toBe('xor tanh baseline');
    await screenshot(page, 'run-rename');

    await page.reload();
    await page.getByTestId('runs-table').waitFor();
    await expect.poll(() => cell(id, 'name').textContent()).toBe('xor tanh baseline');
    expect(await cell(ids[1]!, 'name').textContent()).toBe('');
  });
});

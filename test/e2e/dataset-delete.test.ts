// Deleting an imported dataset from the Designer (issue 15): a snapshot no run uses goes from the store and from the
// dataset list; one that a run trained on is kept, and the Designer names the run. Real Chromium against the real
// `mlpw serve` over a store the real CLI filled.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;
let runId: string;

function mlpw(...args: string[]): string {
  const r = spawnSync(process.execPath, ['bin/mlpw.mjs', ...args, '--db', db], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

async function datasetOptions(): Promise<string[]> {
  return page
    .getByTestId('dataset')
    .locator('option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-delete-'));
  db = join(dir, 'workbench.db');
  const fixtures = join(import.meta.dirname, '../datasets/fixtures');
  mlpw('import', join(fixtures, 'winequality-red.csv'), '--target', 'quality', '--name', 'wine');
  mlpw('import', join(fixtures, 'iris.data'), '--target', '5', '--name', 'iris-uci');
  const trained = mlpw('train', '--dataset', 'wine', '--layers', '4', '--epochs', '1', '--backend', 'cpu', '--json');
  runId = (JSON.parse(trained) as { runId: string }).runId;
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(served.url);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('deleting an imported dataset in the Designer', () => {
  it('a built-in has no delete; an unused import is deleted after a confirming click', async () => {
    await page.getByTestId('nav-designer').click();
    await expect.poll(datasetOptions).toEqual(expect.arrayContaining(['wine', 'iris-uci']));
    await page.getByTestId('dataset').selectOption('xor');
    expect(await page.getByTestId('dataset-delete').count()).toBe(0);
    await page.getByTestId('dataset').selectOption('iris-uci');
    await page.getByTestId('dataset-delete').click();
    // Keep backs out; nothing is deleted until the second click
    await page.getByTestId('dataset-delete-cancel').click();
    await page.getByTestId('dataset-delete').click();
    await screenshot(page, 'dataset-delete-confirm');
    await page.getByTestId('dataset-delete-confirm').click();
    await expect.poll(datasetOptions).not.toContain('iris-uci');
    await expect.poll(() => page.getByTestId('dataset').inputValue()).toBe('xor');
    const store = new RunStore(db, { readonly: true });
    try {
      expect(store.datasets.list().map((d) => d.name)).toEqual(['wine']);
    } finally {
      store.close();
    }
  });

  it('an import a run trained on is kept, and the run is named', async () => {
    await page.getByTestId('dataset').selectOption('wine');
    await page.getByTestId('dataset-delete').click();
    await page.getByTestId('dataset-delete-confirm').click();
    await expect
      .poll(() => page.getByTestId('dataset-delete-kept').textContent())
      .toMatch(new RegExp(`wine is kept: 1 run trained on it \\(${runId}\\); delete it in Runs first`));
    expect(await datasetOptions()).toContain('wine');
    // the message fits the window: no sideways scroll at 1024×700
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, 'dataset-delete-kept');
    await page.getByTestId('dataset-delete-dismiss').click();
    expect(await page.getByTestId('dataset-delete').count()).toBe(1);
  });
});

// "Repeat with seeds…" on a sweep's page, in the real UI against `mlpw serve` on a real SQLite file: a sweep over
// optimizer.lr (two xor runs, trained by the engine worker before the app starts) repeated with 2 seeds queues 4 runs,
// each grid point's config again with seeds seed+1 and seed+2, trained by the app's queue into the sweep runs'
// experiment; grouping the Runs table by optimizer.lr then shows n = 3 per lr; the open form fits at 1024×700.
// Screenshots: sweep-repeat-seeds, sweep-repeat-seeds-1024x700.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRun, RunStore } from '../../db/index.ts';
import type { RunRecord } from '../../db/types.ts';
import { parseConfig } from '../../engine/config.ts';
import { expandGrid } from '../../engine/experiment/index.ts';
import { runInWorker } from '../../engine/host/node/engine-client.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

// Wide margins for a loaded 2-core box: the four runs train in about 6 s at load 13 (min of this file's runs).
const TRAIN_TIMEOUT = 120_000;
/** A page's answer (a render, a fetch through `mlpw serve`) on a loaded box; expect.poll's own default is 1 s. */
const UI_TIMEOUT = 30_000;
let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;
let sweepId = '';
let swept: RunRecord[] = [];

/** Every run in the file, read by a second (read-only) connection. */
function readRuns(): RunRecord[] {
  const reader = new RunStore(db, { readonly: true });
  try {
    return reader.listRuns();
  } finally {
    reader.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-sweep-repeat-'));
  db = join(dir, 'workbench.db');
  const store = new RunStore(db);
  try {
    const baseConfig = parseConfig({
      name: 'xor-sweep',
      dataset: { name: 'xor', samples: 200 },
      model: { layers: [{ units: 6, activation: 'tanh' }] },
      epochs: 3,
      seed: 11,
      backend: 'cpu',
    });
    const grid = [{ key: 'optimizer.lr', values: [0.1, 0.3] }];
    const points = expandGrid(baseConfig, grid);
    const created = store.createSweep({ baseConfig, grid, parallel: 1, configs: points.map((p) => p.config) });
    sweepId = created.sweepId;
    for (const [i, id] of created.runIds.entries()) {
      store.markRunning(id);
      await runInWorker(points[i]!.config, recordRun(store, id)).result;
    }
    swept = store.listRuns({ sweepId });
  } finally {
    store.close();
  }
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('"Repeat with seeds…" on a sweep', () => {
  it('queues every grid point again with its next N seeds, into the same experiment', async () => {
    expect(swept.map((r) => r.status)).toEqual(['completed', 'completed']);
    await page.goto(served.url);
    await page.getByTestId('store-path').waitFor();
    await page.goto(`${served.origin}/#/sweeps/${sweepId}`);
    await page.getByTestId('sweep-progress').getByText('2 / 2 runs finished').waitFor();
    await page.getByTestId('repeat-runs').click();
    await page.getByTestId('repeat-runs-count').fill('2');
    await expect
      .poll(() => page.getByTestId('repeat-runs-queue').textContent(), { timeout: UI_TIMEOUT })
      .toContain('Queue 4');
    await screenshot(page, 'sweep-repeat-seeds');
    // the open form fits the sweep's header at the smallest window the app supports
    await page.setViewportSize({ width: 1024, height: 700 });
    await screenshot(page, 'sweep-repeat-seeds-1024x700');
    const sideways = await page.evaluate(() =>
      [document.scrollingElement!, document.querySelector('main')!].map((e) => e.scrollWidth - e.clientWidth),
    );
    expect(sideways.every((d) => d <= 1)).toBe(true);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByTestId('repeat-runs-queue').click();
    // the four train in this window's queue, one after another; a run that ends otherwise ends the wait at once,
    // so the assertion below names it (status, error, the page's errors) instead of a bare count after 2 minutes
    const ended = (r: RunRecord) => r.status !== 'queued' && r.status !== 'running';
    await expect
      .poll(
        () => {
          const runs = readRuns();
          return (
            runs.filter((r) => r.status === 'completed').length === 6 ||
            runs.some((r) => ended(r) && r.status !== 'completed')
          );
        },
        { timeout: TRAIN_TIMEOUT },
      )
      .toBe(true);
    expect(
      readRuns()
        .filter((r) => r.status !== 'completed')
        .map((r) => ({ status: r.status, error: r.error, page: browser.errors })),
    ).toEqual([]);
    expect(readRuns().filter((r) => r.status === 'completed').length).toBe(6);
    const repeats = readRuns().filter((r) => r.sweepId === null);
    expect(repeats).toHaveLength(4);
    for (const original of swept) {
      const mine = repeats.filter((r) => r.config.optimizer.lr === original.config.optimizer.lr);
      expect(mine.map((r) => r.config.seed).sort()).toEqual([12, 13]);
      for (const r of mine) {
        expect({ ...r.config, seed: original.config.seed }).toEqual(original.config);
        expect(r.experiment).toBe(original.experiment);
      }
    }
    // the groups over seeds this makes: one per lr, the sweep's run and its two repeats
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('group-by').selectOption('optimizer.lr');
    await expect.poll(() => page.locator('[data-group]').count(), { timeout: UI_TIMEOUT }).toBe(2);
    expect(await page.getByTestId('group-n').allTextContents()).toEqual(['3', '3']);
  }, 300_000);
});

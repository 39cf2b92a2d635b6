// The app with a store of 600 runs × 40 epochs (recorded straight into SQLite, no training): the runs table pages and
// sorts in the store, the last page is reachable, sorting by best validation loss puts the best run first, and a page
// of 50 runs compares in one view. Times are printed for the record, never asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';
import type { EpochMetrics } from '../../engine/types.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const RUNS = 600;
const EPOCHS = 40;

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
let bestId = '';

function seed(path: string): void {
  const store = new RunStore(path);
  let best = Infinity;
  store.db.transaction(() => {
    for (let i = 0; i < RUNS; i++) {
      const lr = 0.0005 * 1.013 ** i;
      const layers = [[16], [32, 32], [64, 64, 64]][i % 3]!.map((units) => ({ units }));
      const id = store.createRun(
        parseConfig({
          name: `scale-${i}`,
          dataset: { name: 'moons' },
          model: { layers },
          optimizer: { lr },
          epochs: EPOCHS,
          backend: 'cpu',
          seed: i,
        }),
      );
      const epochs: EpochMetrics[] = [];
      for (let e = 1; e <= EPOCHS; e++) {
        const loss = 0.04 + 0.6 * Math.exp(-e * lr * 3) + 0.002 * ((i * 7919) % 13) + 0.005 * Math.sin(e + i);
        const m: EpochMetrics = {
          epoch: e,
          trainLoss: loss * 0.9,
          valLoss: loss,
          trainAcc: 1 - loss / 1.5,
          valAcc: 1 - loss / 1.4,
          lr,
          durationMs: 5,
          samplesPerSec: 5e4,
        };
        epochs.push(m);
        store.recordEpoch(id, m);
      }
      const b = epochs.reduce((x, y) => (y.valLoss! < x.valLoss! ? y : x));
      if (b.valLoss! < best) {
        best = b.valLoss!;
        bestId = id;
      }
      store.finishRun(id, {
        status: 'completed',
        epochs: EPOCHS,
        bestEpoch: b.epoch,
        best: b,
        final: epochs.at(-1)!,
        durationMs: 200,
        samplesPerSecond: 5e4,
        stoppedEarly: false,
      });
    }
  })();
  store.close();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-scale-'));
  seed(join(dir, 'workbench.db'));
  served = await startServe(join(dir, 'workbench.db'));
  browser = await launchChromium();
  page = browser.page;
  await page.goto(served.url);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a store of 600 runs in the app', () => {
  it('pages the runs table, reaches the last page and sorts by best validation loss in the store', async () => {
    const t0 = Date.now();
    await page.getByTestId('nav-runs').click();
    await expect.poll(() => page.getByTestId('run-total').textContent()).toBe(String(RUNS));
    await page.locator('[data-test="runs-table"] tbody tr').nth(49).waitFor();
    const firstPageMs = Date.now() - t0;
    expect(await page.locator('[data-test="runs-table"] tbody tr').count()).toBe(50);
    await page.getByText('Page 1 / 12').waitFor();
    for (let i = 0; i < 11; i++) await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 12 / 12').waitFor();
    await page.getByText(`551–600 of ${RUNS}`).waitFor();
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Page 11 / 12').waitFor();
    const t1 = Date.now();
    await page.locator('th', { hasText: 'best val loss' }).click();
    await page.getByText('Page 1 / 12').waitFor();
    await expect
      .poll(() => page.locator('[data-test="runs-table"] tbody tr').first().getAttribute('data-run'))
      .toBe(bestId);
    const sortMs = Date.now() - t1;
    console.log(
      `runs view with ${RUNS} runs: first page ${firstPageMs} ms, sort by best val loss ${sortMs} ms (headless Chromium, 2 shared cores)`,
    );
    await screenshot(page, 'runs-600');
  });

  it('compares a page of 50 runs from the big store', async () => {
    await page.getByLabel('Select all on this page').check();
    const t0 = Date.now();
    await page.getByTestId('compare-selected').click();
    await page.locator('[data-test="compare-chart"][data-series="50"] canvas').first().waitFor();
    console.log(`compare 50 of ${RUNS} runs (${50 * EPOCHS} epochs): ${Date.now() - t0} ms`);
    expect(await page.locator('[data-test="best-last"] tbody tr').count()).toBe(50);
  });
});

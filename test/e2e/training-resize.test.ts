// The Training view follows the window as it shrinks: a run trained at 1920×1080, then the window resized to 1440×900
// and 1024×700, and nothing holds the live panel at its old width (its charts and network redraw to their boxes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const TRAIN_TIMEOUT = 120_000;
let dir: string;
let served: Served;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-resize-'));
  served = await startServe(join(dir, 'workbench.db'));
  browser = await launchChromium();
  page = browser.page;
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(served.url);
  await page.getByTestId('nav-designer').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What scrolls sideways, or spills out of the live panel, at the current size. */
const overflow = () =>
  page.evaluate(() => {
    const out: string[] = [];
    const doc = document.scrollingElement!;
    if (doc.scrollWidth > doc.clientWidth + 1)
      out.push(`the page scrolls sideways (${doc.scrollWidth} > ${doc.clientWidth})`);
    const main = document.querySelector('main')!;
    if (main.scrollWidth > main.clientWidth + 1)
      out.push(`main scrolls sideways (${main.scrollWidth} > ${main.clientWidth})`);
    const panel = document.querySelector('[data-test="live-run"]')!.getBoundingClientRect();
    if (panel.right > doc.clientWidth + 1) out.push(`the live panel ends at ${Math.round(panel.right)} px`);
    return out;
  });

describe('the Training view after the window shrinks', () => {
  for (const dataset of ['spiral', 'sine']) {
    it(`has no horizontal overflow at 1024×700 after a ${dataset} run shown at 1920×1080`, async () => {
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.getByTestId('nav-designer').click();
      await page.getByTestId('dataset').selectOption(dataset);
      await page.getByTestId('epochs').fill('5');
      await page.getByTestId('backend').selectOption('cpu');
      await page.getByTestId('train-now').click();
      await page
        .getByTestId('run-status')
        .filter({ hasText: /completed|failed|diverged|cancelled/ })
        .waitFor({ timeout: TRAIN_TIMEOUT });
      await page.getByTestId('live-network').locator('svg').first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(400); // ECharts redraws on the next frame after a resize
      await screenshot(page, `training-resize-${dataset}-1920x1080`);
      const problems: string[] = [];
      for (const [width, height] of [
        [1440, 900],
        [1024, 700],
      ] as const) {
        await page.setViewportSize({ width, height });
        await page.waitForTimeout(600);
        problems.push(...(await overflow()).map((p) => `${width}×${height}: ${p}`));
      }
      await screenshot(page, `training-resize-${dataset}-1024x700`);
      expect(problems).toEqual([]);
    });
  }
});

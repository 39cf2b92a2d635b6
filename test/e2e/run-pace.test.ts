// The pace is chosen before the first run: the Training view's empty panel offers the speed and "start paused", and
// the first run takes both (it waits before its first minibatch at the chosen speed, then plays to the end).
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
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-pace-'));
  served = await startServe(join(dir, 'workbench.db'));
  browser = await launchChromium();
  page = browser.page;
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(served.url);
  await page.getByTestId('nav-designer').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the pace before the first run', () => {
  it('offers the speed and "start paused" with no run yet, and the first run starts paused at that speed', async () => {
    await page.getByTestId('nav-training').click();
    await page.getByTestId('run-pace').waitFor();
    expect(await page.getByTestId('live-run').count()).toBe(0);
    await page.getByTestId('speed').selectOption('3');
    await page.getByTestId('start-paused').check();
    await screenshot(page, 'run-pace-empty-1024x700');

    await page.getByTestId('nav-designer').click();
    await page.getByTestId('dataset').selectOption('spiral');
    await page.getByTestId('epochs').fill('4');
    await page.getByTestId('backend').selectOption('cpu');
    await page.getByTestId('train-now').click();
    await page.getByTestId('run-status').filter({ hasText: 'running' }).waitFor({ timeout: TRAIN_TIMEOUT });
    const at = page.getByTestId('paused-at');
    await expect.poll(() => at.getAttribute('data-epoch'), { timeout: 30_000 }).toBe('0');
    expect(await at.getAttribute('data-batch')).toBe('0');
    expect(await page.getByTestId('speed').inputValue()).toBe('3');
    expect(await page.getByTestId('start-paused').isChecked()).toBe(true);

    await page.getByTestId('speed').selectOption('null');
    await page.getByTestId('play').click();
    await page
      .getByTestId('run-status')
      .filter({ hasText: /completed|failed|diverged|cancelled/ })
      .waitFor({ timeout: TRAIN_TIMEOUT });
    expect(await page.getByTestId('run-status').textContent()).toBe('completed');
    expect(await page.getByTestId('epoch').textContent()).toBe('4 / 4');
  });

  it('a paused 1-D regression shows that step’s weights in "Data and fit" and in the unit curves', async () => {
    await page.getByTestId('nav-training').click();
    await page.getByTestId('start-paused').check();
    await page.getByTestId('nav-designer').click();
    await page.getByTestId('dataset').selectOption('sine');
    await page.getByTestId('epochs').fill('4');
    await page.getByTestId('backend').selectOption('cpu');
    await page.getByTestId('train-now').click();
    await page.getByTestId('run-status').filter({ hasText: 'running' }).waitFor({ timeout: TRAIN_TIMEOUT });
    const at = page.getByTestId('paused-at');
    await expect.poll(() => at.getAttribute('data-batch'), { timeout: 30_000 }).toBe('0');
    const fitBox = page.getByTestId('boundary');
    const unitFit = page.getByTestId('live-network').getByTestId('fit-curve');
    // Before any epoch there is no checkpoint: the fit drawn is the paused step's.
    await expect.poll(() => fitBox.getAttribute('data-fit-epoch'), { timeout: 30_000 }).toBe('0');
    expect(await fitBox.getAttribute('data-fit-points')).toBe('200');
    const before = await unitFit.getAttribute('d');

    await page.getByTestId('step-batch').click();
    await expect.poll(() => at.getAttribute('data-batch'), { timeout: 30_000 }).toBe('1');
    await expect.poll(() => fitBox.getAttribute('data-fit-batch'), { timeout: 30_000 }).toBe('1');
    await expect.poll(() => page.getByTestId('live-network').getAttribute('data-batch'), { timeout: 30_000 }).toBe('1');
    await expect.poll(() => unitFit.getAttribute('d'), { timeout: 30_000 }).not.toBe(before);
    await screenshot(page, 'run-pace-sine-paused-1024x700');

    await page.getByTestId('play').click();
    await page
      .getByTestId('run-status')
      .filter({ hasText: /completed|failed|diverged|cancelled/ })
      .waitFor({ timeout: TRAIN_TIMEOUT });
    expect(await page.getByTestId('run-status').textContent()).toBe('completed');
  });
});

// Issue 15: the run detail shows the held-out test set's score (accuracy, loss, rows, the checkpoint it was scored
// on) for a run trained with --test-split, and nothing of it for one without; no raw test-metrics artifact is listed.
// In the real UI against `mlpw serve`, at 1024×700 and 1280×800 with nothing overflowing the facts list.
// Screenshots: run-detail-test-set-1024, run-detail-test-set-1280.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { cli } from '../cli/helpers.ts';
import { startServe, type Served } from './serve-process.ts';
import type { TestMetrics } from '../../engine/types.ts';

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
let withTest: { runId: string; test: TestMetrics };
let withoutTest = '';

async function openRunDetail(id: string): Promise<void> {
  await page.getByTestId('nav-runs').click();
  await page.locator(`[data-run="${id}"]`).waitFor({ timeout: 30_000 });
  await page.locator(`[data-run="${id}"]`).click();
  await page.getByTestId('run-detail').locator('.run-id', { hasText: id }).waitFor();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-test-set-'));
  const db = join(dir, 'workbench.db');
  const train = ['train', '--dataset', 'iris', '--epochs', '10', '--backend', 'cpu', '--json'];
  const a = await cli([...train, '--test-split', '0.2', '--name', 'held out'], { db });
  if (a.code !== 0) throw new Error(a.stderr);
  withTest = JSON.parse(a.stdout);
  const b = await cli(train, { db });
  if (b.code !== 0) throw new Error(b.stderr);
  withoutTest = (JSON.parse(b.stdout) as { runId: string }).runId;
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
  await page.goto(served.url);
  await page.getByTestId('nav-runs').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the run detail’s test set', () => {
  it('shows accuracy, loss, rows and the checkpoint of a run with a test split, and fits', async () => {
    for (const [width, height] of [
      [1024, 700],
      [1280, 800],
    ] as const) {
      await page.setViewportSize({ width, height });
      await openRunDetail(withTest.runId);
      const cell = page.getByTestId('run-test');
      const text = (await cell.textContent())!.replace(/\s+/g, ' ').trim();
      const t = withTest.test;
      expect(text).toContain(`acc ${(t.acc! * 100).toFixed(1)}`);
      expect(text).toContain(`(30 rows, best @ ${t.epoch})`);
      const overflow = await page.evaluate(() => {
        const dl = document.querySelector('[data-test="run-detail"] dl.facts')!;
        const box = dl.getBoundingClientRect();
        return [...dl.querySelectorAll('dd')].some((dd) => dd.getBoundingClientRect().right > box.right + 1);
      });
      expect(overflow).toBe(false);
      expect(await page.getByTestId('run-detail').textContent()).not.toContain('test-metrics');
      await screenshot(page, `run-detail-test-set-${width}`);
    }
  });

  it('shows no test set for a run without one', async () => {
    await openRunDetail(withoutTest);
    expect(await page.getByTestId('run-test').count()).toBe(0);
  });
});

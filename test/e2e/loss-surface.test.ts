// Issue 16's loss surface in the real UI against `mlpw serve`: a spiral run trained by the CLI opens in Insight with
// its Loss surface panel empty; Compute shows progress, then the line from the initial to the final weights and the
// filter-normalised plane with the trajectory, stored as an artifact whose centre is the run's final validation loss;
// the plane through the trajectory holds the initial weights; a reload shows a stored surface at once; a second
// compute can be cancelled and stores nothing. Screenshots: loss-surface (1280×800), loss-surface-1024 (1024×700),
// loss-surface-dark, loss-surface-trajectory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { cli } from '../cli/helpers.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const COMPUTE_TIMEOUT = 90_000;
let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;
let runId = '';

const surfaces = () => {
  const store = new RunStore(db, { readonly: true });
  try {
    return { run: store.getRun(runId), artifacts: store.listArtifacts(runId).filter((a) => a.kind === 'loss-surface') };
  } finally {
    store.close();
  }
};

async function openInsight(): Promise<void> {
  await page.goto(`${served.url.split('#')[0]}#/insight/${runId}`);
  await page.getByTestId('insight-view').locator('.num', { hasText: runId }).waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-surface-'));
  db = join(dir, 'workbench.db');
  const r = await cli(
    [
      'train',
      '--dataset',
      'spiral',
      '--classes',
      '3',
      '--layers',
      '16,16',
      '--epochs',
      '60',
      '--backend',
      'cpu',
    ].concat(['--json']),
    { db },
  );
  if (r.code !== 0) throw new Error(`mlpw train: ${r.stderr}`);
  runId = (JSON.parse(r.stdout) as { runId: string }).runId;
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
  await page.goto(served.url);
  await page.getByTestId('nav-designer').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('loss surface panel', () => {
  it(
    'computes on a spiral run with progress, draws both views and stores the surface',
    { timeout: 180_000 },
    async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await openInsight();
      const panel = page.getByTestId('loss-surface');
      await panel.scrollIntoViewIfNeeded();
      await expect.poll(() => panel.getAttribute('data-state')).toBe('empty');
      await page.getByTestId('surface-compute').click();
      await expect.poll(() => panel.getAttribute('data-state'), { timeout: COMPUTE_TIMEOUT }).toBe('done');
      await page.getByTestId('surface-plane').locator('canvas').first().waitFor();
      const { run, artifacts } = surfaces();
      expect(artifacts).toHaveLength(1);
      const s = artifacts[0]!.details as {
        origin: { val: number };
        options: { grid: number };
        line: { distance: number };
      };
      expect(s.options.grid).toBe(41);
      expect(s.origin.val).toBeCloseTo(run.finalValLoss!, 5);
      expect(Number(await page.getByTestId('surface-distance').textContent())).toBeCloseTo(s.line.distance, 2);
      await expect.poll(() => page.getByTestId('surface-facts').textContent()).toContain('filter-normalised');
      // nothing wider than the panel at any of the three window sizes
      for (const [width, height] of [
        [1280, 800],
        [1024, 700],
        [1920, 1080],
      ] as const) {
        await page.setViewportSize({ width, height });
        await page.waitForTimeout(300);
        const overflow = await panel.evaluate((el) => el.scrollWidth - el.clientWidth);
        expect(overflow, `${width}×${height}`).toBeLessThanOrEqual(0);
      }
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.waitForTimeout(300);
      await panel.scrollIntoViewIfNeeded();
      await screenshot(page, 'loss-surface');
      await page.setViewportSize({ width: 1024, height: 700 });
      await page.waitForTimeout(300);
      await panel.scrollIntoViewIfNeeded();
      await screenshot(page, 'loss-surface-1024');
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.getByTestId('theme-toggle').click();
      await page.waitForTimeout(300);
      await panel.scrollIntoViewIfNeeded();
      await screenshot(page, 'loss-surface-dark');
      await page.getByTestId('theme-toggle').click();
      // the plane through the trajectory: the initial weights lie in it, on its left
      await page.getByTestId('surface-plane-kind').selectOption('trajectory');
      await expect.poll(() => panel.getAttribute('data-state')).toBe('empty');
      await page.getByTestId('surface-compute').click();
      await expect.poll(() => panel.getAttribute('data-state'), { timeout: COMPUTE_TIMEOUT }).toBe('done');
      await expect.poll(() => page.getByTestId('surface-facts').textContent()).toContain('principal directions');
      await page.waitForTimeout(300);
      await panel.scrollIntoViewIfNeeded();
      await screenshot(page, 'loss-surface-trajectory');
      await page.getByTestId('surface-plane-kind').selectOption('random');
    },
  );

  it(
    'opens the stored surface at once after a reload, and a cancelled compute stores nothing',
    { timeout: 120_000 },
    async () => {
      await page.reload();
      await openInsight();
      const panel = page.getByTestId('loss-surface');
      await expect.poll(() => panel.getAttribute('data-state')).toBe('done');
      await page.getByTestId('surface-grid').selectOption('61');
      await expect.poll(() => panel.getAttribute('data-state')).toBe('empty');
      await page.getByTestId('surface-compute').click();
      await page.getByTestId('surface-cancel').click();
      await expect
        .poll(() => panel.textContent(), { timeout: COMPUTE_TIMEOUT })
        .toContain('cancelled: nothing was stored');
      expect(surfaces().artifacts).toHaveLength(2);
    },
  );
});

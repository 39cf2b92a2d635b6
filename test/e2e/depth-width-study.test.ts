// Issue 18's "depth vs width at an equal parameter budget" in the app, in Debian's Chromium against `mlpw serve` on
// a temporary database: the Designer's study form shows, before anything trains, each depth's width and parameter
// count as equalBudgetWidths computes them for xor (2 inputs, 2 outputs); a small study (depths 1-2, 2 seeds,
// 2 epochs) trains in the window's queue as one grid sweep over model.layers × seed, and the sweep page's chart
// plots per depth the mean and sample std of the best val loss (and acc) that the test computes from the stored
// runs and epochs. Screenshots (1280×800) of the form and the chart; both fit 1024×700.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import type { RunRecord } from '../../db/types.ts';
import type { EpochMetrics } from '../../engine/types.ts';
import { equalBudgetWidths } from '../../engine/experiment/equal-budget.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const STUDY_TIMEOUT = 180_000;
const BUDGET = 2000;

let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;

function readSweep(sweepId: string): { run: RunRecord; epochs: EpochMetrics[] }[] {
  const reader = new RunStore(db, { readonly: true });
  try {
    return reader.listRuns({ sweepId }).map((run) => ({ run, epochs: reader.getEpochs(run.id) }));
  } finally {
    reader.close();
  }
}

/** Nothing wider than its card, no sideways scroll (as first-use.test.ts checks every view). */
async function overflows(): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const doc = document.scrollingElement!;
    if (doc.scrollWidth > doc.clientWidth + 1) out.push(`page scrolls sideways (${doc.scrollWidth})`);
    const main = document.querySelector('main')!;
    if (main.scrollWidth > main.clientWidth + 1) out.push(`main scrolls sideways (${main.scrollWidth})`);
    for (const panel of document.querySelectorAll<HTMLElement>('main .panel')) {
      if (panel.offsetParent === null) continue;
      const box = panel.getBoundingClientRect();
      for (const el of panel.querySelectorAll<HTMLElement>('table, canvas, .chart, input, select, button')) {
        if (el.closest('.scroll-x') && panel.contains(el.closest('.scroll-x'))) continue;
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > box.right + 1)
          out.push(`${el.tagName} in "${panel.querySelector('h2')?.textContent?.trim()}" by ${r.right - box.right}`);
      }
    }
    return out;
  });
}

async function fits(name: string): Promise<void> {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.waitForTimeout(400); // ECharts redraws on the next frame after a resize
  await screenshot(page, `${name}-1024x700`);
  const found = await overflows();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForTimeout(400);
  expect(found).toEqual([]);
}

/** Mean and sample std written out independently of insight/. */
function meanStd(xs: number[]): { mean: number; std: number | null } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean, std: null };
  return { mean, std: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-depth-width-'));
  db = join(dir, 'workbench.db');
  // A renderer build of its own: the shared dist/renderer is rebuilt by any other e2e run that starts meanwhile
  // (see sweep-search.test.ts), and a run in flight then loses its worker chunk.
  const renderer = join(dir, 'renderer');
  await build({ configFile: 'renderer/vite.config.ts', logLevel: 'warn', build: { outDir: renderer } });
  process.env.MLPW_RENDERER_DIR = renderer;
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(served.url);
  await page.getByTestId('store-path').waitFor();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  delete process.env.MLPW_RENDERER_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('depth vs width at an equal parameter budget, in the app', () => {
  it(
    'shows every depth’s width and parameter count first, then trains the study and plots mean ± std per depth',
    async () => {
      await page.getByTestId('nav-designer').click();
      await page.getByTestId('dataset').selectOption('xor');
      await page.getByTestId('samples').fill('200');
      await page.getByTestId('epochs').fill('2');
      await page.getByTestId('batch').fill('16');
      await page.getByTestId('backend').selectOption('cpu');
      await page.getByTestId('depth-width-open').click();
      await page.getByTestId('study-budget').fill(String(BUDGET));
      await page.getByTestId('study-depth-from').fill('1');
      await page.getByTestId('study-depth-to').fill('5');
      await page.getByTestId('study-seeds').fill('2');
      // xor: 2 inputs, 2 classes (softmax head) → 2 outputs
      const all = equalBudgetWidths(2, 2, BUDGET, [1, 2, 3, 4, 5]);
      const plan = page.getByTestId('study-plan');
      await expect.poll(() => plan.locator('tbody tr').count()).toBe(5);
      expect(await plan.getByTestId('study-params').allTextContents()).toEqual(
        all.map((v) => v.params.toLocaleString('en-US')),
      );
      expect(await plan.getByTestId('study-layers').allTextContents()).toEqual(
        all.map((v) => Array(v.depth).fill(v.width).join('x')),
      );
      for (const v of all) expect(Math.abs(v.deviation)).toBeLessThanOrEqual(0.05);
      await expect.poll(() => page.getByTestId('study-start').textContent()).toContain('Queue 10 runs');
      await page.getByTestId('depth-width-form').scrollIntoViewIfNeeded();
      await screenshot(page, 'depth-width-form-1280x800');
      await fits('depth-width-form');
      // A budget no width meets at some depth is named before anything is queued.
      await page.getByTestId('study-budget').fill('20');
      await expect.poll(() => page.getByTestId('study-problem').textContent()).toMatch(/^depth \d+: the nearest width/);
      await expect.poll(() => page.getByTestId('study-start').isDisabled()).toBe(true);
      await page.getByTestId('study-budget').fill(String(BUDGET));

      // The small study that trains: depths 1-2, seeds 1 and 2.
      await page.getByTestId('study-depth-to').fill('2');
      await expect.poll(() => page.getByTestId('study-start').textContent()).toContain('Queue 4 runs');
      await page.getByTestId('study-start').click();
      await page.getByTestId('sweeps-view').waitFor();
      await page
        .getByTestId('sweep-progress')
        .filter({ hasText: '4 / 4 runs finished' })
        .waitFor({ timeout: STUDY_TIMEOUT });
      const sweepId = page.url().split('/').pop()!;
      const stored = readSweep(sweepId);
      expect(stored.map((s) => s.run.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      const expectedLayers = all.slice(0, 2).map((v) => Array(v.depth).fill(v.width).join('x'));
      expect(stored.map((s) => [s.run.layers, s.run.config.seed]).sort()).toEqual(
        [
          [expectedLayers[0], 1],
          [expectedLayers[0], 2],
          [expectedLayers[1], 1],
          [expectedLayers[1], 2],
        ].sort(),
      );
      // The widths the form counted are the network's that trained.
      for (const s of stored) expect([s.run.dataInfo?.features, s.run.dataInfo?.outputs]).toEqual([2, 2]);

      // The chart's points: per depth, mean ± std over seeds of the metric at each run's best epoch.
      const expected = (field: 'valLoss' | 'valAcc') =>
        [1, 2].map((depth) => {
          const values = stored
            .filter((s) => s.run.config.model.layers.length === depth)
            .map((s) => s.epochs.find((e) => e.epoch === s.run.bestEpoch)![field]!);
          return { depth, layers: expectedLayers[depth - 1], n: values.length, ...meanStd(values) };
        });
      const chart = page.getByTestId('study-chart');
      const drawn = async () =>
        JSON.parse((await chart.getAttribute('data-series')) ?? '[]') as {
          depth: number;
          layers: string;
          n: number;
          mean: number;
          std: number | null;
        }[];
      await expect.poll(async () => (await drawn()).length).toBe(2);
      const check = async (field: 'valLoss' | 'valAcc') => {
        const got = await drawn();
        const want = expected(field);
        expect(got.map((p) => [p.depth, p.layers, p.n])).toEqual(want.map((p) => [p.depth, p.layers, p.n]));
        got.forEach((p, i) => {
          expect(p.mean).toBeCloseTo(want[i]!.mean, 10);
          expect(p.std).toBeCloseTo(want[i]!.std!, 10);
        });
      };
      await check('valLoss');
      expect(await chart.getByTestId('study-n').allTextContents()).toEqual(['2', '2']);
      await chart.locator('canvas').first().waitFor();
      await chart.scrollIntoViewIfNeeded();
      await screenshot(page, 'depth-width-chart-1280x800');
      await fits('depth-width-chart');
      await page.getByTestId('study-metric').selectOption('val_acc');
      await expect.poll(async () => (await drawn())[0]?.mean).toBeCloseTo(expected('valAcc')[0]!.mean, 10);
      await check('valAcc');
    },
    STUDY_TIMEOUT + 60_000,
  );
});

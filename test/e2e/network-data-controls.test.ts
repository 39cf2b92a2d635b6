// Issue 16's Playground data controls and the 1-D network view in the real UI against `mlpw serve`: the Designer's
// "Regenerate data", noise and train/validation sliders and feature transforms edit the design (the preview still
// draws the x1, x2 plane), a circles run on x₁², x₂² trains in the page with a thumbnail per input, and a sine run
// draws its fit and one thin w·h(x) curve per hidden unit while it trains and in Insight. Screenshots at 1024×700
// and 1920×1080: designer-data-controls, network-transforms, network-sine, network-sine-insight.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const TRAIN_TIMEOUT = 120_000;
let dir: string;
let served: Served;
let browser: Browser;
let page: Page;

/** Screenshots of `target` at the two sizes the issue names, then back to the harness's viewport. */
async function atSizes(name: string, target: Locator): Promise<void> {
  for (const [w, h] of [
    [1024, 700],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(400); // the view re-lays out to its new width
    await target.scrollIntoViewIfNeeded();
    await screenshot(page, `${name}-${w}x${h}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

async function designLayers(units: number[], activation: string): Promise<void> {
  const layers = page.locator('.layer-row');
  while ((await layers.count()) > 0) await layers.first().getByTestId('remove').click();
  for (let i = 0; i < units.length; i++) {
    await page.getByTestId('add-layer').click();
    await page.getByLabel(`layer ${i + 1} units`).fill(String(units[i]));
    await page.getByLabel(`layer ${i + 1} activation`).selectOption(activation);
  }
}

async function trainToEnd(): Promise<string> {
  await page.getByTestId('backend').selectOption('cpu');
  await page.getByTestId('train-now').click();
  await page
    .getByTestId('run-status')
    .filter({ hasText: /completed|failed|diverged|cancelled/ })
    .waitFor({ timeout: TRAIN_TIMEOUT });
  expect(await page.getByTestId('run-status').textContent()).toBe('completed');
  return (await page.locator('[data-test="live-run"] .run-id').textContent())!.trim();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-data-controls-'));
  served = await startServe(join(dir, 'workbench.db'));
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

describe('Playground data controls and the 1-D network view', () => {
  it('regenerates the data, slides noise and the split, and adds feature transforms to a 2-D set', async () => {
    await page.getByTestId('nav-designer').click();
    await page.getByTestId('dataset').selectOption('circles');
    await page.getByTestId('samples').fill('400');
    const seed = Number(await page.getByTestId('data-seed').inputValue());
    await page.getByTestId('regenerate').click();
    expect(Number(await page.getByTestId('data-seed').inputValue())).toBe(seed + 1);
    await page.getByTestId('noise-slider').fill('0.12');
    expect(Number(await page.getByTestId('noise').inputValue())).toBe(0.12);
    await page.getByTestId('split-slider').fill('0.3');
    expect(await page.getByTestId('split-ratio').textContent()).toBe('70% / 30%');
    expect(Number(await page.getByLabel('Validation split', { exact: true }).inputValue())).toBe(0.3);
    await page.getByTestId('transform-x1^2').check();
    await page.getByTestId('transform-x2^2').check();
    // The preview still draws the x1, x2 plane; the design's inputs are 2 + 2.
    await page.getByTestId('points-chart').waitFor();
    expect(await page.getByTestId('preview-summary').textContent()).toContain('4 features');
    await atSizes('designer-data-controls', page.getByTestId('transforms'));
    // A set without two raw features offers no transforms (and keeps none).
    await page.getByTestId('dataset').selectOption('iris');
    expect(await page.getByTestId('transforms').count()).toBe(0);
    await page.getByTestId('dataset').selectOption('circles');
    expect(await page.getByTestId('transform-x1^2').isChecked()).toBe(false);
  });

  it('trains circles on x₁², x₂² with a thumbnail per input, the transforms labelled', async () => {
    await page.getByTestId('transform-x1^2').check();
    await page.getByTestId('transform-x2^2').check();
    await designLayers([4], 'tanh');
    await page.getByTestId('epochs').fill('60');
    const id = await trainToEnd();
    const live = page.getByTestId('live-network');
    await expect.poll(() => live.getAttribute('data-epoch'), { timeout: 10_000 }).toBe('60');
    const outputs = Number(await live.getByTestId('net-column-2').getAttribute('data-size'));
    expect(await live.getByTestId('net-column-0').getAttribute('data-size')).toBe('4');
    expect(await live.locator('[data-test="net-thumbnail"]').count()).toBe(4 + 4 + outputs);
    expect(await live.getByTestId('net-column-0').textContent()).toContain('x₁²');
    // The live decision boundary is drawn over the x1, x2 plane: the plot's middle is tinted by class, not blank.
    const chart = page.getByTestId('boundary').locator('canvas').first();
    await chart.waitFor();
    await expect
      .poll(
        () =>
          chart.evaluate((c) => {
            const canvas = c as HTMLCanvasElement;
            const [w, h] = [canvas.width, canvas.height];
            const px = canvas.getContext('2d')!.getImageData(w / 4, h / 4, w / 2, h / 2).data;
            let tinted = 0;
            for (let i = 0; i < px.length; i += 4) if (px[i]! < 245 || px[i + 2]! < 245) tinted++;
            return tinted / (px.length / 4);
          }),
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0.6);
    await atSizes('network-transforms', live);

    // Insight: the boundary over the plane, and the network's thumbnails there too.
    await page.getByTestId('nav-runs').click();
    await page.locator(`[data-run="${id}"]`).click();
    await page.getByTestId('open-insight').click();
    await page.locator('[data-test="decision-boundary"] canvas').first().waitFor({ timeout: 30_000 });
    const view = page.getByTestId('insight-network');
    await view.locator('[data-test="net-thumbnail"]').first().waitFor({ timeout: 30_000 });
    expect(await view.locator('[data-test="net-thumbnail"]').count()).toBe(4 + 4 + outputs);
    await atSizes('insight-transforms', page.getByTestId('decision-boundary'));
  });

  it('draws a sine net’s fit and one w·h(x) curve per hidden unit, live and in Insight', async () => {
    await page.getByTestId('nav-designer').click();
    await page.getByTestId('dataset').selectOption('sine');
    await page.getByTestId('samples').fill('300');
    await designLayers([10], 'tanh');
    await page.getByTestId('epochs').fill('150');
    await page.getByTestId('lr').fill('0.02');
    const id = await trainToEnd();
    const live = page.getByTestId('live-network');
    await expect.poll(() => live.getAttribute('data-epoch'), { timeout: 10_000 }).toBe('150');
    const curves = live.getByTestId('unit-curves');
    await curves.waitFor();
    expect(await curves.locator('[data-test="unit-curve"]').count()).toBe(10);
    expect(await curves.textContent()).toContain("last hidden layer's 10 units");
    // The fit is drawn across the plot: its path spans most of the plot's width.
    const fit = (await curves.getByTestId('fit-curve').boundingBox())!;
    const plot = (await curves.locator('svg').boundingBox())!;
    expect(fit.width).toBeGreaterThan(0.8 * plot.width);
    await atSizes('network-sine', live);

    await page.getByTestId('nav-runs').click();
    await page.locator(`[data-run="${id}"]`).click();
    await page.getByTestId('open-insight').click();
    const view = page.getByTestId('insight-network');
    await view.getByTestId('unit-curves').waitFor({ timeout: 30_000 });
    expect(await view.locator('[data-test="unit-curve"]').count()).toBe(10);
    await atSizes('network-sine-insight', view);
  });
});

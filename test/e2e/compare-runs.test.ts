// Issue 17, Compare: three runs picked in the runs table (no sweep) compared in headless Chromium against
// `mlpw serve`: the parallel-coordinates chart has an axis for the key that varies and one for the metric, its legend
// and the curves' legend say `activation=…` (as drawn on the canvas, not ids), the config table shows a column per
// run and keeps its key column pinned while it scrolls; a sweep's "Compare this sweep" opens its runs. Screenshots
// at 1024×700 and 1920×1080 in test-artifacts/screenshots/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const ACTIVATIONS = ['sigmoid', 'relu', 'tanh'];

let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;
const ids: string[] = [];
let decoy: string;
let sweepId: string;

// Tiny for two shared cores: moons, 200 samples, 5 epochs on the JavaScript kernels; only the activation differs.
async function train(name: string, ...flags: string[]): Promise<string> {
  const r = await cli(
    [
      'train',
      '--backend',
      'cpu',
      '--dataset',
      'moons',
      '--samples',
      '200',
      '--epochs',
      '5',
      '--name',
      name,
      '--json',
      ...flags,
    ],
    { db },
  );
  if (r.code !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { runId: string }).runId;
}

// Runs in the page before the app: each canvas keeps the texts drawn on it since its last whole-canvas clear.
function recordCanvasText(): void {
  const proto = CanvasRenderingContext2D.prototype;
  const texts = (c: HTMLCanvasElement): string[] => ((c as unknown as { __texts: string[] }).__texts ??= []);
  const clearRect = proto.clearRect;
  proto.clearRect = function (x, y, w, h) {
    const t = this.getTransform();
    if (x * t.a + t.e <= 0 && y * t.d + t.f <= 0 && w * t.a >= this.canvas.width && h * t.d >= this.canvas.height)
      texts(this.canvas).length = 0;
    return clearRect.call(this, x, y, w, h);
  };
  const fillText = proto.fillText;
  proto.fillText = function (text, x, y, maxWidth) {
    if (String(text).trim()) texts(this.canvas).push(String(text));
    return fillText.call(this, text, x, y, maxWidth);
  };
}

const canvasTexts = (testId: string) =>
  page
    .locator(`[data-test="${testId}"] canvas`)
    .first()
    .evaluate((c) => (c as unknown as { __texts?: string[] }).__texts ?? []);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-compare-'));
  db = join(dir, 'workbench.db');
  for (const a of ACTIVATIONS) ids.push(await train(`act-${a}`, '--activation', a));
  decoy = await train('decoy', '--lr', '0.3');
  const sweep = await cli(
    [
      'sweep',
      '--backend',
      'cpu',
      '--dataset',
      'xor',
      '--samples',
      '200',
      '--epochs',
      '3',
      '--grid',
      'optimizer.lr=0.1,0.01',
      '--json',
    ],
    { db },
  );
  if (sweep.code !== 0) throw new Error(sweep.stderr);
  sweepId = (JSON.parse(sweep.stdout) as { sweepId: string }).sweepId;
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
  await page.addInitScript(recordCanvasText);
  page.on('response', async (r) => {});
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('compare any runs', () => {
  it('three runs from the runs table: parallel axes, legends by what varies, every run in the config table', async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.goto(served.url);
    await page.getByTestId('nav-runs').click();
    for (const id of ids) await page.getByLabel(`Select run ${id}`).check();
    await page.getByTestId('compare-selected').click();
    await page.locator('[data-test="compare-chart"][data-series="3"] canvas').first().waitFor();
    // train and validation of each run together: six curves, the key names both line styles
    await expect.poll(() => page.getByTestId('compare-chart').getAttribute('data-lines')).toBe('6');
    expect(await page.getByTestId('line-key').locator('span').allTextContents()).toEqual(['train', 'validation']);
    const labels = ACTIVATIONS.map((a) => `activation=${a}`);
    await expect.poll(() => canvasTexts('compare-chart'), { timeout: 20_000 }).toEqual(expect.arrayContaining(labels));

    const parallel = page.getByTestId('parallel-chart');
    await parallel.locator('canvas').first().waitFor();
    expect(await parallel.getAttribute('data-lines')).toBe('3');
    expect(await parallel.getAttribute('data-axes')).toBe('model.layers.activation|best val loss');
    await expect
      .poll(() => canvasTexts('parallel-chart'), { timeout: 20_000 })
      .toEqual(expect.arrayContaining(['model.layers.activation', 'best val loss', ...labels, ...ACTIVATIONS]));
    const drawn = await canvasTexts('parallel-chart');
    expect(drawn.some((t) => t.includes(decoy) || ids.some((id) => t.includes(id)))).toBe(false);

    // the metric picker offers every stored metric; another metric renames the axis
    const metrics = await page.getByTestId('parallel-metric').locator('option').allTextContents();
    expect(metrics).toEqual(
      expect.arrayContaining(['train loss', 'val loss', 'train accuracy', 'val accuracy', 'learning rate']),
    );
    await page.getByTestId('parallel-metric').selectOption({ label: 'val accuracy' });
    await page.getByTestId('parallel-at').selectOption('last');
    await expect.poll(() => parallel.getAttribute('data-axes')).toBe('model.layers.activation|last val accuracy');
    await page.getByTestId('scatter-chart').locator('canvas').first().waitFor();
    expect(await page.getByTestId('scatter-chart').getAttribute('data-points')).toBe('3');

    // every compared run has its column, headed by its label, in order
    const table = page.getByTestId('config-diff');
    await expect
      .poll(() =>
        table.locator('thead th[data-run]').evaluateAll((th) => th.map((t) => (t as HTMLElement).dataset.run)),
      )
      .toEqual(ids);
    expect((await table.locator('thead th[data-run]').allTextContents()).map((t) => t.trim())).toEqual(labels);
    const activation = table.locator('tr[data-key="model.layers.activation"] td');
    expect(await activation.allTextContents()).toEqual(['model.layers.activation', ...ACTIVATIONS]);

    // x axis by optimizer step: the chart redraws with the axis named
    await page.getByTestId('x-axis').selectOption('step');
    await expect.poll(() => canvasTexts('compare-chart'), { timeout: 20_000 }).toContain('optimizer step');
    await page.getByTestId('x-axis').selectOption('epoch');
    await page.waitForTimeout(400);
    await screenshot(page, 'compare-3-runs-1024x700');
    await page.getByTestId('runs-parallel').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await screenshot(page, 'compare-3-runs-1024x700-parallel');
    await page.getByTestId('config-diff').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await screenshot(page, 'compare-3-runs-1024x700-config');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(500);
    await page.getByTestId('compare-view').evaluate((v) => v.scrollIntoView());
    await screenshot(page, 'compare-3-runs-1920x1080');
    await page.getByTestId('config-diff').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await screenshot(page, 'compare-3-runs-1920x1080-config');
  });

  it('the config table scrolls sideways inside its box with the key column pinned', async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    // a card too narrow for three run columns
    await page.addStyleTag({ content: '[data-test="config-diff-scroll"] { width: 260px; }' });
    const box = page.getByTestId('config-diff-scroll');
    await expect.poll(() => box.evaluate((b) => b.scrollWidth > b.clientWidth)).toBe(true);
    await box.evaluate((b) => (b.scrollLeft = b.scrollWidth));
    const [boxLeft, keyLeft, lastRight, boxRight] = await box.evaluate((b) => {
      const key = b.querySelector('thead th.key')!.getBoundingClientRect();
      const runs = b.querySelectorAll('thead th[data-run]');
      const last = runs[runs.length - 1]!.getBoundingClientRect();
      const r = b.getBoundingClientRect();
      return [r.left, key.left, last.right, r.right];
    });
    expect(Math.abs(keyLeft - boxLeft)).toBeLessThan(2); // pinned though the table scrolled
    expect(lastRight).toBeLessThanOrEqual(boxRight + 1); // the last run's column scrolled into view
    await page.reload();
  });

  it('"Compare this sweep" on a sweep’s page compares its runs', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${served.origin}/#/sweeps/${sweepId}`);
    await page.getByTestId('compare-sweep').click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/compare/sweep/${sweepId}`);
    await page.locator('[data-test="compare-chart"][data-series="2"] canvas').first().waitFor();
    expect(await page.getByTestId('compare-source').textContent()).toContain(sweepId);
    await expect
      .poll(() => canvasTexts('parallel-chart'), { timeout: 20_000 })
      .toEqual(expect.arrayContaining(['optimizer.lr', 'lr=0.1', 'lr=0.01']));
    // a whole experiment, from the empty Compare view: the four single runs and the sweep's two
    await page.goto(`${served.origin}/#/compare`);
    await page.getByTestId('compare-experiment').filter({ hasText: 'Default' }).click();
    await page.locator('[data-test="compare-chart"][data-series="6"] canvas').first().waitFor();
    const parallel = page.getByTestId('parallel-chart');
    await expect.poll(() => parallel.getAttribute('data-lines')).toBe('6');
    // lr from 0.01 to 0.3 spans less than two decades: linear until the reader switches its axis to log
    const lrAxis = async () => {
      const names = (await parallel.getAttribute('data-axes'))!.split('|');
      return (await parallel.getAttribute('data-axis-types'))!.split('|')[names.indexOf('optimizer.lr')];
    };
    expect(await lrAxis()).toBe('value');
    await page.locator('[data-test="runs-parallel"] input[data-log="optimizer.lr"]').check();
    await expect.poll(lrAxis).toBe('log');
  });
});

// Issue 16's network view in the real UI against `mlpw serve`: a spiral run trained in the page shows the network with
// an activation thumbnail per unit while it trains (Training) and at its checkpoint (Insight), where hovering an edge
// reads its weight and a click enlarges a thumbnail over the data; a 784-128-64-10 net (an imported IDX set trained
// by the CLI) draws its capped units with "+N more", a weight tile per drawn first-layer unit, and logs its render
// time; a 2-512-k spiral net shows its top 32 units with "+480 more"; a run on the built-in MNIST shows its first-layer
// weights as 28 × 28 tiles and a gallery of misclassified validation digits; Insight's decision boundary hides the
// validation points and discretizes on request. Screenshots in light and dark: network-training(-dark),
// network-insight(-dark), network-mnist; at 1024×700 and 1920×1080: network-training-*, network-insight-*,
// network-wide-*, network-mnist-tiles-*, misclassified-*.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const TRAIN_TIMEOUT = 120_000;
let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
let spiralRun = '';
let digitsRun = '';
let wideRun = '';
let mnistRun = '';

/** A 200-row IDX pair of 28 × 28 "digits": row i is class i % 10, a bright block at a place of its own. */
function writeIdx(images: string, labels: string, n: number): void {
  const img = Buffer.alloc(16 + n * 784);
  [0x803, n, 28, 28].forEach((v, i) => img.writeUInt32BE(v, 4 * i));
  const lab = Buffer.alloc(8 + n);
  [0x801, n].forEach((v, i) => lab.writeUInt32BE(v, 4 * i));
  for (let i = 0; i < n; i++) {
    const k = i % 10;
    lab[8 + i] = k;
    const [r0, c0] = [2 + 2 * (k % 5), 3 + 10 * Math.floor(k / 5)];
    for (let r = r0; r < r0 + 6; r++) for (let c = c0; c < c0 + 6; c++) img[16 + i * 784 + r * 28 + c] = 200 + (i % 50);
  }
  writeFileSync(images, img);
  writeFileSync(labels, lab);
}

async function openInsight(id: string): Promise<void> {
  await page.getByTestId('nav-runs').click();
  await page.locator(`[data-run="${id}"]`).waitFor({ timeout: 30_000 });
  await page.locator(`[data-run="${id}"]`).click();
  await page.getByTestId('open-insight').click();
  await page.getByTestId('insight-view').locator('.num', { hasText: id }).waitFor();
}

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

async function both(name: string, target: ReturnType<Page['locator']>): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  await page.waitForTimeout(200);
  await screenshot(page, name);
  await page.getByTestId('theme-toggle').click();
  await page.waitForTimeout(300); // thumbnails repaint in the dark palette
  await target.scrollIntoViewIfNeeded();
  await screenshot(page, `${name}-dark`);
  await page.getByTestId('theme-toggle').click();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-network-'));
  const db = join(dir, 'workbench.db');
  writeIdx(join(dir, 'images.idx3-ubyte'), join(dir, 'labels.idx1-ubyte'), 200);
  for (const argv of [
    ['import', join(dir, 'images.idx3-ubyte'), '--labels', join(dir, 'labels.idx1-ubyte'), '--name', 'digits'],
    ['train', '--dataset', 'digits', '--layers', '128,64', '--epochs', '2', '--backend', 'cpu', '--json'],
    ['train', '--dataset', 'spiral', '--layers', '512', '--epochs', '2', '--backend', 'cpu', '--json'],
    ['train', '--dataset', 'mnist', '--layers', '64', '--epochs', '1', '--backend', 'cpu', '--json'],
  ]) {
    const r = await cli(argv, { db });
    if (r.code !== 0) throw new Error(`mlpw ${argv[0]}: ${r.stderr}`);
    if (argv[0] !== 'train') continue;
    const id = (JSON.parse(r.stdout) as { runId: string }).runId;
    if (argv[2] === 'digits') digitsRun = id;
    else if (argv[2] === 'spiral') wideRun = id;
    else mnistRun = id;
  }
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

describe('the network view', () => {
  it('shows a spiral net with a thumbnail per unit while it trains', async () => {
    await page.getByTestId('nav-designer').click();
    await page.getByTestId('dataset').selectOption('spiral');
    await page.getByTestId('samples').fill('300');
    const layers = page.locator('.layer-row');
    while ((await layers.count()) > 0) await layers.first().getByTestId('remove').click();
    await page.getByTestId('add-layer').click();
    await page.getByTestId('add-layer').click();
    await page.getByLabel('layer 1 units').fill('8');
    await page.getByLabel('layer 2 units').fill('6');
    await page.getByTestId('batch').fill('16');
    await page.getByTestId('epochs').fill('200');
    await page.getByTestId('backend').selectOption('cpu');
    await page.getByTestId('train-now').click();
    const live = page.getByTestId('live-network');
    await live.waitFor({ timeout: TRAIN_TIMEOUT });
    await live.locator('[data-test="net-thumbnail"]').first().waitFor({ timeout: TRAIN_TIMEOUT });
    const classes = Number(await live.getByTestId('net-column-3').getAttribute('data-size'));
    expect(classes).toBeGreaterThanOrEqual(2);
    expect(await live.locator('[data-test="net-thumbnail"]').count()).toBe(2 + 8 + 6 + classes);
    expect(await live.locator('[data-test="net-edge"]').count()).toBe(2 * 8 + 8 * 6 + 6 * classes);
    await page
      .getByTestId('run-status')
      .filter({ hasText: /completed|failed|diverged|cancelled/ })
      .waitFor({ timeout: TRAIN_TIMEOUT });
    expect(await page.getByTestId('run-status').textContent()).toBe('completed');
    spiralRun = (await page.locator('[data-test="live-run"] .run-id').textContent())!.trim();
    // Once the run ends the view shows its final checkpoint, at the last epoch.
    await expect.poll(() => live.getAttribute('data-epoch'), { timeout: 10_000 }).toBe('200');
    await both('network-training', live);
    await atSizes('network-training', live);
    // The live boundary's Playground toggles: 300 points, 240 of them the training split's; discretized cells.
    const boundary = page.getByTestId('live-boundary');
    expect(await boundary.getAttribute('data-points')).toBe('300');
    await boundary.getByTestId('show-validation').uncheck();
    expect(await boundary.getAttribute('data-points')).toBe('240');
    await boundary.getByTestId('discretize').check();
    await boundary.scrollIntoViewIfNeeded();
    await screenshot(page, 'live-boundary-discretized');
    await boundary.getByTestId('show-validation').check();
    await boundary.getByTestId('discretize').uncheck();
  });

  it('shows the run’s network in Insight, reads an edge’s weight on hover and enlarges a thumbnail', async () => {
    await openInsight(spiralRun);
    const view = page.getByTestId('insight-network');
    await view.locator('[data-test="net-thumbnail"]').first().waitFor({ timeout: 30_000 });
    const classes = Number(await view.getByTestId('net-column-3').getAttribute('data-size'));
    expect(await view.locator('[data-test="net-thumbnail"]').count()).toBe(2 + 8 + 6 + classes);
    await view.scrollIntoViewIfNeeded();
    // The strongest edge is drawn last, on top: point at its middle.
    const edge = view.locator('[data-test="net-edge"]').last();
    // The other panels load around it (a scrollbar appearing re-lays the view out): wait until the edge stays put.
    let box = (await edge.boundingBox())!;
    await expect
      .poll(
        async () => {
          const before = JSON.stringify(box);
          await page.waitForTimeout(300);
          box = (await edge.boundingBox())!;
          return JSON.stringify(box) === before;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const weight = Number(await edge.getAttribute('data-weight'));
    const tooltip = view.getByTestId('network-tooltip');
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toMatch(/^(x\d|layer \d unit \d+) → .+: weight /);
    expect(Number((await tooltip.textContent())!.split('weight ')[1])).toBe(Number(weight.toPrecision(4)));
    await view.locator('[data-test="net-thumbnail"]').nth(3).click();
    await view.getByTestId('net-enlarged').waitFor();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await both('network-insight', view);
    await atSizes('network-insight', view);

    // Playground's toggles on the decision boundary: the 300 points are 240 training and 60 validation ones.
    const boundary = page.getByTestId('decision-boundary');
    expect(await boundary.getAttribute('data-points')).toBe('300');
    await boundary.getByTestId('show-validation').uncheck();
    expect(await boundary.getAttribute('data-points')).toBe('240');
    await boundary.getByTestId('discretize').check();
    await boundary.scrollIntoViewIfNeeded();
    await screenshot(page, 'boundary-discretized');
    await boundary.getByTestId('show-validation').check();
    expect(await boundary.getAttribute('data-points')).toBe('300');
  });

  it('draws a 784-128-64-10 net capped, with "+N more", and reports its render time', async () => {
    const opened = Date.now();
    await openInsight(digitsRun);
    const view = page.getByTestId('insight-network');
    const net = view.getByTestId('network-view');
    // Insight is kept alive: wait for this run's network, not the one shown before.
    await view.locator('[data-test="net-column-0"][data-size="784"]').waitFor({ timeout: 30_000 });
    const shownMs = Date.now() - opened;
    expect(await view.locator('[data-test="net-unit"]').count()).toBe(16 + 32 + 32 + 10);
    expect(await view.locator('[data-test="net-more"]').allTextContents()).toEqual([
      '+768 more',
      '+96 more',
      '+32 more',
    ]);
    expect(await view.locator('[data-test="net-edge"]').count()).toBe(16 * 32 + 32 * 32 + 32 * 10);
    const renderMs = Number(await net.getAttribute('data-render-ms'));
    expect(renderMs).toBeGreaterThan(0);
    console.log(
      `network view 784-128-64-10: rendered in ${renderMs} ms (snapshot to painted), Insight opened to drawn in ${shownMs} ms`,
    );
    // The first layer's weights as 28 × 28 images: one tile per drawn hidden unit, in the diagram's order.
    const tiles = view.locator('[data-test="net-weight-tile"]');
    expect(await tiles.count()).toBe(32);
    expect(await view.getByTestId('tiles-more').textContent()).toBe('+96 more');
    expect(
      await tiles.first().evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]),
    ).toEqual([28, 28]);
    await view.scrollIntoViewIfNeeded();
    await screenshot(page, 'network-mnist');
  });

  it('draws a 2-512-k spiral net as its top 32 hidden units with "+480 more", never the whole layer', async () => {
    const opened = Date.now();
    await openInsight(wideRun);
    const view = page.getByTestId('insight-network');
    await view.locator('[data-test="net-column-1"][data-size="512"]').waitFor({ timeout: 30_000 });
    const shownMs = Date.now() - opened;
    expect(await view.getByTestId('net-column-1').getAttribute('data-shown')).toBe('32');
    expect(await view.locator('[data-test="net-more"]').allTextContents()).toEqual(['+480 more']);
    const outputs = Number(await view.getByTestId('net-column-2').getAttribute('data-size'));
    await view.locator('[data-test="net-thumbnail"]').first().waitFor({ timeout: 30_000 });
    expect(await view.locator('[data-test="net-thumbnail"]').count()).toBe(2 + 32 + outputs);
    // Painted: a thumbnail is not blank (the panel's neutral colour everywhere).
    const distinct = await view
      .locator('[data-test="net-thumbnail"]')
      .nth(5)
      .evaluate((c) => {
        const canvas = c as HTMLCanvasElement;
        const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        return new Set(
          Array.from({ length: px.length / 4 }, (_, i) => px[4 * i]! * 65536 + px[4 * i + 1]! * 256 + px[4 * i + 2]!),
        ).size;
      });
    expect(distinct).toBeGreaterThan(10);
    const renderMs = Number(await view.getByTestId('network-view').getAttribute('data-render-ms'));
    console.log(`network view 2-512-${outputs}: rendered in ${renderMs} ms, Insight opened to drawn in ${shownMs} ms`);
    await atSizes('network-wide', view);
  });

  it('shows an MNIST run’s first-layer weights as digit-sized tiles and its misclassified validation digits', async () => {
    await openInsight(mnistRun);
    const view = page.getByTestId('insight-network');
    await view.locator('[data-test="net-column-0"][data-size="784"]').waitFor({ timeout: 30_000 });
    expect(await view.locator('[data-test="net-weight-tile"]').count()).toBe(32);
    expect(await view.getByTestId('tiles-more').textContent()).toBe('+32 more');
    await atSizes('network-mnist-tiles', view.getByTestId('weight-tiles'));
    const gallery = page.getByTestId('misclassified');
    await gallery.locator('[data-test="misclassified-image"]').first().waitFor({ timeout: 30_000 });
    const wrong = Number(await gallery.getAttribute('data-wrong'));
    expect(wrong).toBeGreaterThan(0);
    expect(wrong).toBeLessThan(1000); // 2,000 validation digits after one epoch: well over half right
    expect(await gallery.locator('[data-test="misclassified-image"]').count()).toBe(Math.min(48, wrong));
    expect(await gallery.textContent()).toMatch(
      new RegExp(`${wrong.toLocaleString('en-US')} of 2,000 validation images misclassified`),
    );
    // Each image reads "predicted · true label", never the same digit twice.
    for (const text of (await gallery.locator('[data-test="misclassified-image"]').allTextContents()).slice(0, 10)) {
      const m = /^(\d) · true (\d)/.exec(text.trim())!;
      expect(m).not.toBeNull();
      expect(m[1]).not.toBe(m[2]);
    }
    // The digits are drawn: dark ink on light paper.
    const ink = await gallery
      .locator('canvas')
      .first()
      .evaluate((c) => {
        const canvas = c as HTMLCanvasElement;
        const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let dark = 0;
        for (let i = 0; i < px.length; i += 4) if (px[i]! < 128) dark++;
        return dark / (px.length / 4);
      });
    expect(ink).toBeGreaterThan(0.03);
    expect(ink).toBeLessThan(0.6);
    await atSizes('misclassified', gallery);
  });
});

// Issue 16's network view in the real UI against `mlpw serve`: a spiral run trained in the page shows the network with
// an activation thumbnail per unit while it trains (Training) and at its checkpoint (Insight), where hovering an edge
// reads its weight and a click enlarges a thumbnail over the data; a 784-128-64-10 net (an imported IDX set trained
// by the CLI) draws its capped units with "+N more" and logs its render time. Screenshots in light and dark:
// network-training, network-training-dark, network-insight, network-insight-dark, network-mnist.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
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
  ]) {
    const r = await cli(argv, { db });
    if (r.code !== 0) throw new Error(`mlpw ${argv[0]}: ${r.stderr}`);
    if (argv[0] === 'train') digitsRun = (JSON.parse(r.stdout) as { runId: string }).runId;
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
    await view.scrollIntoViewIfNeeded();
    await screenshot(page, 'network-mnist');
  });
});

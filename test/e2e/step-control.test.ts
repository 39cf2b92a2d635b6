// Issue 16's control of time in the real UI against `mlpw serve`: a spiral run trained in the page uninterrupted, then
// the same config paced at 1 epoch/s, paused, stepped one minibatch and one epoch, and played to the end. The paused
// epoch's numbers on screen equal the uninterrupted run's at that epoch, the network view shows that exact step, and
// both runs' stored per-epoch metrics are bit-identical. Screenshots: step-control-1024x700, step-control-1920x1080.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const TRAIN_TIMEOUT = 120_000;
const EPOCHS = 12;
let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;

interface StoredEpoch {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  trainAcc: number | null;
  valAcc: number | null;
  lr: number;
}

/** A run's per-epoch metrics as the store keeps them (`mlpw show RUN --json`). */
async function storedEpochs(id: string): Promise<StoredEpoch[]> {
  const r = await cli(['show', id, '--json'], { db });
  if (r.code !== 0) throw new Error(`mlpw show ${id}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { epochs: StoredEpoch[] }).epochs;
}
const numbers = (m: StoredEpoch) => [m.epoch, m.trainLoss, m.valLoss, m.trainAcc, m.valAcc, m.lr];

async function design(): Promise<void> {
  await page.getByTestId('nav-designer').click();
  await page.getByTestId('dataset').selectOption('spiral');
  await page.getByTestId('samples').fill('300');
  const layers = page.locator('.layer-row');
  while ((await layers.count()) > 0) await layers.first().getByTestId('remove').click();
  await page.getByTestId('add-layer').click();
  await page.getByLabel('layer 1 units').fill('8');
  await page.getByTestId('batch').fill('16');
  await page.getByTestId('epochs').fill(String(EPOCHS));
  await page.getByTestId('backend').selectOption('cpu');
}

const status = () => page.getByTestId('run-status');
const runId = async () => (await page.locator('[data-test="live-run"] .run-id').textContent())!.trim();
const pausedAt = () => page.getByTestId('paused-at');

async function finished(): Promise<void> {
  await status()
    .filter({ hasText: /completed|failed|diverged|cancelled/ })
    .waitFor({ timeout: TRAIN_TIMEOUT });
  expect(await status().textContent()).toBe('completed');
}

/** Waits until the run is paused at a position other than `after`, and returns it. */
async function pausedPosition(after?: string): Promise<{ epoch: number; batch: number }> {
  let seen = '';
  await expect
    .poll(
      async () => {
        // Both attributes in one read: two reads could straddle an update and pair the old epoch with the new batch.
        seen = await pausedAt()
          .evaluate((el) => {
            const e = el.getAttribute('data-epoch');
            const b = el.getAttribute('data-batch');
            return e === null || b === null ? '' : `${e}:${b}`;
          })
          .catch(() => '');
        return seen !== '' && seen !== after;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  const [epoch, batch] = seen.split(':').map(Number) as [number, number];
  return { epoch, batch };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-steps-'));
  db = join(dir, 'workbench.db');
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

describe('control of time in the Training view', () => {
  let plain: StoredEpoch[] = [];

  it('trains the uninterrupted reference run', async () => {
    await design();
    await page.getByTestId('train-now').click();
    await finished();
    plain = await storedEpochs(await runId());
    expect(plain).toHaveLength(EPOCHS);
  });

  it('paces, pauses, steps a minibatch and an epoch: the paused epoch shows the uninterrupted run’s numbers', async () => {
    await page.getByTestId('speed').selectOption('1');
    await design();
    await page.getByTestId('train-now').click();
    // This run's first epoch (not the last run's: the panel shows the new run once the page has it).
    await page.getByTestId('run-status').filter({ hasText: 'running' }).waitFor({ timeout: TRAIN_TIMEOUT });
    await expect
      .poll(async () => Number((await page.getByTestId('epoch').textContent())?.split('/')[0]), {
        timeout: TRAIN_TIMEOUT,
      })
      .toBeGreaterThanOrEqual(1);
    await page.getByTestId('pause').click();
    const first = await pausedPosition();
    expect(first.epoch).toBeLessThan(EPOCHS);

    // One minibatch: the position moves by exactly one and the network view shows that step.
    await page.getByTestId('step-batch').click();
    const second = await pausedPosition(`${first.epoch}:${first.batch}`);
    const batches = Number(await pausedAt().getAttribute('data-batches'));
    expect(batches).toBeGreaterThan(1);
    if (first.batch + 1 < batches) expect(second).toEqual({ epoch: first.epoch, batch: first.batch + 1 });
    else expect(second).toEqual({ epoch: first.epoch + 1, batch: 0 });
    const net = page.getByTestId('live-network');
    const netAt = () => net.evaluate((el) => `${el.getAttribute('data-epoch')}:${el.getAttribute('data-batch')}`);
    await expect.poll(netAt, { timeout: 30_000 }).toBe(`${second.epoch}:${second.batch}`);

    // One epoch: on to the end of the epoch in progress; the curves and stats show it, as the uninterrupted run had it.
    await page.getByTestId('step-epoch').click();
    const third = await pausedPosition(`${second.epoch}:${second.batch}`);
    expect(third).toEqual({ epoch: second.epoch + 1, batch: 0 });
    expect(await page.getByTestId('epoch').textContent()).toBe(`${third.epoch} / ${EPOCHS}`);
    const shown = Number(await page.getByTestId('train-loss').getAttribute('data-value'));
    const path = [first, second, third].map((p) => `${p.epoch}:${p.batch}`).join(' → ');
    expect(shown, `train loss at epoch ${third.epoch}, paused ${path}`).toBe(plain[third.epoch - 1]!.trainLoss);
    expect(Number(await page.getByTestId('val-loss').getAttribute('data-value'))).toBe(plain[third.epoch - 1]!.valLoss);
    await expect.poll(() => net.getAttribute('data-epoch'), { timeout: 30_000 }).toBe(String(third.epoch));

    for (const [width, height] of [
      [1024, 700],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(400); // ECharts redraws on the next frame after a resize
      const overflow = await page.evaluate(() => {
        const doc = document.scrollingElement!;
        const controls = document.querySelector('[data-test="run-controls"]')!.getBoundingClientRect();
        const panel = document.querySelector('[data-test="live-run"]')!.getBoundingClientRect();
        return doc.scrollWidth > doc.clientWidth + 1 || controls.right > panel.right + 1;
      });
      expect(overflow).toBe(false);
      await screenshot(page, `step-control-${width}x${height}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });

    // Play to the end as fast as possible: every stored epoch bit-identical to the uninterrupted run's.
    await page.getByTestId('speed').selectOption('null');
    await page.getByTestId('play').click();
    await finished();
    const stepped = await storedEpochs(await runId());
    expect(stepped.map(numbers)).toEqual(plain.map(numbers));
  });
});

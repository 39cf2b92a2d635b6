// MNIST in the window (issue 14, defect 1): the built-in `mnist` is in the Designer's list with a grid of its digits
// and an "MNIST MLP" preset that trains in the page's engine worker to a sane accuracy; an imported 60,000 × 784
// IDX set streams to the worker in chunks and trains there (it was refused as "too large to train in a window").
// Real `mlpw import`, `mlpw serve` and Chromium; the CPU backend; one or two epochs, for two busy cores.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const TRAIN_TIMEOUT = 420_000;
const BIG_ROWS = 60_000;

let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;

/** A patterned IDX pair: row i is digit i % 10, a bright 6 × 6 block at a place of its own plus seeded speckle. */
function writeIdx(images: string, labels: string, n: number): void {
  const img = Buffer.alloc(16 + n * 784);
  img.writeUInt32BE(0x00000803, 0);
  img.writeUInt32BE(n, 4);
  img.writeUInt32BE(28, 8);
  img.writeUInt32BE(28, 12);
  const lab = Buffer.alloc(8 + n);
  lab.writeUInt32BE(0x00000801, 0);
  lab.writeUInt32BE(n, 4);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    const k = i % 10;
    lab[8 + i] = k;
    const base = 16 + i * 784;
    const [r0, c0] = [2 + 2 * (k % 5) + (i % 3), 3 + 10 * Math.floor(k / 5) + (i % 4)];
    for (let r = r0; r < r0 + 6; r++) for (let c = c0; c < c0 + 6; c++) img[base + r * 28 + c] = 220;
    for (let j = 0; j < 40; j++) {
      s = (s * 1103515245 + 12345) >>> 0;
      img[base + (s % 784)] = s >>> 24;
    }
  }
  writeFileSync(images, img);
  writeFileSync(labels, lab);
}

function mlpw(...args: string[]): string {
  const r = spawnSync(process.execPath, ['bin/mlpw.mjs', ...args, '--db', db], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`mlpw ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** What `mlpw show --json` says of a run, the parts checked here. */
interface ShownRun {
  status: string;
  epochsDone: number;
  finalValAcc: number | null;
  dataInfo: { dataset: string; features: number; trainSamples: number; valSamples: number } | null;
}

async function trainedRunId(): Promise<string> {
  await page
    .getByTestId('run-status')
    .filter({ hasText: /completed|failed|diverged|cancelled/ })
    .waitFor({ timeout: TRAIN_TIMEOUT });
  expect(await page.getByTestId('run-status').textContent()).toBe('completed');
  const id = (await page.locator('[data-test="live-run"] .run-id').textContent())?.trim();
  expect(id).toBeTruthy();
  return id!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-mnist-'));
  db = join(dir, 'workbench.db');
  const [images, labels] = [join(dir, 'big-images.idx3-ubyte'), join(dir, 'big-labels.idx1-ubyte')];
  writeIdx(images, labels, BIG_ROWS);
  mlpw('import', images, '--labels', labels, '--name', 'big');
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
  await page.goto(served.url);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('MNIST in the window', () => {
  it('lists mnist with a grid of its digits and trains the MNIST MLP preset', async () => {
    await page.getByTestId('nav-designer').click();
    await page.getByTestId('preset').selectOption('mnist');
    expect(await page.getByTestId('dataset').inputValue()).toBe('mnist');
    const grid = page.getByTestId('image-grid');
    await grid.waitFor({ timeout: 60_000 });
    // The grid is drawn: dark ink on light paper, not a blank canvas.
    const ink = await grid.locator('canvas').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let dark = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i]! < 128) dark++;
      return { width: canvas.width, dark: dark / (px.length / 4) };
    });
    expect(ink.width).toBe(8 * 28);
    expect(ink.dark).toBeGreaterThan(0.05);
    expect(ink.dark).toBeLessThan(0.5);
    expect(await page.getByTestId('preview-summary').textContent()).toContain('10,000 samples');
    await screenshot(page, 'mnist-designer');

    await page.getByTestId('epochs').fill('2');
    await page.getByTestId('backend').selectOption('cpu');
    await expect.poll(() => page.getByTestId('train-now').isEnabled()).toBe(true);
    await page.getByTestId('train-now').click();
    const id = await trainedRunId();
    await screenshot(page, 'mnist-trained');
    const run = JSON.parse(mlpw('show', id, '--json')) as ShownRun;
    expect(run.status).toBe('completed');
    expect(run.epochsDone).toBe(2);
    expect(run.dataInfo?.trainSamples! + run.dataInfo?.valSamples!).toBe(10_000);
    // Measured: 0.913 after 2 epochs of the preset (seed 1, mlpw train on the same engine); the margin is wide.
    expect(run.finalValAcc).toBeGreaterThan(0.8);
  });

  it('trains an imported 60,000 × 784 set, its rows streamed to the engine worker', async () => {
    await page.getByTestId('nav-designer').click();
    await page.getByTestId('preset').selectOption('mnist');
    await page.getByTestId('dataset').selectOption('big');
    await expect
      .poll(() => page.getByTestId('preview-summary').textContent(), { timeout: 60_000 })
      .toContain('60,000 samples (preview)');
    await page.getByTestId('image-grid').waitFor();
    await page.getByTestId('epochs').fill('1');
    await page.getByTestId('batch').fill('256');
    await page.getByTestId('backend').selectOption('cpu');
    await expect.poll(() => page.getByTestId('train-now').isEnabled()).toBe(true);
    await page.getByTestId('train-now').click();
    await page
      .getByTestId('loading-rows')
      .waitFor({ timeout: 60_000 })
      .catch(async (e) => {
        await screenshot(page, 'mnist-streaming-failed');
        throw e;
      });
    await screenshot(page, 'mnist-streaming');
    const id = await trainedRunId();
    const run = JSON.parse(mlpw('show', id, '--json')) as ShownRun;
    expect(run.status).toBe('completed');
    expect(run.dataInfo).toMatchObject({ dataset: 'big', features: 784 });
    expect(run.dataInfo!.trainSamples + run.dataInfo!.valSamples).toBe(BIG_ROWS);
  });
});

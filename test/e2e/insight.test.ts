// Issue 7 end to end in Debian's Chromium against `mlpw serve` on a temporary database: compare two runs (two series,
// the learning rate among the differences, CSV of their epochs), queue a 2×2 sweep from the Designer and watch its
// four runs and the parallel-coordinates chart, open a run's insight (confusion matrix, decision boundary, layer
// histograms, gradient check), download its ONNX file and read it back. Screenshots in test-artifacts/screenshots/.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';
import type { EpochMetrics } from '../../engine/types.ts';
import { readOnnxModel } from '../../export/onnx/index.ts';
import { cli } from '../cli/helpers.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

// Tiny, for two shared CPU cores: 200–300 samples, 10–20 epochs, the CPU backend. The seeded runs use float64 (the
// JavaScript reference kernels), whose gradient check and norms are the lecture's reference numbers.
const SWEEP_TIMEOUT = 150_000;

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
const runIds: string[] = [];
const pageErrors: string[] = [];

async function seedRun(name: string, lr: number): Promise<string> {
  const r = await cli(
    [
      'train',
      '--dataset',
      'moons',
      '--samples',
      '300',
      '--layers',
      '12,8',
      '--activation',
      'tanh',
      '--lr',
      String(lr),
      '--epochs',
      '20',
      '--backend',
      'cpu',
      '--precision',
      'float64',
      '--name',
      name,
      '--json',
    ],
    { db: join(dir, 'workbench.db') },
  );
  if (r.code !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { runId: string }).runId;
}

/** Runs recorded straight into the store (no training): 30 epochs of a smooth made-up curve each, for the 50-run view. */
function seedRecordedRuns(count: number): void {
  const store = new RunStore(join(dir, 'workbench.db'));
  for (let i = 0; i < count; i++) {
    const lr = 0.001 * 1.15 ** i;
    const id = store.createRun(
      parseConfig({ dataset: { name: 'moons' }, optimizer: { lr }, epochs: 30, backend: 'cpu', seed: i }),
    );
    const epochs: EpochMetrics[] = [];
    for (let e = 1; e <= 30; e++) {
      const loss = 0.05 + 0.6 * Math.exp(-e * lr * 8) + 0.01 * Math.sin(e + i);
      epochs.push({
        epoch: e,
        trainLoss: loss * 0.9,
        valLoss: loss,
        trainAcc: 1 - loss / 1.5,
        valAcc: 1 - loss / 1.4,
        lr,
        durationMs: 5,
        samplesPerSec: 5e4,
      });
      store.recordEpoch(id, epochs[e - 1]!);
    }
    const best = epochs.reduce((a, b) => (b.valLoss! < a.valLoss! ? b : a));
    store.finishRun(id, {
      status: 'completed',
      epochs: 30,
      bestEpoch: best.epoch,
      best,
      final: epochs[29]!,
      durationMs: 150,
      samplesPerSecond: 5e4,
      stoppedEarly: false,
    });
  }
  store.close();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-insight-'));
  runIds.push(await seedRun('fast', 0.05), await seedRun('slow', 0.002));
  seedRecordedRuns(48);
  served = await startServe(join(dir, 'workbench.db'));
  browser = await launchChromium();
  page = browser.page;
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(served.url);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('compare, sweeps and insight in the browser', () => {
  it('compares two runs: two series, the learning rate among the differences, best and last epochs', async () => {
    await page.getByTestId('nav-runs').click();
    for (const id of runIds) await page.getByLabel(`Select run ${id}`).check();
    await page.getByTestId('compare-selected').click();
    await page.locator('[data-test="compare-chart"][data-series="2"] canvas').first().waitFor();
    const lr = page.locator('[data-test="config-diff"] tr[data-key="optimizer.lr"] td');
    await expect.poll(() => lr.allTextContents()).toEqual(['optimizer.lr', '0.05', '0.002']);
    expect(await page.locator('[data-test="config-diff"] tbody tr').count()).toBe(2); // lr and the name
    expect(await page.locator('[data-test="best-last"] tbody tr').count()).toBe(2);
    await page.getByTestId('smoothing').fill('0.6');
    await page.getByTestId('log-scale').check();
    await page.waitForTimeout(300); // one frame for ECharts to redraw before the picture
    await screenshot(page, 'compare-two-runs');
    await page.getByTestId('differences-only').uncheck();
    expect(await page.locator('[data-test="config-diff"] tbody tr').count()).toBeGreaterThan(20);
  });

  it('compares a whole page of 50 runs', async () => {
    await page.getByTestId('nav-runs').click();
    await page.getByLabel('Select all on this page').check();
    await expect.poll(() => page.getByTestId('compare-selected').textContent()).toContain('Compare 50');
    await page.getByTestId('compare-selected').click();
    await page.locator('[data-test="compare-chart"][data-series="50"] canvas').first().waitFor();
    expect(await page.locator('[data-test="best-last"] tbody tr').count()).toBe(50);
    // the learning rate differs everywhere; dataset, layers and the rest of the seeded configs do not
    const keys = await page
      .locator('[data-test="config-diff"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.key));
    expect(keys).toContain('optimizer.lr');
    await page.waitForTimeout(300);
    await screenshot(page, 'compare-50-runs');
    await page.getByTestId('nav-runs').click();
    await page.getByLabel('Select all on this page').uncheck();
    for (const id of runIds) await page.getByLabel(`Select run ${id}`).check();
    await page.getByTestId('compare-selected').click();
    await page.locator('[data-test="compare-chart"][data-series="2"] canvas').first().waitFor();
  });

  it('exports the compared runs’ epochs as CSV', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const path = join(dir, download.suggestedFilename());
    await download.saveAs(path);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^run_id,status,sweep_id,.*,epoch,train_loss,val_loss,train_acc,val_acc,lr,duration_ms,samples_per_sec$/,
    );
    expect(lines).toHaveLength(1 + 2 * 20);
  });

  it('queues a 2×2 sweep from the Designer and shows its four runs and the parallel-coordinates chart', async () => {
    await page.getByTestId('nav-designer').click();
    await page.getByTestId('dataset').selectOption('xor');
    await page.getByTestId('samples').fill('200');
    await page.getByTestId('epochs').fill('10');
    await page.getByTestId('batch').fill('16');
    await page.getByTestId('backend').selectOption('cpu');
    await page.getByTestId('sweep-key-1').selectOption('optimizer.lr');
    await page.getByTestId('sweep-values-1').fill('0.1, 0.01');
    await page.getByTestId('sweep-key-2').selectOption('model.layers');
    await page.getByTestId('sweep-values-2').fill('4, 8x8');
    await expect.poll(() => page.getByTestId('sweep-count').textContent()).toContain('2 × 2 = 4');
    await screenshot(page, 'sweep-builder');
    await page.getByTestId('queue-sweep').click();
    await page.getByTestId('sweeps-view').waitFor();
    await page
      .getByTestId('sweep-progress')
      .filter({ hasText: '4 / 4 runs finished' })
      .waitFor({ timeout: SWEEP_TIMEOUT });
    expect(await page.locator('[data-test="sweep-runs"] tbody tr').count()).toBe(4);
    await page.locator('[data-test="parallel-chart"][data-lines="4"] canvas').first().waitFor();
    await page.locator('[data-test="sweep-heatmap"] canvas').first().waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'sweep-view');
  });

  it('opens a run’s insight: confusion matrix, decision boundary, layer stats, gradient check', async () => {
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('search').fill(runIds[0]!); // 54 runs by now: it is on the second page
    await page.locator(`[data-run="${runIds[0]}"]`).click();
    await page.getByTestId('open-insight').click();
    const matrix = page.getByTestId('confusion-matrix');
    await matrix.waitFor();
    const cells = (await matrix.locator('td.cell').allTextContents()).map(Number);
    expect(cells).toHaveLength(4);
    expect(cells.reduce((a, b) => a + b, 0)).toBe(60); // moons, 300 samples, the default 20 % validation split
    await page.locator('[data-test="decision-boundary"] canvas').first().waitFor();
    await page.locator('[data-test="weight-histograms"] canvas').first().waitFor();
    await page.locator('[data-test="gradient-norms"] canvas').first().waitFor();
    await page.getByTestId('run-gradient-check').click();
    await expect.poll(() => page.getByTestId('gradient-verdict').textContent()).toContain('backprop agrees');
    await page.waitForTimeout(300);
    await screenshot(page, 'run-insight');
  });

  it('downloads the run as ONNX with its verification, and the file reads back', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-onnx').click()]);
    const path = join(dir, download.suggestedFilename());
    await download.saveAs(path);
    expect(download.suggestedFilename()).toBe(`fast-${runIds[0]}-best.onnx`);
    const model = readOnnxModel(readFileSync(path), path);
    expect(model.snapshot.layers.map((l) => l.units)).toEqual([12, 8, 2]);
    await expect
      .poll(() => page.getByTestId('onnx-verified').textContent())
      .toMatch(/verified with onnxruntime on 60 validation rows/);
    await page.getByTestId('onnx-panel').scrollIntoViewIfNeeded();
    await screenshot(page, 'run-insight-onnx');
    expect(pageErrors).toEqual([]);
  });
});

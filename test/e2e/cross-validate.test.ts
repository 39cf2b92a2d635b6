// "Cross-validate…" on a run's detail, in the real UI against `mlpw serve` on a real SQLite file: an iris run trained
// by the engine worker before the app starts; Cross-validate with K = 3 records one sweep over crossValidation.fold
// (as `mlpw cv --folds 3` does) in the run's experiment, and the app's queue trains its three runs; the file then
// holds folds 0, 1, 2 of 3 with the run's config otherwise, and the sweep page's mean ± std (n) of each best-epoch
// metric equals values computed here from the stored epochs. Screenshots: cross-validate-form-1024x700, cross-validate-1024x700.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRun, RunStore } from '../../db/index.ts';
import type { RunRecord } from '../../db/types.ts';
import { parseConfig } from '../../engine/config.ts';
import type { EpochMetrics } from '../../engine/types.ts';
import { runInWorker } from '../../engine/host/node/engine-client.ts';
import { checkPageErrors, launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const TRAIN_TIMEOUT = 180_000;
let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;
let first: RunRecord;

/** Every run in the file with its epochs, read by a second (read-only) connection. */
function readStore(): { run: RunRecord; epochs: EpochMetrics[] }[] {
  const reader = new RunStore(db, { readonly: true });
  try {
    return reader.listRuns().map((run) => ({ run, epochs: reader.getEpochs(run.id) }));
  } finally {
    reader.close();
  }
}

function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-cv-'));
  db = join(dir, 'workbench.db');
  const store = new RunStore(db);
  try {
    const config = parseConfig({
      name: 'iris-cv',
      dataset: { name: 'iris' },
      model: { layers: [{ units: 8, activation: 'tanh' }] },
      optimizer: { lr: 0.05 },
      epochs: 6,
      seed: 3,
      backend: 'cpu',
    });
    const id = store.createRun(config);
    await runInWorker(config, recordRun(store, id)).result;
    first = store.getRun(id);
  } finally {
    store.close();
  }
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(served.url);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Cross-validate… on a run', () => {
  it('records K = 3 folds as one sweep over crossValidation.fold and shows their mean ± std', async () => {
    await page.getByTestId('nav-runs').click();
    await page.locator(`[data-run="${first.id}"]`).click();
    await page.getByTestId('cross-validate').click();
    expect(await page.getByTestId('cv-folds').inputValue()).toBe('5');
    await page.getByTestId('cv-folds').fill('21');
    expect(await page.getByTestId('cv-queue').isDisabled()).toBe(true);
    await page.getByTestId('cv-folds').fill('3');
    expect(await page.getByTestId('cv-queue').textContent()).toContain('Queue 3 folds');
    await screenshot(page, 'cross-validate-form-1024x700');
    await page.getByTestId('cv-queue').click();
    await page.locator('[data-test="sweeps-view"], [data-test="cv-error"]').first().waitFor();
    expect(
      await page.getByTestId('cv-error').count(),
      (await page.getByTestId('cv-error').allTextContents()).join(),
    ).toBe(0);

    const folds = () => readStore().filter((s) => s.run.id !== first.id);
    await expect
      .poll(() => folds().filter((s) => s.run.status === 'completed').length, { timeout: TRAIN_TIMEOUT })
      .toBe(3);
    const stored = folds().sort((a, b) => a.run.config.crossValidation!.fold - b.run.config.crossValidation!.fold);
    expect(stored.map((s) => s.run.config.crossValidation)).toEqual([0, 1, 2].map((fold) => ({ folds: 3, fold })));
    const sweepIds = new Set(stored.map((s) => s.run.sweepId));
    expect(sweepIds.size).toBe(1);
    expect([...sweepIds][0]).toBeTruthy();
    for (const s of stored) {
      const { crossValidation: _cv, ...rest } = s.run.config;
      expect(rest).toEqual(first.config);
      expect(s.run.experiment).toBe(first.experiment);
    }

    // the sweep page's summary: mean ± sample std over the folds of each metric at each run's best epoch
    const best = (s: (typeof stored)[number]) => s.epochs.find((e) => e.epoch === s.run.bestEpoch)!;
    await expect.poll(() => page.locator('[data-cv-metric] [data-test="cv-n"]').first().textContent()).toBe('3');
    for (const [metric, values] of [
      ['best.val_loss', stored.map((s) => best(s).valLoss!)],
      ['best.val_acc', stored.map((s) => best(s).valAcc!)],
      ['best.train_loss', stored.map((s) => best(s).trainLoss)],
    ] as const) {
      const { mean, std } = meanStd([...values]);
      const row = page.locator(`[data-cv-metric="${metric}"]`);
      const cell = row.getByTestId('cv-mean-std');
      expect(Math.abs(Number(await cell.getAttribute('data-mean')) - mean)).toBeLessThan(1e-12);
      expect(Math.abs(Number(await cell.getAttribute('data-std')) - std)).toBeLessThan(1e-12);
      expect(await cell.textContent()).toContain(' ± ');
      expect(await row.getByTestId('cv-n').textContent()).toBe('3');
    }
    await expect.poll(() => page.getByTestId('sweep-progress').textContent()).toContain('3 / 3');
    await page.getByTestId('cv-summary').scrollIntoViewIfNeeded();
    await screenshot(page, 'cross-validate-1024x700');
    checkPageErrors();
  });
});

// Experiments in the real UI against `mlpw serve` on a real SQLite file: a run already in "Default" (written by a
// RunStore before the app starts), an experiment made from the sidebar, a Designer run trained into it; the sidebar
// counts both experiments and choosing one filters the runs table to its runs; a run another process writes into the
// file is counted without anything done in the window. Screenshot: experiments-sidebar.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const TRAIN_TIMEOUT = 120_000;
let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;
let seeded: string;

const count = (name: string) => page.locator(`[data-experiment="${name}"] [data-test="experiment-count"]`);
const tableRuns = () =>
  page.locator('[data-run]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.run!));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-experiments-'));
  db = join(dir, 'workbench.db');
  const store = new RunStore(db);
  try {
    seeded = store.createRun(parseConfig({ dataset: { name: 'xor', samples: 100 }, epochs: 1, backend: 'cpu' }));
    store.recordEpoch(seeded, {
      epoch: 1,
      trainLoss: 0.7,
      valLoss: 0.69,
      trainAcc: 0.5,
      valAcc: 0.5,
      lr: 0.1,
      durationMs: 3,
      samplesPerSec: 30000,
    });
    store.finishRun(seeded, {
      status: 'completed',
      epochs: 1,
      bestEpoch: 1,
      best: null,
      final: null,
      durationMs: 3,
      samplesPerSecond: 30000,
      stoppedEarly: false,
    });
  } finally {
    store.close();
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

describe('experiments', () => {
  it('makes an experiment in the sidebar, trains a Designer run into it, counts it and filters the table by it', async () => {
    await expect.poll(() => count('Default').textContent()).toBe('1');

    await page.getByTestId('new-experiment').click();
    await page.getByTestId('new-experiment-name').fill('activations');
    await page.getByTestId('new-experiment-name').press('Enter');
    await expect.poll(() => count('activations').textContent()).toBe('0');

    await page.getByTestId('nav-designer').click();
    await page.getByTestId('dataset').selectOption('spiral');
    await page.getByTestId('samples').fill('200');
    await page.getByTestId('epochs').fill('5');
    await page.getByTestId('backend').selectOption('cpu');
    await page.getByTestId('run-experiment').fill('activations');
    await page.getByTestId('train-now').click();
    await page.getByTestId('live-run').waitFor();
    await page.getByTestId('run-status').filter({ hasText: 'completed' }).waitFor({ timeout: TRAIN_TIMEOUT });
    const trained = (await page.locator('.live-run .run-id').textContent())!.trim();

    await expect.poll(() => count('activations').textContent()).toBe('1');
    expect(await count('Default').textContent()).toBe('1');

    await page.locator('[data-experiment="activations"]').click();
    await page.getByTestId('runs-table').waitFor();
    await expect.poll(tableRuns).toEqual([trained]);
    expect(await page.getByTestId('runs-experiment').textContent()).toBe('activations');
    expect(await page.getByTestId('run-total').textContent()).toBe('1');
    await screenshot(page, 'experiments-sidebar');

    await page.locator('[data-experiment="Default"]').click();
    await expect.poll(tableRuns).toEqual([seeded]);
    await page.getByTestId('experiment-all').click();
    await expect.poll(async () => (await tableRuns()).sort()).toEqual([seeded, trained].sort());

    // the choice of experiment for new runs survives a reload, as the rest of the draft does
    await page.reload();
    await page.getByTestId('nav-designer').click();
    expect(await page.getByTestId('run-experiment').inputValue()).toBe('activations');

    // the store agrees: the run is in the experiment in the file itself
    const reader = new RunStore(db, { readonly: true });
    try {
      expect(reader.getRun(trained).experiment).toBe('activations');
    } finally {
      reader.close();
    }
  }, 240_000);

  it('counts a run another process writes into the store (an agent, the CLI) without anything done in the window', async () => {
    await page.getByTestId('nav-designer').click();
    const before = Number(await page.getByTestId('run-count').textContent());
    const defaultBefore = Number(await count('Default').textContent());
    const writer = new RunStore(db);
    try {
      writer.createRun(parseConfig({ dataset: { name: 'xor', samples: 100 }, epochs: 1, backend: 'cpu' }));
    } finally {
      writer.close();
    }
    await expect.poll(() => page.getByTestId('run-count').textContent(), { timeout: 30_000 }).toBe(String(before + 1));
    await expect.poll(() => count('Default').textContent(), { timeout: 30_000 }).toBe(String(defaultBefore + 1));
  }, 60_000);
});

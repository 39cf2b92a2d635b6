// The Runs table's chosen columns, filter and groups in the real UI against `mlpw serve` on a real SQLite file: six
// xor runs trained by the engine worker (tanh and relu, three seeds each) before the app starts. The picker adds the
// activation and best val acc columns (remembered across a reload), a bad filter names its token under the box, a
// filter keeps the relu runs above an accuracy, and grouping by activation shows n and mean ± std equal to values
// computed here from the stored epochs; the group-by (and then-by) is remembered across a reload, as is its clearing.
// Screenshots: runs-columns, runs-grouped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRun, RunStore } from '../../db/index.ts';
import type { RunRecord } from '../../db/types.ts';
import { parseConfig } from '../../engine/config.ts';
import { runInWorker } from '../../engine/host/node/engine-client.ts';
import type { EpochMetrics } from '../../engine/types.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
let stored: { run: RunRecord; epochs: EpochMetrics[] }[];

const tableRuns = () =>
  page.locator('[data-run]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.run!).sort());
const bestValAcc = (s: (typeof stored)[number]) => s.epochs.find((e) => e.epoch === s.run.bestEpoch)!.valAcc!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-runs-columns-'));
  const db = join(dir, 'workbench.db');
  const store = new RunStore(db);
  try {
    for (const activation of ['tanh', 'relu'] as const)
      for (const seed of [1, 2, 3]) {
        const config = parseConfig({
          dataset: { name: 'xor', samples: 200 },
          model: { layers: [{ units: 8, activation }] },
          epochs: 5,
          seed,
          backend: 'cpu',
        });
        const id = store.createRun(config);
        await runInWorker(config, recordRun(store, id)).result;
      }
    stored = store.listRuns().map((run) => ({ run, epochs: store.getEpochs(run.id) }));
  } finally {
    store.close();
  }
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
  await page.goto(served.url);
  await page.getByTestId('nav-runs').click();
  await page.getByTestId('runs-table').waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('runs table columns, filter and groups', () => {
  it('adds chosen columns, remembered across a reload', async () => {
    await page.getByTestId('columns-picker').click();
    await page.locator('[data-test="columns-menu"] [data-column="model.layers.activation"]').check();
    await page.locator('[data-test="columns-menu"] [data-column="best.val_acc"]').check();
    await screenshot(page, 'runs-columns-picker');
    await page.getByTestId('columns-done').click();
    const cell = (id: string, key: string) => page.locator(`[data-run="${id}"] .col-${key.replaceAll('.', '\\.')}`);
    for (const s of stored) {
      await expect
        .poll(() => cell(s.run.id, 'model.layers.activation').textContent())
        .toBe(s.run.config.model.layers[0]!.activation);
      expect(Number(await cell(s.run.id, 'best.val_acc').textContent())).toBeCloseTo(bestValAcc(s), 3);
    }
    await screenshot(page, 'runs-columns');

    // A computed column's header sorts on it (best first for an accuracy), again to reverse.
    const order = () =>
      page.locator('[data-run]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.run!));
    const byAcc = [...stored].sort((a, b) => bestValAcc(b) - bestValAcc(a)).map((s) => bestValAcc(s));
    const accs = async () => (await order()).map((id) => bestValAcc(stored.find((s) => s.run.id === id)!));
    await page.locator('.runs-table th[data-sort="best.val_acc"]').click();
    await expect.poll(accs).toEqual(byAcc);
    await page.locator('.runs-table th[data-sort="best.val_acc"]').click();
    await expect.poll(accs).toEqual([...byAcc].reverse());
    await page.locator('.runs-table th[data-sort="created"]').click();

    await page.reload();
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-table').waitFor();
    await expect
      .poll(() => page.locator('.runs-table th').allTextContents())
      .toEqual(expect.arrayContaining(['model.layers.activation', 'best.val_acc']));
  });

  it('names the bad token of a filter under the box, then filters with the --filter syntax', async () => {
    await page.getByTestId('runs-filter').fill('val_acc >> 0.5');
    await expect
      .poll(() => page.getByTestId('runs-filter-error').textContent())
      .toBe('expected a value after "val_acc >", found ">" at column 10');
    expect(await tableRuns()).toEqual([]);
    await screenshot(page, 'runs-filter-error');

    // Below the lowest relu run's final accuracy, so every relu run passes and no tanh run.
    const relu = stored.filter((s) => s.run.config.model.layers[0]!.activation === 'relu');
    const floor = Math.min(...relu.map((s) => s.epochs.at(-1)!.valAcc!)) - 1e-9;
    await page.getByTestId('runs-filter').fill(`val_acc > ${floor} and activation = relu`);
    await expect.poll(tableRuns).toEqual(relu.map((s) => s.run.id).sort());
    expect(await page.getByTestId('runs-filter-error').count()).toBe(0);
    expect(await page.getByTestId('run-total').textContent()).toBe('3');
  });

  it('groups by activation: n and mean ± std (sample) of each metric column from the stored epochs', async () => {
    await page.getByTestId('runs-filter').fill('');
    await page.getByTestId('group-by').selectOption('model.layers.activation');
    await page.getByTestId('runs-groups').waitFor();
    await expect.poll(() => page.locator('[data-group]').count()).toBe(2);
    for (const activation of ['tanh', 'relu']) {
      const values = stored.filter((s) => s.run.config.model.layers[0]!.activation === activation).map(bestValAcc);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
      const row = page.locator(`[data-group="${activation}"]`);
      expect(await row.getByTestId('group-n').textContent()).toBe('3');
      const cell = row.locator('td[data-column="best.val_acc"]');
      expect(Math.abs(Number(await cell.getAttribute('data-mean')) - mean)).toBeLessThan(1e-12);
      expect(Math.abs(Number(await cell.getAttribute('data-std')) - std)).toBeLessThan(1e-12);
      expect(await cell.textContent()).toContain(' ± ');
    }
    // The group's own column is its first cell, not repeated among the columns.
    expect(await page.locator('[data-test="runs-groups"] th[data-column="model.layers.activation"]').count()).toBe(0);
    await screenshot(page, 'runs-grouped');
  });

  it('remembers the group-by across a reload, and its clearing', async () => {
    // grouped by activation by the test before
    await page.getByTestId('then-by').selectOption('optimizer.lr');
    await expect.poll(() => page.locator('[data-group]').count()).toBe(2);
    await page.reload();
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-groups').waitFor();
    await expect.poll(() => page.locator('[data-group]').count()).toBe(2);
    expect(await page.getByTestId('group-by-column').allTextContents()).toEqual([
      'model.layers.activation',
      'optimizer.lr',
    ]);
    expect(await page.getByTestId('group-by').inputValue()).toBe('model.layers.activation');
    expect(await page.getByTestId('then-by').inputValue()).toBe('optimizer.lr');

    await page.getByTestId('group-by').selectOption('');
    await page.locator('[data-test="runs-table"][aria-busy="false"]').waitFor();
    await page.reload();
    await page.getByTestId('nav-runs').click();
    await page.locator('[data-test="runs-table"][aria-busy="false"]').waitFor();
    expect(await tableRuns()).toEqual(stored.map((s) => s.run.id).sort());
    expect(await page.getByTestId('runs-groups').count()).toBe(0);
  });
});

// Groups over seeds, "Repeat with seeds", the selection and experiments in the real UI against `mlpw serve` on a real
// SQLite file: four xor runs (tanh and relu, lr 0.1 and 0.3) trained by the engine worker before the app starts.
// "Repeat with seeds…" on one run queues two more with seeds seed+1 and seed+2, trained by the app's queue into the
// run's experiment with the same config otherwise; grouping by activation then lr shows one group per pair with n and
// mean ± std (sample) of best.val_acc, last.val_loss and val_acc at epoch 2 (added as "at epoch") equal to values
// computed here from the stored epochs, and a group expands to its runs; a group's box selects its runs (the count is
// shown, and cleared on leaving Runs); the selection moves into an experiment made in the sidebar, whose counts
// follow, and the experiment is renamed from the Runs header; "Repeat with seeds…" on a selection queues N seeds of
// each selected run. Screenshots: runs-grouped-expanded, runs-moved, runs-1024x700, runs-1920x1080.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRun, RunStore } from '../../db/index.ts';
import type { RunRecord } from '../../db/types.ts';
import { parseConfig } from '../../engine/config.ts';
import { runInWorker } from '../../engine/host/node/engine-client.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const TRAIN_TIMEOUT = 120_000;
let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;
let first: RunRecord;

/** Every run in the file, each with its epochs, read by a second (read-only) connection. */
function readStore(): { run: RunRecord; bestValAcc: number; lastValLoss: number; epoch2ValAcc: number }[] {
  const reader = new RunStore(db, { readonly: true });
  try {
    return reader.listRuns().map((run) => {
      const epochs = reader.getEpochs(run.id);
      return {
        run,
        bestValAcc: epochs.find((e) => e.epoch === run.bestEpoch)!.valAcc!,
        lastValLoss: epochs.at(-1)!.valLoss!,
        epoch2ValAcc: epochs.find((e) => e.epoch === 2)!.valAcc!,
      };
    });
  } finally {
    reader.close();
  }
}

function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) };
}

const rowIds = () => page.locator('[data-run]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.run!));
const count = (name: string) => page.locator(`[data-experiment="${name}"] [data-test="experiment-count"]`);

async function showRuns(): Promise<void> {
  await page.getByTestId('nav-runs').click();
  await page.locator('[data-test="runs-table"][aria-busy="false"], [data-test="runs-groups"]').first().waitFor();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-groups-seeds-'));
  db = join(dir, 'workbench.db');
  const store = new RunStore(db);
  try {
    for (const activation of ['tanh', 'relu'] as const)
      for (const lr of [0.1, 0.3]) {
        const config = parseConfig({
          name: `${activation}-${lr}`,
          dataset: { name: 'xor', samples: 200 },
          model: { layers: [{ units: 6, activation }] },
          optimizer: { lr },
          epochs: 4,
          seed: 7,
          backend: 'cpu',
        });
        const id = store.createRun(config);
        await runInWorker(config, recordRun(store, id)).result;
      }
    first = store.listRuns().find((r) => r.name === 'tanh-0.1')!;
  } finally {
    store.close();
  }
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
  await page.goto(served.url);
  await showRuns();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('groups over seeds, repeat with seeds, selection and experiments', () => {
  it('"Repeat with seeds…" queues N runs of the same config with seeds seed+1 … seed+N', async () => {
    await expect.poll(async () => (await rowIds()).length).toBe(4);
    await page.locator(`[data-run="${first.id}"]`).click();
    await page.getByTestId('repeat-seeds').click();
    await page.getByTestId('repeat-count').fill('2');
    expect(await page.getByTestId('repeat-queue').textContent()).toContain('Queue seeds 8–9');
    await page.getByTestId('repeat-queue').click();
    // both train in this window's queue, one after the other
    await expect
      .poll(() => readStore().filter((s) => s.run.status === 'completed').length, { timeout: TRAIN_TIMEOUT })
      .toBe(6);
    const repeats = readStore()
      .map((s) => s.run)
      .filter((r) => r.id !== first.id && r.name === 'tanh-0.1');
    expect(repeats.map((r) => r.config.seed).sort()).toEqual([8, 9]);
    for (const r of repeats) {
      expect({ ...r.config, seed: first.config.seed }).toEqual(first.config);
      expect(r.experiment).toBe(first.experiment);
    }
    await showRuns();
    await expect.poll(async () => (await rowIds()).length).toBe(6);
  });

  it('groups by activation then lr: n and mean ± std of each metric from the stored epochs; a group expands', async () => {
    await page.getByTestId('columns-picker').click();
    await page.locator('[data-test="columns-menu"] [data-column="best.val_acc"]').check();
    await page.locator('[data-test="columns-menu"] [data-column="last.val_loss"]').check();
    // a metric at a chosen epoch: val_acc at epoch 2
    await page.getByTestId('at-epoch-metric').selectOption('val_acc');
    await page.getByTestId('at-epoch-epoch').fill('2');
    await page.getByTestId('at-epoch-add').click();
    await page.getByTestId('columns-done').click();
    await page.getByTestId('group-by').selectOption('model.layers.activation');
    await page.getByTestId('then-by').selectOption('optimizer.lr');
    await page.getByTestId('runs-groups').waitFor();
    await expect.poll(() => page.locator('[data-group]').count()).toBe(4);
    expect(await page.getByTestId('group-by-column').allTextContents()).toEqual([
      'model.layers.activation',
      'optimizer.lr',
    ]);

    const stored = readStore();
    for (const s of stored.filter((s) => s.run.name !== 'tanh-0.1')) {
      const row = page.locator(`[data-group="${s.run.name!.replace('-', ' · ')}"]`);
      expect(await row.getByTestId('group-n').textContent()).toBe('1');
      expect(Number(await row.locator('td[data-column="best.val_acc"]').getAttribute('data-mean'))).toBe(s.bestValAcc);
    }
    const seeds = stored.filter((s) => s.run.name === 'tanh-0.1');
    expect(seeds).toHaveLength(3);
    const row = page.locator('[data-group="tanh · 0.1"]');
    expect(await row.getByTestId('group-n').textContent()).toBe('3');
    for (const [column, values] of [
      ['best.val_acc', seeds.map((s) => s.bestValAcc)],
      ['last.val_loss', seeds.map((s) => s.lastValLoss)],
      ['at2.val_acc', seeds.map((s) => s.epoch2ValAcc)],
    ] as const) {
      const { mean, std } = meanStd([...values]);
      const cell = row.locator(`td[data-column="${column}"]`);
      expect(Math.abs(Number(await cell.getAttribute('data-mean')) - mean)).toBeLessThan(1e-12);
      expect(Math.abs(Number(await cell.getAttribute('data-std')) - std)).toBeLessThan(1e-12);
      expect(await cell.textContent()).toContain(' ± ');
    }

    // expanded, the group lists its three runs with their own values
    await row.click();
    await expect
      .poll(() =>
        page.locator('[data-group-run]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.groupRun!)),
      )
      .toEqual(expect.arrayContaining(seeds.map((s) => s.run.id)));
    expect(await page.locator('[data-group-run]').count()).toBe(3);
    for (const s of seeds)
      expect(
        Number(await page.locator(`[data-group-run="${s.run.id}"] td[data-column="best.val_acc"]`).textContent()),
      ).toBeCloseTo(s.bestValAcc, 3);
    await screenshot(page, 'runs-grouped-expanded');
    await row.click();
    expect(await page.locator('[data-group-run]').count()).toBe(0);
  });

  it("a group's box selects its runs; the count is shown and cleared on leaving Runs", async () => {
    await page.locator('[data-group="tanh · 0.1"]').getByTestId('group-select').check();
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toContain('3 selected');
    expect(await page.getByTestId('compare-selected').textContent()).toContain('Compare 3');
    await page.getByTestId('nav-designer').click();
    await showRuns();
    expect(await page.getByTestId('selection-count').count()).toBe(0);
    expect(await page.getByTestId('delete-selected').isDisabled()).toBe(true);
  });

  it('moves the selection into an experiment made in the sidebar; counts follow; renames it from the header', async () => {
    await page.getByTestId('group-by').selectOption('');
    await page.locator('[data-test="runs-table"][aria-busy="false"]').waitFor();
    await expect.poll(async () => (await rowIds()).length).toBe(6);
    await expect.poll(() => count('Default').textContent()).toBe('6');

    await page.getByTestId('new-experiment').click();
    await page.getByTestId('new-experiment-name').fill('seeds');
    await page.getByTestId('new-experiment-name').press('Enter');
    await expect.poll(() => count('seeds').textContent()).toBe('0');

    const seeds = readStore()
      .filter((s) => s.run.name === 'tanh-0.1')
      .map((s) => s.run.id);
    for (const id of seeds) await page.getByLabel(`Select run ${id}`).check();
    await page.getByTestId('move-to').selectOption('seeds');
    await expect.poll(() => count('seeds').textContent()).toBe('3');
    expect(await count('Default').textContent()).toBe('3');
    expect(await page.getByTestId('selection-count').count()).toBe(0);
    for (const s of readStore()) expect(s.run.experiment).toBe(seeds.includes(s.run.id) ? 'seeds' : 'Default');

    await page.locator('[data-experiment="seeds"]').click();
    await expect.poll(async () => (await rowIds()).sort()).toEqual([...seeds].sort());
    await screenshot(page, 'runs-moved');

    await page.getByTestId('rename-experiment').click();
    await page.getByTestId('experiment-name-input').fill('tanh seeds');
    await page.getByTestId('experiment-name-input').press('Enter');
    await expect.poll(() => page.getByTestId('runs-experiment').textContent()).toBe('tanh seeds');
    await expect.poll(() => count('tanh seeds').textContent()).toBe('3');
    expect(await page.locator('[data-experiment="seeds"]').count()).toBe(0);
    for (const s of readStore()) if (seeds.includes(s.run.id)) expect(s.run.experiment).toBe('tanh seeds');
  });

  it('fits at 1024×700 and 1920×1080 (screenshots)', async () => {
    await page.getByTestId('experiment-all').click();
    await page.getByTestId('group-by').selectOption('model.layers.activation');
    await page.getByTestId('runs-groups').waitFor();
    await page.locator('[data-group="tanh"]').click();
    for (const [width, height] of [
      [1024, 700],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(200);
      await screenshot(page, `runs-${width}x${height}`);
      // nothing of the header spills sideways out of the view
      const overflow = await page.evaluate(() => {
        const view = document.querySelector('.view.runs')!;
        return [...view.querySelectorAll('.view-header *')].some(
          (e) => e.getBoundingClientRect().right > view.getBoundingClientRect().right + 1,
        );
      });
      expect(overflow).toBe(false);
    }
  });

  it('"Repeat with seeds…" on a selection (a group\'s runs here, a sweep\'s alike) queues N per run', async () => {
    const relu = readStore().filter((s) => s.run.config.model.layers[0]!.activation === 'relu');
    await page.locator('[data-group="relu"]').getByTestId('group-select').check();
    await page.getByTestId('repeat-selected').click();
    await page.getByTestId('repeat-selected-count').fill('1');
    expect(await page.getByTestId('repeat-selected-queue').textContent()).toContain('Queue 2');
    await page.getByTestId('repeat-selected-queue').click();
    await expect
      .poll(() => readStore().filter((s) => s.run.status === 'completed').length, { timeout: TRAIN_TIMEOUT })
      .toBe(8);
    for (const original of relu.map((s) => s.run)) {
      const repeats = readStore()
        .map((s) => s.run)
        .filter((r) => r.id !== original.id && r.name === original.name);
      expect(repeats.map((r) => r.config.seed)).toEqual([original.config.seed + 1]);
      expect({ ...repeats[0]!.config, seed: original.config.seed }).toEqual(original.config);
    }
  });
});

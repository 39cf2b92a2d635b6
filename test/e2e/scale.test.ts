// The app with a store of 600 runs × 40 epochs (recorded straight into SQLite, no training): the runs table pages and
// sorts in the store, the last page is reachable, sorting by best validation loss puts the best run first, and a page
// of 50 runs compares in one view. Then a store of 5,000 runs × 10 epochs: first paint, a re-sort in the store, a
// chosen metric column sorted, a filter and a group-by over all 5,000 (a group of 1,667 expanding 100 runs at a time),
// each through Playwright, in the page (RunsView's performance entries) and the store call alone. Times are printed
// for the record, never asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { recordSyntheticRuns } from '../fixtures/synthetic-runs.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const RUNS = 600;
const EPOCHS = 40;

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
let bestId = '';

/** Records `runs` runs of `epochs` epochs; returns the id of the run with the lowest validation loss. */
function seed(path: string, runs = RUNS, epochCount = EPOCHS): string {
  const store = new RunStore(path);
  const best = recordSyntheticRuns(store, { runs, epochs: epochCount, prefix: 'scale' });
  store.close();
  return best;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-scale-'));
  bestId = seed(join(dir, 'workbench.db'));
  served = await startServe(join(dir, 'workbench.db'));
  browser = await launchChromium();
  page = browser.page;
  await page.goto(served.url);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a store of 600 runs in the app', () => {
  it('pages the runs table, reaches the last page and sorts by best validation loss in the store', async () => {
    const t0 = Date.now();
    await page.getByTestId('nav-runs').click();
    // a first listing behind the store's other first calls can take seconds on two busy cores
    await expect.poll(() => page.getByTestId('run-total').textContent(), { timeout: 60_000 }).toBe(String(RUNS));
    await page.locator('[data-test="runs-table"] tbody tr').nth(49).waitFor();
    const firstPageMs = Date.now() - t0;
    expect(await page.locator('[data-test="runs-table"] tbody tr').count()).toBe(50);
    await page.getByText('Page 1 / 12').waitFor();
    for (let i = 0; i < 11; i++) await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 12 / 12').waitFor();
    await page.getByText(`551–600 of ${RUNS}`).waitFor();
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Page 11 / 12').waitFor();
    const t1 = Date.now();
    await page.locator('th', { hasText: 'best val loss' }).click();
    await page.getByText('Page 1 / 12').waitFor();
    await expect
      .poll(() => page.locator('[data-test="runs-table"] tbody tr').first().getAttribute('data-run'))
      .toBe(bestId);
    const sortMs = Date.now() - t1;
    console.log(
      `runs view with ${RUNS} runs: first page ${firstPageMs} ms, sort by best val loss ${sortMs} ms (headless Chromium, 2 shared cores)`,
    );
    await screenshot(page, 'runs-600');
  });

  it('compares a page of 50 runs from the big store', async () => {
    await page.getByLabel('Select all on this page').check();
    const t0 = Date.now();
    await page.getByTestId('compare-selected').click();
    await page.locator('[data-test="compare-chart"][data-series="50"] canvas').first().waitFor();
    console.log(`compare 50 of ${RUNS} runs (${50 * EPOCHS} epochs): ${Date.now() - t0} ms`);
    expect(await page.locator('[data-test="best-last"] tbody tr').count()).toBe(50);
  });
});

const BIG = 5000;
const BIG_EPOCHS = 10;
/** what a poll waits at most here: every step is timed and printed, none is held to a time */
const LONG = { timeout: 60_000 };

describe(`a store of ${BIG} runs in the app`, () => {
  let bigDir: string;
  let bigServed: Served;
  let big: Page;
  let bigBest = '';
  let seedMs = 0;

  beforeAll(async () => {
    bigDir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-scale-5000-'));
    const t0 = Date.now();
    bigBest = seed(join(bigDir, 'workbench.db'), BIG, BIG_EPOCHS);
    seedMs = Date.now() - t0;
    bigServed = await startServe(join(bigDir, 'workbench.db'));
    big = await browser.context.newPage();
    await big.goto(bigServed.url);
    await big.getByTestId('nav-designer').waitFor();
  }, 180_000);

  afterAll(async () => {
    await big?.close();
    await bigServed?.stop();
    if (bigDir) rmSync(bigDir, { recursive: true, force: true });
  });

  /** The store call alone, through the HTTP transport the page uses. */
  async function storeMs(method: string, input: object): Promise<number> {
    const t0 = Date.now();
    const res = await fetch(`${bigServed.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Workbench-Token': bigServed.token },
      body: JSON.stringify(input),
    });
    expect(res.status).toBe(200);
    await res.json();
    return Date.now() - t0;
  }

  const rows = () => big.locator('[data-test="runs-table"] tbody tr');
  const idle = () => big.locator('[data-test="runs-table"][aria-busy="false"]').waitFor();

  /**
   * The page's own account of the listing a step asked for (RunsView's performance entries, read after the step):
   * from the step's input event in the page to the rows painted, split into the wait before the call (a filter's
   * typing pause), the store call through the transport, and the render. Without Playwright's round trips, polling and
   * actionability checks.
   */
  async function inPage(): Promise<string> {
    await big.waitForFunction(() =>
      performance
        .getEntriesByName('runs:load')
        .some((e) => !((e as PerformanceMeasure).detail as { superseded: boolean }).superseded),
    );
    const m = await big.evaluate(() => {
      const act = (performance.getEntriesByName('test:input')[0] ?? performance.getEntriesByName('test:act')[0]!)
        .startTime;
      const last = (name: string) => {
        const mine = performance
          .getEntriesByName(name)
          .filter((e) => !((e as PerformanceMeasure).detail as { superseded: boolean }).superseded);
        return mine.at(-1)!;
      };
      const load = last('runs:load');
      return {
        total: load.startTime + load.duration - act,
        before: load.startTime - act,
        store: last('runs:store').duration,
        render: last('runs:render').duration,
        call: ((load as PerformanceMeasure).detail as { call: string }).call,
      };
    });
    const ms = (x: number) => `${Math.round(x)} ms`;
    return `in page ${ms(m.total)}: ${m.before >= 1 ? `${ms(m.before)} before the call, ` : ''}${m.call} ${ms(m.store)}, render ${ms(m.render)}`;
  }

  it('paints, re-sorts, sorts a chosen metric column, filters and groups all of them', async () => {
    const times: string[] = [`seeded in ${seedMs} ms`];
    const timed = async (what: string, act: () => Promise<void>, store?: [string, object]): Promise<void> => {
      await big.evaluate(() => {
        for (const name of ['runs:load', 'runs:store', 'runs:render']) performance.clearMeasures(name);
        performance.clearMarks('test:input');
        performance.clearMarks('test:act');
        performance.mark('test:act');
        // the step's first input event in the page (Playwright's click or fill), once per page
        const w = window as { inputMarked?: boolean };
        if (!w.inputMarked) {
          w.inputMarked = true;
          const mark = () => performance.getEntriesByName('test:input').length || performance.mark('test:input');
          for (const type of ['click', 'input', 'change']) document.addEventListener(type, mark, { capture: true });
        }
      });
      const t0 = Date.now();
      await act();
      const ui = Date.now() - t0;
      const page = await inPage();
      times.push(
        `${what} ${ui} ms through Playwright, ${page}${store ? ` (store call alone ${await storeMs(...store)} ms)` : ''}`,
      );
    };

    await timed(
      'first paint',
      async () => {
        await big.getByTestId('nav-runs').click();
        await expect.poll(() => big.getByTestId('run-total').textContent(), LONG).toBe(String(BIG));
        await rows().nth(49).waitFor();
      },
      ['listRuns', { limit: 50 }],
    );
    expect(await rows().count()).toBe(50);
    await big.getByText(`Page 1 / ${BIG / 50}`).waitFor();
    await screenshot(big, 'runs-5000');

    await timed('next page', async () => {
      await big.getByRole('button', { name: 'Next' }).click();
      await big.getByText(`51–100 of ${BIG}`).waitFor();
      await idle();
    });

    await timed(
      're-sort by best val loss',
      async () => {
        await big.locator('th', { hasText: 'best val loss' }).click();
        await expect.poll(() => rows().first().getAttribute('data-run'), LONG).toBe(bigBest);
        await idle();
      },
      ['listRuns', { sort: 'val_loss', limit: 50 }],
    );

    await big.getByTestId('columns-picker').click();
    await timed(
      'add the best.val_acc column',
      async () => {
        await big.locator('[data-test="columns-menu"] [data-column="best.val_acc"]').check();
        await big.locator('[data-run] .col-best\\.val_acc').first().waitFor();
        await idle();
      },
      ['runTable', { columns: ['best.val_acc'], limit: 50 }],
    );
    await big.getByTestId('columns-done').click();

    await timed(
      're-sort by best.val_acc',
      async () => {
        await big.locator('.runs-table th[data-sort="best.val_acc"]').click();
        await expect.poll(() => rows().first().getAttribute('data-run'), LONG).toBe(bigBest);
        await idle();
      },
      ['runTable', { columns: ['best.val_acc'], sortColumn: 'best.val_acc', descending: true, limit: 50 }],
    );

    // the lr repeats every 600 runs, so the three layer shapes split 5,000 runs 1667 / 1667 / 1666
    await timed(
      'filter layers = 16',
      async () => {
        await big.getByTestId('runs-filter').fill('model.layers = 16');
        await expect.poll(() => big.getByTestId('run-total').textContent(), LONG).toBe(String(Math.ceil(BIG / 3)));
        await idle();
      },
      ['runTable', { columns: ['best.val_acc'], filter: 'model.layers = 16', limit: 50 }],
    );
    await big.getByTestId('runs-filter').fill('');
    await expect.poll(() => big.getByTestId('run-total').textContent(), LONG).toBe(String(BIG));

    await timed(
      'group by model.layers',
      async () => {
        await big.getByTestId('group-by').selectOption('model.layers');
        await expect.poll(() => big.locator('[data-group]').count(), LONG).toBe(3);
      },
      ['runTable', { columns: ['best.val_acc'], groupBy: 'model.layers' }],
    );
    // A group of ~1,667 runs expands to its first 100, then 100 more at a time; timed in the page, click to painted.
    const toggle = (selector: string) =>
      big.evaluate(async (s) => {
        const t0 = performance.now();
        (document.querySelector(s) as HTMLElement).click();
        await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted)));
        return Math.round(performance.now() - t0);
      }, selector);
    const firstN = Number(await big.locator('[data-group]').first().getByTestId('group-n').textContent());
    const expandMs = await toggle('[data-group]');
    expect(await big.locator('[data-group-run]').count()).toBe(100);
    expect(await big.getByTestId('group-more').textContent()).toContain(`100 of ${firstN} runs shown`);
    const moreMs = await toggle('[data-test="group-show-more"]');
    expect(await big.locator('[data-group-run]').count()).toBe(200);
    times.push(`expand a group of ${firstN} runs in page ${expandMs} ms, 100 more ${moreMs} ms`);
    await big.getByTestId('group-more').scrollIntoViewIfNeeded();
    await screenshot(big, 'runs-5000-group-expanded');
    await toggle('[data-group]');

    // the picker's config keys, asked once after the first page (the store's first table: every config parsed)
    const keysMs = await big.evaluate(() => performance.getEntriesByName('runs:config-keys').at(-1)?.duration);
    times.push(`config keys (the store's first table, in the background) ${Math.round(keysMs ?? NaN)} ms`);
    const ns = await big.getByTestId('group-n').allTextContents();
    expect(ns.map(Number).reduce((a, b) => a + b, 0)).toBe(BIG);
    await screenshot(big, 'runs-5000-grouped');

    console.log(
      `runs view with ${BIG} runs × ${BIG_EPOCHS} epochs (headless Chromium, 2 shared cores): ${times.join('; ')}`,
    );
  }, 240_000);
});

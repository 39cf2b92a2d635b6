// Issue 14 end to end in headless Chromium against `mlpw serve`: the defects a first-time user met. Leaving Insight
// at once throws nothing and the next Insight opens on the right run and checkpoint; every view fits at 1024×700,
// 1440×900 and 1920×1080 (screenshots in test-artifacts/screenshots/); … Any pageerror or console.error fails the
// test it happened in (chromium.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers.ts';
import { checkPageErrors, launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
const runs: Record<string, string> = {};

// Tiny for two shared cores: 200–300 samples, 8–15 epochs on the JavaScript reference kernels (float64 records the
// layer statistics Insight draws).
async function seedRun(name: string, ...flags: string[]): Promise<string> {
  const r = await cli(['train', '--backend', 'cpu', '--precision', 'float64', '--name', name, '--json', ...flags], {
    db: join(dir, 'workbench.db'),
  });
  if (r.code !== 0) throw new Error(r.stderr);
  return (runs[name] = (JSON.parse(r.stdout) as { runId: string }).runId);
}

const go = (hash: string) => page.evaluate((h) => (window.location.hash = h), hash);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-first-use-'));
  await seedRun(
    'moons-a',
    '--dataset',
    'moons',
    '--samples',
    '300',
    '--layers',
    '12,8',
    '--activation',
    'tanh',
    '--epochs',
    '15',
  );
  await seedRun(
    'moons-b',
    '--dataset',
    'moons',
    '--samples',
    '300',
    '--layers',
    '8',
    '--lr',
    '0.002',
    '--epochs',
    '10',
  );
  await seedRun(
    'moons-c',
    '--dataset',
    'moons',
    '--samples',
    '300',
    '--layers',
    '16,16,16',
    '--activation',
    'relu',
    '--optimizer',
    'momentum',
    '--epochs',
    '8',
  );
  // Ten classes: the confusion matrix at its widest.
  const tenClasses = join(dir, 'ten-classes.json');
  writeFileSync(
    tenClasses,
    JSON.stringify({
      dataset: { name: 'gaussians', classes: 10, samples: 500 },
      model: { layers: [{ units: 16, activation: 'relu' }] },
      epochs: 8,
    }),
  );
  await seedRun('gaussians-10', '--config', tenClasses);
  await seedRun(
    'sine',
    '--dataset',
    'sine',
    '--samples',
    '200',
    '--layers',
    '16',
    '--activation',
    'tanh',
    '--epochs',
    '15',
  );
  // 784 feature columns, as an MNIST CSV has (40 rows of made-up pixels).
  const wide = join(dir, 'wide.csv');
  const header = [...Array.from({ length: 784 }, (_, i) => `px${i}`), 'digit'].join(',');
  const rows = Array.from({ length: 40 }, (_, r) =>
    [...Array.from({ length: 784 }, (_, i) => (r * 7 + i) % 256), r % 10].join(','),
  );
  writeFileSync(wide, [header, ...rows].join('\n') + '\n');
  const imported = await cli(['import', wide, '--target', 'digit', '--name', 'wide-784', '--json'], {
    db: join(dir, 'workbench.db'),
  });
  if (imported.code !== 0) throw new Error(imported.stderr);
  // 600 feature columns that are not a square image: the preview is a table, and it must not spill.
  const wider = join(dir, 'wide-600.csv');
  const header600 = [...Array.from({ length: 600 }, (_, i) => `f${i}`), 'label'].join(',');
  const rows600 = Array.from({ length: 40 }, (_, r) =>
    [...Array.from({ length: 600 }, (_, i) => ((r * 3 + i) % 97) / 10), r % 4].join(','),
  );
  writeFileSync(wider, [header600, ...rows600].join('\n') + '\n');
  const imported600 = await cli(['import', wider, '--target', 'label', '--name', 'wide-600', '--json'], {
    db: join(dir, 'workbench.db'),
  });
  if (imported600.code !== 0) throw new Error(imported600.stderr);
  served = await startServe(join(dir, 'workbench.db'));
  browser = await launchChromium();
  page = browser.page;
  await page.goto(served.url);
  await page.getByTestId('nav-runs').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the app as a new user finds it', () => {
  it('the harness reports a console.error and an uncaught error in the page, and then starts clean', async () => {
    await page.evaluate(() => {
      console.error('made-up failure');
      setTimeout(() => {
        throw new Error('made-up uncaught');
      });
    });
    await expect.poll(() => browser.errors.length).toBe(2);
    expect(() => checkPageErrors()).toThrow(
      /2 error\(s\) in the page:\nconsole\.error at .*made-up failure.*\npageerror at .*made-up uncaught/s,
    );
    expect(() => checkPageErrors()).not.toThrow();
  });

  it('leaves Insight within half a second, again and again, without an error, and then opens the right run at its best checkpoint', async () => {
    for (const [i, delay] of [0, 20, 50, 100, 150, 250, 350, 500].entries()) {
      await go(`#/insight/${i % 2 ? runs['moons-b'] : runs['moons-a']}`);
      if (i === 2)
        await page
          .getByTestId('checkpoint')
          .selectOption('final')
          .catch(() => undefined);
      await page.waitForTimeout(delay);
      await go(i % 2 ? '#/runs' : '#/compare');
    }
    await page.waitForTimeout(1500); // whatever was still on its way lands now, in a hidden view
    await go(`#/insight/${runs['moons-b']}`);
    await expect.poll(() => page.getByTestId('insight-view').locator('h1').textContent()).toContain(runs['moons-b']);
    await page.locator('[data-test="weight-histograms"] canvas').first().waitFor();
    await page.locator('[data-test="decision-boundary"] canvas').first().waitFor();
    expect(await page.getByTestId('checkpoint').inputValue()).toBe('best');
    const epochs = await page.getByTestId('insight-view').locator('h2 .muted').allTextContents();
    const best = await page.getByTestId('checkpoint').locator('option[value="best"]').textContent();
    for (const e of epochs) expect(best).toContain(e.match(/epoch (\d+)/)![1]);
  });

  const VIEWPORTS = [
    { width: 1024, height: 700 },
    { width: 1440, height: 900 },
    { width: 1920, height: 1080 },
  ];

  /** Every view in the state a user sees it, with the test id that must appear before the picture. */
  const VIEWS = (): { name: string; hash: string; ready: string; prepare?: () => Promise<void> }[] => [
    {
      name: 'designer',
      hash: '#/designer',
      ready: '[data-test="dataset-preview"] canvas',
      prepare: () =>
        page
          .getByTestId('dataset')
          .selectOption('spiral')
          .then(() => undefined),
    },
    // 784 columns are a 28 × 28 image: the preview is a grid of the first images
    {
      name: 'designer-784-columns',
      hash: '#/designer',
      ready: '[data-test="image-grid"] canvas',
      prepare: () =>
        page
          .getByTestId('dataset')
          .selectOption('wide-784')
          .then(() => undefined),
    },
    {
      name: 'designer-600-columns',
      hash: '#/designer',
      ready: '[data-test="dataset-preview"] table',
      prepare: () =>
        page
          .getByTestId('dataset')
          .selectOption('wide-600')
          .then(() => undefined),
    },
    { name: 'training', hash: '#/training', ready: 'main' },
    { name: 'runs', hash: '#/runs', ready: '[data-test="runs-table"]' },
    { name: 'run-detail', hash: `#/runs/${runs['moons-c']}`, ready: '.run-detail' },
    {
      name: 'compare-3',
      hash: `#/compare/${[runs['moons-a'], runs['moons-b'], runs['moons-c']].join(',')}`,
      ready: '[data-test="config-diff"] tbody tr',
    },
    { name: 'sweeps', hash: '#/sweeps', ready: '[data-test="sweeps-view"]' },
    { name: 'insight', hash: `#/insight/${runs['moons-a']}`, ready: '[data-test="decision-boundary"] canvas' },
    { name: 'insight-10-classes', hash: `#/insight/${runs['gaussians-10']}`, ready: '[data-test="confusion-matrix"]' },
    { name: 'insight-regression', hash: `#/insight/${runs['sine']}`, ready: '[data-test="insight-view"] h1' },
  ];

  it('fits every view at 1024×700, 1440×900 and 1920×1080: nothing scrolls sideways or spills out of its card', async () => {
    const problems: string[] = [];
    for (const size of VIEWPORTS) {
      await page.setViewportSize(size);
      for (const view of VIEWS()) {
        await go(view.hash);
        await view.prepare?.();
        await page.locator(view.ready).first().waitFor();
        await page.waitForTimeout(400); // ECharts redraws on the next frame after a resize
        await screenshot(page, `${size.width}x${size.height}-${view.name}`);
        const found = await page.evaluate(() => {
          const out: string[] = [];
          const doc = document.scrollingElement!;
          if (doc.scrollWidth > doc.clientWidth + 1)
            out.push(`the page scrolls sideways (${doc.scrollWidth} > ${doc.clientWidth})`);
          const main = document.querySelector('main')!;
          if (main.scrollWidth > main.clientWidth + 1)
            out.push(`main scrolls sideways (${main.scrollWidth} > ${main.clientWidth})`);
          // A card's content wider than the card, unless it sits in a scroll box of its own (.scroll-x); the runs
          // table is a wide grid that scrolls, except beside an open run, where it shows its brief columns.
          for (const panel of document.querySelectorAll<HTMLElement>('main .panel, main .with-detail .runs-main')) {
            if (panel.offsetParent === null) continue;
            const box = panel.getBoundingClientRect();
            for (const el of panel.querySelectorAll<HTMLElement>('table, canvas, .chart')) {
              if (el.closest('.scroll-x') && panel.contains(el.closest('.scroll-x'))) continue;
              const r = el.getBoundingClientRect();
              if (r.width > 0 && r.right > box.right + 1)
                out.push(
                  `${el.tagName.toLowerCase()} in "${panel.querySelector('h2,h3')?.textContent?.trim() ?? panel.className}" overflows by ${Math.round(r.right - box.right)} px`,
                );
            }
          }
          return out;
        });
        problems.push(...found.map((f) => `${size.width}×${size.height} ${view.name}: ${f}`));
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(problems).toEqual([]);
  });

  it('a cancelled run’s bar shows how far it got; a delete updates the top bar’s count and the queue’s link', async () => {
    await go('#/designer');
    await page.getByTestId('run-name').fill('to-cancel');
    await page.getByTestId('dataset').selectOption('spiral');
    await page.getByTestId('samples').fill('3000');
    await page.getByTestId('batch').fill('4');
    await page.getByTestId('epochs').fill('2000');
    await page.getByTestId('backend').selectOption('cpu');
    await page.getByTestId('train-now').click();
    await expect
      .poll(async () => Number((await page.getByTestId('epoch').textContent())?.split('/')[0]), { timeout: 60_000 })
      .toBeGreaterThan(0);
    await page.getByTestId('cancel').click();
    await page.getByTestId('run-status').filter({ hasText: 'cancelled' }).waitFor({ timeout: 60_000 });
    const done = Number((await page.getByTestId('epoch').textContent())!.split('/')[0]);
    const bar = Number(await page.getByTestId('live-run').getByRole('progressbar').getAttribute('aria-valuenow'));
    expect(bar).toBe(Math.round((done / 2000) * 100));
    expect(bar).toBeLessThan(100);
    const id = (await page.locator('.live-run .run-id').textContent())!.trim();

    const count = () => page.getByTestId('run-count').textContent().then(Number);
    await expect.poll(count).toBe(Object.keys(runs).length + 1);
    await go(`#/runs/${id}`);
    await page.getByTestId('delete-run').click();
    await page.getByTestId('confirm').click();
    await expect.poll(count).toBe(Object.keys(runs).length);
    await go('#/training');
    await expect.poll(() => page.getByTestId('queue').getByTestId('deleted-run').textContent()).toContain(id);
    expect(await page.getByTestId('queue').locator('a', { hasText: id }).count()).toBe(0);
  });

  it('works from the keyboard: rows and sortable headers take the focus and answer Enter and Space, Escape closes a dialog, the focus shows', async () => {
    await go('#/runs');
    const row = page.locator(`[data-run="${runs['moons-b']}"]`);
    await row.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/runs/${runs['moons-b']}`);
    await go('#/runs');
    const name = page.locator('th[data-sort="name"]');
    await name.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => name.getAttribute('aria-sort')).toBe('ascending');
    await page.keyboard.press('Enter');
    await expect.poll(() => name.getAttribute('aria-sort')).toBe('descending');

    // The ring on a checkbox reached by the keyboard: from the box to the next stop and back.
    const all = page.getByLabel('Select all on this page');
    await all.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await all.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await all.evaluate((el) => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth])).toEqual([
      'solid',
      '3px',
    ]);

    await page.getByLabel(`Select run ${runs['moons-a']}`).check();
    await page.getByTestId('delete-selected').click();
    const dialog = page.getByRole('dialog', { name: 'Delete runs' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByLabel(`Select run ${runs['moons-a']}`).uncheck();
  });

  it('draws the fitted curve of a 1-D regression over its data, live and in Insight', async () => {
    await go('#/designer');
    await page.getByTestId('run-name').fill('sine-live');
    await page.getByTestId('dataset').selectOption('sine');
    await page.getByTestId('samples').fill('200');
    await page.getByTestId('batch').fill('16');
    await page.getByTestId('epochs').fill('20');
    await page.getByTestId('backend').selectOption('cpu');
    await page.getByTestId('train-now').click();
    await page.locator('.live-run .run-id').filter({ hasText: /\w{8}/ }).waitFor();
    await page.getByTestId('run-status').filter({ hasText: 'completed' }).waitFor({ timeout: 120_000 });
    await page.locator('[data-test="boundary"][data-fit-points="200"] canvas').first().waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'regression-fit-live');
    await go(`#/insight/${runs['sine']}`);
    await page.locator('[data-test="fit"][data-fit-points="200"] canvas').first().waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'regression-fit-insight');
  });

  it('draws the Designer’s 2-D preview at equal scale, keeps the design across a reload, and drops the Runs selection on leaving Runs', async () => {
    await go('#/designer');
    await page.getByTestId('dataset').selectOption('spiral');
    const chart = page.getByTestId('dataset-preview').getByTestId('points-chart');
    await chart.locator('canvas').first().waitFor();
    const box = (await chart.boundingBox())!;
    expect(Math.abs(box.width - box.height)).toBeLessThanOrEqual(1);
    expect(await chart.getAttribute('data-x-span')).toBe(await chart.getAttribute('data-y-span'));

    await page.getByTestId('run-name').fill('kept-over-reload');
    await page.getByTestId('sweep-key-1').selectOption('optimizer.lr');
    await page.getByTestId('sweep-values-1').fill('0.1, 0.01');
    await page.reload();
    await page.getByTestId('run-name').waitFor();
    expect(await page.getByTestId('run-name').inputValue()).toBe('kept-over-reload');
    expect(await page.getByTestId('dataset').inputValue()).toBe('spiral');
    expect(await page.getByTestId('sweep-key-1').inputValue()).toBe('optimizer.lr');
    expect(await page.getByTestId('sweep-values-1').inputValue()).toBe('0.1, 0.01');
    await page.getByTestId('sweep-values-1').fill('');
    await page.getByTestId('sweep-key-1').selectOption('');

    await go('#/runs');
    await page.getByLabel(`Select run ${runs['moons-a']}`).check();
    await page.getByLabel(`Select run ${runs['moons-b']}`).check();
    await expect.poll(() => page.getByTestId('compare-selected').textContent()).toContain('Compare 2');
    await go('#/designer');
    await go('#/runs');
    await page.getByTestId('runs-table').waitFor();
    expect(await page.getByLabel(`Select run ${runs['moons-a']}`).isChecked()).toBe(false);
    expect((await page.getByTestId('compare-selected').textContent())?.trim()).toBe('Compare');
  });

  it('follows a dark system theme, and the top bar’s toggle chooses one that a reload keeps', async () => {
    const look = () =>
      page.evaluate(() => ({
        theme: document.documentElement.dataset.theme,
        panel: getComputedStyle(document.querySelector('main .panel')!).backgroundColor,
      }));
    await go(`#/compare/${[runs['moons-a'], runs['moons-b'], runs['moons-c']].join(',')}`);
    await page.locator('[data-test="compare-chart"] canvas').first().waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(look).toEqual({ theme: 'dark', panel: 'rgb(30, 34, 39)' });
    await page.waitForTimeout(400);
    await screenshot(page, 'dark-compare');
    await go(`#/insight/${runs['moons-a']}`);
    await page.locator('[data-test="decision-boundary"] canvas').first().waitFor();
    await page.waitForTimeout(400);
    await screenshot(page, 'dark-insight');
    await go('#/designer');
    await page.getByTestId('dataset-preview').locator('canvas').first().waitFor();
    await screenshot(page, 'dark-designer');

    await page.getByTestId('theme-toggle').click();
    await expect.poll(look).toEqual({ theme: 'light', panel: 'rgb(255, 255, 255)' });
    await page.reload();
    await page.getByTestId('theme-toggle').waitFor();
    await expect.poll(look).toEqual({ theme: 'light', panel: 'rgb(255, 255, 255)' });
    await page.getByTestId('theme-toggle').click();
    await expect.poll(look).toEqual({ theme: 'dark', panel: 'rgb(30, 34, 39)' });
    await page.evaluate(() => localStorage.removeItem('mlpw.theme'));
    await page.emulateMedia({ colorScheme: 'light' });
  });
});

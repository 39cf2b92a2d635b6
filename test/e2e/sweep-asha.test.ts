// ASHA in the app, in Debian's Chromium against `mlpw serve` on a temporary database: the Designer's sweep builder
// queues a 6-point lr grid on xor (9 epochs) with early stop asha min=1 η=3; the window's queue steps each trial an
// epoch at a time and judges it at rungs 1 and 3. Then `mlpw sweep` with the app sweep's own base config, the same
// grid and `--early-stop asha:min=1,eta=3` on another store: every trial's stopped rung, epochs done and per-epoch
// metrics are the same in both. The sweep page names the schedule and marks the stopped runs. Screenshots
// (1280×800) of the builder and the sweep page; both fit 1024×700.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import type { EpochMetrics } from '../../engine/types.ts';
import { cli } from '../cli/helpers.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const SWEEP_TIMEOUT = 240_000;
const LRS = ['0.3', '0.001', '0.1', '0.0003', '0.03', '0.01'];

let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;

interface Trial {
  trial: number | null;
  status: string;
  stoppedEarly: boolean;
  stoppedRung: number | null;
  epochsDone: number;
  lr: number;
  epochs: Omit<EpochMetrics, 'durationMs' | 'samplesPerSec'>[];
}

/** Each trial of the sweep in trial order, with its stored curve (times left out: they are the only difference). */
function trialsOf(file: string, sweepId: string): Trial[] {
  const store = new RunStore(file, { readonly: true });
  try {
    return store.sweepTrials(sweepId).map((t) => ({
      trial: t.trial,
      status: t.status,
      stoppedEarly: t.stoppedEarly,
      stoppedRung: t.stoppedRung,
      epochsDone: t.epochsDone,
      lr: t.config.optimizer.lr,
      epochs: store.getEpochs(t.runId).map(({ durationMs: _d, samplesPerSec: _s, ...e }) => e),
    }));
  } finally {
    store.close();
  }
}

/** Nothing wider than its card, no sideways scroll (as first-use.test.ts checks every view). */
async function overflows(): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const doc = document.scrollingElement!;
    if (doc.scrollWidth > doc.clientWidth + 1) out.push(`page scrolls sideways (${doc.scrollWidth})`);
    const main = document.querySelector('main')!;
    if (main.scrollWidth > main.clientWidth + 1) out.push(`main scrolls sideways (${main.scrollWidth})`);
    for (const panel of document.querySelectorAll<HTMLElement>('main .panel')) {
      if (panel.offsetParent === null) continue;
      const box = panel.getBoundingClientRect();
      for (const el of panel.querySelectorAll<HTMLElement>('table, canvas, .chart, input, select, button')) {
        if (el.closest('.scroll-x') && panel.contains(el.closest('.scroll-x'))) continue;
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > box.right + 1)
          out.push(`${el.tagName} in "${panel.querySelector('h2')?.textContent?.trim()}" by ${r.right - box.right}`);
      }
    }
    return out;
  });
}

async function fits(name: string): Promise<void> {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.waitForTimeout(400);
  await screenshot(page, `${name}-1024x700`);
  const found = await overflows();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForTimeout(400);
  expect(found).toEqual([]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-sweep-asha-'));
  db = join(dir, 'workbench.db');
  // A renderer build of its own (another e2e run rebuilding the shared dist/renderer would pull the worker chunk).
  const renderer = join(dir, 'renderer');
  await build({ configFile: 'renderer/vite.config.ts', logLevel: 'warn', build: { outDir: renderer } });
  process.env.MLPW_RENDERER_DIR = renderer;
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(served.url);
  await page.getByTestId('store-path').waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  delete process.env.MLPW_RENDERER_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ASHA early stopping in the app', () => {
  let sweepId = '';

  it(
    'queues a grid sweep with early stop asha and judges each trial at its rungs',
    async () => {
      await page.getByTestId('nav-designer').click();
      await page.getByTestId('dataset').selectOption('xor');
      await page.getByTestId('samples').fill('160');
      await page.getByTestId('epochs').fill('9');
      await page.getByTestId('batch').fill('32');
      await page.getByTestId('backend').selectOption('cpu');
      await page.getByTestId('sweep-method').selectOption('grid');
      await page.getByTestId('sweep-key-1').selectOption('optimizer.lr');
      await page.getByTestId('sweep-values-1').fill(LRS.join(', '));
      await page.getByTestId('early-stop-kind').selectOption('asha');
      await page.getByTestId('early-stop-metric').selectOption('val_loss');
      // A rung past the epochs is named before anything is queued.
      await page.getByTestId('early-stop-min').fill('9');
      await expect
        .poll(() => page.getByTestId('sweep-problem').textContent(), { timeout: 30_000 })
        .toContain('min=9 with 9 epochs leaves no rung');
      await expect.poll(() => page.getByTestId('queue-sweep').isDisabled(), { timeout: 30_000 }).toBe(true);
      await page.getByTestId('early-stop-min').fill('1');
      await page.getByTestId('early-stop-eta').fill('3');
      await expect
        .poll(() => page.getByTestId('early-stop-schedule').textContent(), { timeout: 30_000 })
        .toBe('asha on val_loss (min), r=1 η=3, rungs at epoch 1,3 of 9');
      await page.getByTestId('sweep-builder').scrollIntoViewIfNeeded();
      await screenshot(page, 'sweep-asha-builder-1280x800');
      await fits('sweep-asha-builder');
      await page.getByTestId('queue-sweep').click();
      await page.getByTestId('sweeps-view').waitFor();
      await expect.poll(() => page.url(), { timeout: 30_000 }).toMatch(/#\/sweeps\/[0-9a-z]+$/);
      sweepId = page.url().split('/').pop()!;
      await expect
        .poll(
          () =>
            trialsOf(db, sweepId)
              .map((t) => t.status)
              .join(),
          { timeout: SWEEP_TIMEOUT, interval: 1000 },
        )
        .toBe(Array(6).fill('completed').join());
    },
    SWEEP_TIMEOUT + 60_000,
  );

  it(
    'stops the trials mlpw sweep --early-stop asha stops, with the same per-epoch metrics',
    async () => {
      const app = trialsOf(db, sweepId);
      const reader = new RunStore(db, { readonly: true });
      const sweep = reader.getSweep(sweepId);
      reader.close();
      expect(sweep.pruner).toEqual({
        kind: 'asha',
        metric: 'val_loss',
        mode: 'min',
        minEpochs: 1,
        eta: 3,
        maxEpochs: 9,
        brackets: 1,
      });
      const config = join(dir, 'base.json');
      writeFileSync(config, JSON.stringify(sweep.baseConfig));
      const cliDb = join(dir, 'cli.db');
      const r = await cli(
        [
          'sweep',
          ...['--config', config, '--grid', `optimizer.lr=${LRS.join(',')}`],
          ...['--early-stop', 'asha:min=1,eta=3', '--json'],
        ],
        { db: cliDb },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const ran = trialsOf(cliDb, (JSON.parse(r.stdout) as { sweepId: string }).sweepId);
      expect(ran.filter((t) => t.stoppedEarly).length).toBeGreaterThan(0); // the case stops someone
      expect(app.map((t) => [t.trial, t.lr, t.stoppedRung, t.epochsDone])).toEqual(
        ran.map((t) => [t.trial, t.lr, t.stoppedRung, t.epochsDone]),
      );
      expect(app).toEqual(ran);
    },
    SWEEP_TIMEOUT,
  );

  it(
    'Hyperband with start paused: the first trial waits at epoch 0, steps an epoch while judged, and plays on as the CLI runs it',
    async () => {
      await page.getByTestId('nav-training').click();
      await page.getByTestId('start-paused').check();
      await page.getByTestId('nav-designer').click();
      await page.getByTestId('early-stop-kind').selectOption('hyperband');
      await expect
        .poll(() => page.getByTestId('early-stop-schedule').textContent(), { timeout: 30_000 })
        .toBe('hyperband on val_loss (min), r=1 η=3, rungs at epoch 1,3 | 3 | none of 9');
      await page.getByTestId('queue-sweep').click();
      await expect.poll(() => page.url(), { timeout: 30_000 }).not.toMatch(new RegExp(`${sweepId}$`));
      await expect.poll(() => page.url(), { timeout: 30_000 }).toMatch(/#\/sweeps\/[0-9a-z]+$/);
      const id = page.url().split('/').pop()!;
      await page.getByTestId('nav-training').click();
      const at = page.getByTestId('paused-at');
      await expect.poll(() => at.textContent(), { timeout: SWEEP_TIMEOUT }).toBe('Paused after epoch 0');
      await expect
        .poll(() => page.getByTestId('judged').textContent(), { timeout: 30_000 })
        .toContain('Judged by Hyperband after epoch 1, 3');
      // One epoch by hand: judged at rung 1 (the first value there goes on), then held again.
      await page.getByTestId('step-epoch').click();
      await expect.poll(() => at.textContent(), { timeout: 60_000 }).toBe('Paused after epoch 1');
      await screenshot(page, 'sweep-asha-training-1280x800');
      await page.getByTestId('start-paused').uncheck();
      await page.getByTestId('play').click();
      await expect
        .poll(
          () =>
            trialsOf(db, id)
              .map((t) => t.status)
              .join(),
          { timeout: SWEEP_TIMEOUT, interval: 1000 },
        )
        .toBe(Array(6).fill('completed').join());
      const reader = new RunStore(db, { readonly: true });
      const base = reader.getSweep(id).baseConfig;
      reader.close();
      const config = join(dir, 'base-hyperband.json');
      writeFileSync(config, JSON.stringify(base));
      const cliDb = join(dir, 'cli-hyperband.db');
      const r = await cli(
        [
          'sweep',
          ...['--config', config, '--grid', `optimizer.lr=${LRS.join(',')}`],
          ...['--early-stop', 'hyperband:min=1,eta=3', '--json'],
        ],
        { db: cliDb },
      );
      expect([r.code, r.stderr]).toEqual([0, '']);
      const ran = trialsOf(cliDb, (JSON.parse(r.stdout) as { sweepId: string }).sweepId);
      expect(trialsOf(db, id)).toEqual(ran);
    },
    SWEEP_TIMEOUT + 60_000,
  );

  it(
    'a bayes search under ASHA proposes and stops what mlpw sweep --method bayes --early-stop asha does',
    async () => {
      await page.getByTestId('nav-designer').click();
      await page.getByTestId('sweep-method').selectOption('bayes');
      await page.getByTestId('search-key-1').selectOption('optimizer.lr');
      await page.getByTestId('search-dist-1').selectOption('loguniform');
      await page.getByTestId('search-low-1').fill('0.001');
      await page.getByTestId('search-high-1').fill('0.3');
      await page.getByTestId('search-trials').fill('7');
      await page.getByTestId('search-seed').fill('4');
      await page.getByTestId('early-stop-kind').selectOption('asha');
      await expect
        .poll(() => page.getByTestId('sweep-count').textContent(), { timeout: 30_000 })
        .toMatch(/7\s+runs, bayes from sweep seed\s+4/);
      const before = page.url();
      await page.getByTestId('queue-sweep').click();
      await expect.poll(() => page.url(), { timeout: 30_000 }).not.toBe(before);
      await expect
        .poll(() => page.getByTestId('sweep-search').textContent(), { timeout: 30_000 })
        .toMatch(/bayes search, seed\s+4/);
      const id = page.url().split('/').pop()!;
      await expect
        .poll(
          () =>
            trialsOf(db, id)
              .map((t) => t.status)
              .join(),
          { timeout: SWEEP_TIMEOUT, interval: 1000 },
        )
        .toBe(Array(7).fill('completed').join());
      const reader = new RunStore(db, { readonly: true });
      const baseConfig = reader.getSweep(id).baseConfig;
      reader.close();
      const config = join(dir, 'base-bayes.json');
      writeFileSync(config, JSON.stringify(baseConfig));
      const cliDb = join(dir, 'cli-bayes.db');
      const r = await cli(
        [
          'sweep',
          ...['--config', config, '--method', 'bayes', '--trials', '7', '--sweep-seed', '4', '--parallel', '1'],
          ...['--param', 'optimizer.lr=loguniform:0.001:0.3', '--early-stop', 'asha:min=1,eta=3', '--json'],
        ],
        { db: cliDb },
      );
      expect([r.code, r.stderr]).toEqual([0, '']);
      const ran = trialsOf(cliDb, (JSON.parse(r.stdout) as { sweepId: string }).sweepId);
      expect(ran.filter((t) => t.stoppedEarly).length).toBeGreaterThan(0);
      // TPE's points 6 and 7 come from the first five's scores, stopped trials' truncated curves included.
      expect(trialsOf(db, id)).toEqual(ran);
    },
    SWEEP_TIMEOUT + 60_000,
  );

  it('marks the stopped trials on the sweep page, with the schedule', async () => {
    const app = trialsOf(db, sweepId);
    const stopped = app.filter((t) => t.stoppedRung !== null);
    await page.goto(`${served.origin}/#/sweeps/${sweepId}`);
    await expect.poll(() => page.getByTestId('sweep-pruner').count(), { timeout: 30_000 }).toBe(1);
    await expect
      .poll(() => page.getByTestId('sweep-pruner').textContent(), { timeout: 30_000 })
      .toMatch(
        new RegExp(`asha on val_loss \\(min\\), r=1 η=3, rungs at epoch 1,3 of 9;\\s+${stopped.length}\\s+stopped`),
      );
    await expect.poll(() => page.getByTestId('stopped-rung').count(), { timeout: 30_000 }).toBe(stopped.length);
    const marks = (await page.getByTestId('stopped-rung').allTextContents()).map((t) => t.trim()).sort();
    expect(marks).toEqual(stopped.map((t) => `stopped · rung ${t.stoppedRung}`).sort());
    // The optimisation trace draws the stopped trials apart (triangles), by their place in trial order.
    const trace = page.getByTestId('sweep-trace');
    await trace.scrollIntoViewIfNeeded();
    await expect
      .poll(() => trace.getAttribute('data-stopped'), { timeout: 30_000 })
      .toBe(app.flatMap((t, i) => (t.stoppedRung === null ? [] : [i + 1])).join(','));
    await page.waitForTimeout(300);
    await screenshot(page, 'sweep-asha-trace-1280x800');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'sweep-asha-page-top-1280x800');
    await page.getByTestId('sweep-runs').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await screenshot(page, 'sweep-asha-page-1280x800');
    await fits('sweep-asha-page');
  });
});

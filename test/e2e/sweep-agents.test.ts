// Issue 21 in the app, in Debian's Chromium against `mlpw serve` on a temporary database, with a real redis-server of
// the test's own on a random loopback port and a real `mlpw agent` child process: the sweep builder's "Run on agents
// (queue URL)" refuses a Redis that does not answer by its URL (password masked), storing nothing, then stores every
// point as queued at once; with no agent running, Cancel takes the points off the queue
// (their BullMQ jobs gone from Redis) and cancels their runs. Then a second sweep: the agent starts, the page shows
// "running on alpha", and every point ends completed with epochs, layer stats and checkpoints bit-identical to the
// same stored config trained locally by `mlpw train`; the Runs view shows a point's epochs climb while the agent
// trains it. Screenshots (1280×800) of the builder and the sweep page, both
// checked to fit 1024×700.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import type { RunRecord } from '../../db/types.ts';
import { cli } from '../cli/helpers.ts';
import { SKIP_REDIS, startAgent, startRedis, stopAgent, type Spawned, type TestRedis } from '../cli/queue-harness.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const SWEEP_TIMEOUT = 180_000;

let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;
let redis: TestRedis;
let agent: Spawned | undefined;

function withStore<T>(path: string, read: (store: RunStore) => T): T {
  const reader = new RunStore(path, { readonly: true });
  try {
    return read(reader);
  } finally {
    reader.close();
  }
}
const readRuns = (sweepId: string): RunRecord[] => withStore(db, (s) => s.listRuns({ sweepId }));

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

/** The sweep page's status cells, in the table's order. */
async function statuses(): Promise<string[]> {
  return page.locator('[data-test="sweep-runs"] tbody .status-badge').allTextContents();
}

/** The BullMQ jobs waiting on the test's Redis (their ids are the run ids). */
const waiting = () => redis.client.lrange('mlpw:runs:wait', 0, -1);

/** The Designer's xor design and a two-point learning-rate grid, run on agents through the test's Redis. */
async function queueOnAgents(lrs: string, epochs: number, opts: { badUrlFirst?: boolean } = {}): Promise<string> {
  await page.getByTestId('nav-designer').click();
  await page.getByTestId('dataset').selectOption('xor');
  await page.getByTestId('samples').fill('200');
  await page.getByTestId('epochs').fill(String(epochs));
  await page.getByTestId('batch').fill('16');
  await page.getByTestId('backend').selectOption('cpu');
  await page.getByTestId('sweep-method').selectOption('grid');
  await page.getByTestId('sweep-key-1').selectOption('optimizer.lr');
  await page.getByTestId('sweep-values-1').fill(lrs);
  if (!(await page.getByTestId('agents-on').isChecked())) await page.getByTestId('agents-on').check();
  if (opts.badUrlFirst) {
    // Nobody listens on port 1: the builder names the URL (password masked) and nothing is stored.
    await page.getByTestId('agents-url').fill('redis://:hunter2@127.0.0.1:1');
    await page.getByTestId('queue-sweep').click();
    const alert = page.getByTestId('sweep-builder').getByRole('alert');
    await expect
      .poll(() => alert.textContent(), { timeout: 30_000 })
      .toMatch(/^queue URL redis:\/\/:\*\*\*@127\.0\.0\.1:1: Redis is not reachable/);
    expect(await alert.textContent()).not.toContain('hunter2');
    expect(withStore(db, (s) => [s.listSweeps().length, s.countRuns()])).toEqual([0, 0]);
    // Chromium logs the refused call (HTTP 400) as a console error: that one is expected, any other still fails.
    await expect.poll(() => browser.errors.length, { timeout: 30_000 }).toBe(1);
    expect(browser.errors.splice(0)).toEqual([expect.stringMatching(/status of 400 .*\/api\/startQueueSweep/)]);
  }
  await page.getByTestId('agents-url').fill(redis.url);
  await expect.poll(() => page.getByTestId('queue-sweep').textContent(), { timeout: 30_000 }).toContain('on agents');
  // the refused URL's error goes once the URL is changed, before anything is queued
  expect(await page.getByTestId('sweep-builder').getByRole('alert').count()).toBe(0);
  if (opts.badUrlFirst) {
    await page.getByTestId('sweep-builder').scrollIntoViewIfNeeded();
    await screenshot(page, 'sweep-agents-builder-1280x800');
    await fits('sweep-agents-builder');
  }
  await page.getByTestId('queue-sweep').click();
  await page.getByTestId('sweeps-view').waitFor();
  await expect.poll(() => page.url(), { timeout: 30_000 }).toMatch(/#\/sweeps\/[\w-]+$/);
  return page.url().split('/').pop()!;
}

beforeAll(async () => {
  if (SKIP_REDIS) return;
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-sweep-agents-'));
  db = join(dir, 'workbench.db');
  redis = await startRedis(join(dir, 'redis'));
  // A renderer build of its own (another e2e run may rebuild the shared dist/renderer meanwhile).
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
  if (agent) await stopAgent(agent);
  await browser?.close();
  await served?.stop();
  await redis?.stop();
  delete process.env.MLPW_RENDERER_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(SKIP_REDIS)('a sweep run on agents from the app', () => {
  it(
    'stores every point queued at once; with no agent running, Cancel takes the jobs off Redis and cancels the runs',
    async () => {
      const sweepId = await queueOnAgents('0.1, 0.03', 3, { badUrlFirst: true });
      const runs = readRuns(sweepId);
      expect(runs.map((r) => r.status)).toEqual(['queued', 'queued']);
      await expect.poll(statuses, { timeout: 30_000 }).toEqual(['queued', 'queued']);
      // The server's coordinator hands both points to BullMQ, under their run ids.
      await expect
        .poll(async () => (await waiting()).sort(), { timeout: 30_000 })
        .toEqual(runs.map((r) => r.id).sort());
      await expect
        .poll(() => page.getByTestId('queue-where').textContent(), { timeout: 30_000 })
        .toMatch(/on agents via\s+redis:\/\/127\.0\.0\.1:\d+\S*, collecting/);
      await screenshot(page, 'sweep-agents-queued-1280x800');
      await fits('sweep-agents-queued');

      await page.getByTestId('cancel-queued').click();
      await expect
        .poll(() => readRuns(sweepId).map((r) => r.status), { timeout: 30_000 })
        .toEqual(['cancelled', 'cancelled']);
      expect(await waiting()).toEqual([]);
      for (const r of runs) expect(await redis.client.exists(`mlpw:runs:${r.id}`)).toBe(0);
      await expect.poll(statuses, { timeout: 30_000 }).toEqual(['cancelled', 'cancelled']);
      await expect.poll(() => page.getByTestId('queue-message').textContent(), { timeout: 30_000 }).toBe('2 cancelled');
      await screenshot(page, 'sweep-agents-cancelled-1280x800');
      // The coordinator let go of the sweep without queueing its points again.
      await page.waitForTimeout(3_000);
      expect(await waiting()).toEqual([]);
    },
    SWEEP_TIMEOUT,
  );

  it(
    'an agent trains the points: running on alpha, then completed, equal epoch for epoch to mlpw train',
    async () => {
      const sweepId = await queueOnAgents('0.2, 0.05', 8);
      expect(readRuns(sweepId).map((r) => r.status)).toEqual(['queued', 'queued']);
      await expect.poll(statuses, { timeout: 30_000 }).toEqual(['queued', 'queued']);
      // Paced (1.5 epochs a second) so the page can be seen while a point trains; the metrics do not depend on it.
      agent = await startAgent(redis.url, 'alpha', ['--epochs-per-second', '1.5']);
      await expect
        .poll(async () => (await statuses()).some((s) => s === 'running on alpha'), { timeout: 60_000 })
        .toBe(true);
      await screenshot(page, 'sweep-agents-running-1280x800');

      // The run an agent trains streams into the Runs view as it goes: its epochs count climbs while it runs.
      const running = readRuns(sweepId).find((r) => r.status === 'running')!;
      await page.getByTestId('nav-runs').click();
      const epochsCell = page.locator(`[data-test="runs-table"] tr[data-run="${running.id}"] td.col-epochs`);
      const seen = new Set<string>();
      await expect
        .poll(
          async () => {
            const text = (await epochsCell.textContent())?.trim() ?? '';
            seen.add(text);
            return text;
          },
          { timeout: 60_000, interval: 200 },
        )
        .toBe('8/8');
      expect(
        [...seen].filter((t) => /^[1-7]\/8$/.test(t)),
        [...seen].join(' '),
      ).not.toEqual([]);
      await screenshot(page, 'sweep-agents-runs-1280x800');
      await page.getByTestId('nav-sweeps').click();
      await page.locator(`a[href="#/sweeps/${sweepId}"]`).click();
      await page
        .getByTestId('sweep-progress')
        .filter({ hasText: '2 / 2 runs finished' })
        .waitFor({ timeout: SWEEP_TIMEOUT });
      await expect.poll(statuses, { timeout: 30_000 }).toEqual(['completed', 'completed']);
      await screenshot(page, 'sweep-agents-done-1280x800');
      await fits('sweep-agents-done');

      // The same points trained here: each run's stored config through `mlpw train` into a store of its own.
      const localDb = join(dir, 'local.db');
      for (const run of readRuns(sweepId)) {
        expect(run.status).toBe('completed');
        const file = join(dir, `${run.id}.json`);
        writeFileSync(file, JSON.stringify(run.config));
        const trained = await cli(['train', '--config', file, '--json'], { db: localDb });
        expect(trained.code, trained.stderr).toBe(0);
        const localId = (JSON.parse(trained.stdout) as { runId: string }).runId;
        const record = (path: string, id: string) =>
          withStore(path, (s) => {
            const r = s.getRun(id);
            return {
              status: r.status,
              backend: r.backendInfo?.backend,
              kernels: r.backendInfo?.kernels,
              bestEpoch: r.bestEpoch,
              epochs: s.getEpochs(id).map(({ durationMs: _d, samplesPerSec: _s, ...m }) => m),
              layers: s.getLayerStats(id),
              best: s.getCheckpoint(id, 'best'),
              final: s.getCheckpoint(id, 'final'),
            };
          });
        const onAgent = record(db, run.id);
        expect(onAgent.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        expect(onAgent).toEqual(record(localDb, localId));
      }
    },
    SWEEP_TIMEOUT + 60_000,
  );

  it(
    'a bayes search on agents: the builder takes the points in flight, and the coordinator proposes every trial',
    async () => {
      await page.getByTestId('nav-designer').click();
      await page.getByTestId('dataset').selectOption('xor');
      await page.getByTestId('samples').fill('200');
      await page.getByTestId('epochs').fill('3');
      await page.getByTestId('batch').fill('16');
      await page.getByTestId('backend').selectOption('cpu');
      await page.getByTestId('sweep-method').selectOption('bayes');
      await page.getByTestId('search-key-1').selectOption('optimizer.lr');
      await page.getByTestId('search-dist-1').selectOption('loguniform');
      await page.getByTestId('search-low-1').fill('0.01');
      await page.getByTestId('search-high-1').fill('0.5');
      await page.getByTestId('search-trials').fill('5');
      await page.getByTestId('search-seed').fill('7');
      if (!(await page.getByTestId('agents-on').isChecked())) await page.getByTestId('agents-on').check();
      await page.getByTestId('agents-url').fill(redis.url);
      // A bad count is named before anything is queued; the hint that sent bayes elsewhere is gone.
      await page.getByTestId('agents-in-flight').fill('0');
      await expect
        .poll(() => page.getByTestId('sweep-problem').textContent(), { timeout: 30_000 })
        .toMatch(/^in flight: expected a whole number from 1 to 64/);
      await page.getByTestId('agents-in-flight').fill('2');
      await expect
        .poll(() => page.getByTestId('agents-option').textContent(), { timeout: 30_000 })
        .toContain('Bayes keeps 2 in flight');
      expect(await page.getByTestId('agents-option').textContent()).not.toContain('use grid or random');
      await expect
        .poll(() => page.getByTestId('queue-sweep').textContent(), { timeout: 30_000 })
        .toMatch(/Queue 5 runs as a bayes sweep on agents/);
      await page.getByTestId('sweep-builder').scrollIntoViewIfNeeded();
      await screenshot(page, 'sweep-agents-bayes-builder-1280x800');
      await fits('sweep-agents-bayes-builder');
      await page.getByTestId('queue-sweep').click();
      await page.getByTestId('sweeps-view').waitFor();
      await expect.poll(() => page.url(), { timeout: 30_000 }).toMatch(/#\/sweeps\/[\w-]+$/);
      const sweepId = page.url().split('/').pop()!;
      agent ??= await startAgent(redis.url, 'alpha', ['--epochs-per-second', '1.5']);
      // The trials appear on the page as the search proposes them, and all five end completed on the agent.
      await expect
        .poll(async () => (await statuses()).filter((s) => s === 'completed').length, { timeout: SWEEP_TIMEOUT })
        .toBe(5);
      await screenshot(page, 'sweep-agents-bayes-done-1280x800');
      const sweep = withStore(db, (s) => s.getSweep(sweepId));
      expect(sweep).toMatchObject({ method: 'bayes', parallel: 2, trials: 5, sweepSeed: 7 });
      const proposals = withStore(db, (s) =>
        s.sweepTrials(sweepId).map((t) => s.listArtifacts(t.runId).find((a) => a.kind === 'sweep-proposal')?.details),
      );
      // K = 2: the first two proposed at the start, each later one after a result came back.
      expect(proposals.map((p) => (p as { seen: number[] }).seen.length)).toEqual([0, 0, 1, 2, 3]);
    },
    SWEEP_TIMEOUT + 60_000,
  );
});

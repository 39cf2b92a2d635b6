// Chart tooltips are HTML (ECharts sets the formatter's string as innerHTML): a run named like markup and a sweep
// over such names must show as text in the compare chart's and the sweep heatmap's tooltips, never as elements.
// The runs are recorded through the HTTP API as a renderer would, then the real pages are hovered in Chromium.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEpoch, fakeSummary, smallConfig } from '../app/fixtures.ts';
import { launchChromium, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const EVIL = '<img src=x onerror=alert(1)>';

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
const ids: string[] = [];
let sweepId: string;

async function call<T>(method: string, input: unknown): Promise<T> {
  const res = await fetch(`${served.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Workbench-Token': served.token },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.value;
}

/** Three epochs and a completed summary, as the renderer records a finished run. */
async function finish(id: string, loss: number): Promise<void> {
  for (let e = 1; e <= 3; e++) await call('recordEpoch', { id, metrics: fakeEpoch(e, loss + (3 - e) * 0.1) });
  await call('finishRun', { id, summary: { ...fakeSummary(3), best: fakeEpoch(3, loss), final: fakeEpoch(3, loss) } });
}

/** Hovers a point of a chart (fractions of its box) and returns the tooltip ECharts shows in it. */
async function tooltipAt(chart: Locator, fx: number, fy: number, text: string): Promise<Locator> {
  await chart.locator('canvas').first().waitFor();
  // The sweep page grew panels above the heatmap: bring the chart into the viewport before hovering it.
  await chart.scrollIntoViewIfNeeded();
  const box = (await chart.boundingBox())!;
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 4 });
  const tip = chart.locator('div', { hasText: text }).last();
  await tip.waitFor({ state: 'visible' });
  return tip;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-tooltips-'));
  served = await startServe(join(dir, 'tooltips.db'));
  for (const [name, loss] of [
    [EVIL, 0.4],
    ['plain', 0.6],
  ] as const) {
    const { id } = await call<{ id: string }>('createRun', { config: { ...smallConfig, name, epochs: 3 } });
    await finish(id, loss);
    ids.push(id);
  }
  const sweep = await call<{ sweepId: string; runIds: string[] }>('createSweep', {
    baseConfig: { ...smallConfig, epochs: 3 },
    grid: [
      { key: 'name', values: [EVIL, 'plain'] },
      { key: 'optimizer.lr', values: [0.01, 0.1] },
    ],
  });
  sweepId = sweep.sweepId;
  for (const [i, id] of sweep.runIds.entries()) {
    await call('startQueuedRun', { id });
    await finish(id, 0.3 + i * 0.1);
  }
  browser = await launchChromium();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('chart tooltips escape what the user typed', () => {
  it('compare chart: a run named like markup is text in the tooltip', async () => {
    await page.goto(served.url);
    await page.getByTestId('store-path').waitFor();
    await page.goto(`${served.origin}/#/compare/${ids.join(',')}`);
    const chart = page.getByTestId('compare-chart');
    // the middle of the plot area: every run has a value at the epoch under the pointer
    const tip = await tooltipAt(chart, 0.4, 0.45, 'epoch');
    expect(await tip.textContent()).toContain(EVIL);
    expect(await chart.locator('img').count()).toBe(0);
  });

  it('sweep heatmap: a swept value like markup is text in the tooltip', async () => {
    await page.goto(`${served.origin}/#/sweeps/${sweepId}`);
    const chart = page.getByTestId('sweep-heatmap');
    // x categories are in first-seen order, so the left column is the markup-like name
    const tip = await tooltipAt(chart, 0.3, 0.5, 'optimizer.lr');
    expect(await tip.textContent()).toContain(`name ${EVIL}`);
    expect(await chart.locator('img').count()).toBe(0);
  });
});

// Issue 14 defect 7, the ticks: on a 200-epoch run's curve charts no epoch label is drawn over another or over the
// axis name ("180200" was tick labels run together). ECharts draws to a canvas, so the page records every fillText
// with the box the canvas measures for it, as drawn since the chart's last full clear, and the test compares boxes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { parseConfig } from '../../engine/config.ts';
import type { EpochMetrics } from '../../engine/types.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const EPOCHS = 200;
/** px: a 96 px plot, 14.5 px between ticks 30 epochs apart, less than a three-digit label's 17 px. */
const CHART_WIDTH = 160;

interface TextBox {
  text: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
let runId: string;

// Runs in the page before the app: each canvas keeps the text boxes drawn on it since its last whole-canvas clear.
function recordCanvasText(): void {
  type Boxes = { text: string; left: number; right: number; top: number; bottom: number }[];
  const proto = CanvasRenderingContext2D.prototype;
  const boxes = (c: HTMLCanvasElement): Boxes => ((c as unknown as { __textBoxes: Boxes }).__textBoxes ??= []);
  const clearRect = proto.clearRect;
  proto.clearRect = function (x, y, w, h) {
    const t = this.getTransform();
    if (x * t.a + t.e <= 0 && y * t.d + t.f <= 0 && w * t.a >= this.canvas.width && h * t.d >= this.canvas.height)
      boxes(this.canvas).length = 0;
    return clearRect.call(this, x, y, w, h);
  };
  const fillText = proto.fillText;
  proto.fillText = function (text, x, y, maxWidth) {
    const m = this.measureText(text);
    const t = this.getTransform();
    // the measured box around the anchor, whatever the alignment and baseline, then to canvas pixels
    const l = x - m.actualBoundingBoxLeft;
    const r = x + m.actualBoundingBoxRight;
    const top = y - m.actualBoundingBoxAscent;
    const bottom = y + m.actualBoundingBoxDescent;
    if (String(text).trim())
      boxes(this.canvas).push({
        text: String(text),
        left: (l * t.a + t.e) / devicePixelRatio,
        right: (r * t.a + t.e) / devicePixelRatio,
        top: (top * t.d + t.f) / devicePixelRatio,
        bottom: (bottom * t.d + t.f) / devicePixelRatio,
      });
    return fillText.call(this, text, x, y, maxWidth);
  };
}

async function textBoxes(testId: string): Promise<TextBox[]> {
  return page
    .locator(`[data-test="${testId}"] canvas`)
    .first()
    .evaluate((c) => (c as unknown as { __textBoxes?: TextBox[] }).__textBoxes ?? []);
}

/** The epoch axis's texts: its name and the lowest row of numbers (the y axis's numbers stand in a column). */
function epochAxis(boxes: TextBox[]): TextBox[] {
  const numbers = boxes.filter((b) => /^\d+$/.test(b.text));
  const row = Math.max(...numbers.map((b) => b.top));
  return boxes.filter((b) => b.text === 'epoch' || (numbers.includes(b) && Math.abs(b.top - row) < 1));
}

/** Pairs of text boxes that share more than a hair (half a pixel each way) of area. */
function overlaps(boxes: TextBox[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 0.5 && h > 0.5) out.push(`"${a.text}" and "${b.text}" overlap by ${w.toFixed(1)}×${h.toFixed(1)} px`);
    }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-axis-'));
  const store = new RunStore(join(dir, 'workbench.db'));
  runId = store.createRun(parseConfig({ name: 'two-hundred', dataset: { name: 'moons' }, epochs: EPOCHS }));
  const epochs: EpochMetrics[] = [];
  for (let e = 1; e <= EPOCHS; e++) {
    const loss = 0.05 + 0.6 * Math.exp(-e / 40);
    epochs.push({
      epoch: e,
      trainLoss: loss * 0.9,
      valLoss: loss,
      trainAcc: 1 - loss / 1.5,
      valAcc: 1 - loss / 1.4,
      lr: 0.01,
      durationMs: 5,
      samplesPerSec: 5e4,
    });
    store.recordEpoch(runId, epochs[e - 1]!);
  }
  store.finishRun(runId, {
    status: 'completed',
    epochs: EPOCHS,
    bestEpoch: EPOCHS,
    best: epochs[EPOCHS - 1]!,
    final: epochs[EPOCHS - 1]!,
    durationMs: 1000,
    samplesPerSecond: 5e4,
    stoppedEarly: false,
  });
  store.close();
  served = await startServe(join(dir, 'workbench.db'));
  browser = await launchChromium();
  page = browser.page;
  await page.addInitScript(recordCanvasText);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('curve chart axes', () => {
  it("a 200-epoch run's loss and accuracy charts epoch axes draw no label over another or over the axis name", async () => {
    await page.goto(served.url);
    await page.getByTestId('store-path').waitFor();
    // a chart narrower than its ticks: without hideOverlap, 120, 150 and 180 run together
    await page.addStyleTag({ content: `.chart-box { width: ${CHART_WIDTH}px; }` });
    await page.goto(`${served.origin}/#/runs/${runId}`);
    for (const chart of ['curve-loss', 'curve-accuracy']) {
      // redrawn at the narrow width, with the run's epochs loaded (the axis reaches 200, labelled or not)
      const canvas = page.locator(`[data-test="${chart}"] canvas`).first();
      await expect.poll(() => canvas.evaluate((c) => c.clientWidth), { timeout: 20_000 }).toBe(CHART_WIDTH);
      await expect
        .poll(async () => (await textBoxes(chart)).map((b) => b.text), { timeout: 20_000 })
        .toContain('epoch');
      await page.waitForTimeout(300); // a frame after the last resize
      const boxes = await textBoxes(chart);
      expect(boxes.map((b) => b.text)).toContain('epoch');
      expect(overlaps(epochAxis(boxes)), chart).toEqual([]);
    }
    await screenshot(page, 'curve-axis-200-epochs');
  });
});

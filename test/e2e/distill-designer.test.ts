// A distilled student in the app, in Debian's Chromium against `mlpw serve` on a real SQLite file: a teacher and a
// soft-ce student (T 4, α 0.1) trained by the CLI before the app starts. The Insight page's gradient check names the
// mixed objective the student trains on and shows the store's value of it; "Open in Designer" keeps the student's
// distill section and shows it in a Distillation panel, whose edit (α 0.2) the run trained from the design carries;
// "Train from labels" drops it. Screenshots (1280×800) of the gradient check and the Designer; the panel fits 1024×700.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { runGradientCheck } from '../../insight/node/run-insight.ts';
import { cli, trainRun } from '../cli/helpers.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const TRAIN_TIMEOUT = 180_000;
let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;
let teacher: string;
let student: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-distill-designer-'));
  db = join(dir, 'workbench.db');
  teacher = await trainRun(db, '--layers', '16', '--activation', 'tanh', '--epochs', '6');
  const r = await cli(
    [
      'distill',
      teacher,
      ...['--layers', '6', '--epochs', '3', '--backend', 'cpu', '--json'],
      ...['--loss', 'soft', '--temperature', '4', '--alpha', '0.1'],
    ],
    { db },
  );
  if (r.code !== 0) throw new Error(`distill failed (${r.code}): ${r.stderr}`);
  student = (JSON.parse(r.stdout) as { runId: string }).runId;
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
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  delete process.env.MLPW_RENDERER_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Nothing in the Designer's panels wider than its card, no sideways scroll. */
async function overflows(): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const doc = document.scrollingElement!;
    if (doc.scrollWidth > doc.clientWidth + 1) out.push(`page scrolls sideways (${doc.scrollWidth})`);
    for (const panel of document.querySelectorAll<HTMLElement>('main .panel')) {
      if (panel.offsetParent === null) continue;
      const box = panel.getBoundingClientRect();
      for (const el of panel.querySelectorAll<HTMLElement>('table, input, select, button')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > box.right + 1)
          out.push(`${el.tagName} in "${panel.querySelector('h2')?.textContent?.trim()}" by ${r.right - box.right}`);
      }
    }
    return out;
  });
}

describe('a distilled student in the app', () => {
  it('checks the gradient of the mixed objective the student trains on', async () => {
    await page.goto(`${served.origin}/#/runs/${student}`);
    await page.getByTestId('open-insight').click();
    await page.getByTestId('run-gradient-check').click();
    await expect
      .poll(() => page.getByTestId('gradient-verdict').textContent(), { timeout: 60_000 })
      .toContain('backprop agrees');
    const reader = new RunStore(db, { readonly: true });
    const expected = runGradientCheck(reader, student, 'best').result;
    reader.close();
    expect(expected.objective).toEqual({ kind: 'distill', loss: 'soft-ce', temperature: 4, alpha: 0.1 });
    const text = (await page.getByTestId('gradient-objective').textContent())!.replace(/\s+/g, ' ').trim();
    expect(text).toBe(
      `Objective: 0.1 · true-label loss + 0.9 · T²·soft cross-entropy at T = 4 against the teacher's logits = ${expected.loss.toPrecision(6)}, its mean over the rows`,
    );
    await page.getByTestId('gradient-check').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await screenshot(page, 'distill-gradient-check-1280x800');
  });

  it(
    'opens the student in the Designer with its distillation shown and kept, and trains it as a student',
    async () => {
      await page.goto(`${served.origin}/#/runs/${student}`);
      await page.getByTestId('open-in-designer').click();
      const panel = page.getByTestId('designer-distill');
      await panel.waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('distill-teacher').textContent()).toBe(teacher);
      expect(await page.getByTestId('distill-loss').inputValue()).toBe('soft-ce');
      expect(await page.getByTestId('distill-temperature').inputValue()).toBe('4');
      expect(await page.getByTestId('distill-alpha').inputValue()).toBe('0.1');
      await page.getByTestId('distill-alpha').fill('0.2');
      await panel.scrollIntoViewIfNeeded();
      await page.waitForTimeout(200);
      await screenshot(page, 'distill-designer-1280x800');
      await page.setViewportSize({ width: 1024, height: 700 });
      await page.waitForTimeout(300);
      await panel.scrollIntoViewIfNeeded();
      await screenshot(page, 'distill-designer-1024x700');
      const found = await overflows();
      await page.setViewportSize({ width: 1280, height: 800 });
      expect(found).toEqual([]);
      await page.getByTestId('train-now').click();
      const trained = () => {
        const reader = new RunStore(db, { readonly: true });
        try {
          return reader.listRuns().filter((r) => r.id !== student && r.id !== teacher);
        } finally {
          reader.close();
        }
      };
      await expect
        .poll(() => trained().map((r) => r.status), { timeout: TRAIN_TIMEOUT, interval: 1000 })
        .toEqual(['completed']);
      expect(trained()[0]!.config.distill).toEqual({ teacher, loss: 'soft-ce', temperature: 4, alpha: 0.2 });
      // Train from labels: the section goes, and the design is a plain run again.
      await page.getByTestId('nav-designer').click();
      await page.getByTestId('distill-remove').click();
      await expect.poll(() => page.getByTestId('designer-distill').count(), { timeout: 30_000 }).toBe(0);
    },
    TRAIN_TIMEOUT + 60_000,
  );
});

// Issue 14 end to end in headless Chromium against `mlpw serve`: the defects a first-time user met. Leaving Insight
// at once throws nothing and the next Insight opens on the right run and checkpoint; every view fits at 1024×700,
// 1440×900 and 1920×1080 (screenshots in test-artifacts/screenshots/); … Any pageerror or console.error fails the
// test it happened in (chromium.ts).
import { mkdtempSync, rmSync } from 'node:fs';
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
  const r = await cli(['train', '--backend', 'cpu', '--precision', 'float64', '--name', name, '--json', ...flags], { db: join(dir, 'workbench.db') });
  if (r.code !== 0) throw new Error(r.stderr);
  return (runs[name] = (JSON.parse(r.stdout) as { runId: string }).runId);
}

const go = (hash: string) => page.evaluate((h) => (window.location.hash = h), hash);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-first-use-'));
  await seedRun('moons-a', '--dataset', 'moons', '--samples', '300', '--layers', '12,8', '--activation', 'tanh', '--epochs', '15');
  await seedRun('moons-b', '--dataset', 'moons', '--samples', '300', '--layers', '8', '--lr', '0.002', '--epochs', '10');
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
    expect(() => checkPageErrors()).toThrow(/2 error\(s\) in the page:\nconsole\.error at .*made-up failure.*\npageerror at .*made-up uncaught/s);
    expect(() => checkPageErrors()).not.toThrow();
  });

  it('leaves Insight within half a second, again and again, without an error, and then opens the right run at its best checkpoint', async () => {
    for (const [i, delay] of [0, 20, 50, 100, 150, 250, 350, 500].entries()) {
      await go(`#/insight/${i % 2 ? runs['moons-b'] : runs['moons-a']}`);
      if (i === 2) await page.getByTestId('checkpoint').selectOption('final').catch(() => undefined);
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
});

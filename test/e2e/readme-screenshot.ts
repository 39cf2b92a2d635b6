// Makes docs/screenshot.png, the README's picture: browser mode on a fresh temporary store, the lecture's
// depth-versus-width pair on the spiral (wide queued first, deep trained after it), captured on the Training view.
//   node --import tsx test/e2e/readme-screenshot.ts   (after npm run build:renderer)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './chromium.ts';
import { startServe } from './serve-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlpw-readme-'));
const served = await startServe(join(dir, 'workbench.db'));
const browser = await launchChromium();
const { page } = browser;
try {
  await page.goto(served.url);
  for (const preset of ['spiral-wide', 'spiral-deep']) {
    await page.getByTestId('nav-designer').click();
    await page.getByTestId('preset').selectOption(preset);
    await page.getByTestId('classes').fill('3');
    await page.getByTestId('samples').fill('1500');
    await page.getByTestId('backend').selectOption('cpu');
    await page.getByTestId('add-to-queue').click();
  }
  await page.getByTestId('nav-training').click();
  await page.locator('.queue-list li.completed').nth(1).waitFor({ timeout: 300_000 });
  await page.waitForTimeout(800); // the last boundary and chart frames
  await page.screenshot({ path: 'docs/screenshot.png' });
  console.log('docs/screenshot.png');
} finally {
  await browser.close();
  await served.stop();
  rmSync(dir, { recursive: true, force: true });
}

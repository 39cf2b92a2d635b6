// Headless Chromium driven by playwright-core (the one test/browser/find-chromium.ts finds): no network chatter,
// WebGPU allowed (SwiftShader here), a fresh profile per launch. Screenshots go to test-artifacts/screenshots/.
// Every page of every context launched here is watched: a `pageerror` or `console.error` fails the test it
// happened in (an afterEach registered on each test file that imports this module).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, selectors, type BrowserContext, type Page } from 'playwright-core';
import { findChromium, skipLine } from '../browser/find-chromium.ts';

export const SCREENSHOTS = 'test-artifacts/screenshots';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Page errors and console errors not yet reported by a test's check. */
  errors: string[];
  close(): Promise<void>;
}

const launched: Browser[] = [];

export async function launchChromium(): Promise<Browser> {
  const search = findChromium();
  if (!search.found) throw new Error(skipLine(search));
  // The app marks what tests reach for with data-test.
  selectors.setTestIdAttribute('data-test');
  const profile = mkdtempSync(join(tmpdir(), 'mlpw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: search.path,
    headless: true,
    args: ARGS,
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
  });
  const errors: string[] = [];
  const watch = (page: Page): void => {
    page.on('pageerror', (e) => errors.push(`pageerror at ${page.url()}: ${e.stack ?? e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error')
        errors.push(`console.error at ${page.url()}: ${m.text()} (${m.location().url}:${m.location().lineNumber})`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  const browser: Browser = {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      launched.splice(launched.indexOf(browser), 1);
    },
  };
  launched.push(browser);
  return browser;
}

/** Throws listing every page or console error seen since the last check, in every browser launched here. */
export function checkPageErrors(): void {
  const seen = launched.flatMap((b) => b.errors.splice(0));
  if (seen.length > 0) throw new Error(`${seen.length} error(s) in the page:\n${seen.join('\n')}`);
}

// Under Vitest, each importing test file gets the check after every test (readme-screenshot.ts runs without Vitest).
if (process.env.VITEST) {
  const { afterEach } = await import('vitest');
  afterEach(() => checkPageErrors());
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

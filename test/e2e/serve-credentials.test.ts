// Browser mode's credential in a real Chromium (issue 13): the token must not reach other servers on 127.0.0.1
// (browsers send a host's cookies to every port), and two `mlpw serve` on two ports in one browser must both keep
// working (a second server's cookie used to replace the first's, and the first tab's engine worker then got 401). A tab
// opened without the token says where to get it.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const TRAIN_TIMEOUT = 120_000;

let dir: string;
let a: Served;
let b: Served;
let browser: Browser;

/** Opens a server's printed URL in a new tab of the one browser context and waits for its store to answer. */
async function openApp(served: Served, db: string): Promise<Page> {
  const page = browser.context.pages().find((p) => p.url() === 'about:blank') ?? (await browser.context.newPage());
  await page.goto(served.url);
  await page.getByTestId('store-path').filter({ hasText: db }).waitFor();
  return page;
}

/** A short CPU run from the Designer, trained by this tab's engine worker (and its kernel workers). */
async function trainShort(page: Page, name: string): Promise<void> {
  await page.getByTestId('nav-designer').click();
  await page.getByTestId('run-name').fill(name);
  await page.getByTestId('dataset').selectOption('xor');
  await page.getByTestId('samples').fill('200');
  await page.getByTestId('epochs').fill('3');
  await page.getByTestId('backend').selectOption('cpu');
  await page.getByTestId('train-now').click();
  await page.getByTestId('live-run').filter({ hasText: name }).waitFor({ timeout: TRAIN_TIMEOUT });
  const status = page.getByTestId('run-status').filter({ hasText: /completed|failed|diverged|cancelled/ });
  await status.waitFor({ timeout: TRAIN_TIMEOUT });
  expect(await status.textContent(), (await page.getByTestId('live-run').textContent()) ?? '').toContain('completed');
}

async function runNames(served: Served): Promise<string[]> {
  const res = await fetch(`${served.origin}/api/listRuns`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Workbench-Token': served.token },
    body: '{}',
  });
  return ((await res.json()) as { value: { runs: { name: string | null }[] } }).value.runs.map((r) => r.name ?? '');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-credentials-'));
  [a, b] = await Promise.all([startServe(join(dir, 'first.db')), startServe(join(dir, 'second.db'))]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('browser mode credential', () => {
  it('keeps the token out of the address bar and sends it to no other server on 127.0.0.1', async () => {
    const app = await openApp(a, 'first.db');
    expect(app.url()).not.toContain(a.token);
    // another program's server on another loopback port, recording every request the browser makes to it
    const seen: IncomingMessage[] = [];
    const other: Server = createServer((req, res) => {
      seen.push(req);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>another server</title><p>hello</p>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const port = (other.address() as AddressInfo).port;
      const visit = await browser.context.newPage();
      await visit.goto(`http://127.0.0.1:${port}/from-the-same-browser`);
      expect(await visit.evaluate(() => window.sessionStorage.length)).toBe(0);
      await visit.close();
      expect(seen.length).toBeGreaterThan(0);
      for (const req of seen) {
        const text = `${req.method} ${req.url}\n${req.rawHeaders.join('\n')}`;
        expect(text).toContain('/');
        expect(text, `request ${req.url} to port ${port}`).not.toContain(a.token);
      }
    } finally {
      other.closeAllConnections();
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('a tab opened without the token says where to get it, and makes no API call', async () => {
    const bare = await browser.context.newPage();
    const apiCalls: string[] = [];
    bare.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) apiCalls.push(r.url());
    });
    await bare.goto(`${a.origin}/`);
    await bare.getByRole('alert').filter({ hasText: 'open the URL printed by `mlpw serve`' }).waitFor();
    expect(apiCalls).toEqual([]);
    await bare.close();
  });

  it('two servers in one browser both train, each tab with its own token, and a reload keeps it', async () => {
    const first = browser.context.pages().find((p) => p.url().startsWith(a.origin)) ?? (await openApp(a, 'first.db'));
    const second = await openApp(b, 'second.db');
    // the first tab after the second server's page loaded: its API calls and its engine worker must still work
    await first.bringToFront();
    await trainShort(first, 'in-first');
    await second.bringToFront();
    await trainShort(second, 'in-second');
    expect(await runNames(a)).toEqual(['in-first']);
    expect(await runNames(b)).toEqual(['in-second']);
    await first.reload();
    await first.getByTestId('store-path').filter({ hasText: 'first.db' }).waitFor();
    await first.getByTestId('nav-runs').click();
    // the runs table comes from the API: after the reload the tab still holds its own token
    await expect.poll(() => first.locator('[data-run]').count(), { timeout: 30_000 }).toBe(1);
  });
});

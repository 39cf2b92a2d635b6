// The experiments migration (004) as a user meets it: `mlpw serve` opened on a version-3 SQLite file, written as the
// code before experiments wrote it (its migrations only, runs inserted with its columns). The app lists every run of
// the file, the sidebar shows them all in "Default" with their count, a new experiment takes runs moved to it, and
// the file itself is at the latest version with each run in an experiment. Screenshot: experiments-migrated.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hyperColumns } from '../../db/columns.ts';
import { RunStore } from '../../db/index.ts';
import { MIGRATIONS } from '../../db/migrations/index.ts';
import { migrate } from '../../db/open.ts';
import { config, epoch } from '../db/helpers.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const RUNS = 12;
let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;
let ids: string[];

function versionThreeFile(path: string): string[] {
  const file = new Database(path);
  file.pragma('journal_mode = WAL');
  file.pragma('foreign_keys = ON');
  migrate(
    file,
    MIGRATIONS.filter((m) => m.version <= 3),
  );
  const insert =
    file.prepare(`INSERT INTO runs (id, name, config, dataset, layers, activation, optimizer, lr, batch_size, epochs, seed,
      backend, status, created_at, app_version, epochs_done)
    VALUES (@id, @name, @config, @dataset, @layers, @activation, @optimizer, @lr, @batch_size, @epochs, @seed, @backend, 'completed', @now, '0.1.0', 2)`);
  const insertEpoch =
    file.prepare(`INSERT INTO epochs (run_id, epoch, train_loss, val_loss, train_acc, val_acc, lr, duration_ms, samples_per_sec)
    VALUES (@id, @epoch, @trainLoss, @valLoss, @trainAcc, @valAcc, @lr, @durationMs, @samplesPerSec)`);
  const made = Array.from({ length: RUNS }, (_, i) => `v3e2e${String(i).padStart(3, '0')}`); // 8 characters
  file.transaction(() => {
    made.forEach((id, i) => {
      const c = config({ seed: i + 1 });
      insert.run({ id, ...hyperColumns(c), config: JSON.stringify(c), now: 1_700_000_000_000 + i });
      for (const n of [1, 2]) insertEpoch.run({ id, ...epoch(n) });
    });
  })();
  expect(file.pragma('user_version', { simple: true })).toBe(3);
  file.close();
  return made;
}

const count = (name: string) => page.locator(`[data-experiment="${name}"] [data-test="experiment-count"]`);
const rowIds = () => page.locator('[data-run]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.run!));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-experiments-migration-'));
  db = join(dir, 'workbench.db');
  ids = versionThreeFile(db);
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
  await page.goto(served.url);
  await page.getByTestId('nav-designer').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a database from before experiments', () => {
  it('keeps every run, all in "Default", and moves some into a new experiment', async () => {
    await expect.poll(() => count('Default').textContent()).toBe(String(RUNS));
    await page.getByTestId('nav-runs').click();
    await page.locator('[data-test="runs-table"][aria-busy="false"]').waitFor();
    await expect.poll(async () => (await rowIds()).sort()).toEqual(ids);
    expect(await page.getByTestId('run-total').textContent()).toBe(String(RUNS));

    await page.getByTestId('new-experiment').click();
    await page.getByTestId('new-experiment-name').fill('after 004');
    await page.getByTestId('new-experiment-name').press('Enter');
    await expect.poll(() => count('after 004').textContent()).toBe('0');
    for (const id of ids.slice(0, 2)) await page.getByLabel(`Select run ${id}`).check();
    await page.getByTestId('move-to').selectOption('after 004');
    await expect.poll(() => count('after 004').textContent()).toBe('2');
    expect(await count('Default').textContent()).toBe(String(RUNS - 2));
    await screenshot(page, 'experiments-migrated');

    const reader = new RunStore(db, { readonly: true });
    try {
      expect(reader.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
      const runs = reader.listRuns();
      expect(runs.map((r) => r.id).sort()).toEqual(ids);
      for (const r of runs) expect(r.experiment).toBe(ids.indexOf(r.id) < 2 ? 'after 004' : 'Default');
      expect(reader.getEpochs(ids[5]!).map((e) => e.epoch)).toEqual([1, 2]);
    } finally {
      reader.close();
    }
  });
});

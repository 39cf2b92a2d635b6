// "Distill…" on a run's page, in the real UI against `mlpw serve` on a real SQLite file: a moons teacher trained by
// the engine worker before the app starts; the form queues a small student (8 relu) from the teacher's
// logits and the same student from labels; the app's queue fetches the teacher's best checkpoint and its engine
// worker trains both. The file then holds the student linked to its teacher, and its losses equal a Node worker's
// run of the same config and teacher (wasm-simd in both); the teacher's page shows the compression view with the
// stored metrics. Screenshots: distill-form-1024x700, compression-{1024x700,1280x800,1920x1080}.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRun, RunStore } from '../../db/index.ts';
import type { RunRecord } from '../../db/types.ts';
import { parseConfig } from '../../engine/config.ts';
import type { EpochMetrics } from '../../engine/types.ts';
import { runInWorker } from '../../engine/host/node/engine-client.ts';
import { launchChromium, screenshot, type Browser } from './chromium.ts';
import { startServe, type Served } from './serve-process.ts';

const TRAIN_TIMEOUT = 180_000;
let dir: string;
let db: string;
let served: Served;
let browser: Browser;
let page: Page;
let teacher: RunRecord;

function readStore(): { run: RunRecord; epochs: EpochMetrics[] }[] {
  const reader = new RunStore(db, { readonly: true });
  try {
    return reader.listRuns().map((run) => ({ run, epochs: reader.getEpochs(run.id) }));
  } finally {
    reader.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-e2e-distill-'));
  db = join(dir, 'workbench.db');
  const store = new RunStore(db);
  try {
    const config = parseConfig({
      name: 'moons-teacher',
      dataset: { name: 'moons', samples: 400, noise: 0.2 },
      model: {
        layers: [
          { units: 32, activation: 'tanh' },
          { units: 32, activation: 'tanh' },
        ],
      },
      optimizer: { lr: 0.01 },
      epochs: 30,
      seed: 3,
      backend: 'cpu',
    });
    const id = store.createRun(config);
    await runInWorker(config, recordRun(store, id)).result;
    teacher = store.getRun(id);
  } finally {
    store.close();
  }
  served = await startServe(db);
  browser = await launchChromium();
  page = browser.page;
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(served.url);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Distill… on a run', () => {
  it('trains a student from the teacher and one from labels, and the teacher page compares them', async () => {
    await page.getByTestId('nav-runs').click();
    await page.locator(`[data-run="${teacher.id}"]`).click();
    await page.getByTestId('distill').click();
    expect(await page.getByTestId('distill-activation').inputValue()).toBe('tanh');
    await page.getByTestId('distill-layers').fill('8');
    await page.getByTestId('distill-activation').selectOption('relu');
    await page.getByTestId('distill-epochs').fill('12');
    await page.getByTestId('distill-layers').fill('8,abc');
    await page.getByTestId('distill-queue').click();
    expect(await page.getByTestId('distill-error').textContent()).toContain('model.layers');
    await page.getByTestId('distill-layers').fill('8');
    await screenshot(page, 'distill-form-1024x700');
    await page.getByTestId('distill-queue').click();

    const others = () => readStore().filter((s) => s.run.id !== teacher.id);
    await expect
      .poll(() => others().filter((s) => s.run.status === 'completed').length, { timeout: TRAIN_TIMEOUT })
      .toBe(2);
    const student = others().find((s) => s.run.config.distill)!;
    const labels = others().find((s) => !s.run.config.distill)!;
    expect(student.run.config.distill).toEqual({ teacher: teacher.id, loss: 'mimic-l2', temperature: 1, alpha: 0 });
    expect(student.run.config.model.layers).toEqual([{ units: 8, activation: 'relu', dropout: 0 }]);
    expect(student.run.config.dataset).toEqual(teacher.config.dataset);
    expect(student.run.experiment).toBe(teacher.experiment);
    const { distill: _d, ...rest } = student.run.config;
    expect(labels.run.config).toEqual(rest);

    // The page sent the teacher: the same config and checkpoint in a Node worker train the same losses.
    const reader = new RunStore(db, { readonly: true });
    const best = reader.getCheckpoint(teacher.id, 'best')!.snapshot;
    reader.close();
    const node: EpochMetrics[] = [];
    await runInWorker(student.run.config, { onEpoch: (m) => void node.push(m) }, { teacher: best }).result;
    expect(node.length).toBe(student.epochs.length);
    node.forEach((m, i) => {
      const stored = student.epochs[i]!;
      expect(Math.abs(m.trainLoss - stored.trainLoss) / stored.trainLoss).toBeLessThan(1e-4);
      expect(Math.abs(m.valLoss! - stored.valLoss!) / stored.valLoss!).toBeLessThan(1e-4);
    });

    // The student's page names its teacher; the link leads to the teacher's compression view.
    await page.getByTestId('nav-runs').click();
    await page.locator(`[data-run="${student.run.id}"]`).click();
    await expect.poll(() => page.getByTestId('run-teacher').textContent()).toContain(teacher.id);
    await page.getByTestId('run-teacher').locator('a').click();
    const view = page.getByTestId('compression-view');
    await view.waitFor();
    expect(await view.getAttribute('data-teacher')).toBe(teacher.id);
    await expect.poll(() => page.getByTestId('compression-row').count()).toBe(3);
    const accAtBest = (s: { run: RunRecord; epochs: EpochMetrics[] }) =>
      s.epochs.find((e) => e.epoch === s.run.bestEpoch)!.valAcc!;
    const teacherStored = readStore().find((s) => s.run.id === teacher.id)!;
    for (const [s, role] of [
      [teacherStored, 'teacher'],
      [student, 'student'],
      [labels, 'labels'],
    ] as const) {
      const row = page.locator(`[data-test="compression-row"][data-id="${s.run.id}"]`);
      expect(await row.getAttribute('data-role')).toBe(role);
      const shown = (await row.getByTestId('compression-metric').textContent())!.trim();
      expect(shown).toBe(`${(accAtBest(s) * 100).toFixed(1)}%`);
    }
    for (const size of [
      { width: 1024, height: 700 },
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size);
      await view.scrollIntoViewIfNeeded();
      await page.waitForTimeout(400); // ECharts redraws on the next frame after a resize
      await screenshot(page, `compression-${size.width}x${size.height}`);
      const overflow = await page.evaluate(() => {
        const v = document.querySelector<HTMLElement>('[data-test="compression-view"]')!;
        const panel = v.closest<HTMLElement>('.panel')!.getBoundingClientRect();
        const doc = document.scrollingElement!;
        const wide = [...v.querySelectorAll<HTMLElement>('table, canvas, .chart, li')].filter(
          (el) => el.getBoundingClientRect().right > panel.right + 1,
        );
        return { page: doc.scrollWidth > doc.clientWidth + 1, inside: wide.map((el) => el.tagName) };
      });
      expect(overflow, `${size.width}×${size.height}`).toEqual({ page: false, inside: [] });
    }
  }, 400_000);
});

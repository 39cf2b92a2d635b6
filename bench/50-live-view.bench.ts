// What watching costs (issue 16). (1) The play/pause gate in the engine: the same fast CPU run in-process with no gate
// and with a RunGate that is playing (one property read per minibatch). (2) The Training view: a fast CPU run trained
// in the real page (`mlpw serve`, headless Chromium, the built renderer) with the Training view open, against the same
// run with the Runs view open instead (the live panel unmounted); the run's own samples/s as the store keeps it, and
// the page's main-thread busy time over the run (what the view costs in CPU, steadier than throughput on busy cores).
// Ratios are printed, never asserted; each side's best of the alternated rounds (the least disturbed by whatever else
// shares the cores), with the load average. BENCH_LIVE_ROUNDS=N changes the rounds (default 3).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuBackend } from '../engine/backends/cpu/backend.ts';
import { parseConfig } from '../engine/config.ts';
import { loadBuiltinDataset } from '../engine/data/builtin.ts';
import { train } from '../engine/trainer.ts';
import { RunGate } from '../engine/worker/run-gate.ts';
import { cli } from '../test/cli/helpers.ts';
import { findChromium } from '../test/browser/find-chromium.ts';

const ROUNDS = Number(process.env.BENCH_LIVE_ROUNDS ?? 3);

/** Many small minibatches, where a per-batch cost would show most. */
const GATE_CONFIG = parseConfig({
  dataset: { name: 'moons', samples: 4000, noise: 0.1 },
  model: { layers: [{ units: 8, activation: 'tanh' }] },
  optimizer: { type: 'sgd', lr: 0.05 },
  batchSize: 4,
  epochs: 6,
  seed: 3,
  precision: 'float64',
});

/** Training samples per second of this process's CPU time (steadier than wall time on shared cores). */
async function gateRate(gated: boolean): Promise<number> {
  const data = loadBuiltinDataset(GATE_CONFIG.dataset);
  const gate = gated ? new RunGate(() => undefined) : undefined;
  const cpu = process.cpuUsage();
  const result = await train(GATE_CONFIG, data, new CpuBackend('float64'), { gate });
  const used = process.cpuUsage(cpu);
  return (result.summary.epochs * result.data.trainSamples) / ((used.user + used.system) / 1e6);
}

async function gateOverhead(): Promise<void> {
  await gateRate(false); // warm-up (JIT)
  const plain: number[] = [];
  const gated: number[] = [];
  for (let r = 0; r < ROUNDS + 2; r++) {
    plain.push(await gateRate(false));
    gated.push(await gateRate(true));
  }
  const [p, g] = [Math.max(...plain), Math.max(...gated)];
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    '| engine (JS reference, moons 3,200 rows, batch 4: 800 minibatches an epoch) | samples per CPU second |',
  );
  console.log('|---|---|');
  console.log(`| no gate | ${Math.round(p).toLocaleString('en')} |`);
  console.log(`| RunGate, playing | ${Math.round(g).toLocaleString('en')} |`);
  console.log(`| ratio gated / plain | ${(g / p).toFixed(3)} |`);
}

// Several seconds of training, so the one-second polls of the store (a CLI process each) weigh little.
const PAGE_RUN = { samples: '2000', batch: '16', epochs: '1000', units: ['16', '16'] };

async function liveViewCost(): Promise<void> {
  if (!findChromium().found) {
    console.log('(the Training view part needs Chromium: none found, skipped)');
    return;
  }
  if (!existsSync('dist/renderer/index.html')) {
    const { build } = await import('vite');
    await build({ configFile: 'renderer/vite.config.ts', logLevel: 'warn' });
  }
  const { launchChromium } = await import('../test/e2e/chromium.ts');
  const { startServe } = await import('../test/e2e/serve-process.ts');
  const dir = mkdtempSync(join(tmpdir(), 'mlpw-bench-live-'));
  const db = join(dir, 'workbench.db');
  const served = await startServe(db);
  const browser = await launchChromium();
  const page = browser.page;
  try {
    await page.goto(served.url);
    // The page's main-thread busy time (Chrome's TaskDuration) over the run: what the open view costs, in CPU.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskSeconds = async () =>
      (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value;
    const run = async (watch: boolean): Promise<{ rate: number; busy: number }> => {
      await page.getByTestId('nav-designer').click();
      await page.getByTestId('dataset').selectOption('spiral');
      await page.getByTestId('samples').fill(PAGE_RUN.samples);
      const layers = page.locator('.layer-row');
      while ((await layers.count()) > 0) await layers.first().getByTestId('remove').click();
      for (const [i, units] of PAGE_RUN.units.entries()) {
        await page.getByTestId('add-layer').click();
        await page.getByLabel(`layer ${i + 1} units`).fill(units);
      }
      await page.getByTestId('batch').fill(PAGE_RUN.batch);
      await page.getByTestId('epochs').fill(PAGE_RUN.epochs);
      await page.getByTestId('backend').selectOption('cpu');
      const [busy0, t0] = [await taskSeconds(), performance.now()];
      await page.getByTestId('train-now').click();
      if (!watch) await page.getByTestId('nav-runs').click();
      const id = await finishedRun();
      const busy = ((await taskSeconds()) - busy0) / ((performance.now() - t0) / 1000);
      const r = await cli(['show', id, '--json'], { db });
      return { rate: (JSON.parse(r.stdout) as { samplesPerSec: number }).samplesPerSec, busy };
    };
    // The store says when the page's run ended, whichever view is open.
    const done = new Set<string>();
    const finishedRun = async (): Promise<string> => {
      for (const started = Date.now(); Date.now() - started < 300_000;) {
        const r = await cli(['runs', '--json', '--limit', '0'], { db });
        const runs = JSON.parse(r.stdout) as { id: string; status: string }[];
        const fresh = runs.find((x) => !done.has(x.id) && /completed|failed|cancelled|diverged/.test(x.status));
        if (fresh) {
          done.add(fresh.id);
          return fresh.id;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      throw new Error('a run in the page did not finish within 5 minutes');
    };
    await run(true); // warm-up: the worker's modules and the kernels compiled once
    const open: { rate: number; busy: number }[] = [];
    const closed: { rate: number; busy: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      open.push(await run(true));
      closed.push(await run(false));
    }
    const [o, c] = [Math.max(...open.map((x) => x.rate)), Math.max(...closed.map((x) => x.rate))];
    const busy = (xs: { busy: number }[]) => `${Math.round(Math.min(...xs.map((x) => x.busy)) * 100)} %`;
    console.log(
      `\nload average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(
      `| Training view in Chromium (spiral ${PAGE_RUN.samples}, 2-16-16-2, batch ${PAGE_RUN.batch}, ${PAGE_RUN.epochs} epochs, CPU backend) | samples/s | page main thread busy |`,
    );
    console.log('|---|---|---|');
    console.log(`| Runs view open (no live panel) | ${Math.round(c).toLocaleString('en')} | ${busy(closed)} |`);
    console.log(`| Training view open | ${Math.round(o).toLocaleString('en')} | ${busy(open)} |`);
    console.log(`| ratio open / closed (issue 16: ≥ ~0.9) | ${(o / c).toFixed(3)} | |`);
  } finally {
    await browser.close();
    await served.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await gateOverhead();
  await liveViewCost();
}

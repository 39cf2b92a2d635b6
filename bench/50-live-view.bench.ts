// What watching costs (issue 16). (1) The play/pause gate in the engine: the same fast CPU run in-process with no gate
// and with a RunGate that is playing (one property read per minibatch). (2) The Training view: a fast CPU run trained
// in the real page (`mlpw serve`, headless Chromium, the built renderer) with the Training view open, against the same
// run with the Runs view open instead (the live panel unmounted); the run's own samples/s as the store keeps it.
// Ratios are printed, never asserted. BENCH_LIVE_ROUNDS=N changes the alternated rounds (default 3).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuBackend } from '../engine/backends/cpu/backend.ts';
import { parseConfig } from '../engine/config.ts';
import { loadBuiltinDataset } from '../engine/data/builtin.ts';
import { train } from '../engine/trainer.ts';
import { RunGate } from '../engine/worker/run-gate.ts';
import { cli } from '../test/cli/helpers.ts';
import { findChromium } from '../test/browser/find-chromium.ts';
import { median } from './workload.ts';

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

async function gateRate(gated: boolean): Promise<number> {
  const data = loadBuiltinDataset(GATE_CONFIG.dataset);
  const gate = gated ? new RunGate(() => undefined) : undefined;
  const { summary } = await train(GATE_CONFIG, data, new CpuBackend('float64'), { gate });
  return summary.samplesPerSecond;
}

async function gateOverhead(): Promise<void> {
  await gateRate(false); // warm-up (JIT)
  const plain: number[] = [];
  const gated: number[] = [];
  for (let r = 0; r < ROUNDS + 2; r++) {
    plain.push(await gateRate(false));
    gated.push(await gateRate(true));
  }
  const [p, g] = [median(plain), median(gated)];
  console.log('| engine (JS reference, moons 3,200 rows, batch 4: 800 minibatches an epoch) | samples/s |');
  console.log('|---|---|');
  console.log(`| no gate | ${Math.round(p).toLocaleString('en')} |`);
  console.log(`| RunGate, playing | ${Math.round(g).toLocaleString('en')} |`);
  console.log(`| ratio gated / plain | ${(g / p).toFixed(3)} |`);
}

const PAGE_RUN = { samples: '2000', batch: '16', epochs: '60', units: ['16', '16'] };

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
    const run = async (watch: boolean): Promise<number> => {
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
      await page.getByTestId('train-now').click();
      if (!watch) await page.getByTestId('nav-runs').click();
      const id = await finishedRun();
      const r = await cli(['show', id, '--json'], { db });
      return (JSON.parse(r.stdout) as { samplesPerSec: number }).samplesPerSec;
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
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error('a run in the page did not finish within 5 minutes');
    };
    await run(true); // warm-up: the worker's modules and the kernels compiled once
    const open: number[] = [];
    const closed: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      open.push(await run(true));
      closed.push(await run(false));
    }
    const [o, c] = [median(open), median(closed)];
    console.log(
      `\n| Training view in Chromium (spiral ${PAGE_RUN.samples}, 2-16-16-2, batch ${PAGE_RUN.batch}, ${PAGE_RUN.epochs} epochs, CPU backend) | samples/s |`,
    );
    console.log('|---|---|');
    console.log(`| Runs view open (no live panel) | ${Math.round(c).toLocaleString('en')} |`);
    console.log(`| Training view open | ${Math.round(o).toLocaleString('en')} |`);
    console.log(`| ratio open / closed (issue 16: ≥ ~0.9) | ${(o / c).toFixed(3)} |`);
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

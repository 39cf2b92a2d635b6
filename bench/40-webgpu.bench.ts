// Our WebGPU training against TensorFlow.js's `webgpu` backend and jax-js's `webgpu` device, in headless Chromium on the same adapter and the
// same data, initial weights and batch order. Vite's dev server serves a page built from the virtual module below;
// playwright-core drives Debian's Chromium. On a software adapter (SwiftShader here) the reference workload's
// 10,240 samples would take minutes per epoch, so the sample count is scaled down (the network, batch and optimizer
// are the reference ones); the printout says which.
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer, type Plugin } from 'vite';
import { CHROMIUM_PATH, CHROMIUM_WEBGPU_ARGS } from '../test/browser/chromium-flags.ts';
import { WORKLOAD } from './workload.ts';

/** Samples per epoch on a software adapter (4 batches of 256). */
const SOFTWARE_SAMPLES = 1024;
/** Timed epochs after one warm-up; the median is reported. */
const TIMED_EPOCHS = 3;

const ENTRY_ID = 'virtual:webgpu-bench';
// Runs in the page. Both contenders train the same 784-512-256-10 ReLU/softmax MLP with SGD on the same rows.
const ENTRY = /* js */ `
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import * as jax from '@jax-js/jax';
import { jaxTrain } from '/bench/peers/jax-train.ts';
import { referenceJob } from '/bench/peers/jobs.ts';
import { findAdapter, requestTrainingDevice } from '/engine/backends/webgpu/adapter.ts';
import { WebGpuBackend } from '/engine/backends/webgpu/backend.ts';
import { prepareData } from '/engine/data/prepare.ts';
import { initWeights } from '/engine/model/init.ts';
import { Rng } from '/engine/rng.ts';
import { median, workloadConfig, workloadData } from '/bench/workload.ts';

function setup(samples) {
  const full = workloadData();
  const f = full.features;
  const data = { ...full, n: samples, x: full.x.subarray(0, samples * f), labels: full.labels.subarray(0, samples) };
  const config = workloadConfig();
  const weights = initWeights(config, data.features, data.outputs, 'softmax');
  const rng = new Rng(3);
  const orders = Array.from({ length: ${TIMED_EPOCHS + 1} }, () => rng.permutation(samples));
  return { data, config, weights, orders };
}

async function ours({ data, config, weights, orders }) {
  const found = await findAdapter();
  if ('unavailable' in found) throw new Error(found.unavailable);
  const backend = new WebGpuBackend(await requestTrainingDevice(found.adapter), found.description);
  const prepared = prepareData(data, 0, false, 1);
  await backend.init({
    features: data.features, outputs: data.outputs, head: 'softmax', loss: 'cross_entropy',
    layers: weights.map((w) => ({ inputs: w.inputs, units: w.units, activation: w.activation, dropout: 0 })),
    optimizer: config.optimizer, seed: config.seed,
  }, weights, prepared);
  const rates = [];
  const losses = [];
  const batches = Math.ceil(data.n / config.batchSize);
  for (let e = 0; e < orders.length; e++) {
    const t0 = performance.now();
    const sums = await backend.trainEpoch({ order: orders[e], batchSize: config.batchSize, lr: config.optimizer.lr, step: e * batches });
    const seconds = (performance.now() - t0) / 1000;
    losses.push(sums.lossSum / sums.count);
    if (e > 0) rates.push(data.n / seconds);
  }
  backend.dispose();
  return { samplesPerSec: median(rates), losses, adapter: found.description };
}

async function tfjs({ data, config, weights, orders }) {
  await tf.setBackend('webgpu');
  await tf.ready();
  const n = data.n;
  const X = tf.tensor2d(data.x, [n, data.features]);
  const Y = tf.oneHot(tf.tensor1d(Int32Array.from(data.labels), 'int32'), data.outputs).toFloat();
  const params = weights.flatMap((w) => [tf.variable(tf.tensor2d(w.W, [w.inputs, w.units])), tf.variable(tf.tensor1d(w.b))]);
  const optimizer = tf.train.sgd(config.optimizer.lr);
  const rates = [];
  const losses = [];
  for (const orderArray of orders) {
    const t0 = performance.now();
    const order = tf.tensor1d(Int32Array.from(orderArray), 'int32');
    const costs = [];
    for (let s = 0; s < n; s += config.batchSize) {
      const size = Math.min(config.batchSize, n - s);
      costs.push(tf.tidy(() => {
        const idx = order.slice(s, size);
        const xb = tf.gather(X, idx);
        const yb = tf.gather(Y, idx);
        const cost = optimizer.minimize(() => {
          let h = xb;
          for (let l = 0; l < weights.length; l++) {
            h = tf.add(tf.matMul(h, params[2 * l]), params[2 * l + 1]);
            if (l < weights.length - 1) h = tf.relu(h);
          }
          return tf.losses.softmaxCrossEntropy(yb, h);
        }, true);
        return tf.mul(cost, size);
      }));
    }
    const total = tf.addN(costs);
    const lossSum = (await total.data())[0];
    tf.dispose([...costs, total, order]);
    const seconds = (performance.now() - t0) / 1000;
    losses.push(lossSum / n);
    if (rates.length < orders.length - 1 && losses.length > 1) rates.push(n / seconds);
  }
  const info = tf.backend().adapterInfo;
  tf.dispose([X, Y, ...params]);
  return { samplesPerSec: median(rates), losses, adapter: info ? { vendor: info.vendor, architecture: info.architecture } : null };
}

// jax-js on its own device (it asks for a high-performance adapter: the only one here, SwiftShader's), the same job.
async function jaxjs(samples) {
  try {
    const devices = await jax.init('webgpu');
    if (!devices.includes('webgpu')) return { unavailable: 'jax-js started no webgpu device (' + devices.join(', ') + ')' };
    jax.defaultDevice('webgpu');
    const job = referenceJob(${TIMED_EPOCHS + 1}, samples);
    const r = await jaxTrain(jax, job, job.orders.length);
    const info = jax.getWebGPUDevice().adapterInfo;
    return {
      samplesPerSec: median(r.epochSeconds.slice(1).map((s) => samples / s)),
      losses: r.epochLosses,
      adapter: info ? { vendor: info.vendor, architecture: info.architecture } : null,
    };
  } catch (error) {
    return { unavailable: String(error && error.message || error).slice(0, 200) };
  }
}

window.runBench = async (samples) => {
  const s = setup(samples);
  const mine = await ours(s);
  const theirs = await tfjs(s);
  const jaxSide = await jaxjs(samples);
  return { mine, theirs, jax: jaxSide };
};
window.benchReady = true;
`;

function benchPage(): Plugin {
  return {
    name: 'webgpu-bench-page',
    resolveId: (id) => (id === ENTRY_ID ? '\0' + ENTRY_ID : undefined),
    load: (id) => (id === '\0' + ENTRY_ID ? ENTRY : undefined),
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url !== '/webgpu-bench.html') return next();
        res.setHeader('content-type', 'text/html');
        res.end(`<!doctype html><script type="module" src="/@id/__x00__${ENTRY_ID}"></script>`);
      });
    },
  };
}

interface Side {
  samplesPerSec: number;
  losses: number[];
  adapter: { vendor: string; architecture: string; description?: string; isFallback?: boolean } | null;
}

export async function run(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'error',
    cacheDir: 'node_modules/.vite/bench-webgpu',
    server: { host: '127.0.0.1', port: 5273 },
    optimizeDeps: {
      include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@jax-js/jax', 'zod'],
      entries: [],
    },
    plugins: [benchPage()],
  });
  await server.listen();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_WEBGPU_ARGS });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`  page error: ${e.message}`));
    const url = `${server.resolvedUrls!.local[0]!.replace(/\/$/, '')}/webgpu-bench.html`;
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as unknown as { benchReady?: boolean }).benchReady === true, null, {
      timeout: 60_000,
    });
    const fallback = await page.evaluate(async () => {
      const adapter = await (globalThis as unknown as { navigator: { gpu: GPU } }).navigator.gpu.requestAdapter();
      return Boolean((adapter?.info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter);
    });
    const samples = fallback ? SOFTWARE_SAMPLES : WORKLOAD.samples;
    const result = (await page.evaluate(
      (n) => (globalThis as unknown as { runBench(n: number): Promise<unknown> }).runBench(n),
      samples,
    )) as { mine: Side; theirs: Side; jax: Side | { unavailable: string } };
    const { mine, theirs } = result;
    const a = mine.adapter!;
    console.log(
      `headless Chromium, adapter ${a.vendor}/${a.architecture}${a.isFallback ? ' (software fallback)' : ''}; tfjs adapter ${theirs.adapter?.vendor ?? '?'}/${theirs.adapter?.architecture ?? '?'}`,
    );
    console.log(
      `workload: ${WORKLOAD.features}-${WORKLOAD.hidden.join('-')}-${WORKLOAD.classes} ReLU, softmax CE, SGD, batch ${WORKLOAD.batch}, ` +
        `${samples} samples${samples !== WORKLOAD.samples ? ` (scaled down from ${WORKLOAD.samples} for the software adapter)` : ''}, median of ${TIMED_EPOCHS} epochs after 1 warm-up`,
    );
    console.log(`  mlpw webgpu (WGSL kernels)       ${mine.samplesPerSec.toFixed(0).padStart(8)} samples/s`);
    console.log(`  tfjs webgpu 4.22                 ${theirs.samplesPerSec.toFixed(0).padStart(8)} samples/s`);
    console.log(
      `  ratio mlpw / tfjs                ${(mine.samplesPerSec / theirs.samplesPerSec).toFixed(2).padStart(8)}×`,
    );
    console.log(
      `  epoch losses  mlpw ${mine.losses.map((l) => l.toFixed(4)).join(' ')} | tfjs ${theirs.losses.map((l) => l.toFixed(4)).join(' ')}`,
    );
    const jaxSide = result.jax;
    if ('unavailable' in jaxSide) console.log(`  jax-js webgpu skipped: ${jaxSide.unavailable}`);
    else {
      console.log(
        `  jax-js webgpu 0.1.25             ${jaxSide.samplesPerSec.toFixed(0).padStart(8)} samples/s  (adapter ${jaxSide.adapter?.vendor ?? '?'}/${jaxSide.adapter?.architecture ?? '?'})`,
      );
      console.log(
        `  ratio mlpw / jax-js              ${(mine.samplesPerSec / jaxSide.samplesPerSec).toFixed(2).padStart(8)}×`,
      );
      console.log(`  epoch losses  jax-js ${jaxSide.losses.map((l) => l.toFixed(4)).join(' ')}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

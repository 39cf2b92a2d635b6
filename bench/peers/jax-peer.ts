// jax-js (@jax-js/jax) as a JavaScript peer on its WebAssembly device: the reference workload written as a user of
// jax-js would (valueAndGrad of the mean cross-entropy, one jit-compiled SGD step) on our data, initial weights and
// batch order, and its matrix product. In Node 20 jax-js runs its kernels on one thread: its worker pool needs the
// Web `Worker` global, which Node does not have (it also needs `init('wasm')`: its default init reads `navigator`).
import { readFileSync } from 'node:fs';
import type { Array as JaxArray } from '@jax-js/jax';
import type { PeerJob } from './jobs.ts';
import { median } from '../workload.ts';

type Jax = typeof import('@jax-js/jax');
export type JaxPeer = { ok: true; jax: Jax; version: string; threads: string } | { ok: false; reason: string };

/** Imports jax-js and starts its wasm device, or says why it cannot run here. */
export async function loadJax(): Promise<JaxPeer> {
  try {
    const jax = await import('@jax-js/jax');
    const devices = await jax.init('wasm');
    if (!devices.includes('wasm')) return { ok: false, reason: `jax-js init('wasm') started ${devices.join(', ')}` };
    jax.defaultDevice('wasm');
    const manifest = new URL('../../node_modules/@jax-js/jax/package.json', import.meta.url);
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    const threads =
      typeof SharedArrayBuffer !== 'undefined' && typeof (globalThis as { Worker?: unknown }).Worker !== 'undefined'
        ? 'worker pool'
        : '1 thread: no Web Worker global in Node';
    return { ok: true, jax, version, threads };
  } catch (error) {
    return { ok: false, reason: (error as Error).message.slice(0, 200) };
  }
}

type Params = { W: JaxArray[]; b: JaxArray[] };

/** A jit-compiled SGD step of the job's softmax MLP: (params, x, one-hot y) → [new params, mean loss]. */
function sgdStep(jax: Jax, job: PeerJob) {
  const { numpy: np, nn } = jax;
  const layers = job.weights.length;
  const lr = job.spec.optimizer.lr;
  const activation = (a: string, h: JaxArray) => {
    if (a === 'relu') return nn.relu(h);
    if (a === 'tanh') return np.tanh(h);
    if (a === 'identity') return h;
    throw new Error(`layer activation ${a}: the jax-js peer knows relu, tanh, identity`);
  };
  const loss = (p: Params, x: JaxArray, y: JaxArray) => {
    const n = x.shape[0]!;
    let h = x;
    for (let l = 0; l < layers; l++) h = activation(job.weights[l]!.activation, np.matmul(h, p.W[l]!).add(p.b[l]!));
    return nn
      .logSoftmax(h, -1)
      .mul(y)
      .sum()
      .mul(-1 / n);
  };
  return jax.jit((p: Params, x: JaxArray, y: JaxArray): [Params, JaxArray] => {
    const [value, g] = jax.valueAndGrad(loss)({ W: p.W.map((w) => w.ref), b: p.b.map((b) => b.ref) }, x, y);
    const next = { W: p.W.map((w, l) => w.sub(g.W[l]!.mul(lr))), b: p.b.map((b, l) => b.sub(g.b[l]!.mul(lr))) };
    return [next, value];
  });
}

/** Trains the job (SGD only) for `epochs` epochs from its initial weights; per epoch its seconds and mean loss,
 *  and the loss of each of the first `steps` steps. */
export async function jaxTrain(
  peer: Extract<JaxPeer, { ok: true }>,
  job: PeerJob,
  epochs: number,
  steps = 0,
): Promise<{ epochSeconds: number[]; epochLosses: number[]; stepLosses: number[] }> {
  if (job.spec.optimizer.type !== 'sgd') throw new Error(`optimizer.type ${job.spec.optimizer.type}: jax-js peer: sgd`);
  const np = peer.jax.numpy;
  const step = sgdStep(peer.jax, job);
  let p: Params = {
    W: job.weights.map((w) => np.array(w.W).reshape([w.inputs, w.units])),
    b: job.weights.map((w) => np.array(w.b)),
  };
  const { features: f, classes: k, batchSize } = job;
  const xb = new Float32Array(batchSize * f);
  const yb = new Float32Array(batchSize * k);
  const epochSeconds: number[] = [];
  const epochLosses: number[] = [];
  const stepLosses: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const order = job.orders[e]!;
    const t0 = performance.now();
    const values: JaxArray[] = [];
    const sizes: number[] = [];
    for (let s = 0; s < job.n; s += batchSize) {
      const m = Math.min(batchSize, job.n - s);
      yb.fill(0);
      for (let i = 0; i < m; i++) {
        const r = order[s + i]!;
        xb.set(job.x.subarray(r * f, r * f + f), i * f);
        yb[i * k + job.labels[r]!] = 1;
      }
      const x = np.array(xb.slice(0, m * f)).reshape([m, f]);
      const y = np.array(yb.slice(0, m * k)).reshape([m, k]);
      const [next, value] = step(p, x, y);
      p = next;
      if (stepLosses.length < steps) stepLosses.push((await value.ref.data())[0]!);
      values.push(value);
      sizes.push(m);
    }
    let lossSum = 0;
    for (let i = 0; i < values.length; i++) lossSum += (await values[i]!.data())[0]! * sizes[i]!;
    epochSeconds.push((performance.now() - t0) / 1000);
    epochLosses.push(lossSum / job.n);
  }
  step.dispose();
  for (const a of [...p.W, ...p.b]) a.dispose();
  return { epochSeconds, epochLosses, stepLosses };
}

/** Samples/s on the job: one warm-up epoch (jit compile) then the median of `epochs` timed epochs. */
export async function jaxReferenceSamplesPerSec(
  peer: Extract<JaxPeer, { ok: true }>,
  job: PeerJob,
  epochs: number,
): Promise<number> {
  const r = await jaxTrain(peer, job, epochs + 1);
  return job.n / median(r.epochSeconds.slice(1));
}

/** jit(matmul) at n³, float32: median of 5 timings of ≥ 2 GFLOP each, in GFLOP/s. */
export async function jaxMatmulGflops(peer: Extract<JaxPeer, { ok: true }>, n: number): Promise<number> {
  const np = peer.jax.numpy;
  const fill = () => np.array(Float32Array.from({ length: n * n }, (_, i) => ((i * 2654435761) % 1000) / 1000 - 0.5));
  const a = fill().reshape([n, n]);
  const b = fill().reshape([n, n]);
  const mm = peer.jax.jit((x: JaxArray, y: JaxArray) => np.matmul(x, y));
  await mm(a.ref, b.ref).data();
  const reps = Math.max(1, Math.round(2e9 / (2 * n ** 3)));
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await mm(a.ref, b.ref).data();
    times.push((performance.now() - t0) / 1000 / reps);
  }
  mm.dispose();
  a.dispose();
  b.dispose();
  return (2 * n ** 3) / median(times) / 1e9;
}

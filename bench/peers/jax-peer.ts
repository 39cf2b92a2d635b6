// jax-js (@jax-js/jax) as a JavaScript peer in Node, on its WebAssembly device: the reference workload
// (bench/peers/jax-train.ts) on our data, initial weights and batch order, and its matrix product. In Node 20 jax-js
// runs its kernels on one thread: its worker pool needs the Web `Worker` global, which Node does not have (and its
// default init() reads `navigator`, which Node 20 lacks, so we start the wasm device alone).
import { readFileSync } from 'node:fs';
import type { Array as JaxArray } from '@jax-js/jax';
import { jaxTrain, type Jax } from './jax-train.ts';
import type { PeerJob } from './jobs.ts';
import { median } from '../workload.ts';

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

/** Samples/s on the job: one warm-up epoch (jit compile) then the median of `epochs` timed epochs. */
export async function jaxReferenceSamplesPerSec(
  peer: Extract<JaxPeer, { ok: true }>,
  job: PeerJob,
  epochs: number,
): Promise<number> {
  const r = await jaxTrain(peer.jax, job, epochs + 1);
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

// The bench's peers train exactly our job: from the weights, data and batch order exported by bench/peers/jobs.ts,
// PyTorch (bench/peers/torch_peer.py) and jax-js reach the same loss as our engine at every one of the first steps,
// to float32 rounding. PyTorch is optional (CI has none): its tests are skipped, with the reason in their title,
// where no Python with torch is found (MLPW_BENCH_PYTHON, else python3); jax-js is a devDependency and always runs.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../engine/host/node/kernel-threads.ts';
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { createWasmBackend } from '../../engine/backends/wasm/provider.ts';
import { loadJax } from '../../bench/peers/jax-peer.ts';
import { jaxTrain } from '../../bench/peers/jax-train.ts';
import { oursEpochs, oursStepLosses, referenceJob, spiralJob, type PeerJob } from '../../bench/peers/jobs.ts';
import { findTorchPython, TorchPeer, writeJob } from '../../bench/peers/torch-peer.ts';

const found = findTorchPython();
const dir = mkdtempSync(join(os.tmpdir(), 'mlpw-peer-losses-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** |a − b| within float32 rounding accumulated over a few steps: relative 1e-5 (observed ≈ 1e-7). */
function expectSameTrajectory(theirs: number[], ours: number[]): void {
  expect(theirs).toHaveLength(ours.length);
  theirs.forEach((t, i) => {
    const tolerance = 1e-5 * Math.abs(ours[i]!) + 1e-7;
    expect(Math.abs(t - ours[i]!), `step ${i}: peer ${t}, ours ${ours[i]}`).toBeLessThanOrEqual(tolerance);
  });
}

async function wasmStepLosses(job: PeerJob, steps: number): Promise<number[]> {
  const made = await createWasmBackend(1, 0);
  if ('unavailable' in made) throw new Error(made.unavailable);
  try {
    return await oursStepLosses(made.backend, job, steps);
  } finally {
    made.backend.dispose();
  }
}

// A quarter of the reference rows keeps the 784-512-256-10 net but makes each step cheap; 6 steps of batch 256.
const reference = referenceJob(2, 2048);
// The spiral small net with Adam: 16 steps are the whole first epoch (500 rows, batch 32, a short last batch).
const spiral = spiralJob(2);

describe(`PyTorch peer${'reason' in found ? ` (skipped: ${found.reason})` : ''}`, () => {
  const skip = !('python' in found);
  let peer: TorchPeer | null = null;
  afterAll(() => peer?.close());
  const start = async () => (peer ??= await TorchPeer.start((found as { python: string }).python));

  it.skipIf(skip)(
    'matches our loss at each of the first 6 steps of the reference workload (SGD)',
    async () => {
      const torch = await start();
      const theirs = await torch.train(writeJob(join(dir, 'reference'), reference), 1, 1, 6);
      expectSameTrajectory(theirs.stepLosses, await wasmStepLosses(reference, 6));
      expectSameTrajectory(theirs.stepLosses, await oursStepLosses(new CpuBackend('float32'), reference, 6));
    },
    240_000,
  );

  it.skipIf(skip)(
    'matches our loss at each step of the spiral net’s first epoch and per epoch (Adam)',
    async () => {
      const torch = await start();
      const job = writeJob(join(dir, 'spiral'), spiral);
      const theirs = await torch.train(job, 1, 2, 16);
      expectSameTrajectory(theirs.stepLosses, await wasmStepLosses(spiral, 16));
      expectSameTrajectory(theirs.epochLosses, (await oursEpochs(new CpuBackend('float32'), spiral, 2)).epochLosses);
    },
    240_000,
  );
});

describe('jax-js peer (wasm device)', () => {
  it('matches our loss at each of the first 4 steps of the reference workload (SGD)', async () => {
    const jax = await loadJax();
    if (!jax.ok) throw new Error(`jax-js did not start: ${jax.reason}`);
    const theirs = await jaxTrain(jax.jax, reference, 1, 4);
    expectSameTrajectory(theirs.stepLosses, await wasmStepLosses(reference, 4));
  }, 240_000);
});

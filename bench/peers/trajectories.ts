// `node --import tsx bench/peers/trajectories.ts`: the loss at each of the first steps of the peer jobs, on our
// backends and on each peer found, as one JSON object on stdout, so the peers can be checked against our engine
// (test/bench/peer-losses.test.ts runs it as a command: test/ does not import bench/, which imports test/).
// PyTorch is optional: its entry is {"skipped": REASON} where no Python with torch is found.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import '../../engine/host/node/kernel-threads.ts';
import type { TrainingBackend } from '../../engine/backends/backend.ts';
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { createWasmBackend } from '../../engine/backends/wasm/provider.ts';
import { loadJax } from './jax-peer.ts';
import { jaxTrain } from './jax-train.ts';
import { oursEpochs, oursStepLosses, referenceJob, spiralJob } from './jobs.ts';
import { findTorchPython, TorchPeer, writeJob } from './torch-peer.ts';

/** Steps compared: 6 of the reference net on a quarter of its rows, the spiral's whole first epoch (16 batches). */
export const STEPS = { reference: 6, jaxReference: 4, spiral: 16, spiralEpochs: 2 };

async function wasm(): Promise<TrainingBackend> {
  const made = await createWasmBackend(1, 0);
  if ('unavailable' in made) throw new Error(`cpu/wasm-simd: ${made.unavailable}`);
  return made.backend;
}

async function withBackend<T>(make: () => Promise<TrainingBackend>, use: (b: TrainingBackend) => Promise<T>) {
  const backend = await make();
  try {
    return await use(backend);
  } finally {
    backend.dispose();
  }
}

const reference = referenceJob(2, 2048);
const spiral = spiralJob(STEPS.spiralEpochs);
const js = async () => new CpuBackend('float32');

const ours = {
  referenceWasm: await withBackend(wasm, (b) => oursStepLosses(b, reference, STEPS.reference)),
  referenceJs: await withBackend(js, (b) => oursStepLosses(b, reference, STEPS.reference)),
  spiralWasm: await withBackend(wasm, (b) => oursStepLosses(b, spiral, STEPS.spiral)),
  spiralEpochsJs: (await withBackend(js, (b) => oursEpochs(b, spiral, STEPS.spiralEpochs))).epochLosses,
};

const jax = await loadJax();
const jaxSide = jax.ok
  ? { reference: (await jaxTrain(jax.jax, reference, 1, STEPS.jaxReference)).stepLosses }
  : { skipped: jax.reason };

const found = findTorchPython();
let torchSide: { skipped: string } | { torch: string; reference: number[]; spiral: number[]; spiralEpochs: number[] };
if ('python' in found) {
  const dir = mkdtempSync(join(os.tmpdir(), 'mlpw-peer-trajectories-'));
  const peer = await TorchPeer.start(found.python);
  try {
    const ref = await peer.train(writeJob(join(dir, 'reference'), reference), 1, 1, STEPS.reference);
    const sp = await peer.train(writeJob(join(dir, 'spiral'), spiral), 1, STEPS.spiralEpochs, STEPS.spiral);
    torchSide = {
      torch: peer.info.torch,
      reference: ref.stepLosses,
      spiral: sp.stepLosses,
      spiralEpochs: sp.epochLosses,
    };
  } finally {
    peer.close();
    rmSync(dir, { recursive: true, force: true });
  }
} else torchSide = { skipped: found.reason };

process.stdout.write(JSON.stringify({ ours, jax: jaxSide, torch: torchSide }) + '\n');

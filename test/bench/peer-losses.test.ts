// The bench's peers train exactly our job: from the weights, data and batch order that bench/peers/jobs.ts exports,
// PyTorch (bench/peers/torch_peer.py) and jax-js reach the same loss as our engine at every one of the first steps,
// to float32 rounding. bench/peers/trajectories.ts computes them as a command (bench/ imports test/, so test/ runs it
// rather than importing it). PyTorch is optional (CI has none): its tests are skipped, with the reason, where no
// Python with torch is found (MLPW_BENCH_PYTHON, else python3); jax-js is a devDependency and always runs.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const root = fileURLToPath(new URL('../..', import.meta.url));
const losses = z.array(z.number());
const Trajectories = z.object({
  ours: z.object({ referenceWasm: losses, referenceJs: losses, spiralWasm: losses, spiralEpochsJs: losses }),
  jax: z.union([z.object({ reference: losses }), z.object({ skipped: z.string() })]),
  torch: z.union([
    z.object({ torch: z.string(), reference: losses, spiral: losses, spiralEpochs: losses }),
    z.object({ skipped: z.string() }),
  ]),
});

/** |a − b| within float32 rounding accumulated over a few steps: relative 1e-5 (observed ≈ 1e-7). */
function expectSameTrajectory(theirs: number[], ours: number[]): void {
  expect(theirs.length).toBeGreaterThan(0);
  theirs.forEach((t, i) => {
    const tolerance = 1e-5 * Math.abs(ours[i]!) + 1e-7;
    expect(Math.abs(t - ours[i]!), `step ${i}: peer ${t}, ours ${ours[i]}`).toBeLessThanOrEqual(tolerance);
  });
}

let got: z.infer<typeof Trajectories>;
beforeAll(async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/peers/trajectories.ts'], {
    cwd: root,
    timeout: 480_000,
  });
  got = Trajectories.parse(JSON.parse(stdout));
}, 500_000);

describe('PyTorch peer, same weights and batches (skipped where no Python has torch)', () => {
  it('matches our loss at each of the first 6 steps of the reference workload (SGD)', (ctx) => {
    if ('skipped' in got.torch) return ctx.skip(got.torch.skipped);
    expect(got.torch.reference).toHaveLength(6);
    expectSameTrajectory(got.torch.reference, got.ours.referenceWasm);
    expectSameTrajectory(got.torch.reference, got.ours.referenceJs);
  });

  it('matches our loss at each step of the spiral net’s first epoch and per epoch (tanh, Adam)', (ctx) => {
    if ('skipped' in got.torch) return ctx.skip(got.torch.skipped);
    expect(got.torch.spiral).toHaveLength(16);
    expectSameTrajectory(got.torch.spiral, got.ours.spiralWasm);
    expectSameTrajectory(got.torch.spiralEpochs, got.ours.spiralEpochsJs);
  });
});

describe('jax-js peer (wasm device)', () => {
  it('matches our loss at each of the first 4 steps of the reference workload (SGD)', () => {
    if ('skipped' in got.jax) throw new Error(`jax-js did not start: ${got.jax.skipped}`);
    expect(got.jax.reference).toHaveLength(4);
    expectSameTrajectory(got.jax.reference, got.ours.referenceWasm);
  });
});

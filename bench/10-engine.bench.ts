// The CPU reference backend (typed-array JS) on the reference workload, and its plain matmul at 512³.
import { CpuBackend } from '../engine/backends/cpu/backend.ts';
import { matmul } from '../engine/model/linear.ts';
import { Rng } from '../engine/rng.ts';
import { benchBackend, median, WORKLOAD } from './workload.ts';

export async function run(): Promise<void> {
  const sps = await benchBackend(new CpuBackend('float32'));
  console.log(
    `reference workload (784-512-256-10, batch ${WORKLOAD.batch}, ${WORKLOAD.samples} samples, median of ${WORKLOAD.epochs}):`,
  );
  console.log(`  cpu/js (typed arrays, float32)   ${sps.toFixed(0).padStart(8)} samples/s`);

  const n = 512;
  const rng = new Rng(1);
  const A = Float32Array.from({ length: n * n }, () => rng.next() - 0.5);
  const B = Float32Array.from({ length: n * n }, () => rng.next() - 0.5);
  const C = new Float32Array(n * n);
  const times: number[] = [];
  for (let r = 0; r < 4; r++) {
    const t0 = performance.now();
    matmul(A, B, C, n, n, n);
    times.push((performance.now() - t0) / 1000);
  }
  const gflops = (2 * n * n * n) / median(times.slice(1)) / 1e9;
  console.log(`  matmul 512³, cpu/js               ${gflops.toFixed(2).padStart(8)} GFLOP/s`);
}

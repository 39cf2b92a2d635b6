// Shared by the wasm kernel tests: a runtime with 1 to 8 threads in either instruction set (SIMD128 or relaxed SIMD),
// seeded random arrays, and the comparison rule.
import '../../../engine/host/node/kernel-threads.ts';
import { loadKernelModule, type KernelVariant } from '../../../engine/backends/wasm/module.ts';
import { KernelRuntime } from '../../../engine/backends/wasm/runtime.ts';
import { Rng } from '../../../engine/rng.ts';

/** Both instruction sets: Node 20 validates relaxed SIMD once kernel-threads.ts (wasm-features.ts) set V8's flag. */
export const VARIANTS: KernelVariant[] = ['simd', 'relaxed-simd'];

/** Splits every kernel, however small, so results of any thread count can be compared bit for bit. */
export async function runtime(threads: number, variant?: KernelVariant): Promise<KernelRuntime> {
  const kernels = await loadKernelModule(variant);
  if ('unavailable' in kernels) throw new Error(kernels.unavailable);
  return KernelRuntime.create(kernels, threads, 0);
}

export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
}

/** Largest |a − b| relative to the reference's largest magnitude (normwise relative error). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  if (actual.length !== expected.length) return Infinity;
  return scale === 0 ? diff : diff / scale;
}

export function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  return (
    a.length === b.length &&
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  );
}

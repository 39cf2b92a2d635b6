// Registers the fast CPU backend as the engine's 'cpu-fast' provider. Hosts import this module (and, for threads,
// their kernel worker host, e.g. engine/host/node/kernel-threads.ts); without it the engine trains on the JS backend.
import { registerBackendProvider } from '../select.ts';
import { WasmBackend } from './backend.ts';
import { loadKernelModule, type KernelVariant } from './module.ts';
import { kernelWorkerHost } from './threads.ts';

/** Threads a backend uses by default: every core the host reports (1 with no worker host). */
export function defaultKernelThreads(): number {
  const host = kernelWorkerHost();
  return host ? Math.max(1, Math.min(host.cores, 16)) : 1;
}

/** `variant` pins the instruction set (tests and benches compare both); by default the fastest that validates. */
export async function createWasmBackend(
  threads = defaultKernelThreads(),
  minParallelWork?: number,
  variant?: KernelVariant,
): Promise<{ backend: WasmBackend } | { unavailable: string }> {
  const kernels = await loadKernelModule(variant);
  if ('unavailable' in kernels) return kernels;
  // The run records which instruction set trained it (backend.info.kernels): wasm-simd or wasm-relaxed-simd.
  return { backend: new WasmBackend(kernels, { threads, minParallelWork }) };
}

registerBackendProvider({
  name: 'cpu-fast',
  create: () => createWasmBackend(),
});

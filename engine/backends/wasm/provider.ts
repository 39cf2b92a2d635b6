// Registers the fast CPU backend as the engine's 'cpu-fast' provider. Hosts import this module (and, for threads,
// their kernel worker host, e.g. engine/host/node/kernel-threads.ts); without it the engine trains on the JS backend.
import { registerBackendProvider } from '../select.ts';
import { WasmBackend } from './backend.ts';
import { loadKernelModule } from './module.ts';
import { kernelWorkerHost } from './threads.ts';

/** Threads a backend uses by default: every core the host reports (1 with no worker host). */
export function defaultKernelThreads(): number {
  const host = kernelWorkerHost();
  return host ? Math.max(1, Math.min(host.cores, 16)) : 1;
}

export async function createWasmBackend(
  threads = defaultKernelThreads(),
  minParallelWork?: number,
): Promise<{ backend: WasmBackend } | { unavailable: string }> {
  const kernels = await loadKernelModule();
  if ('unavailable' in kernels) return kernels;
  return { backend: new WasmBackend(kernels, { threads, minParallelWork }) };
}

registerBackendProvider({
  name: 'cpu-fast',
  create: () => createWasmBackend(),
});

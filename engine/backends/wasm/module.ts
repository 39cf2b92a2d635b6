// Loads the kernels' bytes from the generated module (scripts/build-wasm.mjs) and compiles them once per process.
// Missing module, no WebAssembly SIMD, or no shared memory each give a reason instead of a module.
export interface KernelModule {
  module: WebAssembly.Module;
  /** compiled for shared memory (worker threads) or plain memory (one thread). */
  shared: boolean;
}

let cached: Promise<KernelModule | { unavailable: string }> | null = null;

function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Shared WebAssembly memory works here (SharedArrayBuffer exists: Node, or a cross-origin-isolated page). */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

async function load(): Promise<KernelModule | { unavailable: string }> {
  if (typeof WebAssembly === 'undefined') return { unavailable: 'WebAssembly is not available' };
  let generated: { KERNELS_SHARED_BASE64: string; KERNELS_SINGLE_BASE64: string };
  try {
    generated = await import('./kernels.generated.ts');
  } catch {
    return { unavailable: 'the wasm kernels are not built (run `npm run build:wasm`)' };
  }
  const shared = sharedMemorySupported();
  try {
    const module = await WebAssembly.compile(
      bytesOf(shared ? generated.KERNELS_SHARED_BASE64 : generated.KERNELS_SINGLE_BASE64),
    );
    return { module, shared };
  } catch (e) {
    return { unavailable: `WebAssembly SIMD kernels do not compile here: ${(e as Error).message}` };
  }
}

export function loadKernelModule(): Promise<KernelModule | { unavailable: string }> {
  cached ??= load();
  return cached;
}

// Loads the kernels' bytes from the generated module (scripts/build-wasm.mjs) and compiles them once per process.
// Two instruction sets: relaxed SIMD (the products' multiply-adds fused, f32x4.relaxed_madd) where this engine
// validates it (Chromium and so Electron; Node 20 once engine/host/node/wasm-features.ts has set V8's flag), else
// SIMD128. Missing module, no WebAssembly SIMD, or no shared memory each give a reason instead of a module.
export type KernelVariant = 'relaxed-simd' | 'simd';

export interface KernelModule {
  module: WebAssembly.Module;
  /** compiled for shared memory (worker threads) or plain memory (one thread). */
  shared: boolean;
  /** the instruction set: results are bit-reproducible within a variant, not across the two. */
  variant: KernelVariant;
}

interface GeneratedKernels {
  KERNELS_SHARED_BASE64: string;
  KERNELS_SINGLE_BASE64: string;
  KERNELS_SHARED_RELAXED_BASE64: string;
  KERNELS_SINGLE_RELAXED_BASE64: string;
}

/** The name a run records for its kernels: `wasm-simd` or `wasm-relaxed-simd` (shown as `cpu (wasm-…)`). */
export function kernelsName(variant: KernelVariant): string {
  return `wasm-${variant}`;
}

const cached = new Map<KernelVariant | 'best', Promise<KernelModule | { unavailable: string }>>();

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

// (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd)
const RELAXED_MADD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2,
  253, 133, 2, 11,
]);

/** This engine validates relaxed SIMD now (a V8 flag set later changes the answer, so it is asked each time). */
export function relaxedSimdSupported(): boolean {
  return typeof WebAssembly !== 'undefined' && WebAssembly.validate(RELAXED_MADD_PROBE);
}

async function load(wanted: KernelVariant | 'best'): Promise<KernelModule | { unavailable: string }> {
  if (typeof WebAssembly === 'undefined') return { unavailable: 'WebAssembly is not available' };
  let generated: GeneratedKernels;
  try {
    generated = (await import('./kernels.generated.ts')) as GeneratedKernels;
  } catch {
    return { unavailable: 'the wasm kernels are not built (run `npm run build:wasm`)' };
  }
  if (!generated.KERNELS_SHARED_RELAXED_BASE64)
    return { unavailable: 'the wasm kernels are out of date (run `npm run build:wasm -- --force`)' };
  const shared = sharedMemorySupported();
  const variant = wanted === 'best' ? (relaxedSimdSupported() ? 'relaxed-simd' : 'simd') : wanted;
  if (variant === 'relaxed-simd' && !relaxedSimdSupported())
    return {
      unavailable: 'WebAssembly relaxed SIMD does not validate here (Node 20: --experimental-wasm-relaxed-simd)',
    };
  const base64 =
    variant === 'relaxed-simd'
      ? shared
        ? generated.KERNELS_SHARED_RELAXED_BASE64
        : generated.KERNELS_SINGLE_RELAXED_BASE64
      : shared
        ? generated.KERNELS_SHARED_BASE64
        : generated.KERNELS_SINGLE_BASE64;
  try {
    return { module: await WebAssembly.compile(bytesOf(base64)), shared, variant };
  } catch (e) {
    return { unavailable: `WebAssembly ${variant} kernels do not compile here: ${(e as Error).message}` };
  }
}

/** The kernels in `variant`, or by default the fastest this engine validates (relaxed SIMD, else SIMD128). */
export function loadKernelModule(variant?: KernelVariant): Promise<KernelModule | { unavailable: string }> {
  const key = variant ?? 'best';
  let entry = cached.get(key);
  if (!entry) cached.set(key, (entry = load(key)));
  return entry;
}

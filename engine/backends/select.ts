// Picks the backend for a run: `cpu`, `webgpu`, or `auto` (WebGPU on a real, non-fallback adapter, else CPU).
import { ConfigError, type ExperimentConfig } from '../config.ts';
import type { TrainingBackend } from './backend.ts';
import { CpuBackend } from './cpu/backend.ts';

/** Backends registered by modules that only load where they can run (webgpu in a browser, wasm-simd). */
export interface BackendProvider {
  name: 'webgpu' | 'cpu-fast';
  /** resolves to a backend, or null with the reason it cannot run here. */
  create(config: ExperimentConfig): Promise<{ backend: TrainingBackend } | { unavailable: string }>;
}

const providers = new Map<BackendProvider['name'], BackendProvider>();
export function registerBackendProvider(provider: BackendProvider): void {
  providers.set(provider.name, provider);
}

export async function createBackend(config: ExperimentConfig): Promise<TrainingBackend> {
  if (config.backend === 'webgpu' || config.backend === 'auto') {
    const gpu = providers.get('webgpu');
    const made = gpu
      ? await gpu.create(config)
      : { unavailable: 'WebGPU is not available in this process (no navigator.gpu)' };
    if ('backend' in made) return made.backend;
    if (config.backend === 'webgpu')
      throw new ConfigError(`backend: webgpu cannot run here: ${made.unavailable}`, 'backend', 'webgpu');
  }
  if (config.precision === 'float32') {
    const fast = providers.get('cpu-fast');
    if (fast) {
      const made = await fast.create(config);
      if ('backend' in made) return made.backend;
    }
  }
  return new CpuBackend(config.precision);
}

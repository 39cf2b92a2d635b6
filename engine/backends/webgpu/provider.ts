// Registers the WebGPU backend with engine/backends/select.ts. Import this module only where navigator.gpu may
// exist (a browser page or Web Worker, the Electron renderer). `auto` declines a software fallback adapter (the CPU
// is faster than SwiftShader); an explicit `webgpu` accepts it and records isFallback.
import type { ExperimentConfig } from '../../config.ts';
import { registerBackendProvider, type BackendProvider } from '../select.ts';
import { findAdapter, requestTrainingDevice } from './adapter.ts';
import { WebGpuBackend } from './backend.ts';

export const webGpuProvider: BackendProvider = {
  name: 'webgpu',
  async create(config: ExperimentConfig) {
    if (config.precision === 'float64')
      return { unavailable: 'WebGPU computes in float32; precision float64 runs on the cpu backend' };
    const found = await findAdapter();
    if ('unavailable' in found) return found;
    if (config.backend === 'auto' && found.description.isFallback)
      return {
        unavailable: `the adapter is a software fallback (${found.description.architecture || found.description.vendor || 'unknown'})`,
      };
    try {
      const device = await requestTrainingDevice(found.adapter);
      return { backend: new WebGpuBackend(device, found.description) };
    } catch (e) {
      return { unavailable: `requestDevice() failed: ${(e as Error).message}` };
    }
  },
};

registerBackendProvider(webGpuProvider);

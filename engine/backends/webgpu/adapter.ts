// Finding a WebGPU adapter and describing it for BackendInfo (vendor, architecture, description, fallback or not).
/// <reference types="@webgpu/types" />
import type { AdapterDescription } from './backend.ts';

export type AdapterResult = { adapter: GPUAdapter; description: AdapterDescription } | { unavailable: string };

export async function findAdapter(): Promise<AdapterResult> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) return { unavailable: 'this context has no navigator.gpu (WebGPU is not enabled here)' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { unavailable: `requestAdapter() failed: ${(e as Error).message}` };
  }
  if (!adapter) return { unavailable: 'navigator.gpu.requestAdapter() returned no adapter' };
  return { adapter, description: describeAdapter(adapter) };
}

export function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const info = adapter.info;
  // isFallbackAdapter moved from GPUAdapter to GPUAdapterInfo; older Chromium has only the former.
  const legacy = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const isFallback = Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? legacy ?? false);
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallback,
  };
}

/** The device with the adapter's largest storage-buffer limits, so a whole dataset fits in one binding. */
export async function requestTrainingDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  return adapter.requestDevice({
    label: 'mlp-workbench',
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
}
